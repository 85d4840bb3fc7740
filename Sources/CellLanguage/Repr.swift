/// A host container whose repr lists its items (deque, set): Value.repr writes it, so that
/// containers holding each other print `[...]` where Python's do instead of recursing.
protocol ItemsRepr: HostObject {
  /// The text before and after the items (`items` nil: `open` alone, e.g. `set()`), and
  /// what stands for the container met again inside itself.
  var reprParts: (open: String, items: [Value]?, close: String, recursion: String) { get }
}

/// Python's `repr` and `str`, and the rich (HTML) display of values.
extension Value {
  /// Python's `repr(x)`.
  public var repr: String {
    var out = ""
    var seen: [ObjectIdentifier] = []
    Self.writeRepr(self, into: &out, seen: &seen)
    return out
  }

  /// Python's `str(x)`: strings as they are, everything else as `repr`.
  public var str: String {
    if case .string(let s) = self { return s }
    if case .host(let e as ExceptionValue) = self { return e.message }
    if case .host(let i as InstanceObject) = self { return i.str }
    return repr
  }

  private static func writeRepr(_ v: Value, into out: inout String, seen: inout [ObjectIdentifier]) {
    switch v {
    case .none: out += "None"
    case .bool(let b): out += b ? "True" : "False"
    case .int(let i): out += String(i)
    case .float(let d): out += formatFloat(d)
    case .string(let s): out += quoted(s)
    case .function(let f):
      out += f.isUserFunction ? "<function \(f.name)>" : f.isType ? "<class '\(f.name)'>" : "<built-in function \(f.name)>"
    case .host(let c as ItemsRepr):
      // As a list: a deque or set met again inside itself prints as [...] / {...}, and is
      // written with the same record of open containers (a fresh one per nesting would
      // recurse without end through a set holding a deque holding the set).
      guard !seen.contains(ObjectIdentifier(c)), seen.count < 200 else { return out += c.reprParts.recursion }
      seen.append(ObjectIdentifier(c))
      defer { seen.removeLast() }
      let parts = c.reprParts
      guard let items = parts.items else { return out += parts.open }
      out += parts.open
      writeItems(items, into: &out, seen: &seen)
      out += parts.close
    case .host(let h): out += h.repr
    case .tuple(let items):
      guard seen.count < 200 else { return out += "(...)" }
      seen.append(ObjectIdentifier(ListObject.self))  // counts depth; never matches an object
      defer { seen.removeLast() }
      out += "("
      writeItems(items, into: &out, seen: &seen)
      out += items.count == 1 ? ",)" : ")"
    case .list(let l):
      // A list containing itself prints as [...] like Python's; so do very deep nests.
      guard !seen.contains(ObjectIdentifier(l)), seen.count < 200 else { return out += "[...]" }
      seen.append(ObjectIdentifier(l))
      out += "["
      writeItems(l.items, into: &out, seen: &seen)
      out += "]"
      seen.removeLast()
    case .dict(let d):
      guard !seen.contains(ObjectIdentifier(d)), seen.count < 200 else { return out += "{...}" }
      seen.append(ObjectIdentifier(d))
      var items = "{"
      // A Counter shows its most common items first, as Python's does.
      var pairs = Array(zip(d.keys, d.values))
      if d.isCounter, let ordered = try? Counters.mostCommon(d) { pairs = ordered }
      for (i, (k, value)) in pairs.enumerated() {
        if i > 0 { items += ", " }
        writeRepr(k, into: &items, seen: &seen)
        items += ": "
        writeRepr(value, into: &items, seen: &seen)
      }
      items += "}"
      out += d.flavor?.repr(d, items: items) ?? items
      seen.removeLast()
    }
  }

  private static func writeItems(_ items: [Value], into out: inout String, seen: inout [ObjectIdentifier]) {
    for (i, item) in items.enumerated() {
      if i > 0 { out += ", " }
      writeRepr(item, into: &out, seen: &seen)
    }
  }

