/// A parse failure with the byte offset where it happened.
public struct JSONError: Error, Equatable, CustomStringConvertible, Sendable {
  public var message: String
  public var offset: Int
  public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

extension JSON {
  /// Parses UTF-8 JSON text. Nesting is bounded so hostile input cannot
  /// exhaust the stack.
  public static func parse<C: Collection>(_ bytes: C, maxDepth: Int = 512) throws(JSONError) -> JSON
  where C.Element == UInt8 {
    let array = Array(bytes)
    return try array.withUnsafeBufferPointer { (buf) throws(JSONError) -> JSON in
      var p = JSONReader(bytes: buf, maxDepth: maxDepth)
      p.skipSpace()
      let v = try p.value(depth: 0)
      p.skipSpace()
      guard p.pos == buf.count else { throw p.fail("trailing characters") }
      return v
    }
  }

  public static func parse(_ text: String) throws(JSONError) -> JSON {
    try parse(Array(text.utf8))
  }
}

private struct JSONReader {
  let bytes: UnsafeBufferPointer<UInt8>
  let maxDepth: Int
  var pos = 0

  init(bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
    self.bytes = bytes
    self.maxDepth = maxDepth
  }

  func fail(_ message: String) -> JSONError { JSONError(message: message, offset: pos) }

  mutating func skipSpace() {
    while pos < bytes.count {
      switch bytes[pos] {
      case 0x20, 0x0A, 0x0D, 0x09: pos += 1
      default: return
      }
    }
  }

  mutating func value(depth: Int) throws(JSONError) -> JSON {
    guard depth < maxDepth else { throw fail("nesting too deep") }
    guard pos < bytes.count else { throw fail("unexpected end") }
    switch bytes[pos] {
    case UInt8(ascii: "{"): return try object(depth: depth)
    case UInt8(ascii: "["): return try array(depth: depth)
    case UInt8(ascii: "\""): return .string(try string())
    case UInt8(ascii: "t"): try literal("true"); return .bool(true)
    case UInt8(ascii: "f"): try literal("false"); return .bool(false)
    case UInt8(ascii: "n"): try literal("null"); return .null
    default: return .number(try number())
    }
  }

  mutating func literal(_ word: StaticString) throws(JSONError) {
    let n = word.utf8CodeUnitCount
    guard pos + n <= bytes.count else { throw fail("unexpected end") }
    for i in 0..<n where bytes[pos + i] != word.utf8Start[i] { throw fail("invalid literal") }
    pos += n
  }

  mutating func object(depth: Int) throws(JSONError) -> JSON {
    pos += 1
    var obj = JSONObject()
    skipSpace()
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(obj) }
    while true {
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected key") }
      let key = try string()
      skipSpace()
      guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':'") }
      pos += 1
      skipSpace()
      obj[key] = try value(depth: depth + 1)
      skipSpace()
      guard pos < bytes.count else { throw fail("unexpected end") }
      if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
      if bytes[pos] == UInt8(ascii: "}") { pos += 1; return .object(obj) }
      throw fail("expected ',' or '}'")
    }
  }

  mutating func array(depth: Int) throws(JSONError) -> JSON {
    pos += 1
    var items: [JSON] = []
    skipSpace()
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
    while true {
      skipSpace()
      items.append(try value(depth: depth + 1))
      skipSpace()
      guard pos < bytes.count else { throw fail("unexpected end") }
      if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
      if bytes[pos] == UInt8(ascii: "]") { pos += 1; return .array(items) }
      throw fail("expected ',' or ']'")
    }
  }

  mutating func hex4() throws(JSONError) -> UInt32 {
    guard pos + 4 <= bytes.count else { throw fail("short \\u escape") }
    var v: UInt32 = 0
    for _ in 0..<4 {
      let c = bytes[pos]
      let d: UInt8
      switch c {
      case 0x30...0x39: d = c - 0x30
      case 0x41...0x46: d = c - 0x41 + 10
      case 0x61...0x66: d = c - 0x61 + 10
      default: throw fail("bad hex digit")
      }
      v = v << 4 | UInt32(d)
      pos += 1
    }
    return v
  }

  mutating func string() throws(JSONError) -> String {
    pos += 1
    let start = pos
    // Fast path: no escapes.
    while pos < bytes.count {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        let s = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        pos += 1
        return s
      }
      if c == UInt8(ascii: "\\") || c < 0x20 { break }
      pos += 1
    }
    var out = Array(bytes[start..<pos])
    while pos < bytes.count {
      let c = bytes[pos]
      if c == UInt8(ascii: "\"") {
        pos += 1
        return String(decoding: out, as: UTF8.self)
      }
      if c < 0x20 { throw fail("control character in string") }
      if c != UInt8(ascii: "\\") { out.append(c); pos += 1; continue }
      pos += 1
      guard pos < bytes.count else { break }
      let e = bytes[pos]
      pos += 1
      switch e {
      case UInt8(ascii: "\""): out.append(0x22)
      case UInt8(ascii: "\\"): out.append(0x5C)
      case UInt8(ascii: "/"): out.append(0x2F)
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var scalar = try hex4()
        if (0xD800..<0xDC00).contains(scalar), pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"),
          bytes[pos + 1] == UInt8(ascii: "u")
        {
          pos += 2
          let low = try hex4()
          if (0xDC00..<0xE000).contains(low) {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else {
            out.append(contentsOf: Array("\u{FFFD}".utf8))
            scalar = low
          }
        }
        let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(u)).utf8))
      default: throw fail("bad escape")
      }
    }
    throw fail("unterminated string")
  }

  mutating func number() throws(JSONError) -> Double {
    let start = pos
    if pos < bytes.count, bytes[pos] == UInt8(ascii: "-") { pos += 1 }
    var digits = 0
    while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1; digits += 1 }
    guard digits > 0 else { throw fail("unexpected character") }
    if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
      pos += 1
      var frac = 0
      while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1; frac += 1 }
      guard frac > 0 else { throw fail("bad number") }
    }
    if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
      pos += 1
      if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
      var exp = 0
      while pos < bytes.count, (0x30...0x39).contains(bytes[pos]) { pos += 1; exp += 1 }
      guard exp > 0 else { throw fail("bad exponent") }
    }
    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
    guard let d = Double(text) else { throw fail("bad number") }
    return d
  }
}
