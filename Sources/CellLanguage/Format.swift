#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `str.format` with a subset of Python's format spec: `[[fill]align][width][,][.precision][type]`
/// with align one of `< > ^`, type one of `d f e g % s`.
enum Format {
  static func apply(_ template: String, _ args: [Value], _ kwargs: [(name: String, value: Value)]) throws(CellError) -> String {
    var out = ""
    var auto = 0
    var chars = Array(template.unicodeScalars)[...]
    while let c = chars.popFirst() {
      if c == "}" {
        guard chars.first == "}" else { throw .valueError("Single '}' encountered in format string") }
        chars.removeFirst()
        out += "}"
        continue
      }
      guard c == "{" else { out.unicodeScalars.append(c); continue }
      if chars.first == "{" {
        chars.removeFirst()
        out += "{"
        continue
      }
      guard let close = chars.firstIndex(of: "}") else { throw .valueError("Single '{' encountered in format string") }
      let field = String(String.UnicodeScalarView(chars[..<close]))
      chars = chars[(close + 1)...]
      var (name, spec) = field.firstIndex(of: ":").map { (String(field[..<$0]), String(field[field.index(after: $0)...])) } ?? (field, "")
      var conversion: Character?
      if let bang = name.firstIndex(of: "!") {
        conversion = name[name.index(after: bang)...].first
        name = String(name[..<bang])
        guard conversion == "r" || conversion == "s" else {
          throw .valueError("Unknown conversion specifier \(conversion.map(String.init) ?? "")")
        }
      }
      var value: Value
      if name.isEmpty {
        guard auto < args.count else { throw CellError(ename: "IndexError", "Replacement index \(auto) out of range") }
        value = args[auto]
        auto += 1
      } else if let i = Int(name) {
        guard i < args.count else { throw CellError(ename: "IndexError", "Replacement index \(i) out of range") }
        value = args[i]
      } else {
        guard let v = kwargs.first(where: { $0.name == name })?.value else { throw CellError(ename: "KeyError", Value.quoted(name)) }
        value = v
      }
      if let conversion { value = .string(conversion == "r" ? value.repr : value.str) }
      out += try format(value, spec: spec)
    }
    return out
  }

  /// Formats one value by a spec such as `>8`, `.3f`, `,d`, `.1%`.
  static func format(_ value: Value, spec: String) throws(CellError) -> String {
    var s = Array(spec)[...]
    var fill: Character = " "
    var align: Character?
    if s.count >= 2, "<>^".contains(s[s.startIndex + 1]) {
      fill = s.removeFirst()
      align = s.removeFirst()
    } else if let f = s.first, "<>^".contains(f) {
      align = s.removeFirst()
    }
    var width = 0
    while let d = s.first, let n = d.wholeNumberValue {
      width = width * 10 + n
      s.removeFirst()
      if width > 10_000 { throw .valueError("Too many decimal digits in format string") }
    }
    let grouping = s.first == ","
    if grouping { s.removeFirst() }
    var precision: Int?
    if s.first == "." {
      s.removeFirst()
      var p = 0
      while let d = s.first, let n = d.wholeNumberValue {
        p = p * 10 + n
        s.removeFirst()
        if p > 300 { throw .valueError("precision too big") }
      }
      precision = p
    }
    let type = s.popFirst()
    guard s.isEmpty else { throw .valueError("Invalid format specifier '\(spec)' for object of type '\(value.typeName)'") }
    var text = try render(value, type, precision, spec)
    if grouping { text = group(text) }
    let pad = max(0, width - text.count)
    let defaultRight = value.numeric != nil
    switch align ?? (defaultRight ? ">" : "<") {
    case ">": return String(repeating: fill, count: pad) + text
    case "^": return String(repeating: fill, count: pad / 2) + text + String(repeating: fill, count: pad - pad / 2)
    default: return text + String(repeating: fill, count: pad)
    }
  }

  private static func render(_ value: Value, _ type: Character?, _ precision: Int?, _ spec: String) throws(CellError) -> String {
    switch type {
    case nil, "s":
      if let precision, type == "s" || value.numeric == nil { return String(value.str.prefix(precision)) }
      if let precision, case .float(let d) = value { return printf("%.\(precision)g", d) }
      return value.str
    case "d":
      guard case .int(let i)? = value.numeric, value.typeName != "float" else { throw badType(type!, value) }
      return String(i)
    case "f", "F", "e", "E", "g", "G", "%":
      guard let n = value.numeric else { throw badType(type!, value) }
      let p = precision ?? 6
      if type == "%" { return printf("%.\(p)f", n.double * 100) + "%" }
      return printf("%.\(p)\(type!)", n.double)
    default:
      throw .valueError("Unknown format code '\(type!)' for object of type '\(value.typeName)'")
    }
  }

  private static func badType(_ t: Character, _ v: Value) -> CellError {
    .valueError("Unknown format code '\(t)' for object of type '\(v.typeName)'")
  }

  /// C formatting of one double (fixed and exponent forms need no Foundation).
  static func printf(_ format: String, _ d: Double) -> String {
    var buffer = [CChar](repeating: 0, count: 1200)  // room for %.340f of 1e308
    _ = withVaList([d]) { vsnprintf(&buffer, buffer.count, format, $0) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Thousands separators in the integer part: 1234567.5 → 1,234,567.5.
  private static func group(_ text: String) -> String {
    let sign = text.hasPrefix("-") ? "-" : ""
    let body = sign.isEmpty ? Substring(text) : text.dropFirst()
    let intPart = body.prefix { $0.isNumber }
    let rest = body.dropFirst(intPart.count)
    var out = ""
    for (i, c) in intPart.enumerated() {
      if i > 0 && (intPart.count - i) % 3 == 0 { out += "," }
      out.append(c)
    }
    return sign + out + rest
  }
}
