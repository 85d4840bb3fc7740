/// Reads an ONNX ModelProto (wire format) into a Graph: nodes, attributes, initializers,
/// declared inputs/outputs with symbolic dimensions, and the ai.onnx opset.
public enum ONNXReader {
  /// Parses a serialized ModelProto.
  public static func read(_ bytes: [UInt8]) throws(ModelLoadError) -> Graph {
    var result: Result<Graph, ModelLoadError>!
    bytes.withUnsafeBytes { raw in result = Result { () throws(ModelLoadError) -> Graph in try read(buffer: raw) } }
    return try result.get()
  }

  /// Parses a serialized ModelProto from memory the caller keeps valid for the call (a
  /// mapped file); every tensor's data is copied out, so the graph does not refer to it.
  static func read(buffer bytes: UnsafeRawBufferPointer) throws(ModelLoadError) -> Graph {
    var r = ProtoReader(bytes, message: "ModelProto")
    var graph: ProtoReader?
    var opset: Int?
    var irVersion: Int64 = 0
    // A file that fails before any ModelProto field was recognised (random bytes, a text
    // file named .onnx) is "not an ONNX model", with the parser's detail after it; one that
    // fails later (a truncated model) keeps the parser's own message.
    var recognised = false
    do throws(ModelLoadError) {
      try readTop(&r, graph: &graph, opset: &opset, irVersion: &irVersion, recognised: &recognised)
    } catch {
      guard !recognised else { throw error }
      let detail = error.message.hasPrefix("ONNX: ") ? String(error.message.dropFirst(6)) : error.message
      throw ModelLoadError("ONNX: not an ONNX model (\(detail))", file: error.file)
    }
    guard var g = graph else {
      throw ModelLoadError("ONNX: not an ONNX model: the file has no graph (ir_version \(irVersion))")
    }
    // Before opset imports existed (IR version 1–2) the default set was version 1.
    return try readGraph(&g, opset: opset ?? 1)
  }

  /// The ModelProto's own fields: IR version, the graph (kept for later) and the opsets.
  static func readTop(
    _ r: inout ProtoReader, graph: inout ProtoReader?, opset: inout Int?, irVersion: inout Int64,
    recognised: inout Bool
  ) throws(ModelLoadError) {
    while let (f, w) = try r.field() {
      switch (f, w) {
      case (1, .varint), (7, .bytes), (8, .bytes): recognised = true
      default: break
      }
      switch (f, w) {
      case (1, .varint): irVersion = Int64(bitPattern: try r.varint())
      case (7, .bytes): graph = try r.sub("GraphProto")
      case (8, .bytes):
        var o = try r.sub("OperatorSetIdProto")
        var domain = ""
        var version: Int64 = 0
        while let (g, v) = try o.field() {
          switch (g, v) {
          case (1, .bytes): domain = try o.string("opset domain")
          case (2, _): version = try o.int64(v, "opset version")
          default: try o.skip(v)
          }
        }
        if domain == "" || domain == "ai.onnx" { opset = Int(clamping: version) }
      default: try r.skip(w)
      }
    }
  }

  static func readGraph(_ r: inout ProtoReader, opset: Int) throws(ModelLoadError) -> Graph {
    var nodes: [Node] = []
    var initializers: [String: HostArray] = [:]
    var inputs: [ValueInfo] = []
    var outputs: [ValueInfo] = []
    while let (f, w) = try r.field() {
      guard w == .bytes || ![1, 5, 11, 12, 15].contains(f) else { throw r.fail("field \(f) has wire type \(w)") }
      switch f {
      case 1:
        var n = try r.sub("NodeProto")
        nodes.append(try readNode(&n))
      case 5:
        var t = try r.sub("TensorProto")
        let (name, array) = try readTensor(&t)
        initializers[name] = array
      case 11:
        var v = try r.sub("ValueInfoProto")
        inputs.append(try readValueInfo(&v))
      case 12:
        var v = try r.sub("ValueInfoProto")
        outputs.append(try readValueInfo(&v))
      case 15: throw r.fail("sparse initializers are not supported")
      default: try r.skip(w)
      }
    }
    // IR < 4 lists initializers among the inputs as well; the caller feeds only the rest.
    inputs.removeAll { initializers[$0.name] != nil }
    return Graph(
      nodes: nodes, inputs: inputs, outputs: outputs, initializers: initializers, opset: opset, format: "ONNX")
  }

  static func readNode(_ r: inout ProtoReader) throws(ModelLoadError) -> Node {
    var node = Node(op: "", name: "", inputs: [], outputs: [])
    while let (f, w) = try r.field() {
      switch (f, w) {
      case (1, .bytes): node.inputs.append(try r.string("node input"))
      case (2, .bytes): node.outputs.append(try r.string("node output"))
      case (3, .bytes): node.name = try r.string("node name")
      case (4, .bytes): node.op = try r.string("op_type")
      case (7, .bytes): node.domain = try r.string("domain")
      case (5, .bytes):
        var a = try r.sub("AttributeProto")
        let (name, value) = try readAttribute(&a)
        node.attributes[name] = value
      default: try r.skip(w)
      }
    }
    guard !node.op.isEmpty else { throw r.fail("a node has no op_type") }
    return node
  }

