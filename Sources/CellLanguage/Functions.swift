#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A running function's local variables, chained to the scope it was defined in (so a
/// lambda made inside a function sees that function's variables).
final class Scope {
  var variables: [String: Value] = [:]
  let parent: Scope?
  /// Names the function declared `global`: assignments to them go to the notebook.
  let globalNames: Set<String>
  /// Names the function declared `nonlocal`: assignments to them go to an enclosing scope.
  let nonlocalNames: Set<String>
  /// The function's first parameter when it takes one by position (`self` in a method),
  /// for `super()`.
  var firstParameter: String?
  /// A comprehension's own scope (its loop variables stay inside, as in Python 3); a
  /// walrus (`:=`) in it binds in the nearest enclosing scope that is not one.
  let isComprehension: Bool

  init(parent: Scope?, globalNames: Set<String>, nonlocalNames: Set<String> = [], isComprehension: Bool = false) {
    self.parent = parent
    self.globalNames = globalNames
    self.nonlocalNames = nonlocalNames
    self.isComprehension = isComprehension
  }

  /// The scope whose variable `name` is, for a `nonlocal` name: the nearest enclosing
  /// function scope that has it (nil when none does).
  func owner(ofNonlocal name: String) -> Scope? {
    var scope = parent
    while let s = scope {
      if s.variables[name] != nil { return s }
      scope = s.parent
    }
    return nil
  }

  func lookup(_ name: String) -> Value? {
    var scope: Scope? = self
    while let s = scope {
      if let v = s.variables[name] { return v }
      scope = s.parent
    }
    return nil
  }
}

extension Interpreter {
  /// How deeply user functions may call each other (each level costs native stack).
  static let maxCallDepth = 200

  /// Runs a `def`/`lambda` body with its parameters bound in a fresh scope.
  func callFunction(
    _ def: FunctionDef, _ bound: BoundArguments, defaults: [String: Value], closure: Scope?, context: CallContext
  ) throws(CellError) -> Value {
    callDepth += 1
    defer { callDepth -= 1 }
    guard callDepth <= Self.maxCallDepth else {
      throw CellError(ename: "RecursionError", "maximum recursion depth exceeded (\(Self.maxCallDepth) nested calls)")
    }
    guard StackGuard.currentAddress() > stackLimit else {
      throw CellError(ename: "RecursionError", "maximum recursion depth exceeded (the native stack is nearly full)")
    }
    let scope = Scope(parent: closure, globalNames: def.globalNames, nonlocalNames: def.nonlocalNames)
    if let first = def.parameters.first, first.kind == .normal { scope.firstParameter = first.name }
    for p in def.parameters {
      switch p.kind {
      case .variadic: scope.variables[p.name] = .tuple(bound.variadic)
      case .variadicKeywords:
        let d = DictObject()
        for (k, v) in bound.extraKeywords { try d.set(.string(k), v) }
        scope.variables[p.name] = .dict(d)
      case .normal, .keywordOnly: scope.variables[p.name] = bound.values[p.name] ?? defaults[p.name] ?? Value.none
      }
    }
    let evaluator = Evaluator(interpreter: self, context: context, scope: scope)
    do {
      guard def.isGenerator else { return try evaluator.run(def.body) == .returned ? evaluator.returnValue : .none }
      // A generator runs to the end now; its iterator hands out what it yielded.
      evaluator.yielded = []
      _ = try evaluator.run(def.body)
      return .host(IteratorObject(try ValueIterator(.list(evaluator.yielded ?? [])), typeName: "generator"))
    } catch {
      // The body's spans point into the cell that defined it: the caller's span is shown.
      var e = error
      e.span = nil
      throw e
    }
  }
}

extension Evaluator {
  /// A function value for a `def` or `lambda`; defaults are evaluated now, as in Python.
  func makeFunction(_ def: FunctionDef) throws(CellError) -> Value {
    var defaults: [String: Value] = [:]
    var pieces: [String] = []
    var starred = false
    for p in def.parameters {
      switch p.kind {
      case .variadic:
        pieces.append("*\(p.name)")
        starred = true
      case .variadicKeywords:
        pieces.append("**\(p.name)")
      case .normal, .keywordOnly:
        if p.kind == .keywordOnly && !starred {
          pieces.append("*")
          starred = true
        }
        guard let d = p.defaultValue else {
          pieces.append(p.name)
          continue
        }
        let v = try eval(d)
        defaults[p.name] = v
        pieces.append("\(p.name)=\(v.repr)")
      }
    }
    let interpreter = self.interpreter
    let closure = functionClosure ?? scope
    let summary = def.docstring ?? (def.name == "<lambda>" ? "A lambda function." : "A function defined in this notebook.")
    return .function(
      Builtin(signature: Signature("\(def.name)(\(pieces.joined(separator: ", ")))"), summary: summary, isUserFunction: true) {
        bound, ctx in
        try interpreter.callFunction(def, bound, defaults: defaults, closure: closure, context: ctx)
      })
  }

