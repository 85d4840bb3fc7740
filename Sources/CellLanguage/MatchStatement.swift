/// Python 3.10's `match` statement: structural pattern matching. `match` and `case` are
/// soft keywords (a line `match = re.match(...)` stays an assignment). Patterns: literals,
/// captures, `_`, dotted values (`Color.RED`), sequences (`[x, *rest]`, `(a, b)`), mappings
/// (`{'k': v, **rest}`), classes (`Point(x=0, y=y)`, `int(n)`, `__match_args__`), `|`
/// alternatives and `as` — matched as Python does.
indirect enum Pattern {
  case wildcard
  case capture(String)
  /// A literal or dotted name, compared with `==`.
  case value(Expr)
  /// `None`, `True`, `False`: compared by identity (`case True:` does not match 1).
  case singleton(Value)
  /// Items, at most one of them a `.star`.
  case sequence([Pattern])
  /// `*name` (nil for `*_`) inside a sequence pattern.
  case star(String?)
  case mapping([(Expr, Pattern)], rest: String?)
  case classPattern(Expr, positional: [Pattern], keywords: [(String, Pattern)])
  case or([Pattern])
  case bound(Pattern, String)
}

struct MatchCase {
  var pattern: Pattern
  var guardTest: Expr?
  var body: [Stmt]
}

// MARK: Parsing

extension Parser {
  /// Whether this line starts a match statement: `match` then an expression, `:`, and an
  /// indented block that begins with `case`.
  func startsMatchStatement() -> Bool {
    var probe = self
    probe.p += 1
    guard (try? probe.expressionList()) != nil, probe.accept(":"), probe.current.kind == .newline else { return false }
    probe.p += 1
    guard probe.current.kind == .indent else { return false }
    probe.p += 1
    return probe.current.kind == .name("case")
  }

  mutating func matchStatement() throws(CellError) -> Stmt {
    let start = advance().span
    let subject = try expressionList()
    try expect(":", "expected ':'")
    p += 2  // the newline and indent startsMatchStatement saw
    blockDepth += 1
    defer { blockDepth -= 1 }
    if blockDepth > Self.maxBlockDepth { throw .syntax("too many statically nested blocks", start) }
    var cases: [MatchCase] = []
    while current.kind == .name("case") {
      let at = advance().span
      let pattern = try openPattern()
      let guardTest = acceptKeyword("if") ? try expression() : nil
      cases.append(MatchCase(pattern: pattern, guardTest: guardTest, body: try block(after: "case", line: at)))
    }
    guard current.kind == .dedent || current.kind == .eof else { throw unexpected("expected 'case' block") }
    if current.kind == .dedent { p += 1 }
    return Stmt(kind: .match(subject, cases), span: start.through(subject.span))
  }

  /// `case a, *rest:` is a sequence without brackets.
  mutating func openPattern() throws(CellError) -> Pattern {
    let first = try asPattern()
    guard isOp(",") else { return first }
    var items = [first]
    while accept(",") {
      if isOp(":") || isKeyword("if") { break }
      items.append(try asPattern())
    }
    return try sequence(items)
  }

  private mutating func asPattern() throws(CellError) -> Pattern {
    let pattern = try orPattern()
    guard acceptKeyword("as") else { return pattern }
    let name = try identifier()
    guard name != "_" else { throw .syntax("cannot use '_' as a target", tokens[p - 1].span) }
    return .bound(pattern, name)
  }

  private mutating func orPattern() throws(CellError) -> Pattern {
    var alternatives = [try closedPattern()]
    while accept("|") { alternatives.append(try closedPattern()) }
    return alternatives.count == 1 ? alternatives[0] : .or(alternatives)
  }

