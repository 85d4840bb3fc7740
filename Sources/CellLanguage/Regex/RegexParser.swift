/// Parses a `re` pattern into a `RegexNode` tree with Python's syntax and Python's
/// `re.error` messages ("nothing to repeat at position 0").
struct RegexParser {
  private let p: [Unicode.Scalar]
  private var i = 0
  private var flags: RegexFlags
  private(set) var groupCount = 0
  private(set) var groupNames: [String: Int] = [:]
  /// Nesting depth: a pattern of thousands of nested groups is refused, not a native-stack overflow.
  private var depth = 0
  private static let maxDepth = 200
  /// Back-references seen before their group was closed are checked at the end.
  private var openGroups: Set<Int> = []

  /// Parses `pattern`; `flags` may gain the pattern's leading `(?i)`-style flags.
  static func parse(_ pattern: String, flags: inout RegexFlags) throws(CellError) -> (RegexNode, groups: Int, names: [String: Int]) {
    var parser = RegexParser(p: Array(pattern.unicodeScalars), flags: flags)
    parser.readGlobalFlags()
    let node = try parser.alternation()
    if parser.i < parser.p.count {
      throw error("unbalanced parenthesis", at: parser.i)
    }
    // A leading `(?i)` covers the whole pattern (scoped flags were restored on leaving their group).
    flags = parser.flags
    return (node, parser.groupCount, parser.groupNames)
  }

  private init(p: [Unicode.Scalar], flags: RegexFlags) {
    self.p = p
    self.flags = flags
  }

  static func error(_ message: String, at position: Int? = nil) -> CellError {
    CellError(ename: "error", position.map { "\(message) at position \($0)" } ?? message)
  }

