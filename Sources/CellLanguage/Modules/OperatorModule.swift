/// `import operator`: the operators as functions (`operator.add`) and the getters data code
/// passes as sort keys (`sorted(rows, key=itemgetter(1))`), each the same operation the
/// language's own operator performs.
enum OperatorModule {
  /// `shared`: built-ins the module also offers (`operator.abs` is `abs`).
  static func make(shared: [Builtin]) -> ModuleObject {
    var functions: [Builtin] = shared
    let binaries: [(String, BinaryOp)] = [
      ("add", .add), ("sub", .subtract), ("mul", .multiply), ("truediv", .divide), ("floordiv", .floorDivide),
      ("mod", .modulo), ("pow", .power), ("and_", .bitAnd), ("or_", .bitOr), ("xor", .bitXor),
      ("lshift", .shiftLeft), ("rshift", .shiftRight), ("concat", .add),
    ]
    for (name, op) in binaries {
      functions.append(Builtin("\(name)(a, b)", summary: "Same as a \(op.rawValue) b.") { a, _ in try Operators.binary(op, a["a"]!, a["b"]!) })
    }
    let comparisons: [(String, CompareOp)] = [
      ("eq", .equal), ("ne", .notEqual), ("lt", .less), ("le", .lessEqual), ("gt", .greater), ("ge", .greaterEqual),
      ("is_", .is), ("is_not", .isNot),
    ]
    for (name, op) in comparisons {
      functions.append(Builtin("\(name)(a, b)", summary: "Same as a \(op.rawValue) b.") { a, _ in .bool(try Operators.compare(op, a["a"]!, a["b"]!)) })
    }
    let unaries: [(String, UnaryOp, String)] = [("neg", .negate, "-a"), ("pos", .plus, "+a"), ("not_", .not, "not a"), ("invert", .invert, "~a")]
    for (name, op, text) in unaries {
      functions.append(Builtin("\(name)(a)", summary: "Same as \(text).") { a, _ in try Operators.unary(op, a["a"]!) })
    }
    functions += [
      Builtin("truth(a)", summary: "Same as bool(a).") { a, _ in .bool(a["a"]!.isTruthy) },
      Builtin("index(a)", summary: "a as an int (a must be an integer).") { a, _ in
        guard case .int = a["a"]! else { throw CellError.typeError("'\(a["a"]!.typeName)' object cannot be interpreted as an integer") }
        return a["a"]!
      },
      Builtin("contains(a, b)", summary: "Same as b in a.") { a, _ in .bool(try Operators.contains(a["a"]!, a["b"]!)) },
      Builtin("getitem(a, b)", summary: "Same as a[b].") { a, _ in try Access.item(a["a"]!, a["b"]!) },
      Builtin("setitem(a, b, c)", summary: "Same as a[b] = c.") { a, _ in
        try Access.setItem(a["a"]!, a["b"]!, a["c"]!)
        return .none
      },
      Builtin("delitem(a, b)", summary: "Same as del a[b].") { a, _ in
        try Access.deleteItem(a["a"]!, a["b"]!)
        return .none
      },
      Builtin("itemgetter(*items)", summary: "A function of x giving x[item] (a tuple of them for several items).") { a, _ in
        guard !a.variadic.isEmpty else { throw CellError.typeError("itemgetter expected 1 argument, got 0") }
        return .host(Getter(.item, a.variadic))
      },
      Builtin("attrgetter(*attrs)", summary: "A function of x giving x.attr ('a.b' follows a chain; a tuple for several).") { a, _ in
        guard !a.variadic.isEmpty else { throw CellError.typeError("attrgetter expected 1 argument, got 0") }
        for v in a.variadic { guard case .string = v else { throw CellError.typeError("attribute name must be a string") } }
        return .host(Getter(.attribute, a.variadic))
      },
      Builtin("methodcaller(name, *args, **kwargs)", summary: "A function of x calling x.name(*args, **kwargs).") { a, _ in
        guard case .string(let name) = a["name"]! else { throw CellError.typeError("method name must be a string") }
        return .host(Getter(.method(name, a.variadic, a.extraKeywords), []))
      },
    ]
    return ModuleObject(name: "operator", summary: "The operators as functions, and itemgetter/attrgetter/methodcaller, as Python's operator module.", functions: functions)
  }
}

/// `itemgetter(1)`, `attrgetter('name')`, `methodcaller('strip')`: callables made once and
/// applied to many items (sort keys, map).
final class Getter: HostObject {
  enum Kind {
    case item, attribute
    case method(String, [Value], [(name: String, value: Value)])
  }
  let kind: Kind
  let keys: [Value]

  init(_ kind: Kind, _ keys: [Value]) {
    self.kind = kind
    self.keys = keys
  }

  var typeName: String {
    switch kind {
    case .item: "operator.itemgetter"
    case .attribute: "operator.attrgetter"
    case .method: "operator.methodcaller"
    }
  }
  var repr: String {
    switch kind {
    case .method(let name, let args, let keywords):
      let parts = [Value.string(name).repr] + args.map(\.repr) + keywords.map { "\($0.name)=\($0.value.repr)" }
      return "operator.methodcaller(\(parts.joined(separator: ", ")))"
    default: return "\(typeName)(\(keys.map(\.repr).joined(separator: ", ")))"
    }
  }
  var callSignature: Signature? { Signature("\(typeName.dropFirst(9))(obj)") }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    let x = arguments["obj"]!
    switch kind {
    case .method(let name, let args, let keywords):
      return try context.interpreter.call(try Access.attribute(x, name), Arguments(args, keywords: keywords), context: context)
    case .item, .attribute:
      var out: [Value] = []
      for key in keys { out.append(try get(x, key)) }
      return out.count == 1 ? out[0] : .tuple(out)
    }
  }

  private func get(_ x: Value, _ key: Value) throws(CellError) -> Value {
    guard case .attribute = kind, case .string(let path) = key else { return try Access.item(x, key) }
    var v = x
    for part in path.split(separator: ".", omittingEmptySubsequences: false) { v = try Access.attribute(v, String(part)) }
    return v
  }
}
