import Foundation
import JSON

/// One input tensor of an Open Inference Protocol v2 request.
public struct InferTensor: Equatable, Sendable {
  /// Its elements: numbers for FP32 and UINT8, byte strings for BYTES.
  public enum Data: Equatable, Sendable {
    case float32([Float])
    case uint8([UInt8])
    case bytes([[UInt8]])
  }
  /// The input's name.
  public var name: String
  /// Its shape.
  public var shape: [Int]
  /// `FP32`, `UINT8` or `BYTES`.
  public var datatype: String
  /// The elements, in row-major order.
  public var data: Data
}

/// An output the client asked for.
public struct RequestedOutput: Equatable, Sendable {
  /// The output's name.
  public var name: String
  /// `classification: K`: the top K classes as strings instead of the tensor.
  public var classification: Int?
  /// Whether to send the data in binary (Triton's binary tensor extension).
  public var binary: Bool
}

/// A parsed v2 `infer` request (JSON, or JSON followed by binary tensors).
public struct InferRequest: Equatable, Sendable {
  /// The request id, echoed in the response.
  public var id: String?
  /// The inputs.
  public var inputs: [InferTensor]
  /// The outputs asked for (empty: all, as JSON unless `binaryOutput`).
  public var outputs: [RequestedOutput]
  /// `parameters.binary_data_output`: outputs not listed come back in binary.
  public var binaryOutput: Bool

  /// Elements beyond this in one tensor are refused before anything is allocated.
  public static let maxElements = 1 << 26

  /// Parses a request body; `headerLength` is `Inference-Header-Content-Length`, present
  /// when binary tensor data follows the JSON.
  public static func parse(_ body: [UInt8], headerLength: String?) throws(ServeError) -> InferRequest {
    var jsonEnd = body.count
    if let headerLength {
      guard let n = Int(headerLength), n >= 0, n <= body.count else {
        throw ServeError(400, "Inference-Header-Content-Length \(headerLength) does not fit the \(body.count)-byte body")
      }
      jsonEnd = n
    }
    let json: JSON
    do { json = try JSON.parse(body[0..<jsonEnd], maxDepth: 64) } catch {
      throw ServeError(400, "the request is not valid JSON: \(error)")
    }
    guard json.objectValue != nil, let list = json["inputs"]?.arrayValue, !list.isEmpty else {
      throw ServeError(400, "the request needs an 'inputs' array with at least one input")
    }
    var binary = BinaryCursor(bytes: body, offset: jsonEnd)
    var inputs: [InferTensor] = []
    for (index, item) in list.enumerated() {
      inputs.append(try tensor(item, index: index, binary: &binary))
    }
    guard binary.offset == body.count else {
      throw ServeError(400, "\(body.count - binary.offset) bytes of binary data are not claimed by any input")
    }
    var outputs: [RequestedOutput] = []
    for item in json["outputs"]?.arrayValue ?? [] {
      guard let name = item["name"]?.stringValue else { throw ServeError(400, "an output has no 'name'") }
      let k = item["parameters"]?["classification"]
      if let k, k.intValue.map({ $0 < 0 || $0 > 1_000_000 }) ?? true {
        throw ServeError(400, "output '\(name)': classification must be a count, got \(k.text)")
      }
      outputs.append(
        RequestedOutput(
          name: name, classification: k?.intValue.flatMap { $0 > 0 ? $0 : nil },
          binary: item["parameters"]?["binary_data"]?.boolValue ?? false))
    }
    return InferRequest(
      id: json["id"]?.stringValue, inputs: inputs, outputs: outputs,
      binaryOutput: json["parameters"]?["binary_data_output"]?.boolValue ?? false)
  }

  /// One input: name, shape, datatype, and its data from JSON or the binary section.
  private static func tensor(_ item: JSON, index: Int, binary: inout BinaryCursor) throws(ServeError)
    -> InferTensor
  {
    guard let name = item["name"]?.stringValue else { throw ServeError(400, "input \(index) has no 'name'") }
    guard let datatype = item["datatype"]?.stringValue else {
      throw ServeError(400, "input '\(name)' has no 'datatype'")
    }
    guard let dims = item["shape"]?.arrayValue, dims.count <= 8 else {
      throw ServeError(400, "input '\(name)' needs a 'shape' of at most 8 dimensions")
    }
    var shape: [Int] = []
    var count = 1
    for d in dims {
      guard let n = d.intValue, n >= 0, n <= maxElements else {
        throw ServeError(400, "input '\(name)': shape \(JSON.array(dims).text) has a bad dimension")
      }
      shape.append(n)
      count = n == 0 ? 0 : (count > maxElements / n ? maxElements + 1 : count * n)
      guard count <= maxElements else {
        throw ServeError(400, "input '\(name)': shape \(shape) is over \(maxElements) elements")
      }
    }
    let data: InferTensor.Data
    if let size = item["parameters"]?["binary_data_size"] {
      guard let n = size.intValue, n >= 0 else { throw ServeError(400, "input '\(name)': bad binary_data_size") }
      data = try decodeBinary(try binary.take(n, input: name), datatype: datatype, count: count, input: name)
    } else {
      guard let values = item["data"] else { throw ServeError(400, "input '\(name)' has no 'data'") }
      data = try decodeJSON(values, datatype: datatype, count: count, input: name)
    }
    return InferTensor(name: name, shape: shape, datatype: datatype, data: data)
  }

