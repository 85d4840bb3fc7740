/// `re.Match`: one match's groups, read as Python reads them (`m.group(1)`, `m['name']`,
/// `m.span()`); an unmatched group is None and spans (-1, -1).
final class MatchObject: HostObject {
  let pattern: PatternObject
  let string: String
  private let text: [UInt32]
  private let captures: [Int]
  private let lastGroup: Int?
  let pos: Int
  let endpos: Int

  init(_ pattern: PatternObject, string: String, text: [UInt32], captures: [Int], lastGroup: Int?, pos: Int, endpos: Int) {
    self.pattern = pattern
    self.string = string
    self.text = text
    self.captures = captures
    self.lastGroup = lastGroup
    self.pos = pos
    self.endpos = endpos
  }

  func span(_ g: Int) -> (start: Int, end: Int) { (captures[2 * g], captures[2 * g + 1]) }

  /// Group `g`'s text, nil when it did not take part in the match.
  func text(_ g: Int) -> String? {
    let (s, e) = span(g)
    return s < 0 || e < s ? nil : RegexText.string(text[s..<e])
  }

  var typeName: String { "re.Match" }
  var repr: String {
    let (s, e) = span(0)
    return "<re.Match object; span=(\(s), \(e)), match=\(Value.string(text(0) ?? "").repr)>"
  }
  func item(_ key: Value) throws -> Value? { try group(key) }

  /// A group by number or name, as `group()`, `start()` and `m[...]` take it.
  func index(_ key: Value) throws(CellError) -> Int {
    switch key {
    case .int(let n) where n >= 0 && n <= pattern.program.groups: return n
    case .bool(let b): return b ? 1 : 0
    case .string(let name): if let n = pattern.groupNames[name] { return n }
    default: break
    }
    throw CellError(ename: "IndexError", "no such group")
  }

  private func group(_ key: Value) throws(CellError) -> Value { text(try index(key)).map(Value.string) ?? Value.none }

  var attributeNames: [String] { ["endpos", "lastgroup", "lastindex", "pos", "re", "string"] + Self.methods.keys.sorted() }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "string": return .string(string)
    case "re": return .host(pattern)
    case "pos": return .int(pos)
    case "endpos": return .int(endpos)
    case "lastindex": return lastGroup.map(Value.int) ?? Value.none
    case "lastgroup":
      return lastGroup.flatMap { g in pattern.groupNames.first(where: { $0.value == g }).map { .string($0.key) } } ?? Value.none
    default:
      guard let (signature, summary) = Self.methods[name] else { return nil }
      return .function(Builtin(signature: Signature(signature), summary: summary) { [self] a, _ in try run(name, a) })
    }
  }

  private static let methods: [String: (String, String)] = [
    "group": ("group(*groups)", "The text of group 0 (the whole match), of one group, or a tuple of several."),
    "groups": ("groups(default=None)", "Every group's text as a tuple (default for an unmatched one)."),
    "groupdict": ("groupdict(default=None)", "The named groups' texts as a dict."),
    "start": ("start(group=0)", "Where the group starts (-1 if unmatched)."),
    "end": ("end(group=0)", "Where the group ends (-1 if unmatched)."),
    "span": ("span(group=0)", "(start, end) of the group."),
    "expand": ("expand(template)", "The template with \\1 and \\g<name> filled in, as sub() does."),
  ]

  private func run(_ name: String, _ a: BoundArguments) throws(CellError) -> Value {
    switch name {
    case "group":
      let keys = a.variadic
      if keys.isEmpty { return try group(.int(0)) }
      if keys.count == 1 { return try group(keys[0]) }
      var items: [Value] = []
      for k in keys { items.append(try group(k)) }
      return .tuple(items)
    case "groups":
      let d = a["default"] ?? Value.none
      return .tuple(stride(from: 1, through: pattern.program.groups, by: 1).map { text($0).map(Value.string) ?? d })
    case "groupdict":
      let d = a["default"] ?? Value.none
      let out = DictObject()
      for (k, g) in pattern.groupNames.sorted(by: { $0.value < $1.value }) { try out.set(.string(k), text(g).map(Value.string) ?? d) }
      return .dict(out)
    case "start", "end", "span":
      let (s, e) = span(try index(a["group"] ?? .int(0)))
      return name == "start" ? .int(s) : name == "end" ? .int(e) : .tuple([.int(s), .int(e)])
    default:
      guard case .string(let t) = a["template"]! else { throw CellError.typeError("expected str instance, \(a["template"]!.typeName) found") }
      return .string(try RegexTemplate(t, groups: pattern.program.groups, names: pattern.groupNames).expand(self))
    }
  }
}

