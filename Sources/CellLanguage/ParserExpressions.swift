/// Expressions, lowest precedence first: conditional, or, and, not, comparison,
/// + -, * / // %, unary, **, postfix (call, index, attribute), atom.
extension Parser {
  static let maxNesting = 100

  /// Counts one level of nesting; brackets say so, other nesting (`- - x`, chained
  /// `a if b else c if …`, `**`) is "too deeply nested" since there may be no bracket at all.
  mutating func nest(bracket: Bool = false) throws(CellError) {
    nesting += 1
    if nesting > Self.maxNesting {
      throw .syntax(bracket ? "too many nested parentheses" : "expression too deeply nested", current.span)
    }
  }

  /// `a, b` becomes a tuple; a single expression stays itself.
  mutating func expressionList() throws(CellError) -> Expr {
    let first = try starredOrExpression()
    guard isOp(",") else { return first }
    var items = [first]
    while accept(",") {
      if startsExpression || isOp("*") { items.append(try starredOrExpression()) } else { break }
    }
    return Expr(kind: .tuple(items), span: first.span.through(tokens[p - 1].span))
  }

  /// `e` unless it is starred, which a comprehension's element or a dict key cannot be.
  func unstarred(_ e: Expr) throws(CellError) -> Expr {
    guard case .starred = e.kind else { return e }
    throw .syntax("iterable unpacking cannot be used here", e.span)
  }

  /// `*rest` (a starred assignment target, or an item spread into a display) or an expression.
  mutating func starredOrExpression() throws(CellError) -> Expr {
    guard isOp("*") else { return try expression() }
    let start = advance().span
    let inner = try orTest()
    return Expr(kind: .starred(inner), span: start.through(inner.span))
  }

  /// For `for` targets: names, attributes or indexes separated by commas (no `in` operator).
  mutating func targetList() throws(CellError) -> Expr {
    let first = try postfix()
    guard isOp(",") else { return first }
    var items = [first]
    while accept(",") {
      if isKeyword("in") { break }
      items.append(try postfix())
    }
    return Expr(kind: .tuple(items), span: first.span.through(items.last!.span))
  }

  var startsExpression: Bool {
    switch current.kind {
    case .name(let n): return !Self.keywords.contains(n) || ["not", "True", "False", "None", "lambda"].contains(n)
    case .int, .float, .string: return true
    case .op(let o): return ["(", "[", "{", "-", "+"].contains(o)
    default: return false
    }
  }

  static let maxDepth = 200

  /// Refuses expressions whose tree is too deep (a 5,000-term `1+1+…`), like CPython's
  /// "too complex" limit; the evaluator and the deallocator recurse over the tree.
  func bounded(_ e: Expr) throws(CellError) -> Expr {
    guard e.depth <= Self.maxDepth else { throw .syntax("expression too long or too deeply nested", e.span) }
    return e
  }

  mutating func expression() throws(CellError) -> Expr {
    if isKeyword("lambda") { return try lambdaExpression() }
    if case .name(let n) = current.kind, tokens[p + 1].kind == .op(":="), !Self.keywords.contains(n) {
      // `name := value`, Python 3.8's assignment expression.
      let start = current.span
      p += 2
      try nest()
      defer { nesting -= 1 }
      let value = try expression()
      return try bounded(Expr(kind: .namedValue(n, value), span: start.through(value.span)))
    }
    let value = try orTest()
    guard isKeyword("if") else { return value }
    p += 1
    try nest()
    defer { nesting -= 1 }
    let test = try orTest()
    guard acceptKeyword("else") else { throw unexpected("expected 'else' after 'if' expression") }
    let other = try expression()
    return try bounded(Expr(kind: .conditional(test: test, then: value, else: other), span: value.span.through(other.span)))
  }

  mutating func orTest() throws(CellError) -> Expr {
    var left = try andTest()
    while acceptKeyword("or") {
      let right = try andTest()
      left = try bounded(Expr(kind: .or(left, right), span: left.span.through(right.span)))
    }
    return left
  }

  mutating func andTest() throws(CellError) -> Expr {
    var left = try notTest()
    while acceptKeyword("and") {
      let right = try notTest()
      left = try bounded(Expr(kind: .and(left, right), span: left.span.through(right.span)))
    }
    return left
  }

  mutating func notTest() throws(CellError) -> Expr {
    guard isKeyword("not") else { return try comparison() }
    let start = advance().span
    try nest()
    defer { nesting -= 1 }
    let operand = try notTest()
    return Expr(kind: .unary(.not, operand), span: start.through(operand.span))
  }

