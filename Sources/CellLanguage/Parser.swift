/// Recursive-descent parser over the lexer's tokens. Statements live here,
/// expressions in ParserExpressions.swift.
struct Parser {
  var tokens: [Token]
  /// The cell's code points, for parsing f-string fields in place.
  var source: [Unicode.Scalar] = []
  var p = 0
  var loopDepth = 0
  var nesting = 0
  var blockDepth = 0
  /// How many `def`s enclose the current statement (`return` needs one).
  var functionDepth = 0
  /// The `global` names declared in each enclosing `def`, innermost last.
  var globalNames: [Set<String>] = []
  /// The `nonlocal` names declared in each enclosing `def`, innermost last.
  var nonlocalNames: [Set<String>] = []
  /// Whether each enclosing `def` has a `yield` (which makes it a generator), innermost last.
  var yields: [Bool] = []
  static let maxBlockDepth = 50

  static let keywords: Set<String> = [
    "if", "elif", "else", "for", "in", "while", "and", "or", "not", "is", "True", "False", "None",
    "pass", "break", "continue", "del", "def", "return", "lambda", "try", "except", "finally", "raise",
    "global", "nonlocal", "assert", "import", "from", "as", "with", "class", "yield",
  ]
  /// Python keywords the language does not have: a clear error instead of "invalid syntax".
  static let unsupported: Set<String> = [
    "async", "await",
  ]

  /// A parsed cell: its statements and whether the last line ended in `;` (which,
  /// as in IPython, hides the value of a final expression).
  struct Module {
    var body: [Stmt]
    var trailingSemicolon: Bool
  }

  static func parse(_ src: [Unicode.Scalar]) throws(CellError) -> Module {
    try checkShellAndMagicLines(src)
    var parser = Parser(tokens: try Lexer.tokenize(src))
    parser.source = src
    return try parser.module()
  }

  // MARK: Token helpers

  var current: Token { tokens[p] }

  func isOp(_ s: String) -> Bool { current.kind == .op(s) }
  func isKeyword(_ k: String) -> Bool { current.kind == .name(k) }

  mutating func advance() -> Token {
    defer { if p < tokens.count - 1 { p += 1 } }
    return tokens[p]
  }

  mutating func accept(_ op: String) -> Bool {
    guard isOp(op) else { return false }
    p += 1
    return true
  }

  mutating func acceptKeyword(_ k: String) -> Bool {
    guard isKeyword(k) else { return false }
    p += 1
    return true
  }

  @discardableResult
  mutating func expect(_ op: String, _ what: String? = nil) throws(CellError) -> Token {
    guard isOp(op) else { throw unexpected(what ?? "expected '\(op)'") }
    return advance()
  }

  /// "invalid syntax" at the current token.
  func unexpected(_ message: String = "invalid syntax") -> CellError {
    let t = current
    if case .name(let n) = t.kind, Self.unsupported.contains(n) {
      return .syntax("'\(n)' is not supported in Tabby cells", t.span)
    }
    // Python calls `x =` invalid rather than unfinished; only open brackets, strings
    // and blocks (flagged where they are found) ask for more lines.
    return .syntax(message, t.span)
  }

  // MARK: Statements

  mutating func module() throws(CellError) -> Module {
    if isOp("%"), tokens[p + 1].kind == .op("%"), tokens[p + 2].kind == .name("timeit") {
      let start = current.span
      p += 3
      let options = try timeItOptions()
      var setup: [Stmt] = []
      if current.kind != .newline && current.kind != .eof { setup = try simpleLine().0 }
      var rest = try module()
      rest.body = [Stmt(kind: .timeIt(setup: setup, body: rest.body, options), span: start)]
      return rest
    }
    if isOp("%"), tokens[p + 1].kind == .op("%"), tokens[p + 2].kind == .name("time") {
      let start = current.span
      p += 3
      var rest = try module()
      rest.body = [Stmt(kind: .timed(rest.body), span: start)]
      return rest
    }
    var body: [Stmt] = []
    var semicolon = false
    while current.kind != .eof {
      if current.kind == .newline {
        p += 1
        continue
      }
      if current.kind == .indent {
        throw CellError(ename: "IndentationError", "unexpected indent", span: current.span)
      }
      let (stmts, semi) = try statement()
      body += stmts
      semicolon = semi
    }
    return Module(body: body, trailingSemicolon: semicolon)
  }

