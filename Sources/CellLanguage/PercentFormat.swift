/// `template % values`: Python's printf-style string formatting. Each conversion is turned
/// into a format spec and rendered by `Format.format`, so `'%8.3f' % x` and `f'{x:8.3f}'`
/// give the same text.
enum PercentFormat {
  static func format(_ template: String, _ values: Value) throws(CellError) -> String {
    let chars = Array(template)
    // A tuple gives the values in order; a dict is looked up by `%(name)s`; anything else
    // is the one value.
    let positional: [Value]
    var mapping: DictObject?
    switch values {
    case .tuple(let items): positional = items
    case .dict(let d): (positional, mapping) = ([values], d)
    default: positional = [values]
    }
    var next = 0
    var usedMapping = false
    func take() throws(CellError) -> Value {
      guard next < positional.count else { throw .typeError("not enough arguments for format string") }
      next += 1
      return positional[next - 1]
    }
    var out = ""
    var i = 0
    while i < chars.count {
      guard chars[i] == "%" else {
        out.append(chars[i])
        i += 1
        continue
      }
      let start = i
      i += 1
      var value: Value?
      if i < chars.count, chars[i] == "(" {
        guard let mapping else { throw .typeError("format requires a mapping") }
        guard let close = chars[i...].firstIndex(of: ")") else { throw .valueError("incomplete format key") }
        let key = Value.string(String(chars[(i + 1)..<close]))
        guard let v = try mapping.get(key) else { throw CellError(ename: "KeyError", key.repr) }
        (value, usedMapping, i) = (v, true, close + 1)
      }
      var flags = Set<Character>()
      while i < chars.count, "-+ #0".contains(chars[i]) { flags.insert(chars[i]); i += 1 }
      func number() throws(CellError) -> Int? {
        if i < chars.count, chars[i] == "*" {
          i += 1
          guard case .int(let n) = try take() else { throw .typeError("* wants int") }
          return n
        }
        var n: Int?
        while i < chars.count, chars[i].isASCII, let d = chars[i].wholeNumberValue {
          n = (n ?? 0) * 10 + d
          i += 1
          if n! > 10_000 { throw .valueError("width or precision too big") }
        }
        return n
      }
      var width = try number()
      if let w = width, w < 0 { (width, flags) = (-w, flags.union(["-"])) }
      var precision: Int?
      if i < chars.count, chars[i] == "." {
        i += 1
        precision = try number() ?? 0
      }
      while i < chars.count, "hlL".contains(chars[i]) { i += 1 }
      guard i < chars.count else { throw .valueError("incomplete format") }
      let type = chars[i]
      i += 1
      if type == "%" {
        out.append("%")
        continue
      }
      let v: Value
      if let value { v = value } else { v = try take() }
      out += try convert(v, type, flags: flags, width: width ?? 0, precision: precision, at: start)
    }
    if next < positional.count && !usedMapping && mapping == nil {
      throw .typeError("not all arguments converted during string formatting")
    }
    return out
  }

  /// One conversion: the value checked and converted as printf does, then rendered
  /// through a format spec (strings right-aligned unless the `-` flag says left).
  private static func convert(
    _ v: Value, _ type: Character, flags: Set<Character>, width: Int, precision: Int?, at index: Int
  ) throws(CellError) -> String {
    let align = flags.contains("-") ? "<" : ">"
    let sign = flags.contains("+") ? "+" : flags.contains(" ") ? " " : ""
    let zero = flags.contains("0") && !flags.contains("-")
    switch type {
    case "s", "r", "a":
      let text = type == "s" ? v.str : v.repr
      let clipped = precision.map { String(text.unicodeScalars.prefix($0)) } ?? text
      return try Format.format(.string(clipped), spec: "\(align)\(width)")
    case "c":
      let ch: String
      switch v {
      case .string(let s) where s.unicodeScalars.count == 1: ch = s
      case .int(let n) where (0...0x10FFFF).contains(n) && Unicode.Scalar(UInt32(n)) != nil:
        ch = String(Character(Unicode.Scalar(UInt32(n))!))
      default: throw .typeError("%c requires an int or a unicode character, not \(v.typeName)")
      }
      return try Format.format(.string(ch), spec: "\(align)\(width)")
    case "d", "i", "u", "x", "X", "o":
      let integer: Int
      switch v.numeric {
      case .int(let n)?: integer = n
      case .float(let d)? where "diu".contains(type):
        guard case .int(let n) = try StandardLibrary.toInt(.float(d)) else { return "" }
        integer = n
      default:
        let wants = "diu".contains(type) ? "a real number" : "an integer"
        throw .typeError("%\(type) format: \(wants) is required, not \(v.typeName)")
      }
      let kind = type == "i" || type == "u" ? "d" : String(type)
      let alternate = flags.contains("#") ? "#" : ""
      guard let precision else {
        // The 0 flag pads with zeros after the sign (the spec's own "0", which wants no align).
        return try Format.format(.int(integer), spec: "\(zero ? "" : align)\(sign)\(alternate)\(zero ? "0" : "")\(width)\(kind)")
      }
      // A precision is the least number of digits, zeros after the sign and prefix; the 0
      // flag is then ignored, as in C.
      var digits = String(integer.magnitude, radix: kind == "d" ? 10 : kind == "o" ? 8 : 16, uppercase: kind == "X")
      digits = String(repeating: "0", count: max(0, precision - digits.count)) + digits
      let prefix = alternate.isEmpty || kind == "d" ? "" : "0" + (kind == "o" ? "o" : kind)
      let text = (integer < 0 ? "-" : sign) + prefix + digits
      return try Format.format(.string(text), spec: "\(align)\(width)")
    case "e", "E", "f", "F", "g", "G":
      guard let n = v.numeric else { throw .typeError("must be real number, not \(v.typeName)") }
      let alternate = flags.contains("#") ? "#" : ""
      return try Format.format(
        .float(n.double), spec: "\(zero ? "" : align)\(sign)\(alternate)\(zero ? "0" : "")\(width).\(precision ?? 6)\(type)")
    default:
      let code = String(type.unicodeScalars.first!.value, radix: 16)
      throw .valueError("unsupported format character '\(type)' (0x\(code)) at index \(index + 1)")
    }
  }
}