  mutating func compareOperator() -> CompareOp? {
    switch current.kind {
    case .op(let o): if let op = CompareOp(rawValue: o), o != "in" { p += 1; return op }
    case .name("in"): p += 1; return .in
    case .name("not") where tokens[p + 1].kind == .name("in"): p += 2; return .notIn
    case .name("is"):
      p += 1
      return acceptKeyword("not") ? .isNot : .is
    default: break
    }
    return nil
  }

  mutating func comparison() throws(CellError) -> Expr {
    let first = try bitwiseOr()
    var rest: [(CompareOp, Expr)] = []
    while let op = compareOperator() {
      rest.append((op, try bitwiseOr()))
    }
    guard let last = rest.last else { return first }
    return try bounded(Expr(kind: .compare(first, rest), span: first.span.through(last.1.span)))
  }

  /// `|`, then `^`, then `&`, then the shifts: Python's levels between comparisons and `+ -`.
  mutating func bitwiseOr() throws(CellError) -> Expr { try binaryLevel(["|"]) { (p) throws(CellError) in try p.bitwiseXor() } }
  mutating func bitwiseXor() throws(CellError) -> Expr { try binaryLevel(["^"]) { (p) throws(CellError) in try p.bitwiseAnd() } }
  mutating func bitwiseAnd() throws(CellError) -> Expr { try binaryLevel(["&"]) { (p) throws(CellError) in try p.shift() } }
  mutating func shift() throws(CellError) -> Expr { try binaryLevel(["<<", ">>"]) { (p) throws(CellError) in try p.arithmetic() } }

  /// Left-associative operators of one level over operands `next` parses.
  mutating func binaryLevel(
    _ ops: Set<String>, _ next: (inout Parser) throws(CellError) -> Expr
  ) throws(CellError) -> Expr {
    var left = try next(&self)
    while case .op(let o) = current.kind, ops.contains(o), let op = BinaryOp(rawValue: o) {
      p += 1
      let right = try next(&self)
      left = try bounded(Expr(kind: .binary(op, left, right), span: left.span.through(right.span)))
    }
    return left
  }

  mutating func arithmetic() throws(CellError) -> Expr {
    var left = try term()
    while case .op(let o) = current.kind, o == "+" || o == "-" {
      p += 1
      let right = try term()
      left = try bounded(Expr(kind: .binary(o == "+" ? .add : .subtract, left, right), span: left.span.through(right.span)))
    }
    return left
  }

  mutating func term() throws(CellError) -> Expr {
    var left = try factor()
    while case .op(let o) = current.kind, let op = BinaryOp(rawValue: o),
      op == .multiply || op == .divide || op == .floorDivide || op == .modulo
    {
      p += 1
      let right = try factor()
      left = try bounded(Expr(kind: .binary(op, left, right), span: left.span.through(right.span)))
    }
    return left
  }

  mutating func factor() throws(CellError) -> Expr {
    guard case .op(let o) = current.kind, o == "-" || o == "+" || o == "~" else { return try power() }
    let start = advance().span
    try nest()
    defer { nesting -= 1 }
    let operand = try factor()
    // Fold negative literals so that -9223372036854775808 style values and reprs stay simple.
    if o == "-", case .literal(.int(let i)) = operand.kind, i != Int.min {
      return Expr(kind: .literal(.int(-i)), span: start.through(operand.span))
    }
    return Expr(kind: .unary(o == "-" ? .negate : o == "~" ? .invert : .plus, operand), span: start.through(operand.span))
  }

  mutating func power() throws(CellError) -> Expr {
    let base = try postfix()
    guard accept("**") else { return base }
    try nest()
    defer { nesting -= 1 }
    let exponent = try factor()
    return try bounded(Expr(kind: .binary(.power, base, exponent), span: base.span.through(exponent.span)))
  }

  mutating func postfix() throws(CellError) -> Expr {
    var e = try atom()
    while true {
      if accept("(") {
        let args = try callArguments()
        e = try bounded(Expr(kind: .call(e, args), span: e.span.through(tokens[p - 1].span)))
      } else if accept("[") {
        let index = try subscriptExpr()
        try expect("]", "expected ']'")
        e = try bounded(Expr(kind: .index(e, index), span: e.span.through(tokens[p - 1].span)))
      } else if accept(".") {
        guard case .name(let n) = current.kind, !Self.keywords.contains(n) else {
          throw unexpected("expected an attribute name after '.'")
        }
        e = try bounded(Expr(kind: .attribute(e, n), span: e.span.through(advance().span)))
      } else {
        return e
      }
    }
  }