  /// One line's statements (several with `;`) or one compound statement.
  mutating func statement() throws(CellError) -> ([Stmt], Bool) {
    switch current.kind {
    case .name("if"): return ([try ifStatement()], false)
    case .name("for"): return ([try forStatement()], false)
    case .name("while"): return ([try whileStatement()], false)
    case .name("def"): return ([try defStatement()], false)
    case .name("class"): return ([try classStatement()], false)
    case .op("@"): return ([try decoratedStatement()], false)
    case .name("try"): return ([try tryStatement()], false)
    case .name("with"): return ([try withStatement()], false)
    case .name("match") where startsMatchStatement(): return ([try matchStatement()], false)
    case .op("%") where tokens[p + 1].kind == .name("timeit"):
      let start = current.span
      p += 2
      let options = try timeItOptions()
      let (stmts, semicolon) = try simpleLine()
      return ([Stmt(kind: .timeIt(setup: [], body: stmts, options), span: start)], semicolon)
    case .op("%") where tokens[p + 1].kind == .name("time"):
      let start = current.span
      p += 2
      let (stmts, semicolon) = try simpleLine()
      return ([Stmt(kind: .timed(stmts), span: start)], semicolon)
    default: return try simpleLine()
    }
  }

  mutating func simpleLine() throws(CellError) -> ([Stmt], Bool) {
    var stmts = [try smallStatement()]
    var semicolon = false
    while accept(";") {
      semicolon = true
      if current.kind == .newline || current.kind == .eof { break }
      semicolon = false
      stmts.append(try smallStatement())
    }
    guard current.kind == .newline || current.kind == .eof else { throw unexpected() }
    if current.kind == .newline { p += 1 }
    return (stmts, semicolon)
  }

  mutating func smallStatement() throws(CellError) -> Stmt {
    let start = current.span
    switch current.kind {
    case .name("pass"):
      p += 1
      return Stmt(kind: .pass, span: start)
    case .name("break"), .name("continue"):
      let isBreak = current.kind == .name("break")
      guard loopDepth > 0 else {
        throw .syntax("'\(isBreak ? "break" : "continue")' outside loop", start)
      }
      p += 1
      return Stmt(kind: isBreak ? .break : .continue, span: start)
    case .name("del"):
      p += 1
      var targets = [try target(try postfix())]
      while accept(",") { targets.append(try target(try postfix())) }
      return Stmt(kind: .delete(targets), span: start.through(targets.last!.span))
    case .name("return"):
      p += 1
      guard functionDepth > 0 else { throw .syntax("'return' outside function", start) }
      let value = current.kind == .newline || current.kind == .eof || isOp(";") ? nil : try expressionList()
      return Stmt(kind: .return(value), span: value.map { start.through($0.span) } ?? start)
    case .name("raise"):
      p += 1
      let value = current.kind == .newline || current.kind == .eof || isOp(";") ? nil : try expression()
      if acceptKeyword("from") { _ = try expression() }
      return Stmt(kind: .raise(value), span: value.map { start.through($0.span) } ?? start)
    case .name("import"):
      p += 1
      var modules: [ImportedName] = []
      repeat { modules.append(try importedName(dotted: true)) } while accept(",")
      return Stmt(kind: .importModules(modules), span: start.through(tokens[p - 1].span))
    case .name("from"):
      p += 1
      let module = try dottedName()
      guard acceptKeyword("import") else { throw unexpected("expected 'import'") }
      if accept("*") { return Stmt(kind: .importNames(module: module, names: []), span: start.through(tokens[p - 1].span)) }
      let parenthesized = accept("(")
      var names: [ImportedName] = []
      repeat {
        if parenthesized && isOp(")") { break }
        names.append(try importedName(dotted: false))
      } while accept(",")
      if parenthesized { try expect(")", "expected ')'") }
      return Stmt(kind: .importNames(module: module, names: names), span: start.through(tokens[p - 1].span))
    case .name("assert"):
      p += 1
      let test = try expression()
      let message = accept(",") ? try expression() : nil
      return Stmt(kind: .assert(test, message: message), span: start.through((message ?? test).span))
    case .name("global"):
      p += 1
      var names: [String] = []
      repeat {
        guard case .name(let n) = current.kind, !Self.keywords.contains(n) else { throw unexpected("expected a name") }
        names.append(n)
        p += 1
      } while accept(",")
      if !globalNames.isEmpty { globalNames[globalNames.count - 1].formUnion(names) }
      return Stmt(kind: .global(names), span: start)
    case .name("yield"):
      p += 1
      guard functionDepth > 0, !yields.isEmpty else { throw .syntax("'yield' outside function", start) }
      yields[yields.count - 1] = true
      let from = acceptKeyword("from")
      let value = current.kind == .newline || current.kind == .eof || isOp(";") ? nil : try expressionList()
      if from && value == nil { throw unexpected("expected an iterable after 'yield from'") }
      return Stmt(kind: .yield(value, from: from), span: value.map { start.through($0.span) } ?? start)
    case .name("nonlocal"):
      p += 1
      guard functionDepth > 1 else {
        throw .syntax(functionDepth == 0 ? "nonlocal declaration not allowed at module level" : "no binding for nonlocal found in an enclosing function", start)
      }
      var names: [String] = []
      repeat { names.append(try identifier()) } while accept(",")
      nonlocalNames[nonlocalNames.count - 1].formUnion(names)
      return Stmt(kind: .pass, span: start)  // a declaration: the def records the names
    default:
      return try expressionStatement()
    }
  }

