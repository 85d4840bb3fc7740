/// A strict reader of the protobuf wire format (no generated code): every varint, length and
/// fixed-size field is bounds-checked, and a malformed message is an error naming the offset.
struct ProtoReader {
  enum Wire: UInt64 { case varint = 0, fixed64 = 1, bytes = 2, fixed32 = 5 }

  /// The whole serialized model; the caller keeps it alive while any reader over it exists
  /// (ONNXReader.read scopes every reader inside the buffer's lifetime).
  let bytes: UnsafeRawBufferPointer
  private(set) var offset: Int
  let end: Int
  /// The message being read, for error messages ("NodeProto").
  let message: String

  init(_ bytes: UnsafeRawBufferPointer, message: String) {
    self.init(bytes, range: 0..<bytes.count, message: message)
  }

  init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>, message: String) {
    precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "ProtoReader range outside the buffer")
    self.bytes = bytes
    self.offset = range.lowerBound
    self.end = range.upperBound
    self.message = message
  }

  var atEnd: Bool { offset >= end }

  func fail(_ why: String, at position: Int? = nil) -> ModelLoadError {
    ModelLoadError("ONNX: \(message): \(why) at byte \(position ?? offset)")
  }

  /// The next field's number and wire type, or nil at the end of the message.
  mutating func field() throws(ModelLoadError) -> (number: Int, wire: Wire)? {
    if atEnd { return nil }
    let at = offset
    let key = try varint()
    let number = key >> 3
    guard number >= 1, number <= 536_870_911 else { throw fail("invalid field number \(number)", at: at) }
    guard let wire = Wire(rawValue: key & 7) else {
      throw fail("unsupported wire type \(key & 7) for field \(number)", at: at)
    }
    return (Int(number), wire)
  }

  mutating func varint() throws(ModelLoadError) -> UInt64 {
    var v: UInt64 = 0
    let start = offset
    for i in 0..<10 {
      guard offset < end else { throw fail("truncated varint", at: start) }
      let b = bytes[offset]
      offset += 1
      if i == 9 && b > 1 { throw fail("varint overflows 64 bits", at: start) }
      v |= UInt64(b & 0x7f) << (7 * UInt64(i))
      if b & 0x80 == 0 { return v }
    }
    throw fail("varint longer than 10 bytes", at: start)
  }

  mutating func fixed32() throws(ModelLoadError) -> UInt32 {
    guard end - offset >= 4 else { throw fail("truncated fixed32") }
    var v: UInt32 = 0
    for i in 0..<4 { v |= UInt32(bytes[offset + i]) << (8 * UInt32(i)) }
    offset += 4
    return v
  }

  mutating func fixed64() throws(ModelLoadError) -> UInt64 {
    guard end - offset >= 8 else { throw fail("truncated fixed64") }
    var v: UInt64 = 0
    for i in 0..<8 { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
    offset += 8
    return v
  }

  /// The byte range of a length-delimited field.
  mutating func lengthDelimited() throws(ModelLoadError) -> Range<Int> {
    let at = offset
    let n = try varint()
    guard n <= UInt64(end - offset) else {
      throw fail("length \(n) runs past the end of the message (\(end - offset) bytes left)", at: at)
    }
    let r = offset..<(offset + Int(n))
    offset += Int(n)
    return r
  }

  /// A copy of the bytes in `r` (a range returned by `lengthDelimited`, so inside the buffer).
  func copyBytes(_ r: Range<Int>) -> [UInt8] {
    precondition(r.lowerBound >= 0 && r.upperBound <= bytes.count, "copyBytes range outside the buffer")
    return [UInt8](unsafeUninitializedCapacity: r.count) { out, n in
      adviseHugePages(out.baseAddress, byteCount: r.count)
      if !r.isEmpty { UnsafeMutableRawBufferPointer(out).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[r])) }
      n = r.count
    }
  }

  mutating func sub(_ message: String) throws(ModelLoadError) -> ProtoReader {
    ProtoReader(bytes, range: try lengthDelimited(), message: message)
  }

  mutating func string(_ field: String) throws(ModelLoadError) -> String {
    let r = try lengthDelimited()
    guard let s = String(validating: bytes[r], as: UTF8.self) else {
      throw fail("\(field) is not valid UTF-8", at: r.lowerBound)
    }
    return s
  }

  mutating func int64(_ wire: Wire, _ field: String) throws(ModelLoadError) -> Int64 {
    guard wire == .varint else { throw fail("\(field) has wire type \(wire), expected varint") }
    return Int64(bitPattern: try varint())
  }

  mutating func skip(_ wire: Wire) throws(ModelLoadError) {
    switch wire {
    case .varint: _ = try varint()
    case .fixed64: _ = try fixed64()
    case .fixed32: _ = try fixed32()
    case .bytes: _ = try lengthDelimited()
    }
  }

  /// Appends a repeated varint field, packed or not.
  mutating func repeatedVarint(_ wire: Wire, into out: inout [Int64], field: String) throws(ModelLoadError) {
    switch wire {
    case .varint: out.append(Int64(bitPattern: try varint()))
    case .bytes:
      var p = ProtoReader(bytes, range: try lengthDelimited(), message: message)
      while !p.atEnd { out.append(Int64(bitPattern: try p.varint())) }
    default: throw fail("\(field) has wire type \(wire)")
    }
  }

  /// Appends a repeated fixed32 field (floats), packed or not.
  mutating func repeatedFixed32(_ wire: Wire, into out: inout [UInt32], field: String) throws(ModelLoadError) {
    switch wire {
    case .fixed32: out.append(try fixed32())
    case .bytes:
      let r = try lengthDelimited()
      guard r.count % 4 == 0 else { throw fail("packed \(field) length \(r.count) is not a multiple of 4") }
      var p = ProtoReader(bytes, range: r, message: message)
      while !p.atEnd { out.append(try p.fixed32()) }
    default: throw fail("\(field) has wire type \(wire)")
    }
  }

  /// Appends the raw little-endian bytes of a repeated fixed-size field, packed or not.
  mutating func repeatedFixed(_ wire: Wire, size: Int, into out: inout [UInt8], field: String) throws(ModelLoadError) {
    switch (wire, size) {
    case (.fixed32, 4), (.fixed64, 8):
      guard end - offset >= size else { throw fail("truncated \(field)") }
      out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + size)]))
      offset += size
    case (.bytes, _):
      let r = try lengthDelimited()
      guard r.count % size == 0 else { throw fail("packed \(field) length \(r.count) is not a multiple of \(size)") }
      if out.isEmpty { out = copyBytes(r) } else { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[r])) }
    default: throw fail("\(field) has wire type \(wire)")
    }
  }
}