  mutating func callArguments() throws(CellError) -> [Argument] {
    try nest(bracket: true)
    defer { nesting -= 1 }
    var args: [Argument] = []
    var sawKeyword = false
    while !isOp(")") {
      if case .name(let n) = current.kind, tokens[p + 1].kind == .op("="), !Self.keywords.contains(n) {
        p += 2
        if args.contains(where: { if case .keyword(n, _) = $0 { true } else { false } }) {
          throw .syntax("keyword argument repeated: \(n)", tokens[p - 2].span)
        }
        args.append(.keyword(n, try expression()))
        sawKeyword = true
      } else if accept("**") {
        args.append(.doubleStar(try expression()))
        sawKeyword = true
      } else if accept("*") {
        args.append(.star(try expression()))
      } else {
        let start = current.span
        let value = try expression()
        if acceptKeyword("for") {
          // `f(x for x in xs)`: a generator expression that is the only argument needs no
          // parentheses of its own; the call's ')' closes it.
          guard args.isEmpty else { throw .syntax("generator expression must be parenthesized", value.span) }
          return [.positional(try comprehension(.generator, value, closing: ")", from: start))]
        }
        if sawKeyword { throw .syntax("positional argument follows keyword argument", start.through(value.span)) }
        args.append(.positional(value))
      }
      guard accept(",") else { break }
    }
    try expect(")", "expected ')'")
    return args
  }

  /// `x[i]`, `x[a:b:c]`, or `x[i, a:b]` (a tuple whose items may be slices, as numpy indexes).
  mutating func subscriptExpr() throws(CellError) -> Expr {
    let first = try subscriptItem()
    guard isOp(",") else { return first }
    var items = [first]
    while accept(",") {
      if isOp("]") { break }
      items.append(try subscriptItem())
    }
    return Expr(kind: .tuple(items), span: first.span.through(tokens[p - 1].span))
  }

  mutating func subscriptItem() throws(CellError) -> Expr {
    let start = current.span
    var lower: Expr?
    if !isOp(":") {
      lower = try starredOrExpression()
      guard isOp(":") else { return lower! }
    }
    p += 1
    let ends = isOp(":") || isOp("]") || isOp(",")
    let upper = ends ? nil : try expression()
    var step: Expr?
    if accept(":"), !isOp("]"), !isOp(",") { step = try expression() }
    return Expr(kind: .slice(lower, upper, step), span: start.through(tokens[p - 1].span))
  }
}

// MARK: Atoms

extension Parser {
  mutating func atom() throws(CellError) -> Expr {
    let t = current
    switch t.kind {
    case .int(let i): p += 1; return Expr(kind: .literal(.int(i)), span: t.span)
    case .float(let d): p += 1; return Expr(kind: .literal(.float(d)), span: t.span)
    case .string, .fstring:
      return try strings()
    case .name("True"): p += 1; return Expr(kind: .literal(.bool(true)), span: t.span)
    case .name("False"): p += 1; return Expr(kind: .literal(.bool(false)), span: t.span)
    case .name("None"): p += 1; return Expr(kind: .literal(.none), span: t.span)
    case .op("..."): p += 1; return Expr(kind: .name("Ellipsis"), span: t.span)  // `def f(): ...`, Tuple[int, ...]
    case .name(let n) where !Self.keywords.contains(n) && !Self.unsupported.contains(n):
      p += 1
      return Expr(kind: .name(n), span: t.span)
    case .op("("): return try parenthesized()
    case .op("["): return try listDisplay()
    case .op("{"): return try dictDisplay()
    default:
      throw unexpected()
    }
  }

  mutating func parenthesized() throws(CellError) -> Expr {
    let start = advance().span
    try nest(bracket: true)
    defer { nesting -= 1 }
    if accept(")") { return Expr(kind: .tuple([]), span: start.through(tokens[p - 1].span)) }
    let first = try starredOrExpression()
    if acceptKeyword("for") { return try comprehension(.generator, unstarred(first), closing: ")", from: start) }
    if accept(")") { return Expr(kind: first.kind, span: start.through(tokens[p - 1].span)) }
    var items = [first]
    while accept(",") {
      if isOp(")") { break }
      items.append(try starredOrExpression())
    }
    try expect(")", "expected ')'")
    return Expr(kind: .tuple(items), span: start.through(tokens[p - 1].span))
  }