  /// The statements beyond assignment and loops: def, return, raise, try, global, %time, %timeit.
  func executeBlock(_ s: Stmt) throws(CellError) -> Flow {
    switch s.kind {
    case .def(let def):
      try assign(Expr(kind: .name(def.name), span: s.span), try makeFunction(def))
    case .classDef(let def):
      try assign(Expr(kind: .name(def.name), span: s.span), try makeClass(def, span: s.span))
    case .decorated(let decorators, let definition):
      try runDecorated(decorators, definition)
    case .return(let value):
      returnValue = try value.map(eval) ?? .none
      return .returned
    case .yield(let value, let from):
      let v = try value.map(eval) ?? .none
      let items = from ? try at(s.span) { () throws(CellError) in try ValueIterator.collect(v) } : [v]
      try at(s.span) { () throws(CellError) in try Memory.checkItems(Memory.sum(yielded?.count ?? 0, items.count), "generator") }
      yielded?.append(contentsOf: items)
    case .raise(let value):
      throw try raised(value, span: s.span)
    case .importModules(let names):
      for n in names {
        // `import os.path` binds `os` (which has `path`); `import os.path as p` the submodule.
        let top = n.alias == nil ? String(n.name.prefix { $0 != "." }) : n.name
        let module = try at(s.span) { () throws(CellError) in
          _ = try interpreter.module(n.name)
          return try interpreter.module(top)
        }
        try assign(Expr(kind: .name(n.alias ?? top), span: s.span), .host(module))
      }
    case .importNames(let moduleName, let names):
      let module = try at(s.span) { () throws(CellError) in try interpreter.module(moduleName) }
      // `from m import *` binds every member; a name the module lacks is an ImportError.
      for n in names.isEmpty ? module.order.map({ ImportedName(name: $0) }) : names {
        guard let value = module.members[n.name] else {
          throw CellError(ename: "ImportError", "cannot import name '\(n.name)' from '\(moduleName)'", span: s.span)
        }
        try assign(Expr(kind: .name(n.alias ?? n.name), span: s.span), value)
      }
    case .assert(let test, let message):
      // Python evaluates the message only when the assertion fails.
      if try eval(test).isTruthy { break }
      let text = try message.map { (m) throws(CellError) in try eval(m).str } ?? ""
      throw CellError(ename: "AssertionError", text, span: s.span)
    case .try(let body, let handlers, let elseBody, let finallyBody):
      return try runTry(body, handlers, elseBody, finallyBody)
    case .with(let items, let body):
      return try runWith(items[...], body)
    case .match(let subject, let cases):
      return try runMatch(subject, cases)
    case .global:
      break
    case .timeIt(let setup, let body, let options):
      try timeIt(setup: setup, body: body, options)
    case .timed(let body):
      var flow = Flow.normal
      _ = try timed(s.span) { () throws(CellError) -> Value? in
        flow = try run(body)
        return nil
      }
      return flow
    default:
      break
    }
    return .normal
  }

  /// Runs `body` and prints its CPU and wall times in IPython's %time words
  /// ("CPU times: user 1.2 ms, sys: 0 ns, total: 1.2 ms" / "Wall time: 1.5 ms").
  func timed(_ span: SourceSpan, _ body: () throws(CellError) -> Value?) throws(CellError) -> Value? {
    let clock = ContinuousClock()
    let cpu = Self.cpuTimes()
    let started = clock.now
    let value = try body()
    let (seconds, attoseconds) = (clock.now - started).components
    let wall = Double(seconds) + Double(attoseconds) / 1e18
    let (user, system) = Self.cpuTimes()
    let (u, s) = (user - cpu.user, system - cpu.system)
    context.sink.stream(
      .stdout,
      "CPU times: user \(Self.duration(u, 3)), sys: \(Self.duration(s, 3)), total: \(Self.duration(u + s, 3))\nWall time: \(Self.duration(wall, 3))\n")
    return value
  }

  /// The process's user and system CPU seconds so far (what IPython's %time reads).
  private static func cpuTimes() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let seconds = { (t: timeval) in Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return (seconds(usage.ru_utime), seconds(usage.ru_stime))
  }
}

extension Evaluator {
  /// The first item's manager entered (its value bound to the target), the rest inside it,
  /// and its exit run however the body ends: normally, by an error, break or return.
  func runWith(_ items: ArraySlice<WithItem>, _ body: [Stmt]) throws(CellError) -> Flow {
    guard let item = items.first else { return try run(body) }
    let value = try eval(item.manager)
    guard case .host(let h) = value, let manager = h as? ContextManager else {
      throw .typeError("'\(value.typeName)' object does not support the context manager protocol", item.manager.span)
    }
    let entered = try at(item.manager.span) { () throws(CellError) in try manager.enter() }
    defer { manager.exit() }
    if let target = item.target { try assign(target, entered) }
    return try runWith(items.dropFirst(), body)
  }
}