  private var atEnd: Bool { i >= p.count }
  private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < p.count ? p[i + k] : nil }

  /// `(?imsx)` at the very start sets flags for the whole pattern.
  private mutating func readGlobalFlags() {
    while peek() == "(", peek(1) == "?" {
      var j = i + 2
      var found = RegexFlags()
      while j < p.count, let f = RegexFlags.inline(p[j]) {
        found.insert(f)
        j += 1
      }
      guard j < p.count, p[j] == ")", j > i + 2 else { return }
      flags.formUnion(found)
      i = j + 1
    }
  }

  private mutating func skipVerbose() {
    guard flags.contains(.verbose) else { return }
    while let c = peek() {
      if c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" {
        i += 1
      } else if c == "#" {
        while let d = peek(), d != "\n" { i += 1 }
      } else {
        return
      }
    }
  }

  private mutating func alternation() throws(CellError) -> RegexNode {
    var branches = [try sequence()]
    while peek() == "|" {
      i += 1
      branches.append(try sequence())
    }
    return branches.count == 1 ? branches[0] : .alternation(branches)
  }

  private mutating func sequence() throws(CellError) -> RegexNode {
    var items: [RegexNode] = []
    while true {
      skipVerbose()
      guard let c = peek(), c != "|", c != ")" else { break }
      var atom = try self.atom()
      skipVerbose()
      let start = i
      if let q = try quantifier() {
        if case .anchor = atom { throw Self.error("nothing to repeat", at: start) }
        if case .empty = atom { throw Self.error("nothing to repeat", at: start) }
        atom = .repeated(atom, min: q.min, max: q.max, greedy: q.greedy, possessive: q.possessive)
        skipVerbose()
        if let c = peek(), c == "*" || c == "+" || c == "?" || (c == "{" && quantifierAhead()) {
          throw Self.error("multiple repeat", at: i)
        }
      }
      items.append(atom)
    }
    return items.count == 1 ? items[0] : items.isEmpty ? .empty : .sequence(items)
  }

  /// Whether a `{` here starts a valid `{m,n}` (otherwise it is a literal brace).
  private func quantifierAhead() -> Bool {
    var j = i + 1
    var digits = 0
    var comma = false
    while j < p.count {
      let c = p[j]
      if c == "}" { return digits > 0 || comma }
      if c == "," && !comma { comma = true } else if c.properties.numericType == .decimal && c.value < 128 { digits += 1 } else { return false }
      j += 1
    }
    return false
  }

  private mutating func quantifier() throws(CellError) -> (min: Int, max: Int?, greedy: Bool, possessive: Bool)? {
    guard let c = peek() else { return nil }
    var bounds: (Int, Int?)
    switch c {
    case "*": bounds = (0, nil)
    case "+": bounds = (1, nil)
    case "?": bounds = (0, 1)
    case "{":
      guard quantifierAhead() else { return nil }
      let open = i
      i += 1
      let lo = number()
      var hi = lo
      if peek() == "," {
        i += 1
        hi = number()
      }
      i += 1  // "}"
      let min = lo ?? 0
      if let h = hi, h < min { throw Self.error("min repeat greater than max repeat", at: open + 1) }
      guard min <= 65535, (hi ?? 0) <= 65535 else { throw Self.error("the repetition number is too large", at: open + 1) }
      bounds = (min, hi)
    default: return nil
    }
    if c != "{" { i += 1 }
    var greedy = true
    var possessive = false
    if peek() == "?" {
      greedy = false
      i += 1
    } else if peek() == "+" {
      possessive = true
      i += 1
    }
    return (bounds.0, bounds.1, greedy, possessive)
  }

  private mutating func number() -> Int? {
    var n: Int?
    while let c = peek(), c.value >= 48, c.value <= 57 {
      n = min((n ?? 0) * 10 + Int(c.value - 48), 1 << 20)
      i += 1
    }
    return n
  }

  private mutating func atom() throws(CellError) -> RegexNode {
    let c = p[i]
    switch c {
    case "*", "+", "?": throw Self.error("nothing to repeat", at: i)
    case "{" where quantifierAhead(): throw Self.error("nothing to repeat", at: i)
    case "(": return try group()
    case "[": return .set(try charSet())
    case ".":
      i += 1
      return .any(dotAll: flags.contains(.dotAll))
    case "^":
      i += 1
      return .anchor(.lineStart(multiline: flags.contains(.multiline)))
    case "$":
      i += 1
      return .anchor(.lineEnd(multiline: flags.contains(.multiline)))
    case "\\": return try escape()
    default:
      i += 1
      return literal(c.value)
    }
  }

  private func literal(_ c: UInt32) -> RegexNode {
    let fold = flags.contains(.ignoreCase) && RegexText.fold(c) != RegexText.upper(c)
    return .char(fold ? RegexText.fold(c) : c, fold: fold)
  }

  private mutating func group() throws(CellError) -> RegexNode {
    let open = i
    i += 1
    depth += 1
    defer { depth -= 1 }
    guard depth <= Self.maxDepth else { throw Self.error("too many nested groups (more than \(Self.maxDepth))", at: open) }
    var index: Int? = nil
    var kind = "group"
    let saved = flags
    defer { flags = saved }
    if peek() == "?" {
      i += 1
      guard let k = peek() else { throw Self.error("unexpected end of pattern", at: i) }
      switch k {
      case ":": i += 1
      case "P":
        i += 1
        if peek() == "<" {
          i += 1
          let name = try groupName(until: ">")
          groupCount += 1
          if let was = groupNames[name] {
            throw Self.error("redefinition of group name '\(name)' as group \(groupCount); was group \(was)", at: i - name.unicodeScalars.count - 1)
          }
          groupNames[name] = groupCount
          index = groupCount
        } else if peek() == "=" {
          i += 1
          let at = i
          let name = try groupName(until: ")")
          guard let n = groupNames[name] else { throw Self.error("unknown group name '\(name)'", at: at) }
          return .backReference(n, fold: flags.contains(.ignoreCase))
        } else {
          throw Self.error(atEnd ? "unexpected end of pattern" : "unknown extension ?P\(p[i])", at: atEnd ? i : open + 1)
        }
      case "=", "!":
        i += 1
        kind = k == "=" ? "lookahead" : "negative lookahead"
      case "<" where peek(1) == "=" || peek(1) == "!":
        kind = peek(1) == "=" ? "lookbehind" : "negative lookbehind"
        i += 2
      case "<" where peek(1) == nil: throw Self.error("unexpected end of pattern", at: i + 1)
      case ">":
        i += 1
        kind = "atomic"
      case "#":
        while let d = peek(), d != ")" { i += 1 }
        guard !atEnd else { throw Self.error("missing ), unterminated comment", at: open) }
        i += 1
        return .empty
      default:
        try scopedFlags(open)
      }
    } else {
      groupCount += 1
      index = groupCount
    }
    if let index { openGroups.insert(index) }
    let body = try alternation()
    guard peek() == ")" else { throw Self.error("missing ), unterminated subpattern", at: open) }
    i += 1
    if let index { openGroups.remove(index) }
    switch kind {
    case "lookahead", "negative lookahead": return .look(body, ahead: true, negated: kind.hasPrefix("negative"))
    case "lookbehind", "negative lookbehind":
      guard body.fixedWidth != nil else { throw Self.error("look-behind requires fixed-width pattern") }
      return .look(body, ahead: false, negated: kind.hasPrefix("negative"))
    case "atomic": return .atomic(body)
    default: return .group(index: index, body)
    }
  }

  /// `(?i:…)`, `(?-i:…)`: flags for the group's body only.
  private mutating func scopedFlags(_ open: Int) throws(CellError) {
    var on = RegexFlags()
    var off = RegexFlags()
    var minus = false
    while let c = peek(), c != ":" {
      if c == "-" && !minus {
        minus = true
      } else if let f = RegexFlags.inline(c) {
        if minus { off.insert(f) } else { on.insert(f) }
      } else if c == ")" && !minus && !on.isEmpty {
        throw Self.error("global flags not at the start of the expression", at: open)
      } else {
        throw Self.error("unknown extension ?\(c)", at: open + 1)
      }
      i += 1
    }
    guard !atEnd else { throw Self.error("missing -, : or )", at: i) }
    i += 1
    flags.formUnion(on)
    flags.subtract(off)
  }

  private mutating func groupName(until end: Unicode.Scalar) throws(CellError) -> String {
    let start = i
    while let c = peek(), c != end { i += 1 }
    guard !atEnd else { throw Self.error("missing \(end), unterminated name", at: start) }
    let name = String(String.UnicodeScalarView(p[start..<i]))
    i += 1
    guard let first = name.unicodeScalars.first, first == "_" || first.properties.isXIDStart,
      name.unicodeScalars.allSatisfy({ $0 == "_" || $0.properties.isXIDContinue })
    else {
      throw Self.error(name.isEmpty ? "missing group name" : "bad character in group name '\(name)'", at: start)
    }
    return name
  }

  private mutating func escape() throws(CellError) -> RegexNode {
    let at = i
    i += 1
    guard let c = peek() else { throw Self.error("bad escape (end of pattern)", at: at) }
    let ascii = flags.contains(.ascii)
    switch c {
    case "d", "D", "w", "W", "s", "S":
      i += 1
      var set = RegexCharSet()
      set.items = [Self.classEscape(c, ascii: ascii)!]
      return .set(set)
    case "b", "B":
      i += 1
      return .anchor(c == "b" ? .wordBoundary(ascii: ascii) : .notWordBoundary(ascii: ascii))
    case "A":
      i += 1
      return .anchor(.textStart)
    case "Z":
      i += 1
      return .anchor(.textEnd)
    case "1"..."9":
      if c != "0", let d = peek(1), d.value >= 48, d.value <= 55, let e = peek(2), e.value >= 48, e.value <= 55, c.value <= 51 {
        return literal(try codePoint(at: at))
      }
      var n = Int(c.value - 48)
      i += 1
      if let d = peek(), d.value >= 48, d.value <= 57 {
        n = n * 10 + Int(d.value - 48)
        i += 1
      }
      guard n <= groupCount, !openGroups.contains(n) else {
        throw n <= groupCount ? Self.error("cannot refer to an open group", at: at) : Self.error("invalid group reference \(n)", at: at + 1)
      }
      return .backReference(n, fold: flags.contains(.ignoreCase))
    default:
      return literal(try codePoint(at: at))
    }
  }

  static func classEscape(_ c: Unicode.Scalar, ascii: Bool) -> RegexCharSet.Item? {
    switch c {
    case "d", "D": .digit(ascii: ascii, negated: c == "D")
    case "w", "W": .word(ascii: ascii, negated: c == "W")
    case "s", "S": .space(ascii: ascii, negated: c == "S")
    default: nil
    }
  }

  /// A one-code-point escape after the backslash at `at` (`\n`, `\x41`, `\u00e9`, `\.`), as
  /// Python reads it in a pattern; `i` is just past the backslash.
  private mutating func codePoint(at: Int) throws(CellError) -> UInt32 {
    let c = p[i]
    i += 1
    switch c {
    case "n": return 10
    case "t": return 9
    case "r": return 13
    case "f": return 12
    case "v": return 11
    case "a": return 7
    case "0"..."7":
      var v = c.value - 48
      var k = 1
      while k < 3, let d = peek(), d.value >= 48, d.value <= 55 {
        v = v * 8 + d.value - 48
        i += 1
        k += 1
      }
      guard v <= 0o377 else { throw Self.error("octal escape value \\\(String(String.UnicodeScalarView(p[(at + 1)..<i]))) outside of range 0-0o377", at: at) }
      return v
    case "x", "u", "U":
      let width = c == "x" ? 2 : c == "u" ? 4 : 8
      var v: UInt32 = 0
      for _ in 0..<width {
        guard let d = peek(), d.isASCII, let h = UInt32(String(d), radix: 16) else {
          throw Self.error("incomplete escape \\\(String(String.UnicodeScalarView(p[(at + 1)..<i])))", at: at)
        }
        v = v &* 16 &+ h
        i += 1
      }
      guard Unicode.Scalar(v) != nil else { throw Self.error("bad escape \\\(c)", at: at) }
      return v
    default:
      if c.value < 128 && (c.properties.isAlphabetic || (c.value >= 48 && c.value <= 57)) {
        throw Self.error("bad escape \\\(c)", at: at)
      }
      return c.value
    }
  }

  /// One member of a class: a character (`a`, `\n`, `\b` as backspace) or a class escape (`\d`).
  private enum SetAtom {
    case char(UInt32)
    case escape(RegexCharSet.Item, Unicode.Scalar)
  }

  private mutating func setAtom(_ open: Int) throws(CellError) -> SetAtom {
    let start = i
    let c = p[i]
    i += 1
    guard c == "\\" else { return .char(c.value) }
    guard let e = peek() else { throw Self.error("unterminated character set", at: open) }
    if let item = Self.classEscape(e, ascii: flags.contains(.ascii)) {
      i += 1
      return .escape(item, e)
    }
    if e == "b" {
      i += 1
      return .char(8)
    }
    return .char(try codePoint(at: start))
  }

  private mutating func charSet() throws(CellError) -> RegexCharSet {
    let open = i
    i += 1
    var set = RegexCharSet()
    set.fold = flags.contains(.ignoreCase)
    if peek() == "^" {
      set.negated = true
      i += 1
    }
    var first = true
    while true {
      guard let c = peek() else { throw Self.error("unterminated character set", at: open) }
      if c == "]" && !first { break }
      first = false
      let start = i
      let lo: UInt32
      switch try setAtom(open) {
      case .escape(let item, let e):
        if peek() == "-", let next = peek(1), next != "]" { throw Self.error("bad character range \\\(e)-\(next)", at: start) }
        set.items.append(item)
        continue
      case .char(let v): lo = v
      }
      guard peek() == "-", let next = peek(1), next != "]" else {
        set.items.append(.range(lo, lo))
        continue
      }
      i += 1
      guard case .char(let hi) = try setAtom(open), hi >= lo else {
        throw Self.error("bad character range \(String(String.UnicodeScalarView(p[start..<i])))", at: start)
      }
      set.items.append(.range(lo, hi))
    }
    i += 1
    return set
  }
}