  mutating func expressionStatement() throws(CellError) -> Stmt {
    let first = try expressionList()
    if case .op(let op) = current.kind, op.count >= 2, op.hasSuffix("="), op != "==", op != "!=",
      op != "<=", op != ">=", let binary = BinaryOp(rawValue: String(op.dropLast()))
    {
      p += 1
      let value = try expressionList()
      switch first.kind {
      case .name, .attribute, .index: break
      default:
        throw .syntax("'\(describe(first))' is an illegal expression for augmented assignment", first.span)
      }
      return Stmt(kind: .augmented(first, binary, value), span: first.span.through(value.span))
    }
    // `n: int = 5` or `n: int`: the annotation is evaluated only in a class body, where it
    // declares a field (`__annotations__`, what @dataclass reads); elsewhere it is not.
    if isOp(":") {
      switch first.kind {
      case .name, .attribute, .index: break
      default: throw .syntax("illegal target for annotation", first.span)
      }
      p += 1
      let annotation = try expression()
      let value = accept("=") ? try expressionList() : nil
      return Stmt(
        kind: .annotated(try target(first), annotation: annotation, value: value), span: first.span.through((value ?? annotation).span))
    }
    guard isOp("=") else { return Stmt(kind: .expression(first), span: first.span) }
    var targets = [first]
    var value = first
    while accept("=") {
      value = try expressionList()
      targets.append(value)
    }
    targets.removeLast()
    for i in targets.indices { targets[i] = try target(targets[i]) }
    return Stmt(kind: .assign(targets, value), span: first.span.through(value.span))
  }

  /// Checks that an expression can be assigned to.
  mutating func target(_ e: Expr) throws(CellError) -> Expr {
    switch e.kind {
    case .name(let n):
      if Self.keywords.contains(n) { throw .syntax("cannot assign to \(n)", e.span) }
      return e
    case .attribute, .index:
      return e
    case .tuple(let items), .list(let items):
      var starred = 0
      for item in items {
        if case .starred(let inner) = item.kind {
          starred += 1
          _ = try target(inner)
        } else {
          _ = try target(item)
        }
      }
      if starred > 1 { throw .syntax("multiple starred expressions in assignment", e.span) }
      return e
    default:
      throw .syntax("cannot assign to \(describe(e)); maybe you meant '==' instead of '='?", e.span)
    }
  }

  func describe(_ e: Expr) -> String {
    switch e.kind {
    case .literal: "literal"
    case .call: "function call"
    case .binary, .unary: "expression"
    case .compare: "comparison"
    default: "expression"
    }
  }