  private mutating func closedPattern() throws(CellError) -> Pattern {
    let t = current
    switch t.kind {
    case .name("None"): p += 1; return .singleton(.none)
    case .name("True"): p += 1; return .singleton(.bool(true))
    case .name("False"): p += 1; return .singleton(.bool(false))
    case .int, .float, .string, .op("-"):
      let e = try arithmetic()
      guard Self.isLiteral(e) else { throw .syntax("patterns may only match literals and attribute lookups", e.span) }
      return .value(e)
    case .op("*"):
      p += 1
      let name = try identifier()
      return .star(name == "_" ? nil : name)
    case .name(let n) where !Self.keywords.contains(n):
      p += 1
      var e = Expr(kind: .name(n), span: t.span)
      while accept(".") { e = Expr(kind: .attribute(e, try identifier()), span: e.span.through(tokens[p - 1].span)) }
      if isOp("(") { return try classPattern(e) }
      if case .attribute = e.kind { return .value(e) }
      return n == "_" ? .wildcard : .capture(n)
    case .op("("), .op("["):
      p += 1
      let closing = t.kind == .op("(") ? ")" : "]"
      try nest(bracket: true)
      defer { nesting -= 1 }
      var items: [Pattern] = []
      var sawComma = false
      while !isOp(closing) {
        items.append(try asPattern())
        guard accept(",") else { break }
        sawComma = true
      }
      try expect(closing, "expected '\(closing)'")
      // `(p)` groups; `(p,)`, `()` and any `[…]` are sequences.
      if closing == ")", items.count == 1, !sawComma { return items[0] }
      return try sequence(items)
    case .op("{"):
      p += 1
      try nest(bracket: true)
      defer { nesting -= 1 }
      return try mappingPattern()
    default:
      throw unexpected()
    }
  }

  private func sequence(_ items: [Pattern]) throws(CellError) -> Pattern {
    let stars = items.filter { if case .star = $0 { true } else { false } }.count
    guard stars <= 1 else { throw .syntax("multiple starred names in sequence pattern", current.span) }
    return .sequence(items)
  }

  private mutating func mappingPattern() throws(CellError) -> Pattern {
    var pairs: [(Expr, Pattern)] = []
    var rest: String?
    while !isOp("}") {
      if accept("**") {
        rest = try identifier()
        _ = accept(",")
        break
      }
      let key: Expr
      switch try closedPattern() {
      case .value(let e): key = e
      case .singleton(let v): key = Expr(kind: .literal(v), span: tokens[p - 1].span)
      default: throw .syntax("mapping pattern keys may only match literals and attribute lookups", tokens[p - 1].span)
      }
      try expect(":", "expected ':'")
      pairs.append((key, try asPattern()))
      guard accept(",") else { break }
    }
    try expect("}", "expected '}'")
    return .mapping(pairs, rest: rest)
  }

  private mutating func classPattern(_ cls: Expr) throws(CellError) -> Pattern {
    p += 1
    try nest(bracket: true)
    defer { nesting -= 1 }
    var positional: [Pattern] = []
    var keywords: [(String, Pattern)] = []
    while !isOp(")") {
      if case .name(let n) = current.kind, tokens[p + 1].kind == .op("=") {
        p += 2
        keywords.append((n, try asPattern()))
      } else {
        guard keywords.isEmpty else { throw .syntax("positional patterns follow keyword patterns", current.span) }
        positional.append(try asPattern())
      }
      guard accept(",") else { break }
    }
    try expect(")", "expected ')'")
    return .classPattern(cls, positional: positional, keywords: keywords)
  }

  private static func isLiteral(_ e: Expr) -> Bool {
    switch e.kind {
    case .literal: true
    case .unary(.negate, let x): isLiteral(x)
    case .binary(.add, let a, let b), .binary(.subtract, let a, let b): isLiteral(a) && isLiteral(b)
    default: false
    }
  }
}

// MARK: Matching

extension Evaluator {
  /// Runs the body of the first case whose pattern matches (and whose guard holds).
  func runMatch(_ subjectExpr: Expr, _ cases: [MatchCase]) throws(CellError) -> Flow {
    let subject = try eval(subjectExpr)
    for c in cases {
      guard try matches(c.pattern, subject) else { continue }
      if let test = c.guardTest, !(try eval(test).isTruthy) { continue }
      return try run(c.body)
    }
    return .normal
  }

  private func bind(_ name: String, _ value: Value) throws(CellError) {
    try assign(Expr(kind: .name(name), span: SourceSpan(0, 0)), value)
  }

  func matches(_ pattern: Pattern, _ subject: Value) throws(CellError) -> Bool {
    switch pattern {
    case .wildcard: return true
    case .capture(let name):
      try bind(name, subject)
      return true
    case .bound(let inner, let name):
      guard try matches(inner, subject) else { return false }
      try bind(name, subject)
      return true
    case .value(let e):
      return try Value.equals(subject, try eval(e))
    case .singleton(let v):
      return Operators.identical(subject, v)
    case .or(let alternatives):
      for a in alternatives where try matches(a, subject) { return true }
      return false
    case .star:
      return true  // only inside a sequence, where matchSequence handles it
    case .sequence(let items):
      return try matchSequence(items, subject)
    case .mapping(let pairs, let rest):
      return try matchMapping(pairs, rest, subject)
    case .classPattern(let clsExpr, let positional, let keywords):
      return try matchClass(clsExpr, positional, keywords, subject)
    }
  }

