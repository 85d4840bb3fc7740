/// Runs parsed statements against an interpreter's variables. One per cell run.
final class Evaluator {
  enum Flow { case normal, breakLoop, continueLoop, returned }

  let interpreter: Interpreter
  let context: CallContext
  /// The running function's local variables; nil at the top level of a cell.
  let scope: Scope?
  /// What a `return` statement gave (read when `run` answers `.returned`).
  var returnValue: Value = .none
  /// The errors being handled by enclosing `except` blocks (for a bare `raise`).
  var handling: [CellError] = []
  /// Where functions defined here close over, when not `scope`: a class body's functions
  /// see the scope around the class (and `__class__`), not the class body's names.
  var functionClosure: Scope?
  /// In a generator function's body: what it has yielded so far.
  var yielded: [Value]?
  /// In a class body: the names annotated so far (`x: int = 0`) and their annotations.
  var annotations: [(String, Value)]?
  /// A second guard on the native stack (the parser already bounds tree depth).
  private var depth = 0
  static let maxDepth = 1000

  init(interpreter: Interpreter, context: CallContext, scope: Scope? = nil) {
    self.interpreter = interpreter
    self.context = context
    self.scope = scope
  }

  /// Runs `body` and returns the value of a final expression statement (if any).
  func runCell(_ body: [Stmt]) throws(CellError) -> Value? {
    guard let last = body.last else { return nil }
    for s in body.dropLast() { _ = try execute(s) }
    if case .expression(let e) = last.kind { return try eval(e) }
    if case .timed(let inner) = last.kind {
      return try timed(last.span) { () throws(CellError) in try runCell(inner) }
    }
    _ = try execute(last)
    return nil
  }

  func run(_ body: [Stmt]) throws(CellError) -> Flow {
    for s in body {
      let flow = try execute(s)
      if flow != .normal { return flow }
    }
    return .normal
  }

  func execute(_ s: Stmt) throws(CellError) -> Flow {
    let flow = try executeStatement(s)
    // A `__repr__` or `__bool__` that failed where no error could be thrown fails here.
    if interpreter.errorPending.pointee { try at(s.span) { () throws(CellError) in try interpreter.raiseDeferredError() } }
    return flow
  }

  private func executeStatement(_ s: Stmt) throws(CellError) -> Flow {
    switch s.kind {
    case .expression(let e):
      _ = try eval(e)
    case .annotated(let target, let annotation, let valueExpr):
      if let valueExpr { try assign(target, try eval(valueExpr)) }
      if annotations != nil, case .name(let name) = target.kind { annotations!.append((name, try eval(annotation))) }
    case .assign(let targets, let valueExpr):
      let value = try eval(valueExpr)
      for t in targets { try assign(t, value) }
    case .augmented(let target, let op, let valueExpr):
      let current = try eval(target)
      let rhs = try eval(valueExpr)
      let result = try at(s.span) { () throws(CellError) in try Operators.binary(op, current, rhs, inPlace: true) }
      try assign(target, result)
    case .if(let branches, let elseBody):
      for (test, body) in branches where try eval(test).isTruthy { return try run(body) }
      if let elseBody { return try run(elseBody) }
    case .for(let target, let iterableExpr, let body, let elseBody):
      let flow = try forLoop(target, try eval(iterableExpr), body, span: iterableExpr.span)
      // `else` runs when the loop ran out rather than broke (or returned).
      if flow == .normal, let elseBody { return try run(elseBody) }
      return flow == .breakLoop ? .normal : flow
    case .while(let test, let body, let elseBody):
      var broke = false
      while try eval(test).isTruthy {
        try at(s.span) { () throws(CellError) in try context.checkInterrupt() }
        let flow = try run(body)
        if flow == .breakLoop { broke = true; break }
        if flow == .returned { return flow }
      }
      if !broke, let elseBody { return try run(elseBody) }
    case .delete(let targets):
      for t in targets { try delete(t) }
    case .pass:
      break
    case .break:
      return .breakLoop
    case .continue:
      return .continueLoop
    default:
      return try executeBlock(s)
    }
    return .normal
  }

