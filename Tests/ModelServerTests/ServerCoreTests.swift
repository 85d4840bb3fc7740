import Foundation
import JSON
import Testing
@testable import ModelServer

/// The endpoints through `ServerCore.handle`, no sockets, with a fake network.
@Suite struct ServerCoreTests {
  func post(_ path: String, _ body: [UInt8], type: String? = nil, query: [String: String] = [:]) -> ServerRequest {
    ServerRequest(method: "POST", path: path, query: query, headers: type.map { ["Content-Type": $0] } ?? [:], body: body)
  }

  @Test func pingIsUnhealthyUntilEveryModelLoads() async throws {
    let table = ModelTable(expecting: [("a", "a.onnx"), ("fake", "fake.onnx")])
    let core = ServerCore(models: table, options: ServeOptions())
    #expect(await core.handle(ServerRequest(method: "GET", path: "/ping")).status == 503)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/v2/health/ready")).status == 503)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/v2/health/live")).status == 200)
    let loading = await core.handle(post("/predictions/a", Fixtures.png()))
    #expect(loading.status == 503)
    let (_, model) = Fixtures.core()
    table.add(model)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/ping")).status == 503)  // "a" still loading
    let list = try await core.handle(ServerRequest(method: "GET", path: "/models")).json()
    #expect(list["models"]?.arrayValue?.compactMap { $0["status"]?.stringValue } == ["LOADING", "READY"])
  }

  @Test func predictionsTakesRawOrMultipartAndAnswersTopK() async throws {
    let (core, _) = Fixtures.core()
    let image = Fixtures.png(rgb: [250, 10, 10])
    let raw = try await core.handle(post("/predictions/fake", image)).json()
    let form = try await core.handle(
      post("/predictions/fake", Fixtures.multipart(fields: [("data", image)]),
        type: "multipart/form-data; boundary=------------------------d74496d66958873e")).json()
    #expect(raw == form)
    let list = try #require(raw.arrayValue)
    #expect(list.count == 5)
    let probabilities = list.compactMap { $0["probability"]?.doubleValue }
    #expect(probabilities == probabilities.sorted(by: >))
    #expect(list.allSatisfy { $0["class"]?.stringValue?.hasPrefix("n0") == true })
    let three = try await core.handle(post("/predictions/fake", image, query: ["topk": "3"])).json()
    #expect(three.arrayValue?.count == 3)
    #expect(three.arrayValue.map { Array($0) } == Array(list.prefix(3)))
  }

  @Test func legacyPredictAnswersTheSeedShape() async throws {
    let (core, _) = Fixtures.core()
    let image = Fixtures.png()
    let body = Fixtures.multipart(fields: [("data", image)])
    let response = await core.handle(
      post("/fake/predict", body, type: "multipart/form-data; boundary=------------------------d74496d66958873e"))
    #expect(response.status == 200)
    let json = try response.json()
    let lists = try #require(json["prediction"]?.arrayValue)
    #expect(lists.count == 1)
    #expect(lists[0].arrayValue?.count == 5)
    #expect(lists[0][0]?["class"]?.stringValue != nil)
    #expect(try await core.handle(post("/predictions/fake", image)).json() == lists[0])
  }

  @Test func badInputGetsTheRightStatus() async throws {
    let (core, _) = Fixtures.core()
    let notImage = await core.handle(post("/predictions/fake", Array("hello".utf8)))
    #expect(notImage.status == 400)
    #expect(try notImage.json()["error"]?.stringValue?.contains("unknown image format") == true)
    let truncated = await core.handle(post("/predictions/fake", Array(Fixtures.png().prefix(40))))
    #expect(truncated.status == 400)
    #expect(await core.handle(post("/predictions/nope", Fixtures.png())).status == 404)
    #expect(await core.handle(post("/predictions/fake", [])).status == 400)
    #expect(await core.handle(post("/predictions/fake", Fixtures.png(), query: ["topk": "0"])).status == 400)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/predictions/fake")).status == 405)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/nothing/here/at/all")).status == 404)
    let legacyRaw = await core.handle(post("/fake/predict", Fixtures.png()))
    #expect(legacyRaw.status == 400)
  }

  @Test func tokenGuardsAllButHealth() async throws {
    let (core, _) = Fixtures.core(token: "s3cret")
    #expect(await core.handle(ServerRequest(method: "GET", path: "/ping")).status == 200)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/v2/health/live")).status == 200)
    let denied = await core.handle(ServerRequest(method: "GET", path: "/models"))
    #expect(denied.status == 401)
    #expect(denied.header("WWW-Authenticate") == "Bearer")
    #expect(await core.handle(ServerRequest(method: "GET", path: "/metrics")).status == 401)
    let wrong = ServerRequest(method: "GET", path: "/models", headers: ["Authorization": "Bearer s3creT"])
    #expect(await core.handle(wrong).status == 401)
    let right = ServerRequest(method: "GET", path: "/models", headers: ["authorization": "Bearer s3cret"])
    #expect(await core.handle(right).status == 200)
  }