/// A `sub()` replacement template: text with `\1`, `\g<1>`, `\g<name>` and Python's
/// escapes (`\n`), read once and filled in for each match.
struct RegexTemplate {
  private enum Piece {
    case text(String)
    case group(Int)
  }
  private var pieces: [Piece] = []

  init(_ template: String, groups: Int, names: [String: Int]) throws(CellError) {
    let t = Array(template.unicodeScalars)
    var literal = String.UnicodeScalarView()
    var i = 0
    func flush() {
      if !literal.isEmpty { pieces.append(.text(String(literal))) }
      literal = String.UnicodeScalarView()
    }
    while i < t.count {
      let c = t[i]
      guard c == "\\", i + 1 < t.count else {
        literal.append(c)
        i += 1
        continue
      }
      let e = t[i + 1]
      switch e {
      case "g":
        guard i + 2 < t.count, t[i + 2] == "<" else { throw RegexParser.error("missing <", at: i + 2) }
        guard let close = t[(i + 3)...].firstIndex(of: ">") else { throw RegexParser.error("missing >, unterminated name", at: i + 3) }
        let name = String(String.UnicodeScalarView(t[(i + 3)..<close]))
        let g: Int
        if let n = Int(name), name.unicodeScalars.allSatisfy({ $0.value >= 48 && $0.value <= 57 }) {
          guard n <= groups else { throw RegexParser.error("invalid group reference \(n)", at: i + 3) }
          g = n
        } else if let n = names[name] {
          g = n
        } else if name.isEmpty {
          throw RegexParser.error("missing group name", at: i + 3)
        } else {
          throw CellError(ename: "IndexError", "unknown group name '\(name)'")
        }
        flush()
        pieces.append(.group(g))
        i = close + 1
      case "1"..."9", "0":
        var j = i + 1
        let isOctal = { (k: Int) in k < t.count && t[k].value >= 48 && t[k].value <= 55 }
        if e == "0" || (isOctal(j) && isOctal(j + 1) && isOctal(j + 2) && e.value <= 51) {
          var v: UInt32 = 0
          var k = 0
          while k < 3, isOctal(j) {
            v = v * 8 + t[j].value - 48
            j += 1
            k += 1
          }
          literal.append(Unicode.Scalar(v)!)
          i = j
        } else {
          var n = Int(e.value - 48)
          j += 1
          if j < t.count, t[j].value >= 48, t[j].value <= 57 {
            n = n * 10 + Int(t[j].value - 48)
            j += 1
          }
          guard n <= groups else { throw RegexParser.error("invalid group reference \(n)", at: i + 1) }
          flush()
          pieces.append(.group(n))
          i = j
        }
      default:
        let escapes: [Unicode.Scalar: Unicode.Scalar] = ["n": "\n", "t": "\t", "r": "\r", "f": "\u{0C}", "v": "\u{0B}", "a": "\u{07}", "b": "\u{08}", "\\": "\\"]
        if let x = escapes[e] {
          literal.append(x)
        } else if e.isASCII && (e.properties.isAlphabetic || e.properties.numericType != nil) {
          throw RegexParser.error("bad escape \\\(e)", at: i)
        } else {
          literal.append(c)
          literal.append(e)
        }
        i += 2
      }
    }
    flush()
  }

  func expand(_ m: MatchObject) -> String {
    var out = ""
    for p in pieces {
      switch p {
      case .text(let s): out += s
      case .group(let g): out += m.text(g) ?? ""
      }
    }
    return out
  }
}