  private func forLoop(_ target: Expr, _ iterable: Value, _ body: [Stmt], span: SourceSpan) throws(CellError) -> Flow {
    func pass(_ item: Value) throws(CellError) -> Flow? {
      try at(span) { () throws(CellError) in try context.checkInterrupt() }
      try assign(target, item)
      let flow = try run(body)
      return flow == .breakLoop || flow == .returned ? flow : nil
    }
    if case .host(let it as IteratorObject) = iterable {
      // An item a pass, straight from its ValueIterator (zip, enumerate, a generator).
      while let item = it.iterator.next() {
        if let flow = try pass(item) { return flow }
      }
      return .normal
    }
    if case .host(let rows as Advancing) = iterable {
      // Taken an item a pass (a csv reader): after a break, next() goes on from there.
      while let item = try at(span, { () throws(CellError) in try rows.next() }) {
        if let flow = try pass(item) { return flow }
      }
      return .normal
    }
    var iterator = try at(span) { () throws(CellError) in try ValueIterator(iterable) }
    while let item = iterator.next() {
      if let flow = try pass(item) { return flow }
    }
    return .normal
  }

  /// Runs `body`, giving any error without a location the span `span`.
  @inline(__always)
  func at<T>(_ span: SourceSpan, _ body: () throws(CellError) -> T) throws(CellError) -> T {
    do {
      return try body()
    } catch {
      var e = error
      if e.span == nil { e.span = span }
      throw e
    }
  }

  // MARK: Expressions

  func eval(_ e: Expr) throws(CellError) -> Value {
    depth += 1
    defer { depth -= 1 }
    if depth > Self.maxDepth {
      throw CellError(ename: "RecursionError", "maximum expression depth exceeded", span: e.span)
    }
    switch e.kind {
    case .literal(let v): return v
    case .name(let n):
      guard let v = scope?.lookup(n) ?? interpreter.lookup(n) else {
        throw CellError(ename: "NameError", "name '\(n)' is not defined", span: e.span)
      }
      return v
    case .list(let items): return .list(ListObject(try spread(items, "list")))
    case .tuple(let items): return .tuple(try spread(items, "tuple"))
    case .dict(let pairs):
      let d = DictObject()
      for (k, v) in pairs {
        guard let k else {
          // `**other`: its pairs, in order, later keys winning.
          let mapping = try eval(v)
          guard case .dict(let other) = mapping else { throw .typeError("'\(mapping.typeName)' object is not a mapping", v.span) }
          for (key, value) in zip(other.keys, other.values) { try at(v.span) { () throws(CellError) in try d.set(key, value) } }
          continue
        }
        let key = try eval(k)
        try at(k.span) { () throws(CellError) in try d.set(key, try eval(v)) }
      }
      return .dict(d)
    case .unary(let op, let operand):
      let v = try eval(operand)
      return try at(e.span) { () throws(CellError) in try Operators.unary(op, v) }
    case .binary(let op, let l, let r):
      let a = try eval(l)
      let b = try eval(r)
      return try at(e.span) { () throws(CellError) in try Operators.binary(op, a, b) }
    case .compare(let first, let rest):
      var left = try eval(first)
      var start = first.span
      for (op, rightExpr) in rest {
        let right = try eval(rightExpr)
        let ok = try at(start.through(rightExpr.span)) { () throws(CellError) in try Operators.compare(op, left, right) }
        if !ok { return .bool(false) }
        left = right
        start = rightExpr.span
      }
      return .bool(true)
    case .and(let l, let r):
      let a = try eval(l)
      return a.isTruthy ? try eval(r) : a
    case .or(let l, let r):
      let a = try eval(l)
      return a.isTruthy ? a : try eval(r)
    case .conditional(let test, let then, let other):
      return try eval(test).isTruthy ? try eval(then) : try eval(other)
    case .call(let callee, let args):
      return try call(callee, args, span: e.span)
    case .attribute(let objectExpr, let name):
      let object = try eval(objectExpr)
      return try at(e.span) { () throws(CellError) in try Access.attribute(object, name) }
    case .index(let objectExpr, let indexExpr):
      let object = try eval(objectExpr)
      let index = try eval(indexExpr)
      return try at(e.span) { () throws(CellError) in try Access.item(object, index) }
    case .slice(let lower, let upper, let step):
      return .host(SliceObject(try lower.map(eval) ?? .none, try upper.map(eval) ?? .none, try step.map(eval) ?? .none))
    case .format(let parts):
      return .string(try formatted(parts))
    case .comprehension(let c):
      return try comprehension(c)
    case .lambda(let def):
      return try makeFunction(def)
    case .starred:
      throw .syntax("can't use starred expression here", e.span)
    case .namedValue(let name, let valueExpr):
      let v = try eval(valueExpr)
      try assignNamed(name, v, span: e.span)
      return v
    case .set(let items):
      let set = SetObject()
      // Each item (or each value a `*xs` spreads) is added at its own span, for the caret.
      for x in items {
        for v in try spread([x], "set") { try at(x.span) { () throws(CellError) in try set.insert(v) } }
      }
      return .host(set)
    }
  }