  @Test func v2MetadataAndReadiness() async throws {
    let (core, _) = Fixtures.core()
    let server = try await core.handle(ServerRequest(method: "GET", path: "/v2")).json()
    #expect(server["extensions"]?.arrayValue?.contains("classification") == true)
    let meta = try await core.handle(ServerRequest(method: "GET", path: "/v2/models/fake/versions/1")).json()
    #expect(meta["inputs"]?[0]?["shape"] == [-1, 3, 4, 4])
    #expect(meta["outputs"]?[0]?["shape"] == [-1, 6])
    #expect(await core.handle(ServerRequest(method: "GET", path: "/v2/models/fake/ready")).status == 200)
    #expect(await core.handle(ServerRequest(method: "GET", path: "/v2/models/zzz/ready")).status == 404)
  }

  @Test func v2InferTensorEqualsImagePath() async throws {
    let (core, model) = Fixtures.core()
    let image = Fixtures.png(rgb: [10, 200, 40])
    let prepared = try model.prepare(encoded: image, name: "x")
    let data = JSON.array(prepared.floats!.map { .number(Double($0)) })
    let body = JSON.object([
      "inputs": [["name": "data", "shape": [1, 3, 4, 4], "datatype": "FP32", "data": data]],
      "outputs": [["name": "output"], ["name": "output", "parameters": ["classification": 2]]],
    ]).bytes
    let answer = try await core.handle(post("/v2/models/fake/infer", body)).json()
    let values = (answer["outputs"]?[0]?["data"]?.arrayValue ?? []).compactMap(\.doubleValue)
    let expected = try FakeEngine().run(prepared)[0]
    #expect(values == expected.map(Double.init))
    let classes = (answer["outputs"]?[1]?["data"]?.arrayValue ?? []).compactMap(\.stringValue)
    #expect(classes.count == 2)
    let mms = try await core.handle(post("/predictions/fake", image)).json()
    let best = try #require(mms[0]?["probability"]?.doubleValue)
    #expect(classes[0].hasPrefix(String(format: "%f:", best)))
  }

  @Test func v2InferBytesBinaryRoundTrip() async throws {
    let (core, _) = Fixtures.core()
    let image = Fixtures.png()
    let header = JSON.object([
      "inputs": [["name": "images", "shape": [2], "datatype": "BYTES", "parameters": ["binary_data_size": .int(2 * (image.count + 4))]]],
      "outputs": [["name": "output", "parameters": ["binary_data": true]]],
    ]).bytes
    var body = header
    for _ in 0..<2 { body += [UInt8(image.count & 0xFF), UInt8(image.count >> 8), 0, 0] + image }
    let response = await core.handle(
      ServerRequest(method: "POST", path: "/v2/models/fake/infer", headers: ["Inference-Header-Content-Length": String(header.count)], body: body))
    #expect(response.status == 200)
    let length = Int(response.header("Inference-Header-Content-Length") ?? "") ?? 0
    #expect(length > 0)
    let head = try JSON.parse(response.body[0..<length])
    #expect(head["outputs"]?[0]?["shape"] == [2, 6])
    #expect(response.body.count - length == 2 * 6 * 4)
  }

  @Test func v2ErrorsAreJSON() async throws {
    let (core, _) = Fixtures.core()
    let wrongShape = #"{"inputs": [{"name": "data", "shape": [1, 3, 5, 4], "datatype": "FP32", "data": [\#(Array(repeating: "0", count: 60).joined(separator: ","))]}]}"#
    let r1 = await core.handle(post("/v2/models/fake/infer", Array(wrongShape.utf8)))
    #expect(r1.status == 400)
    #expect(try r1.json()["error"]?.stringValue?.contains("shape") == true)
    let wrongType = #"{"inputs": [{"name": "data", "shape": [1], "datatype": "UINT8", "data": [1]}]}"#
    #expect(await core.handle(post("/v2/models/fake/infer", Array(wrongType.utf8))).status == 400)
    let badImage = #"{"inputs": [{"name": "data", "shape": [1], "datatype": "BYTES", "data": ["not an image"]}]}"#
    #expect(await core.handle(post("/v2/models/fake/infer", Array(badImage.utf8))).status == 400)
    let badOutput = #"{"inputs": [{"name": "data", "shape": [1], "datatype": "BYTES", "data": ["x"]}], "outputs": [{"name": "zz"}]}"#
    #expect(await core.handle(post("/v2/models/fake/infer", Array(badOutput.utf8))).status == 400)
  }

