import Classifier
import Foundation
import Imaging
@testable import ModelServer

/// A small deterministic generator (xorshift), so fuzz runs replay exactly.
struct SeededRandom {
  var state: UInt64
  init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }
  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }
  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(1, n))) }
  mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }
}

/// A fake network: 4x4 RGB float input; output k is the mean of channel k % 3 times (k + 1).
/// Deterministic per item, so batched and unbatched answers can be compared exactly.
struct FakeEngine: InferenceEngine {
  static let outputs = 6
  var delay: Duration = .zero
  var failOnValue: Float? = nil

  func prepare(_ image: Image) throws -> ModelInput {
    try Preprocessing.named("imagenet", size: 4)!(image)
  }

  func run(_ batch: ModelInput) throws -> [[Float]] {
    if delay > .zero { Thread.sleep(forTimeInterval: Double(delay.components.attoseconds) / 1e18 + Double(delay.components.seconds)) }
    guard let values = batch.floats else { throw ServeError(500, "fake engine takes FP32") }
    let n = batch.shape[0]
    let per = values.count / max(1, n)
    return (0..<n).map { i in
      let item = values[(i * per)..<((i + 1) * per)]
      let plane = per / 3
      return (0..<Self.outputs).map { k in
        let c = k % 3
        let mean = item[(item.startIndex + c * plane)..<(item.startIndex + (c + 1) * plane)].reduce(0, +) / Float(plane)
        return mean * Float(k + 1)
      }
    }
  }
}

enum Fixtures {
  /// A fake model's description: 6 classes with synset ids.
  static func description(name: String = "fake") -> ModelDescription {
    let labels = Labels(
      names: ["zero", "one", "two", "tabby, tabby cat", "four", "five"],
      synsets: ["n00000000", "n00000001", "n00000002", "n02123045", "n00000004", "n00000005"])
    let input = InputSignature(
      name: "data", elementType: .float32, layout: .nchw, channels: 3, height: 4, width: 4, batch: nil)
    return ModelDescription(
      name: name, source: "fake.onnx", input: input, labels: labels, labelsSource: "test",
      outputCount: FakeEngine.outputs, endsInSoftmax: false, profile: "imagenet", loadSeconds: 0.5)
  }

  /// A server core with one loaded fake model.
  static func core(
    token: String? = nil, maxBatch: Int = 8, delay: Duration = .milliseconds(2), maxQueue: Int = 64,
    engine: FakeEngine = FakeEngine()
  ) -> (ServerCore, ServedModel) {
    let table = ModelTable(expecting: [("fake", "fake.onnx")])
    let metrics = ServerMetrics()
    let model = ServedModel(
      description: description(), engine: engine, maxBatch: maxBatch, delay: delay, maxQueue: maxQueue,
      onBatch: { metrics.batch(model: "fake", size: $0, duration: $1) })
    table.add(model)
    return (ServerCore(models: table, metrics: metrics, options: ServeOptions(token: token, version: "test")), model)
  }

  /// A PNG of the given size filled with one colour.
  static func png(width: Int = 8, height: Int = 8, rgb: [UInt8] = [200, 30, 90]) -> [UInt8] {
    try! Image(width: width, height: height, fill: rgb).pngData()
  }

  /// The multipart body `curl -F data=@kitten.jpg` sends.
  static func multipart(fields: [(String, [UInt8])], boundary: String = "------------------------d74496d66958873e")
    -> [UInt8]
  {
    var body: [UInt8] = []
    for (name, bytes) in fields {
      body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"kitten.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
      body += bytes
      body += Array("\r\n".utf8)
    }
    body += Array("--\(boundary)--\r\n".utf8)
    return body
  }
}

extension ServerResponse {
  /// The body parsed as JSON (fails the test on bad JSON by throwing).
  func json() throws -> JSON { try JSON.parse(body) }
}

import JSON
