/// `def`, `class`, decorators, `try`, parameter lists, and the lines that are not Python
/// (`!ls`, `%magic`).
extension Parser {
  /// `class Name:` or `class Name(Base, …):` and its indented body.
  mutating func classStatement() throws(CellError) -> Stmt {
    let start = advance().span
    guard case .name(let name) = current.kind, !Self.keywords.contains(name), !Self.unsupported.contains(name) else {
      throw unexpected("expected a class name after 'class'")
    }
    p += 1
    var bases: [Expr] = []
    if accept("(") {
      while !isOp(")") {
        if case .name = current.kind, tokens[p + 1].kind == .op("=") {
          throw .syntax("class keyword arguments (metaclass=…) are not supported in Tabby cells", current.span)
        }
        bases.append(try expression())
        guard accept(",") else { break }
      }
      try expect(")", "expected ')'")
    }
    // The body is not a function or a loop: `return` and `break` there are errors, as in Python.
    let (savedLoops, savedFunctions) = (loopDepth, functionDepth)
    (loopDepth, functionDepth) = (0, 0)
    defer { (loopDepth, functionDepth) = (savedLoops, savedFunctions) }
    let body = try block(after: "class", line: start)
    return Stmt(kind: .classDef(ClassDef(name: name, bases: bases, body: body)), span: start)
  }

  /// `@expression` lines (each on its own line) and the `def` or `class` they decorate.
  mutating func decoratedStatement() throws(CellError) -> Stmt {
    let start = current.span
    var decorators: [Expr] = []
    while accept("@") {
      decorators.append(try expression())
      guard current.kind == .newline else { throw unexpected("expected a new line after the decorator") }
      p += 1
    }
    let definition: Stmt
    switch current.kind {
    case .name("def"): definition = try defStatement()
    case .name("class"): definition = try classStatement()
    case .eof: throw .syntax("expected 'def' or 'class' after a decorator", current.span, atEnd: true)
    default: throw unexpected("expected 'def' or 'class' after a decorator")
    }
    return Stmt(kind: .decorated(decorators, definition), span: start.through(decorators.last!.span))
  }

  mutating func defStatement() throws(CellError) -> Stmt {
    let start = advance().span
    guard case .name(let name) = current.kind, !Self.keywords.contains(name), !Self.unsupported.contains(name) else {
      throw unexpected("expected a function name after 'def'")
    }
    p += 1
    try expect("(", "expected '(' after the function name")
    let parameters = try parameterList(until: ")")
    try expect(")", "expected ')'")
    if accept("->") { _ = try expression() }  // a return annotation is allowed and ignored
    let savedLoops = loopDepth
    loopDepth = 0
    functionDepth += 1
    globalNames.append([])
    nonlocalNames.append([])
    yields.append(false)
    defer {
      loopDepth = savedLoops
      functionDepth -= 1
      globalNames.removeLast()
      nonlocalNames.removeLast()
      yields.removeLast()
    }
    let body = try block(after: "def", line: start)
    let def = FunctionDef(
      name: name, parameters: parameters, body: body, globalNames: globalNames.last!, nonlocalNames: nonlocalNames.last!)
    def.isGenerator = yields.last!
    return Stmt(kind: .def(def), span: start)
  }

  /// `lambda params: expression`
  mutating func lambdaExpression() throws(CellError) -> Expr {
    let start = advance().span
    let parameters = try parameterList(until: ":")
    try expect(":", "expected ':' in lambda")
    let body = try expression()
    let def = FunctionDef(
      name: "<lambda>", parameters: parameters, body: [Stmt(kind: .return(body), span: body.span)], globalNames: [])
    return Expr(kind: .lambda(def), span: start.through(body.span))
  }