  @Test func metricsCountRequestsAndBatches() async throws {
    let (core, _) = Fixtures.core()
    _ = await core.handle(post("/predictions/fake", Fixtures.png()))
    _ = await core.handle(post("/predictions/nope", Fixtures.png()))
    let text = String(decoding: await core.handle(ServerRequest(method: "GET", path: "/metrics")).body, as: UTF8.self)
    #expect(text.contains(#"tabby_requests_total{model="fake",endpoint="predictions",status="200"} 1"#))
    #expect(text.contains(#"tabby_requests_total{model="",endpoint="predictions",status="404"} 1"#))
    #expect(text.contains("tabby_batch_size_items_count{model=\"fake\"} 1"))
    #expect(text.contains("tabby_queue_depth_items{model=\"fake\"} 0.0"))
    #expect(text.contains("tabby_request_duration_seconds_bucket"))
  }

  /// Requests arriving together run as one batch, and each answer equals its unbatched one.
  @Test func batchedAnswersEqualUnbatched() async throws {
    // maxBatch 6: the batch runs when the 6th request joins; the long delay only leaves
    // room for tasks that start late on a loaded machine.
    let (core, _) = Fixtures.core(maxBatch: 6, delay: .seconds(10))
    let images = (0..<6).map { Fixtures.png(rgb: [UInt8(40 * $0), UInt8(255 - 30 * $0), 77]) }
    let (single, _) = Fixtures.core(maxBatch: 1, delay: .zero)
    var alone: [JSON] = []
    for image in images { alone.append(try await single.handle(post("/predictions/fake", image)).json()) }
    let together = try await withThrowingTaskGroup(of: (Int, JSON).self) { group in
      for (i, image) in images.enumerated() {
        group.addTask { (i, try await core.handle(self.post("/predictions/fake", image)).json()) }
      }
      var out = [JSON](repeating: .null, count: images.count)
      for try await (i, json) in group { out[i] = json }
      return out
    }
    #expect(together == alone)
    let metrics = String(decoding: await core.handle(ServerRequest(method: "GET", path: "/metrics")).body, as: UTF8.self)
    #expect(metrics.contains("tabby_batch_size_items_count{model=\"fake\"} 1"), "one batch of 6: \(metrics)")
  }

  @Test func queueFullIs503WithRetryAfter() async throws {
    let (core, _) = Fixtures.core(maxBatch: 1, delay: .zero, maxQueue: 1, engine: FakeEngine(delay: .seconds(1)))
    let image = Fixtures.png()
    let statuses = await withTaskGroup(of: (Int, String?).self) { group in
      for _ in 0..<4 {
        group.addTask {
          let r = await core.handle(self.post("/predictions/fake", image))
          return (r.status, r.header("Retry-After"))
        }
      }
      var out: [(Int, String?)] = []
      for await s in group { out.append(s) }
      return out
    }
    #expect(statuses.contains { $0.0 == 200 })
    #expect(statuses.contains { $0.0 == 503 && $0.1 == "1" })
  }

  /// Random request targets and bodies at every endpoint: always a JSON answer.
  @Test func fuzzedRequestsAlwaysGetAnAnswer() async throws {
    let (core, _) = Fixtures.core(delay: .zero)
    var random = SeededRandom(seed: 7)
    let paths = ["/predictions/fake", "/fake/predict", "/v2/models/fake/infer", "/models/fake", "/v2/models/fake", "/ping"]
    let seeds: [[UInt8]] = [Fixtures.png(), Fixtures.multipart(fields: [("data", Fixtures.png())], boundary: "q"), Array(#"{"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES", "data": ["a"]}]}"#.utf8)]
    for _ in 0..<300 {
      var body = seeds[random.below(seeds.count)]
      for _ in 0..<random.below(4) where !body.isEmpty { body[random.below(body.count)] = random.byte() }
      let path = paths[random.below(paths.count)]
      let type = random.below(2) == 0 ? "multipart/form-data; boundary=q" : "application/json"
      let response = await core.handle(ServerRequest(method: random.below(5) == 0 ? "GET" : "POST", path: path, headers: ["Content-Type": type], body: body))
      #expect((200..<600).contains(response.status))
      if response.status >= 400 { #expect((try? response.json())?["error"] != nil) }
    }
  }
}