  mutating func listDisplay() throws(CellError) -> Expr {
    let start = advance().span
    try nest(bracket: true)
    defer { nesting -= 1 }
    var items: [Expr] = []
    if !isOp("]") {
      let first = try starredOrExpression()
      if acceptKeyword("for") { return try comprehension(.list, unstarred(first), closing: "]", from: start) }
      items.append(first)
      while accept(",") {
        if isOp("]") { break }
        items.append(try starredOrExpression())
      }
    }
    try expect("]", "expected ']'")
    return Expr(kind: .list(items), span: start.through(tokens[p - 1].span))
  }

  mutating func dictDisplay() throws(CellError) -> Expr {
    let start = advance().span
    try nest(bracket: true)
    defer { nesting -= 1 }
    var pairs: [(Expr?, Expr)] = []
    if !isOp("}") {
      if accept("**") {
        pairs.append((nil, try orTest()))
      } else {
        let first = try starredOrExpression()
        if acceptKeyword("for") { return try comprehension(.set, unstarred(first), closing: "}", from: start) }
        if !isOp(":") { return try setDisplay(first, start: start) }
        p += 1
        let value = try expression()
        if acceptKeyword("for") { return try comprehension(.dict(value: value), unstarred(first), closing: "}", from: start) }
        pairs.append((try unstarred(first), value))
      }
      while accept(",") {
        if isOp("}") { break }
        if accept("**") {
          pairs.append((nil, try orTest()))
          continue
        }
        let key = try expression()
        try expect(":", "expected ':'")
        pairs.append((key, try expression()))
      }
    }
    try expect("}", "expected '}'")
    return Expr(kind: .dict(pairs), span: start.through(tokens[p - 1].span))
  }

  /// `{a, b, c}` after its first item.
  mutating func setDisplay(_ first: Expr, start: SourceSpan) throws(CellError) -> Expr {
    var items = [first]
    while accept(",") {
      if isOp("}") { break }
      items.append(try starredOrExpression())
    }
    try expect("}", "expected '}'")
    return Expr(kind: .set(items), span: start.through(tokens[p - 1].span))
  }

  /// The rest of a comprehension after its element and first `for`: `target in iterable`,
  /// then any `if condition` and further `for … in …` clauses, then `closing`.
  mutating func comprehension(
    _ result: Comprehension.Result, _ element: Expr, closing: String, from start: SourceSpan
  ) throws(CellError) -> Expr {
    var clauses: [Comprehension.Clause] = []
    repeat {
      let target = try target(try targetList())
      guard acceptKeyword("in") else { throw unexpected("expected 'in'") }
      clauses.append(.loop(target: target, iterable: try orTest()))
      while acceptKeyword("if") { clauses.append(.filter(try orTest())) }
    } while acceptKeyword("for")
    try expect(closing, "expected '\(closing)'")
    let c = Comprehension(result: result, element: element, clauses: clauses)
    return try bounded(Expr(kind: .comprehension(c), span: start.through(tokens[p - 1].span)))
  }
}

// MARK: Strings and f-strings

extension Parser {
  /// Adjacent string literals join; if any is an f-string the result is a `.format`.
  /// A lexed f-string part with its field expressions (and those in its spec) parsed.
  mutating func formatPart(_ part: FStringPart) throws(CellError) -> FormatPart {
    switch part {
    case .text(let s): return .text(s)
    case .field(let range, let conversion, let spec):
      var specParts: [FormatPart] = []
      for p in spec { specParts.append(try formatPart(p)) }
      return .field(try fieldExpression(range), conversion: conversion, spec: specParts)
    }
  }

  mutating func strings() throws(CellError) -> Expr {
    var parts: [FormatPart] = []
    var span = current.span
    var formatted = false
    while true {
      if case .string(let s) = current.kind {
        parts.append(.text(s))
      } else if case .fstring(let lexed) = current.kind {
        formatted = true
        for part in lexed {
          switch part {
          case .text(let s): parts.append(.text(s))
          case .field:
            parts.append(try formatPart(part))
          }
        }
      } else {
        break
      }
      span = span.through(advance().span)
    }
    guard formatted else {
      let text = parts.map { if case .text(let s) = $0 { s } else { "" } }.joined()
      return Expr(kind: .literal(.string(text)), span: span)
    }
    return try bounded(Expr(kind: .format(parts), span: span))
  }

  /// Parses an f-string field's expression from its range of the cell.
  mutating func fieldExpression(_ range: Range<Int>) throws(CellError) -> Expr {
    var sub = Parser(tokens: try Lexer.tokenize(source, range: range))
    sub.source = source
    sub.nesting = nesting + 1
    let e = try sub.expressionList()
    guard sub.current.kind == .newline || sub.current.kind == .eof else { throw sub.unexpected() }
    return e
  }
}
