import Classifier
import Foundation
import Imaging
import JSON

// The Open Inference Protocol v2 (KServe, Triton): metadata, readiness and `infer`, with
// Triton's classification and binary tensor data extensions.
extension ServerCore {
  /// The one output every model has: its raw output vector per image.
  static let outputName = "output"

  /// `GET /v2`.
  func v2ServerMetadata() -> ServerResponse {
    .json([
      "name": "tabby", "version": .string(options.version),
      "extensions": ["classification", "binary_tensor_data"],
    ])
  }

  /// `GET /v2/models/{m}`: inputs and outputs with datatypes and shapes (-1: any).
  func v2ModelMetadata(_ name: String) throws(ServeError) -> ServerResponse {
    let d = try model(name).description
    return .json([
      "name": .string(name), "versions": ["1"], "platform": "tabby",
      "inputs": [
        ["name": .string(d.input.name), "datatype": .string(d.inputDatatype),
         "shape": .array(d.inputShape.map(JSON.int))]
      ],
      "outputs": [
        ["name": .string(Self.outputName), "datatype": "FP32", "shape": [-1, .int(d.outputCount)]]
      ],
    ])
  }

  /// `GET /v2/models/{m}/ready`: 200 when loaded, 503 while loading, 404 when unknown.
  func v2ModelReady(_ name: String) throws(ServeError) -> ServerResponse {
    _ = try model(name)
    return .json(["name": .string(name), "ready": true])
  }

  /// `POST /v2/models/{m}/infer`.
  func v2Infer(_ name: String, _ request: ServerRequest) async throws -> ServerResponse {
    let model = try model(name)
    let infer = try InferRequest.parse(
      request.body, headerLength: request.headers["inference-header-content-length"])
    guard infer.inputs.count == 1 else {
      throw ServeError(400, "model '\(name)' takes one input, got \(infer.inputs.count)")
    }
    let items = try inputs(infer.inputs[0], model)
    let raw = try await model.infer(items)
    let wanted =
      infer.outputs.isEmpty
      ? [RequestedOutput(name: Self.outputName, classification: nil, binary: infer.binaryOutput)]
      : infer.outputs
    var encoder = OutputEncoder()
    for output in wanted {
      guard output.name == Self.outputName else {
        throw ServeError(400, "model '\(name)' has no output '\(output.name)' (it has '\(Self.outputName)')")
      }
      if let k = output.classification {
        encoder.add(name: output.name, datatype: "BYTES", shape: [raw.count, k],
          strings: try classification(model.description, raw, k: k), binary: output.binary)
      } else {
        encoder.add(name: output.name, shape: [raw.count, model.description.outputCount],
          floats: raw.flatMap { $0 }, binary: output.binary)
      }
    }
    var head: JSONObject = ["model_name": .string(name), "model_version": "1"]
    if let id = infer.id { head["id"] = .string(id) }
    return encoder.response(head: head)
  }

  /// The input as batches of one: split along the first axis for a tensor, decoded and
  /// preprocessed for BYTES (encoded images).
  func inputs(_ tensor: InferTensor, _ model: ServedModel) throws -> [ModelInput] {
    let d = model.description
    if case .bytes(let images) = tensor.data {
      guard !images.isEmpty else { throw ServeError(400, "input '\(tensor.name)' holds no images") }
      return try images.enumerated().map { i, bytes in
        try model.prepare(encoded: bytes, name: "image \(i) of input '\(tensor.name)'")
      }
    }
    guard tensor.datatype == d.inputDatatype else {
      throw ServeError(
        400, "input '\(tensor.name)' is \(tensor.datatype); model '\(d.name)' takes \(d.inputDatatype) "
          + "(or BYTES holding encoded images)")
    }
    let declared = d.inputShape
    let fits = tensor.shape.count == 4 && tensor.shape[0] >= 1
      && zip(tensor.shape.dropFirst(), declared.dropFirst()).allSatisfy { $1 == -1 || $0 == $1 }
      && tensor.shape.dropFirst().allSatisfy { $0 >= 1 }
    guard fits else {
      throw ServeError(
        400, "input '\(tensor.name)' has shape \(tensor.shape); model '\(d.name)' takes \(declared) (-1: any)")
    }
    let n = tensor.shape[0]
    let one = [1] + tensor.shape.dropFirst()
    let size = one.reduce(1, *)
    switch tensor.data {
    case .float32(let v):
      return (0..<n).map { ModelInput(.float32(Array(v[($0 * size)..<(($0 + 1) * size)])), shape: one) }
    case .uint8(let v):
      return (0..<n).map { ModelInput(.uint8(Array(v[($0 * size)..<(($0 + 1) * size)])), shape: one) }
    case .bytes: return []
    }
  }

  /// Triton's classification strings, `value:index:label`, best first.
  func classification(_ d: ModelDescription, _ raw: [[Float]], k: Int) throws -> [String] {
    try raw.flatMap { output -> [String] in
      let top = try d.top(output, k: k)
      var strings = top.map { score -> String in
        let value = String(format: "%f:%d", Double(score.probability), score.index + d.labelOffset)
        return score.label.map { value + ":" + $0 } ?? value
      }
      // Fewer classes than K: Triton pads with empty strings so the shape holds.
      while strings.count < k { strings.append("") }
      return strings
    }
  }
}

/// Builds a v2 response: JSON outputs, then binary outputs after the JSON header.
struct OutputEncoder {
  private var outputs: [JSON] = []
  private var binary: [UInt8] = []

  mutating func add(name: String, shape: [Int], floats: [Float], binary asBinary: Bool) {
    var o: JSONObject = ["name": .string(name), "datatype": "FP32", "shape": .array(shape.map(JSON.int))]
    if asBinary {
      let start = binary.count
      for f in floats { withUnsafeBytes(of: f.bitPattern.littleEndian) { binary.append(contentsOf: $0) } }
      o["parameters"] = ["binary_data_size": .int(binary.count - start)]
    } else {
      o["data"] = .array(floats.map { .number(Double($0)) })
    }
    outputs.append(.object(o))
  }

  mutating func add(name: String, datatype: String, shape: [Int], strings: [String], binary asBinary: Bool) {
    var o: JSONObject = ["name": .string(name), "datatype": .string(datatype), "shape": .array(shape.map(JSON.int))]
    if asBinary {
      let start = binary.count
      for s in strings {
        let bytes = Array(s.utf8)
        withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { binary.append(contentsOf: $0) }
        binary.append(contentsOf: bytes)
      }
      o["parameters"] = ["binary_data_size": .int(binary.count - start)]
    } else {
      o["data"] = .array(strings.map(JSON.string))
    }
    outputs.append(.object(o))
  }

  func response(head: JSONObject) -> ServerResponse {
    var object = head
    object["outputs"] = .array(outputs)
    let json = JSON.object(object).bytes
    guard !binary.isEmpty else { return .json(.object(object)) }
    return ServerResponse(
      status: 200,
      headers: [
        ("Content-Type", "application/octet-stream"), ("Inference-Header-Content-Length", String(json.count)),
      ],
      body: json + binary)
  }
}