  mutating func ifStatement() throws(CellError) -> Stmt {
    let start = advance().span
    var branches: [(Expr, [Stmt])] = []
    var elseBody: [Stmt]?
    let test = try expression()
    branches.append((test, try block(after: "if", line: start)))
    while isKeyword("elif") {
      let at = advance().span
      let cond = try expression()
      branches.append((cond, try block(after: "elif", line: at)))
    }
    if isKeyword("else") {
      let at = advance().span
      elseBody = try block(after: "else", line: at)
    }
    return Stmt(kind: .if(branches, else: elseBody), span: start)
  }

  mutating func forStatement() throws(CellError) -> Stmt {
    let start = advance().span
    let t = try target(try targetList())
    guard acceptKeyword("in") else { throw unexpected("expected 'in'") }
    let iterable = try expressionList()
    loopDepth += 1
    let body = try block(after: "for", line: start)
    loopDepth -= 1
    return Stmt(kind: .for(target: t, iterable: iterable, body: body, else: try loopElse()), span: start.through(iterable.span))
  }

  /// A loop's `else:` body (a `break` inside it belongs to an enclosing loop, if any).
  mutating func loopElse() throws(CellError) -> [Stmt]? {
    guard isKeyword("else") else { return nil }
    let at = advance().span
    return try block(after: "else", line: at)
  }

  mutating func whileStatement() throws(CellError) -> Stmt {
    let start = advance().span
    let test = try expression()
    loopDepth += 1
    let body = try block(after: "while", line: start)
    loopDepth -= 1
    return Stmt(kind: .while(test, body, else: try loopElse()), span: start.through(test.span))
  }

  /// `: NEWLINE INDENT statements DEDENT`, or `: statement` on the same line.
  mutating func block(after keyword: String, line: SourceSpan) throws(CellError) -> [Stmt] {
    try expect(":", "expected ':'")
    blockDepth += 1
    defer { blockDepth -= 1 }
    if blockDepth > Self.maxBlockDepth { throw .syntax("too many statically nested blocks", line) }
    guard current.kind == .newline else { return try simpleLine().0 }
    p += 1
    guard current.kind == .indent else {
      let atEnd = tokens[p...].allSatisfy { $0.kind == .dedent || $0.kind == .eof }
      var e = CellError(
        ename: "IndentationError", "expected an indented block after '\(keyword)' statement",
        span: atEnd ? line : current.span)
      e.atEndOfInput = atEnd
      throw e
    }
    p += 1
    var body: [Stmt] = []
    while current.kind != .dedent && current.kind != .eof {
      body += try statement().0
    }
    if current.kind == .dedent { p += 1 }
    return body
  }
}

// MARK: Imports

extension Parser {
  /// A module name, its parts joined by dots (`os.path`).
  mutating func dottedName() throws(CellError) -> String {
    var parts = [try identifier()]
    while accept(".") { parts.append(try identifier()) }
    return parts.joined(separator: ".")
  }

  /// `name [as alias]` in an import.
  mutating func importedName(dotted: Bool) throws(CellError) -> ImportedName {
    let name = dotted ? try dottedName() : try identifier()
    return ImportedName(name: name, alias: acceptKeyword("as") ? try identifier() : nil)
  }

  mutating func identifier() throws(CellError) -> String {
    guard case .name(let n) = current.kind, !Self.keywords.contains(n), !Self.unsupported.contains(n) else {
      throw unexpected("expected a name")
    }
    p += 1
    return n
  }
}

// MARK: with

extension Parser {
  /// `with a as x, b as y: body` (the items nest, first outermost).
  mutating func withStatement() throws(CellError) -> Stmt {
    let start = advance().span
    var items: [WithItem] = []
    repeat {
      let manager = try expression()
      let target = acceptKeyword("as") ? try target(try postfix()) : nil
      items.append(WithItem(manager: manager, target: target))
    } while accept(",")
    return Stmt(kind: .with(items, body: try block(after: "with", line: start)), span: start.through(items.last!.manager.span))
  }
}
