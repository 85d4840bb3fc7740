import Foundation
import JSON
import Testing
@testable import ModelServer

@Suite struct InferRequestTests {
  @Test func jsonTensorWithNestedData() throws {
    let body = #"{"id": "7", "inputs": [{"name": "data", "shape": [1, 2, 2], "datatype": "FP32", "data": [[[1, 2], [3, 4.5]]]}], "outputs": [{"name": "output", "parameters": {"classification": 3}}]}"#
    let request = try InferRequest.parse(Array(body.utf8), headerLength: nil)
    #expect(request.id == "7")
    #expect(request.inputs[0].data == .float32([1, 2, 3, 4.5]))
    #expect(request.inputs[0].shape == [1, 2, 2])
    #expect(request.outputs == [RequestedOutput(name: "output", classification: 3, binary: false)])
  }

  @Test func binaryTensorsFollowTheHeader() throws {
    let header = #"{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "parameters": {"binary_data_size": 8}}, {"name": "b", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": 11}}], "parameters": {"binary_data_output": true}}"#
    var body = Array(header.utf8)
    for f: Float in [1.5, -2] { withUnsafeBytes(of: f.bitPattern.littleEndian) { body += $0 } }
    body += [3, 0, 0, 0] + Array("abc".utf8) + [0, 0, 0, 0]
    let request = try InferRequest.parse(body, headerLength: String(header.utf8.count))
    #expect(request.inputs[0].data == .float32([1.5, -2]))
    #expect(request.inputs[1].data == .bytes([Array("abc".utf8), []]))
    #expect(request.binaryOutput)
  }

  @Test(arguments: [
    (#"{"inputs": []}"#, "at least one input"),
    (#"{"inputs": [{"name": "a", "shape": [3], "datatype": "FP32", "data": [1, 2]}]}"#, "2 values"),
    (#"{"inputs": [{"name": "a", "shape": [2], "datatype": "FP32", "data": [1, 2, 3]}]}"#, "more values"),
    (#"{"inputs": [{"name": "a", "shape": [1], "datatype": "INT64", "data": [1]}]}"#, "not supported"),
    (#"{"inputs": [{"name": "a", "shape": [1], "datatype": "UINT8", "data": [256]}]}"#, "0…255"),
    (#"{"inputs": [{"name": "a", "shape": [100000, 100000], "datatype": "FP32", "data": []}]}"#, "elements"),
    (#"{"inputs": [{"name": "a", "shape": [-1], "datatype": "FP32", "data": []}]}"#, "bad dimension"),
    (#"[1, 2]"#, "inputs"),
    (#"{"inputs": "#, "not valid JSON"),
  ])
  func badRequestsName(_ body: String, _ phrase: String) {
    do {
      _ = try InferRequest.parse(Array(body.utf8), headerLength: nil)
      Issue.record("accepted \(body)")
    } catch {
      #expect(error.status == 400)
      #expect(error.message.contains(phrase), "\(error.message)")
    }
  }

  @Test func headerLengthMustFitTheBody() {
    #expect(throws: ServeError.self) { try InferRequest.parse(Array("{}".utf8), headerLength: "99") }
    #expect(throws: ServeError.self) { try InferRequest.parse(Array("{}".utf8), headerLength: "x") }
  }

  /// Seeded mutations of valid JSON and binary requests: parsed or a 400, never a crash.
  @Test func fuzzedRequestsNeverCrash() {
    let header = #"{"inputs": [{"name": "b", "shape": [2], "datatype": "BYTES", "parameters": {"binary_data_size": 10}}], "outputs": [{"name": "output", "parameters": {"classification": 2, "binary_data": true}}]}"#
    let valid = Array(header.utf8) + [3, 0, 0, 0] + Array("abc".utf8) + [0, 0, 0]
    var random = SeededRandom(seed: 2024)
    for round in 0..<4000 {
      var body = valid
      for _ in 0..<(1 + random.below(5)) {
        switch random.below(3) {
        case 0: if !body.isEmpty { body[random.below(body.count)] = random.byte() }
        case 1: body = Array(body.prefix(random.below(body.count + 1)))
        default: body.insert(random.byte(), at: random.below(body.count + 1))
        }
      }
      let length = round % 3 == 0 ? nil : String(random.below(body.count + 2))
      do { _ = try InferRequest.parse(body, headerLength: length) } catch { #expect(error.status == 400) }
    }
  }
}
