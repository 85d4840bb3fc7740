/// A bounds-checked little-endian cursor over bytes; every read that would pass the end throws.
struct ByteReader {
  let bytes: [UInt8]
  private(set) var offset: Int
  let end: Int
  /// Names the format in error messages ("MXNet .params", "ONNX").
  let what: String

  init(_ bytes: [UInt8], what: String, from start: Int = 0, to end: Int? = nil) {
    self.bytes = bytes
    self.offset = start
    self.end = end ?? bytes.count
    self.what = what
  }

  var remaining: Int { end - offset }
  var atEnd: Bool { offset >= end }

  func fail(_ message: String, at position: Int? = nil) -> ModelLoadError {
    ModelLoadError("\(what): \(message) at byte \(position ?? offset)")
  }

  mutating func take(_ n: Int, _ field: String) throws(ModelLoadError) -> ArraySlice<UInt8> {
    guard n >= 0, n <= remaining else {
      throw fail("\(field) needs \(n) bytes but only \(remaining) remain (file truncated?)")
    }
    defer { offset += n }
    return bytes[offset..<(offset + n)]
  }

  mutating func u32(_ field: String) throws(ModelLoadError) -> UInt32 {
    let s = try take(4, field)
    var v: UInt32 = 0
    for (i, b) in s.enumerated() { v |= UInt32(b) << (8 * UInt32(i)) }
    return v
  }

  mutating func u64(_ field: String) throws(ModelLoadError) -> UInt64 {
    let s = try take(8, field)
    var v: UInt64 = 0
    for (i, b) in s.enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
    return v
  }

  mutating func i32(_ field: String) throws(ModelLoadError) -> Int32 {
    Int32(bitPattern: try u32(field))
  }

  mutating func i64(_ field: String) throws(ModelLoadError) -> Int64 {
    Int64(bitPattern: try u64(field))
  }
}

/// Appends little-endian integers to a byte array (the writing side of ByteReader).
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func u32(_ v: UInt32) {
    for i in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt32(i)))) }
  }
  mutating func u64(_ v: UInt64) {
    for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
  }
  mutating func i32(_ v: Int32) { u32(UInt32(bitPattern: v)) }
  mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
  mutating func append<C: Collection>(_ c: C) where C.Element == UInt8 { bytes.append(contentsOf: c) }
}