  /// `a, b=1, *args, c, **kwargs` up to (not including) `closing`; annotations in a
  /// `def` are allowed and ignored.
  mutating func parameterList(until closing: String) throws(CellError) -> [FunctionDef.Parameter] {
    var parameters: [FunctionDef.Parameter] = []
    var keywordOnly = false
    while !isOp(closing) {
      var kind: Signature.Kind = keywordOnly ? .keywordOnly : .normal
      if accept("**") {
        kind = .variadicKeywords
      } else if accept("*") {
        keywordOnly = true
        if isOp(",") || isOp(closing) {
          guard accept(",") else { break }
          continue
        }
        kind = .variadic
      }
      guard case .name(let name) = current.kind, !Self.keywords.contains(name) else {
        throw unexpected("expected a parameter name")
      }
      if parameters.contains(where: { $0.name == name }) {
        throw .syntax("duplicate argument '\(name)' in function definition", current.span)
      }
      p += 1
      if closing == ")", accept(":") { _ = try expression() }
      var defaultValue: Expr?
      if accept("=") { defaultValue = try expression() }
      if defaultValue == nil, kind == .normal, parameters.contains(where: { $0.kind == .normal && $0.defaultValue != nil }) {
        throw .syntax("parameter without a default follows parameter with a default", tokens[p - 1].span)
      }
      parameters.append(FunctionDef.Parameter(name: name, kind: kind, defaultValue: defaultValue))
      guard accept(",") else { break }
    }
    return parameters
  }

  mutating func tryStatement() throws(CellError) -> Stmt {
    let start = advance().span
    let body = try block(after: "try", line: start)
    var handlers: [ExceptHandler] = []
    while isKeyword("except") {
      let at = advance().span
      var handler = ExceptHandler(types: nil, name: nil, body: [])
      if !isOp(":") {
        handler.types = try expression()
        if acceptKeyword("as") {
          guard case .name(let n) = current.kind, !Self.keywords.contains(n) else { throw unexpected("expected a name after 'as'") }
          handler.name = n
          p += 1
        }
      }
      handler.body = try block(after: "except", line: at)
      handlers.append(handler)
    }
    var elseBody: [Stmt]?
    if !handlers.isEmpty, isKeyword("else") {
      let at = advance().span
      elseBody = try block(after: "else", line: at)
    }
    var finallyBody: [Stmt]?
    if isKeyword("finally") {
      let at = advance().span
      finallyBody = try block(after: "finally", line: at)
    }
    guard !handlers.isEmpty || finallyBody != nil else { throw unexpected("expected 'except' or 'finally' block") }
    return Stmt(kind: .try(body: body, handlers: handlers, else: elseBody, finally: finallyBody), span: start)
  }

  /// IPython's shell escapes and magics other than `%time`/`%timeit` (and their cell forms) do not exist here:
  /// say so before the tokenizer calls the line invalid syntax.
  static func checkShellAndMagicLines(_ src: [Unicode.Scalar]) throws(CellError) {
    guard src.contains("!") || src.contains("%") else { return }
    var lineStart = 0
    for i in src.indices where i == src.count - 1 || src[i + 1] == "\n" {
      defer { lineStart = i + 2 }
      var j = lineStart
      while j <= i, src[j] == " " || src[j] == "\t" { j += 1 }
      guard j <= i else { continue }
      let line = String(String.UnicodeScalarView(src[j...i]))
      let span = SourceSpan(j, i + 1)
      if line.hasPrefix("!") {
        throw .syntax("shell commands (!cmd) do not run in Tabby cells; glob('*.png') lists files", span)
      }
      let name = line.prefix { $0 != " " && $0 != "\t" }
      guard line.hasPrefix("%") else { continue }
      if !["%time", "%%time", "%timeit", "%%timeit"].contains(name) {
        throw .syntax("the magic \(name) is not available; Tabby cells know %time, %%time, %timeit and %%timeit", span)
      }
      if name.count == line.count && !name.hasPrefix("%%") {
        throw .syntax("\(name) needs a statement on its line: \(name) sum(xs)", span)
      }
    }
  }
}