  /// An f-string's text: each field's value formatted by its spec, whose own fields
  /// (`{x:>{width}}`) are formatted first.
  private func formatted(_ parts: [FormatPart]) throws(CellError) -> String {
    var out = ""
    for part in parts {
      switch part {
      case .text(let s): out += s
      case .field(let x, let conversion, let specParts):
        var v = try eval(x)
        if let conversion { v = .string(conversion == "r" ? v.repr : v.str) }
        let spec = try formatted(specParts)
        out += try at(x.span) { () throws(CellError) in try Format.format(v, spec: spec) }
      }
    }
    return out
  }

  /// A display's items, each `*xs` spread into its values (`[*a, 0, *b]`), within the
  /// memory budget.
  private func spread(_ items: [Expr], _ what: String) throws(CellError) -> [Value] {
    var out: [Value] = []
    for x in items {
      guard case .starred(let inner) = x.kind else {
        out.append(try eval(x))
        continue
      }
      let values = try at(inner.span) { () throws(CellError) in try ValueIterator.collect(try eval(inner)) }
      try at(x.span) { () throws(CellError) in try Memory.checkItems(Memory.sum(out.count, values.count), what) }
      out += values
    }
    return out
  }

  /// A comprehension runs in a scope of its own, as in Python 3: its loop variables do not
  /// leak into the cell or function (`x` keeps its value after `[x*x for x in xs]`), and
  /// lambdas made in it close over that scope. Its first iterable is evaluated here, in
  /// the enclosing scope; the rest inside. In a class body the scope's parent is the one
  /// around the class, so class attributes are not visible past the first iterable
  /// (Python's rule).
  private func comprehension(_ c: Comprehension) throws(CellError) -> Value {
    var first: Value?
    if case .loop(_, let iterable)? = c.clauses.first { first = try eval(iterable) }
    let inner = Evaluator(
      interpreter: interpreter, context: context,
      scope: Scope(parent: functionClosure ?? scope, globalNames: [], isComprehension: true))
    inner.depth = depth
    return try inner.collect(c, first: first)
  }

