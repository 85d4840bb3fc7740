/// Running `class` statements, decorators and `super()`.
extension Evaluator {
  /// Runs a class body in its own scope and makes the class from what it assigned. The
  /// body's functions close over a scope holding `__class__` (for `super()`), whose
  /// parent is the scope around the class, as in Python.
  func makeClass(_ def: ClassDef, span: SourceSpan) throws(CellError) -> Value {
    var bases: [ClassObject] = []
    var exceptionBases: [String] = []
    for b in def.bases {
      let v = try eval(b)
      switch v {
      case .host(let c as ClassObject) where c.isObjectRoot: continue
      case .host(let c as ClassObject):
        bases.append(c)
        exceptionBases += c.exceptionBases.filter { !exceptionBases.contains($0) }
      case .host(let t as ExceptionType):
        if !exceptionBases.contains(t.name) { exceptionBases.append(t.name) }
      default:
        throw .typeError(
          "a class derives from classes defined in cells, object or exception types, not \(v.repr)", b.span)
      }
    }
    let cell = Scope(parent: scope, globalNames: [])
    let body = Scope(parent: cell, globalNames: [])
    let evaluator = Evaluator(interpreter: interpreter, context: context, scope: body)
    evaluator.functionClosure = cell
    evaluator.annotations = []
    _ = try evaluator.run(def.body)
    if let annotations = evaluator.annotations, !annotations.isEmpty {
      body.variables["__annotations__"] = .dict(DictObject(annotations))
    }
    let cls = try at(span) { () throws(CellError) in
      try ClassObject(
        name: def.name, bases: bases, exceptionBases: exceptionBases, attributes: body.variables, doc: def.docstring,
        interpreter: interpreter)
    }
    cell.variables["__class__"] = .host(cls)
    if cls.mro.dropFirst().contains(where: \.isEnumRoot) {
      try at(span) { () throws(CellError) in try EnumModule.populate(cls, order: Self.assignedNames(def.body)) }
    }
    return .host(cls)
  }

  /// The names a class body assigns with `NAME = …` (or `NAME: T = …`), first assignment
  /// first: an enumeration's member order.
  static func assignedNames(_ body: [Stmt]) -> [String] {
    var names: [String] = []
    for s in body {
      switch s.kind {
      case .assign(let targets, _):
        for case .name(let n) in targets.map(\.kind) where !names.contains(n) { names.append(n) }
      case .annotated(let target, _, .some):
        if case .name(let n) = target.kind, !names.contains(n) { names.append(n) }
      default: break
      }
    }
    return names
  }

  /// `@a @b def f` is `f = a(b(f))`; the decorators are evaluated first, top to bottom.
  func runDecorated(_ decorators: [Expr], _ definition: Stmt) throws(CellError) {
    var functions: [Value] = []
    for d in decorators { functions.append(try eval(d)) }
    var value: Value
    let name: String
    switch definition.kind {
    case .def(let def):
      (name, value) = (def.name, try makeFunction(def))
    case .classDef(let def):
      (name, value) = (def.name, try makeClass(def, span: definition.span))
    default:
      throw .syntax("a decorator applies to a def or a class", definition.span)
    }
    for (f, expr) in zip(functions, decorators).reversed() {
      let decorated = value
      value = try at(expr.span) { () throws(CellError) in try interpreter.call(f, Arguments([decorated]), context: context) }
    }
    try assign(Expr(kind: .name(name), span: definition.span), value)
  }

  /// `super()` in a method: the class whose body defined the method, and its first argument.
  func implicitSuper() throws(CellError) -> Value {
    guard let scope, case .host(let cls as ClassObject)? = scope.lookup("__class__"),
      let first = scope.firstParameter, let receiver = scope.variables[first]
    else {
      throw CellError(ename: "RuntimeError", "super(): no arguments (use it in a method defined in a class body)")
    }
    return .host(SuperObject(cls, receiver))
  }
}