  static func readAttribute(_ r: inout ProtoReader) throws(ModelLoadError) -> (String, Attribute) {
    var name = ""
    var type: Int64 = 0
    var f32: Float?, i64: Int64?, s: [UInt8]?, t: HostArray?
    var floats: [UInt32] = [], ints: [Int64] = [], strings: [String] = []
    var other: String?
    while let (f, w) = try r.field() {
      switch (f, w) {
      case (1, .bytes): name = try r.string("attribute name")
      case (20, _): type = try r.int64(w, "attribute type")
      case (2, .fixed32): f32 = Float(bitPattern: try r.fixed32())
      case (3, _): i64 = try r.int64(w, "attribute i")
      case (4, .bytes): s = r.copyBytes(try r.lengthDelimited())
      case (5, .bytes):
        var tr = try r.sub("TensorProto")
        t = try readTensor(&tr).1
      case (7, _): try r.repeatedFixed32(w, into: &floats, field: "attribute floats")
      case (8, _): try r.repeatedVarint(w, into: &ints, field: "attribute ints")
      case (9, .bytes): strings.append(try r.string("attribute strings"))
      case (6, .bytes), (11, .bytes): other = "graph"; try r.skip(w)
      case (22, .bytes), (23, .bytes): other = "sparse tensor"; try r.skip(w)
      case (10, .bytes): other = "tensors"; try r.skip(w)
      case (14, .bytes), (15, .bytes): other = "type proto"; try r.skip(w)
      case (21, .bytes): other = "reference to a function attribute"; try r.skip(w)
      default: try r.skip(w)
      }
    }
    let value: Attribute
    switch type {
    case 1: value = .float(f32 ?? 0)
    case 2: value = .int(Int(i64 ?? 0))
    case 3:
      guard let str = String(validating: s ?? [], as: UTF8.self) else { throw r.fail("attribute \(name) string is not UTF-8") }
      value = .string(str)
    case 4:
      guard let t else { throw r.fail("attribute \(name) of type TENSOR has no tensor") }
      value = .tensor(t)
    case 6: value = .floats(floats.map { Float(bitPattern: $0) })
    case 7: value = .ints(ints.map { Int($0) })
    case 8: value = .strings(strings)
    case 0:
      // Files from IR version < 3 carry no type: infer it from the field present.
      if let f32 { value = .float(f32) } else if let i64 { value = .int(Int(i64)) } else if let t {
        value = .tensor(t)
      } else if !floats.isEmpty { value = .floats(floats.map { Float(bitPattern: $0) }) } else if !ints.isEmpty {
        value = .ints(ints.map { Int($0) })
      } else if let s, let str = String(validating: s, as: UTF8.self) { value = .string(str) } else {
        value = .unsupported(other ?? "untyped")
      }
    default: value = .unsupported(other ?? "attribute type \(type)")
    }
    return (name, value)
  }

  /// ONNX TensorProto.DataType codes.
  static let dataTypes: [Int64: ElementType] = [
    1: .float32, 2: .uint8, 3: .int8, 4: .uint16, 5: .int16, 6: .int32, 7: .int64, 9: .bool,
    10: .float16, 11: .float64, 12: .uint32, 13: .uint64, 16: .bfloat16,
  ]

  static func readValueInfo(_ r: inout ProtoReader) throws(ModelLoadError) -> ValueInfo {
    var info = ValueInfo(name: "", dtype: nil, shape: nil)
    while let (f, w) = try r.field() {
      switch (f, w) {
      case (1, .bytes): info.name = try r.string("value name")
      case (2, .bytes):
        var tp = try r.sub("TypeProto")
        while let (g, v) = try tp.field() {
          guard g == 1, v == .bytes else { try tp.skip(v); continue }
          var tt = try tp.sub("TypeProto.Tensor")
          while let (h, x) = try tt.field() {
            switch (h, x) {
            case (1, _):
              // 0 is UNDEFINED (left open); any other code must be a type Tabby knows.
              let code = try tt.int64(x, "elem_type")
              guard code == 0 || dataTypes[code] != nil else {
                throw tt.fail("value '\(info.name)' has unsupported element type \(code)")
              }
              info.dtype = dataTypes[code]
            case (2, .bytes):
              var sh = try tt.sub("TensorShapeProto")
              info.shape = try readShape(&sh)
            default: try tt.skip(x)
            }
          }
        }
      default: try r.skip(w)
      }
    }
    return info
  }

  static func readShape(_ r: inout ProtoReader) throws(ModelLoadError) -> [Dimension] {
    var dims: [Dimension] = []
    while let (f, w) = try r.field() {
      guard f == 1, w == .bytes else { try r.skip(w); continue }
      var d = try r.sub("Dimension")
      var dim = Dimension.symbolic("?")
      while let (g, v) = try d.field() {
        switch (g, v) {
        case (1, _):
          let n = try d.int64(v, "dim_value")
          dim = n >= 0 ? .fixed(Int(n)) : .symbolic("?")
        case (2, .bytes): dim = .symbolic(try d.string("dim_param"))
        default: try d.skip(v)
        }
      }
      dims.append(dim)
    }
    return dims
  }
}