  /// A string literal the way Python writes it: single quotes unless the text has
  /// a single quote and no double quote; control characters escaped.
  static func quoted(_ s: String) -> String {
    let useDouble = s.contains("'") && !s.contains("\"")
    let q: Unicode.Scalar = useDouble ? "\"" : "'"
    var out = String.UnicodeScalarView()
    out.append(q)
    for c in s.unicodeScalars {
      switch c {
      case "\\": out.append(contentsOf: "\\\\".unicodeScalars)
      case "\n": out.append(contentsOf: "\\n".unicodeScalars)
      case "\t": out.append(contentsOf: "\\t".unicodeScalars)
      case "\r": out.append(contentsOf: "\\r".unicodeScalars)
      case q: out.append("\\"); out.append(q)
      default:
        if isPrintable(c) {
          out.append(c)
        } else {
          // \xhh, \uhhhh or \Uhhhhhhhh, as Python picks by the code point's size.
          let hex = String(c.value, radix: 16)
          let (prefix, width) = c.value < 0x100 ? ("\\x", 2) : c.value < 0x10000 ? ("\\u", 4) : ("\\U", 8)
          out.append(contentsOf: (prefix + String(repeating: "0", count: width - hex.count) + hex).unicodeScalars)
        }
      }
    }
    out.append(q)
    return String(out)
  }

  /// Python's str.isprintable for one character: not a control, format, surrogate,
  /// private-use or unassigned code point, nor a separator other than the space (so a
  /// byte-order mark or a no-break space is shown escaped, as Python shows it).
  static func isPrintable(_ c: Unicode.Scalar) -> Bool {
    switch c.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator: c == " "
    default: true
    }
  }
}

/// Python's float repr: the shortest digits that round-trip (which Swift's
/// `description` also finds), laid out by Python's rules — positional notation
/// for exponents -4 ..< 16, scientific with a signed two-digit exponent otherwise,
/// and a ".0" on integral values.
public func formatFloat(_ d: Double) -> String {
  if d.isNaN { return "nan" }
  if d.isInfinite { return d < 0 ? "-inf" : "inf" }
  let (negative, digits, point) = shortestDigits(d)
  let sign = negative ? "-" : ""
  if digits == "0" { return sign + "0.0" }
  let n = digits.count
  if point > -4 && point <= 16 {
    if point <= 0 { return sign + "0." + String(repeating: "0", count: -point) + digits }
    if point >= n { return sign + digits + String(repeating: "0", count: point - n) + ".0" }
    let cut = digits.index(digits.startIndex, offsetBy: point)
    return sign + digits[..<cut] + "." + digits[cut...]
  }
  let exponent = point - 1
  let mantissa = n == 1 ? digits : String(digits.first!) + "." + digits.dropFirst()
  let e = abs(exponent) < 10 ? "0\(abs(exponent))" : "\(abs(exponent))"
  return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + e
}

/// Splits Swift's shortest round-trip text into sign, significant digits (no
/// leading or trailing zeros) and the decimal point's position: value = 0.DIGITS × 10^point.
private func shortestDigits(_ d: Double) -> (Bool, String, Int) {
  var text = Substring(d.description)
  let negative = text.first == "-"
  if negative { text.removeFirst() }
  var exponent = 0
  if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
    exponent = Int(text[text.index(after: e)...]) ?? 0
    text = text[..<e]
  }
  let parts = text.split(separator: ".", omittingEmptySubsequences: false)
  let whole = parts[0]
  let fraction = parts.count > 1 ? parts[1] : ""
  var digits = Substring(whole + fraction)
  var point = whole.count + exponent
  while digits.first == "0" {
    digits.removeFirst()
    point -= 1
  }
  while digits.last == "0" { digits.removeLast() }
  if digits.isEmpty { return (negative, "0", 1) }
  return (negative, String(digits), point)
}