  /// Python matches sequence patterns against sequences only: not str, dict or set.
  private func sequenceItems(_ v: Value) throws(CellError) -> [Value]? {
    switch v {
    case .list(let l): l.items
    case .tuple(let t): t
    case .host(let d as DequeObject): d.items
    // A range's items are made here (a MemoryError for a huge one, not a crash).
    case .host(is RangeObject): try ValueIterator.collect(v)
    case .host(let i as InstanceObject) where i.cls.lookup("_fields") != nil: try ValueIterator.collect(v)
    default: nil
    }
  }

  private func matchSequence(_ items: [Pattern], _ subject: Value) throws(CellError) -> Bool {
    guard let values = try sequenceItems(subject) else { return false }
    guard let star = items.firstIndex(where: { if case .star = $0 { true } else { false } }) else {
      guard values.count == items.count else { return false }
      for (p, v) in zip(items, values) where try !matches(p, v) { return false }
      return true
    }
    let after = items.count - star - 1
    guard values.count >= items.count - 1 else { return false }
    for i in 0..<star where try !matches(items[i], values[i]) { return false }
    for i in 0..<after where try !matches(items[star + 1 + i], values[values.count - after + i]) { return false }
    if case .star(let name?) = items[star] { try bind(name, .list(ListObject(Array(values[star..<(values.count - after)])))) }
    return true
  }

  private func matchMapping(_ pairs: [(Expr, Pattern)], _ rest: String?, _ subject: Value) throws(CellError) -> Bool {
    guard case .dict(let d) = subject else { return false }
    var seen: [Value] = []
    for (keyExpr, p) in pairs {
      let key = try eval(keyExpr)
      guard let value = try d.get(key), try matches(p, value) else { return false }
      seen.append(key)
    }
    if let rest {
      let remaining = DictObject()
      let used = try SetObject(seen)
      for (k, v) in zip(d.keys, d.values) where try !used.contains(k) { try remaining.set(k, v) }
      try bind(rest, .dict(remaining))
    }
    return true
  }

  /// The built-in types whose one positional sub-pattern matches the subject itself (`int(n)`).
  private static let selfMatching: Set<String> = ["bool", "bytearray", "bytes", "dict", "float", "frozenset", "int", "list", "set", "str", "tuple"]

  private func matchClass(
    _ clsExpr: Expr, _ positional: [Pattern], _ keywords: [(String, Pattern)], _ subject: Value
  ) throws(CellError) -> Bool {
    let cls = try eval(clsExpr)
    switch cls {
    case .function(let f) where f.isType: break
    case .host(is ClassObject), .host(is ExceptionType), .host(is TypeObject): break
    default: throw CellError.typeError("called match pattern must be a type", clsExpr.span)
    }
    guard try StandardLibrary.isInstance(subject, cls) else { return false }
    if !positional.isEmpty {
      if case .function(let f) = cls, Self.selfMatching.contains(f.name) {
        guard positional.count == 1 else {
          throw CellError.typeError("\(f.name)() accepts 1 positional sub-pattern (\(positional.count) given)", clsExpr.span)
        }
        guard try matches(positional[0], subject) else { return false }
      } else {
        let names = try matchArguments(cls)
        guard positional.count <= names.count else {
          let name = if case .host(let c as ClassObject) = cls { c.name } else { cls.repr }
          throw CellError.typeError(
            "\(name)() accepts \(names.count) positional sub-pattern\(names.count == 1 ? "" : "s") (\(positional.count) given)",
            clsExpr.span)
        }
        for (p, name) in zip(positional, names) {
          guard let v = try? Access.attribute(subject, name), try matches(p, v) else { return false }
        }
      }
    }
    for (name, p) in keywords {
      guard let v = try? Access.attribute(subject, name), try matches(p, v) else { return false }
    }
    return true
  }

  /// A class's `__match_args__`; a namedtuple's and a dataclass's fields stand in for it
  /// (Python generates it for both).
  private func matchArguments(_ cls: Value) throws(CellError) -> [String] {
    guard case .host(let c as ClassObject) = cls else { return [] }
    if let declared = c.lookup("__match_args__")?.value ?? c.lookup("_fields")?.value {
      return try ValueIterator.collect(declared).map { v throws(CellError) in
        guard case .string(let s) = v else { throw .typeError("__match_args__ elements must be strings (got \(v.typeName))") }
        return s
      }
    }
    if let fields = try? DataClassesModule.fieldsOf(cls) { return fields.map(\.name) }
    return []
  }
}
