#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `str.format` and f-strings with Python's format mini-language:
/// `[[fill]align][sign][#][0][width][,|_][.precision][type]`, types `b c d e E f F g G n o s x X %`.
enum Format {
  static func apply(_ template: String, _ args: [Value], _ kwargs: [(name: String, value: Value)]) throws(CellError) -> String {
    var auto = 0
    return try apply(template, args, kwargs, auto: &auto, nested: false)
  }

  /// `nested`: a spec's own fields (`{:>{width}}`), which may not nest further; `auto` is the
  /// next automatic field number, shared with them as in Python.
  private static func apply(
    _ template: String, _ args: [Value], _ kwargs: [(name: String, value: Value)], auto: inout Int, nested: Bool
  ) throws(CellError) -> String {
    var out = ""
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
      // The field runs to its matching '}': a spec may hold fields of its own.
      var depth = 1
      var close = chars.startIndex
      while close < chars.endIndex {
        if chars[close] == "{" { depth += 1 } else if chars[close] == "}" { depth -= 1 }
        if depth == 0 { break }
        close += 1
      }
      guard depth == 0 else {
        throw .valueError(chars.isEmpty ? "Single '{' encountered in format string" : "expected '}' before end of string")
      }
      let field = Array(chars[..<close])
      chars = chars[(close + 1)...]
      // The name ends at the first '!' or ':' outside an index's brackets.
      var end = 0
      var inBrackets = false
      while end < field.count {
        if field[end] == "[" { inBrackets = true } else if field[end] == "]" { inBrackets = false }
        if !inBrackets && (field[end] == "!" || field[end] == ":") { break }
        end += 1
      }
      let name = String(String.UnicodeScalarView(field[..<end]))
      var rest = field[end...]
      var conversion: Unicode.Scalar?
      if rest.first == "!" {
        rest.removeFirst()
        conversion = rest.popFirst()
        guard conversion == "r" || conversion == "s" || conversion == "a" else {
          throw .valueError("Unknown conversion specifier \(conversion.map { String($0) } ?? "")")
        }
        guard rest.isEmpty || rest.first == ":" else { throw .valueError("expected ':' after conversion specifier") }
      }
      if rest.first == ":" { rest.removeFirst() }
      // The field's value first, then its spec's fields: automatic numbers go in that order.
      var value = try fieldValue(name, args, kwargs, auto: &auto)
      var spec = String(String.UnicodeScalarView(rest))
      if spec.contains("{") {
        guard !nested else { throw .valueError("Max string recursion exceeded") }
        spec = try apply(spec, args, kwargs, auto: &auto, nested: true)
      }
      switch conversion {
      case "r": value = .string(value.repr)
      case "a": value = .string(asciiRepr(value.repr))
      case "s": value = .string(value.str)
      default: break
      }
      out += try format(value, spec: spec)
    }
    return out
  }

  /// A field's value: `{}`, `{0}` or `{name}`, then any `.attribute` and `[index]` parts
  /// (`{0[1]}`, `{p.x}`, `{d[key]}`: an index of digits is an int, else a str key).
  private static func fieldValue(
    _ name: String, _ args: [Value], _ kwargs: [(name: String, value: Value)], auto: inout Int
  ) throws(CellError) -> Value {
    let scalars = Array(name.unicodeScalars)
    var i = scalars.firstIndex { $0 == "." || $0 == "[" } ?? scalars.count
    let first = String(String.UnicodeScalarView(scalars[..<i]))
    var value: Value
    if first.isEmpty {
      guard auto < args.count else { throw CellError(ename: "IndexError", "Replacement index \(auto) out of range for positional args tuple") }
      value = args[auto]
      auto += 1
    } else if let n = Int(first) {
      guard n < args.count else { throw CellError(ename: "IndexError", "Replacement index \(n) out of range for positional args tuple") }
      value = args[n]
    } else {
      guard let v = kwargs.first(where: { $0.name == first })?.value else { throw CellError(ename: "KeyError", Value.quoted(first)) }
      value = v
    }
    while i < scalars.count {
      if scalars[i] == "." {
        var j = i + 1
        while j < scalars.count, scalars[j] != ".", scalars[j] != "[" { j += 1 }
        let attribute = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
        guard !attribute.isEmpty else { throw .valueError("Empty attribute in format string") }
        value = try Access.attribute(value, attribute)
        i = j
      } else if scalars[i] == "[" {
        guard let j = scalars[i...].firstIndex(of: "]") else { throw .valueError("Missing ']' in format string") }
        let key = String(String.UnicodeScalarView(scalars[(i + 1)..<j]))
        guard !key.isEmpty else { throw .valueError("Empty attribute in format string") }
        value = try Access.item(value, Int(key).map(Value.int) ?? .string(key))
        i = j + 1
      } else {
        throw .valueError("Only '.' or '[' may follow ']' in format field specifier")
      }
    }
    return value
  }

  /// `ascii(x)`: the repr with non-ASCII characters escaped.
  static func asciiRepr(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
      if u.isASCII {
        out.unicodeScalars.append(u)
      } else if u.value <= 0xFF {
        out += "\\x" + hex(u.value, 2)
      } else if u.value <= 0xFFFF {
        out += "\\u" + hex(u.value, 4)
      } else {
        out += "\\U" + hex(u.value, 8)
      }
    }
    return out
  }

  private static func hex(_ v: UInt32, _ width: Int) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
  }

  /// A parsed format spec: `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
  struct Spec {
    var fill: Character = " "
    var align: Character?
    var sign: Character = "-"
    var alternate = false
    var width = 0
    var grouping: Character?
    var precision: Int?
    var type: Character?

    init(_ spec: String, _ value: Value) throws(CellError) {
      var s = Array(spec)[...]
      if s.count >= 2, "<>=^".contains(s[s.startIndex + 1]) {
        fill = s.removeFirst()
        align = s.removeFirst()
      } else if let f = s.first, "<>=^".contains(f) {
        align = s.removeFirst()
      }
      if let c = s.first, "+- ".contains(c) { sign = s.removeFirst() }
      if s.first == "#" { alternate = true; s.removeFirst() }
      if s.first == "0" {
        s.removeFirst()
        if align == nil { (fill, align) = ("0", value.isNumber ? "=" : "<") }
      }
      width = try Self.digits(&s, limit: 10_000, "Too many decimal digits in format string") ?? 0
      if let c = s.first, c == "," || c == "_" { grouping = s.removeFirst() }
      if s.first == "." {
        s.removeFirst()
        guard let p = try Self.digits(&s, limit: 300, "precision too big") else { throw .valueError("Format specifier missing precision") }
        precision = p
      }
      type = s.popFirst()
      guard s.isEmpty else { throw .valueError("Invalid format specifier '\(spec)' for object of type '\(value.typeName)'") }
    }

    private static func digits(_ s: inout ArraySlice<Character>, limit: Int, _ message: String) throws(CellError) -> Int? {
      var n: Int?
      while let d = s.first, d.isASCII, let v = d.wholeNumberValue {
        n = (n ?? 0) * 10 + v
        s.removeFirst()
        if n! > limit { throw .valueError(message) }
      }
      return n
    }
  }

  /// Formats one value by a spec such as `>8`, `.3f`, `,d`, `05d`, `+.1%`, `#x`.
  static func format(_ value: Value, spec: String) throws(CellError) -> String {
    // A class's own `__format__` (datetime's strftime specs: f'{when:%H:%M}').
    if case .host(let i as InstanceObject) = value, let r = try Protocols.call(i, "__format__", [.string(spec)]) {
      guard case .string(let s) = r else { throw .typeError("__format__ must return a str, not \(r.typeName)") }
      return s
    }
    let sp = try Spec(spec, value)
    if value.isNumber, !(spec.isEmpty && value.typeName == "bool") {
      let (negative, prefix, digits) = try renderNumber(value, sp)
      let sign = negative ? "-" : sp.sign == "-" ? "" : String(sp.sign)
      return pad(sign + prefix, digits, sp, defaultAlign: ">")
    }
    if sp.sign != "-" { throw .valueError("Sign not allowed in string format specifier") }
    if sp.align == "=" { throw .valueError("'=' alignment not allowed in string format specifier") }
    guard sp.type == nil || sp.type == "s" else { throw badType(sp.type!, value) }
    var text = value.str
    if let p = sp.precision { text = String(text.unicodeScalars.prefix(p)) }
    return pad("", text, sp, defaultAlign: "<")
  }

  /// Pads `head + body` to the spec's width; `=` puts the fill between sign and digits.
  private static func pad(_ head: String, _ body: String, _ sp: Spec, defaultAlign: Character) -> String {
    let n = max(0, sp.width - head.unicodeScalars.count - body.unicodeScalars.count)
    let fill = String(repeating: sp.fill, count: n)
    switch sp.align ?? defaultAlign {
    case "=": return head + fill + body
    case ">": return fill + head + body
    case "^": return String(repeating: sp.fill, count: n / 2) + head + body + String(repeating: sp.fill, count: n - n / 2)
    default: return head + body + fill
    }
  }

  /// A number's sign, radix prefix and digits (grouped) as the spec's type asks.
  private static func renderNumber(_ value: Value, _ sp: Spec) throws(CellError) -> (Bool, String, String) {
    let number = value.numeric!
    if case .int(let i) = number, sp.type == nil || "dnbcoxX".contains(sp.type!) {
      let m = i.magnitude
      switch sp.type {
      case "b", "o", "x", "X":
        let radix = sp.type == "b" ? 2 : sp.type == "o" ? 8 : 16
        var digits = String(m, radix: radix, uppercase: sp.type == "X")
        if let g = sp.grouping { digits = group(digits, g, every: 4) }
        return (i < 0, sp.alternate ? "0" + String(sp.type!) : "", digits)
      case "c":
        guard i >= 0, let c = Unicode.Scalar(UInt32(clamping: i)) else { throw CellError(ename: "OverflowError", "%c arg not in range(0x110000)") }
        return (false, "", String(c))
      default:
        let digits = String(m)
        return (i < 0, "", sp.grouping.map { group(digits, $0, every: 3) } ?? digits)
      }
    }
    if case .float = number, let t = sp.type, "dbcoxX".contains(t) { throw badType(t, value) }
    let d = number.double
    let negative = d.sign == .minus && !d.isNaN
    var text: String
    switch sp.type {
    case nil:
      text = sp.precision.map { printf("%\(sp.alternate ? "#" : "").\(max($0, 1))g", abs(d)) } ?? formatFloat(abs(d))
    case "%":
      text = printf("%\(sp.alternate ? "#" : "").\(sp.precision ?? 6)f", abs(d) * 100) + "%"
    case "n":
      text = printf("%.\(sp.precision ?? 6)g", abs(d))
    case let t? where "fFeEgG".contains(t):
      text = printf("%\(sp.alternate ? "#" : "").\(sp.precision ?? 6)\(t)", abs(d))
    default:
      throw badType(sp.type!, value)
    }
    if let g = sp.grouping { text = group(text, g, every: 3) }
    return (negative, "", text)
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

  /// Separators in the integer part: 1234567.5 → 1,234,567.5 (every 4 digits for b/o/x).
  private static func group(_ text: String, _ separator: Character, every: Int) -> String {
    let intPart = text.prefix { $0.isHexDigit }
    let rest = text.dropFirst(intPart.count)
    var out = ""
    for (i, c) in intPart.enumerated() {
      if i > 0 && (intPart.count - i) % every == 0 { out.append(separator) }
      out.append(c)
    }
    return out + rest
  }
}