  private func collect(_ c: Comprehension, first: Value?) throws(CellError) -> Value {
    switch c.result {
    case .list, .generator:
      var items: [Value] = []
      try clauses(c.clauses[...], first: first) { () throws(CellError) in
        if items.count == Memory.maxItemCount {
          try at(c.element.span) { () throws(CellError) in try Memory.checkItems(items.count + 1, "list") }
        }
        items.append(try eval(c.element))
      }
      if case .generator = c.result { return IteratorObject.over(items, "generator") }
      return .list(ListObject(items))
    case .set:
      let set = SetObject()
      try clauses(c.clauses[...], first: first) { () throws(CellError) in
        let v = try eval(c.element)
        try at(c.element.span) { () throws(CellError) in
          if set.storage.count == Memory.maxItemCount { try Memory.checkItems(set.storage.count + 1, "set") }
          try set.insert(v)
        }
      }
      return .host(set)
    case .dict(let valueExpr):
      let d = DictObject()
      try clauses(c.clauses[...], first: first) { () throws(CellError) in
        let key = try eval(c.element)
        let value = try eval(valueExpr)
        try at(c.element.span) { () throws(CellError) in
          if d.count == Memory.maxItemCount { try Memory.checkItems(d.count + 1, "dict") }
          try d.set(key, value)
        }
      }
      return .dict(d)
    }
  }

  /// Runs `body` once for every binding the clauses make: each `for` loops over its
  /// iterable (assigning its target, as a `for` statement does), each `if` skips what it
  /// rejects, and later clauses run inside earlier ones.
  /// `first`: the first loop's iterable, evaluated outside (given to the outermost call only).
  private func clauses(
    _ rest: ArraySlice<Comprehension.Clause>, first: Value? = nil, _ body: () throws(CellError) -> Void
  ) throws(CellError) {
    guard let clause = rest.first else { return try body() }
    switch clause {
    case .filter(let condition):
      if try eval(condition).isTruthy { try clauses(rest.dropFirst(), body) }
    case .loop(let target, let iterableExpr):
      let iterable: Value
      if let first { iterable = first } else { iterable = try eval(iterableExpr) }
      var iterator = try at(iterableExpr.span) { () throws(CellError) in try ValueIterator(iterable) }
      while let item = iterator.next() {
        try at(iterableExpr.span) { () throws(CellError) in try context.checkInterrupt() }
        try assign(target, item)
        try clauses(rest.dropFirst(), body)
      }
    }
  }

  private func call(_ calleeExpr: Expr, _ argExprs: [Argument], span: SourceSpan) throws(CellError) -> Value {
    let callee = try eval(calleeExpr)
    if argExprs.isEmpty, case .name("super") = calleeExpr.kind, case .function(let f) = callee, !f.isUserFunction {
      return try at(span) { () throws(CellError) in try implicitSuper() }
    }
    if argExprs.isEmpty, case .name("locals") = calleeExpr.kind, case .function(let f) = callee, f.name == "locals", let scope {
      // In a function: a copy of its variables (at the top level the built-in gives globals()).
      let d = DictObject()
      for name in scope.variables.keys.sorted() { try d.set(.string(name), scope.variables[name]!) }
      return .dict(d)
    }
    var args = Arguments()
    for a in argExprs {
      switch a {
      case .positional(let x): args.positional.append(try eval(x))
      case .keyword(let n, let x): args.keywords.append((n, try eval(x)))
      case .star(let x):
        let v = try eval(x)
        args.positional += try at(x.span) { () throws(CellError) in try ValueIterator.collect(v) }
      case .doubleStar(let x):
        guard case .dict(let d) = try eval(x) else { throw .typeError("argument after ** must be a dict", x.span) }
        for (k, v) in zip(d.keys, d.values) {
          guard case .string(let name) = k else { throw .typeError("keywords must be strings", x.span) }
          args.keywords.append((name, v))
        }
      }
    }
    return try at(span) { () throws(CellError) in
      // An argument's repr or truth test may have failed in user code (a `__repr__`).
      if interpreter.errorPending.pointee { try interpreter.raiseDeferredError() }
      let result = try interpreter.call(callee, args, context: context)
      if interpreter.errorPending.pointee { try interpreter.raiseDeferredError() }
      return result
    }
  }
}
