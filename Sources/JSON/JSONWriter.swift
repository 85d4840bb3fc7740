extension JSON {
  /// Compact UTF-8 serialisation (no spaces), as sent on the wire.
  public var bytes: [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(128)
    write(into: &out, indent: nil, level: 0)
    return out
  }

  /// Compact text form.
  public var text: String { String(decoding: bytes, as: UTF8.self) }

  /// Human-readable form with the given indent width.
  public func pretty(indent: Int = 2) -> String {
    var out: [UInt8] = []
    write(into: &out, indent: indent, level: 0)
    return String(decoding: out, as: UTF8.self)
  }

  func write(into out: inout [UInt8], indent: Int?, level: Int) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .number(let d): JSON.writeNumber(d, into: &out)
    case .string(let s): JSON.writeString(s, into: &out)
    case .array(let items):
      out.append(UInt8(ascii: "["))
      for (i, item) in items.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        JSON.newline(&out, indent, level + 1)
        item.write(into: &out, indent: indent, level: level + 1)
      }
      if !items.isEmpty { JSON.newline(&out, indent, level) }
      out.append(UInt8(ascii: "]"))
    case .object(let obj):
      out.append(UInt8(ascii: "{"))
      var first = true
      for (k, v) in obj {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        JSON.newline(&out, indent, level + 1)
        JSON.writeString(k, into: &out)
        out.append(UInt8(ascii: ":"))
        if indent != nil { out.append(UInt8(ascii: " ")) }
        v.write(into: &out, indent: indent, level: level + 1)
      }
      if !obj.isEmpty { JSON.newline(&out, indent, level) }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func newline(_ out: inout [UInt8], _ indent: Int?, _ level: Int) {
    guard let indent else { return }
    out.append(0x0A)
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent * level))
  }

  static func writeNumber(_ d: Double, into out: inout [UInt8]) {
    // JSON has no NaN or infinity; null is what Python's json writes with allow_nan=False callers expect least harm from.
    guard d.isFinite else { out.append(contentsOf: "null".utf8); return }
    if d.rounded() == d, abs(d) < 1e15 {
      out.append(contentsOf: String(Int64(d)).utf8)
    } else {
      out.append(contentsOf: "\(d)".utf8)
    }
  }

  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for c in s.utf8 {
      switch c {
      case 0x22: out.append(contentsOf: [0x5C, 0x22])
      case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
      case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
      case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
      case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
      case 0..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
      default: out.append(c)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