  /// JSON data: a flat or nested array of numbers (or strings for BYTES).
  private static func decodeJSON(_ values: JSON, datatype: String, count: Int, input: String)
    throws(ServeError) -> InferTensor.Data
  {
    var flat: [JSON] = []
    flat.reserveCapacity(count)
    try flatten(values, into: &flat, limit: count, input: input)
    guard flat.count == count else {
      throw ServeError(400, "input '\(input)' has \(flat.count) values for a shape of \(count) elements")
    }
    switch datatype {
    case "FP32":
      var out = [Float]()
      out.reserveCapacity(count)
      for v in flat {
        guard let d = v.doubleValue else { throw ServeError(400, "input '\(input)': FP32 data must be numbers") }
        out.append(Float(d))
      }
      return .float32(out)
    case "UINT8":
      var out = [UInt8]()
      out.reserveCapacity(count)
      for v in flat {
        guard let n = v.intValue, n >= 0, n <= 255 else {
          throw ServeError(400, "input '\(input)': UINT8 data must be integers 0…255")
        }
        out.append(UInt8(n))
      }
      return .uint8(out)
    case "BYTES":
      var out = [[UInt8]]()
      for v in flat {
        guard let s = v.stringValue else { throw ServeError(400, "input '\(input)': BYTES data must be strings") }
        // JSON strings cannot hold raw image bytes: base64 is how clients send them.
        out.append(Data(base64Encoded: s).map { [UInt8]($0) } ?? Array(s.utf8))
      }
      return .bytes(out)
    default:
      throw ServeError(400, "input '\(input)': datatype \(datatype) is not supported (FP32, UINT8 or BYTES)")
    }
  }

  private static func flatten(_ value: JSON, into out: inout [JSON], limit: Int, input: String)
    throws(ServeError)
  {
    guard case .array(let items) = value else {
      out.append(value)
      return
    }
    for item in items {
      try flatten(item, into: &out, limit: limit, input: input)
      guard out.count <= limit else {
        throw ServeError(400, "input '\(input)' has more values than its shape holds")
      }
    }
  }

  /// Binary data: little-endian FP32, raw UINT8, or BYTES as 4-byte-length-prefixed elements.
  static func decodeBinary(_ raw: ArraySlice<UInt8>, datatype: String, count: Int, input: String)
    throws(ServeError) -> InferTensor.Data
  {
    switch datatype {
    case "FP32":
      guard raw.count == count * 4 else {
        throw ServeError(400, "input '\(input)': \(raw.count) bytes for \(count) FP32 values")
      }
      var out = [Float](repeating: 0, count: count)
      out.withUnsafeMutableBytes { dst in dst.copyBytes(from: raw) }
      return .float32(out.map { Float(bitPattern: UInt32(littleEndian: $0.bitPattern)) })
    case "UINT8":
      guard raw.count == count else {
        throw ServeError(400, "input '\(input)': \(raw.count) bytes for \(count) UINT8 values")
      }
      return .uint8(Array(raw))
    case "BYTES":
      var out: [[UInt8]] = []
      var at = raw.startIndex
      while at < raw.endIndex {
        guard raw.endIndex - at >= 4 else { throw ServeError(400, "input '\(input)': truncated BYTES length") }
        let n = (0..<4).reduce(0) { $0 | Int(raw[at + $1]) << (8 * $1) }
        at += 4
        guard n <= raw.endIndex - at else { throw ServeError(400, "input '\(input)': BYTES element runs past the data") }
        out.append(Array(raw[at..<(at + n)]))
        at += n
      }
      guard out.count == count else {
        throw ServeError(400, "input '\(input)' has \(out.count) BYTES elements for a shape of \(count)")
      }
      return .bytes(out)
    default:
      throw ServeError(400, "input '\(input)': datatype \(datatype) is not supported (FP32, UINT8 or BYTES)")
    }
  }
}

/// Reads consecutive binary tensors after the JSON header.
private struct BinaryCursor {
  let bytes: [UInt8]
  var offset: Int

  mutating func take(_ n: Int, input: String) throws(ServeError) -> ArraySlice<UInt8> {
    guard n <= bytes.count - offset else {
      throw ServeError(400, "input '\(input)': binary_data_size \(n) runs past the end of the body")
    }
    defer { offset += n }
    return bytes[offset..<(offset + n)]
  }
}
