import Testing

@testable import ModelIO

/// A tiny protobuf encoder for building ONNX messages in tests.
struct PB {
  var bytes: [UInt8] = []
  mutating func varint(_ v: UInt64) {
    var v = v
    while v >= 0x80 { bytes.append(UInt8(v & 0x7f) | 0x80); v >>= 7 }
    bytes.append(UInt8(v))
  }
  mutating func key(_ field: Int, _ wire: Int) { varint(UInt64(field << 3 | wire)) }
  mutating func int(_ field: Int, _ v: Int64) { key(field, 0); varint(UInt64(bitPattern: v)) }
  mutating func bytes(_ field: Int, _ b: [UInt8]) { key(field, 2); varint(UInt64(b.count)); bytes += b }
  mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }
  mutating func message(_ field: Int, _ m: PB) { bytes(field, m.bytes) }
  mutating func fixed32(_ field: Int, _ v: UInt32) { key(field, 5); for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) } }
  mutating func packed(_ field: Int, _ values: [Int64]) {
    var p = PB()
    for v in values { p.varint(UInt64(bitPattern: v)) }
    bytes(field, p.bytes)
  }
}

@Suite struct ProtobufTests {
  static func tensor(_ name: String, type: Int64, dims: [Int64], _ fill: (inout PB) -> Void) -> PB {
    var t = PB()
    for d in dims { t.int(1, d) }  // unpacked dims
    t.int(2, type)
    t.string(8, name)
    fill(&t)
    return t
  }

  static func model(_ tensors: [PB], node: PB? = nil, input: PB? = nil) -> [UInt8] {
    var g = PB()
    if let node { g.message(1, node) }
    for t in tensors { g.message(5, t) }
    if let input { g.message(11, input) }
    var m = PB()
    m.int(1, 8)
    var opset = PB()
    opset.int(2, 17)
    m.message(8, opset)
    m.message(7, g)
    return m.bytes
  }

  @Test func typedTensorFields() throws {
    let tensors = [
      Self.tensor("f", type: 1, dims: [2]) { t in t.fixed32(4, Float(1.5).bitPattern); t.fixed32(4, Float(-2).bitPattern) },
      Self.tensor("u8", type: 2, dims: [3]) { $0.packed(5, [0, 200, 255]) },
      Self.tensor("i8", type: 3, dims: [2]) { $0.packed(5, [-128, 127]) },
      Self.tensor("h", type: 10, dims: [2]) { $0.packed(5, [0x3C00, 0xC000]) },
      Self.tensor("i32", type: 6, dims: [2]) { $0.packed(5, [-70000, 5]) },
      Self.tensor("i64", type: 7, dims: [1, 2]) { t in t.int(7, -5_000_000_000); t.int(7, 3) },
      Self.tensor("raw", type: 1, dims: [1]) { $0.bytes(9, [0, 0, 0x80, 0x3f]) },
    ]
    let input: PB = {
      var dim1 = PB(); dim1.string(2, "batch")
      var dim2 = PB(); dim2.int(1, 3)
      var shape = PB(); shape.message(1, dim1); shape.message(1, dim2)
      var tt = PB(); tt.int(1, 2); tt.message(2, shape)
      var type = PB(); type.message(1, tt)
      var v = PB(); v.string(1, "x"); v.message(2, type)
      return v
    }()
    var node = PB()
    node.string(1, "x"); node.string(2, "y"); node.string(3, "n0"); node.string(4, "Relu")
    var attr = PB(); attr.string(1, "alpha"); attr.fixed32(2, Float(0.5).bitPattern); attr.int(20, 1)
    node.message(5, attr)
    var ints = PB(); ints.string(1, "perm"); ints.packed(8, [0, -1]); ints.int(20, 7)
    node.message(5, ints)
    let g = try ONNXReader.read(Self.model(tensors, node: node, input: input))
    #expect(g.opset == 17)
    #expect(g.initializers["f"]?.floats() == [1.5, -2])
    #expect(g.initializers["u8"]?.int64s() == [0, 200, 255] && g.initializers["u8"]?.dtype == .uint8)
    #expect(g.initializers["i8"]?.int64s() == [-128, 127])
    #expect(g.initializers["h"]?.floats() == [1, -2])
    #expect(g.initializers["i32"]?.int64s() == [-70000, 5])
    #expect(g.initializers["i64"]?.int64s() == [-5_000_000_000, 3] && g.initializers["i64"]?.shape == [1, 2])
    #expect(g.initializers["raw"]?.floats() == [1])
    #expect(g.inputs == [ValueInfo(name: "x", dtype: .uint8, shape: [.symbolic("batch"), .fixed(3)])])
    #expect(g.nodes.first?.float("alpha") == 0.5 && g.nodes.first?.ints("perm") == [0, -1])
  }

  @Test(arguments: [
    (Int64(1), [Int64(3)], "has 2 values but dims [3] need 3"),
    (Int64(1), [Int64(-1)], "dimension -1"),
    (Int64(8), [Int64(1)], "unsupported data type 8"),
  ])
  func tensorSizeErrors(type: Int64, dims: [Int64], fragment: String) {
    let t = Self.tensor("t", type: type, dims: dims) { t in t.fixed32(4, 0); t.fixed32(4, 0) }
    #expect {
      try ONNXReader.read(Self.model([t]))
    } throws: { ($0 as? ModelLoadError)?.message.contains(fragment) == true }
  }

  @Test func rawDataLengthMustMatch() {
    let t = Self.tensor("t", type: 1, dims: [2]) { $0.bytes(9, [0, 0, 0]) }
    #expect {
      try ONNXReader.read(Self.model([t]))
    } throws: { ($0 as? ModelLoadError)?.message.contains("raw_data has 3 bytes") == true }
  }

  @Test func externalDataIsRefused() {
    let t = Self.tensor("t", type: 1, dims: [1]) { $0.int(14, 1) }
    #expect {
      try ONNXReader.read(Self.model([t]))
    } throws: { ($0 as? ModelLoadError)?.message.contains("external") == true }
  }
}
