/// collections.ChainMap: several mappings searched in order as one. A class made here, so
/// `cm[k]`, `cm[k] = v`, `del`, `len`, `in`, iteration, == and repr go through the class
/// protocol (ClassProtocol.swift). An instance keeps its mappings in the field `maps` (a
/// list, as Python's, so `cm.maps` can be read and changed); lookups go through each in
/// turn, writes and deletions change only the first, as Python's. keys(), values() and
/// items() give the views of a dict snapshot of the merged mapping (Python gives live
/// KeysView(...) objects).
struct ChainMapClass {
  let interpreter: Interpreter
  init(_ interpreter: Interpreter) { self.interpreter = interpreter }

  static func make(_ cls: ClassObject, _ maps: [Value]) throws(CellError) -> Value {
    let i = InstanceObject(cls)
    try i.fields.set(.string("maps"), .list(ListObject(maps.isEmpty ? [.dict(DictObject())] : maps)))
    return .host(i)
  }

  private static func maps(_ me: InstanceObject) throws(CellError) -> [Value] {
    guard let v = try me.fields.get(.string("maps")) else { throw CellError(ename: "AttributeError", "'ChainMap' object has no attribute 'maps'") }
    return try ValueIterator.collect(v)
  }

  private static func first(_ me: InstanceObject) throws(CellError) -> Value {
    guard let m = try maps(me).first else { throw CellError(ename: "IndexError", "list index out of range") }
    return m
  }

  /// `cm[key]`: the first mapping that has it, as Python's (a defaultdict in the chain
  /// makes the key, as its own lookup does); nil when none has it.
  private static func lookup(_ me: InstanceObject, _ key: Value) throws(CellError) -> Value? {
    for m in try maps(me) {
      if let v = try Access.unlessKeyError({ () throws(CellError) in try Access.item(m, key) }) { return v }
    }
    return nil
  }

  /// The keys, the last mapping's first and each key once, as Python iterates them.
  private static func keys(_ me: InstanceObject) throws(CellError) -> [Value] {
    let seen = DictObject()
    for m in try maps(me).reversed() {
      for k in try ValueIterator.collect(m) { try seen.set(k, .none) }
    }
    return seen.keys
  }

  /// dict(cm): each key with the value a lookup gives.
  private static func merged(_ me: InstanceObject) throws(CellError) -> DictObject {
    let d = DictObject()
    for k in try keys(me) { try d.set(k, try lookup(me, k) ?? .none) }
    return d
  }

  private static func keyError(_ message: String) -> CellError { CellError(ename: "KeyError", Value.string(message).repr) }

  func method(_ signature: String, _ summary: String, _ body: @escaping (InstanceObject, BoundArguments, CallContext) throws -> Value) -> Value {
    .function(
      Builtin(signature: Signature(signature), summary: summary, isUserFunction: true) { a, ctx in
        guard case .host(let me as InstanceObject)? = a["self"], me.cls.name == "ChainMap" else {
          throw CellError.typeError("a ChainMap method needs a ChainMap")
        }
        // A ChainMap among its own maps makes lookups recurse through these methods: stop
        // with Python's RecursionError before the native stack runs out.
        guard StackGuard.currentAddress() > ctx.interpreter.stackLimit else {
          throw CellError(ename: "RecursionError", "maximum recursion depth exceeded (the native stack is nearly full)")
        }
        return try body(me, a, ctx)
      })
  }

  func make() throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "ChainMap", bases: [], exceptionBases: [], attributes: [:],
      doc: "ChainMap(*maps): mappings searched in order as one; writes go to the first. maps, new_child(), parents.",
      interpreter: interpreter)
    cls.module = "collections"
    let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
    func call(_ object: Value, _ name: String, _ args: [Value], _ ctx: CallContext) throws(CellError) -> Value {
      try ctx.interpreter.call(try Access.attribute(object, name), Arguments(args), context: ctx)
    }
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(signature: Signature("__init__(self, *maps)"), summary: "", isUserFunction: true) { a, _ in
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        try me.fields.set(.string("maps"), .list(ListObject(a.variadic.isEmpty ? [.dict(DictObject())] : a.variadic)))
        return .none
      })
    attributes["__getitem__"] = method("__getitem__(self, key)", "The value from the first mapping that has key.") { me, a, _ in
      guard let v = try Self.lookup(me, a["key"] ?? .none) else { throw CellError(ename: "KeyError", (a["key"] ?? .none).repr) }
      return v
    }
    attributes["get"] = method("get(self, key, default=None)", "cm[key], or default when no mapping has key.") { me, a, _ in
      let key = a["key"] ?? .none
      for m in try Self.maps(me) where try Operators.contains(m, key) { return try Self.lookup(me, key) ?? .none }
      return a["default"] ?? .none
    }
    attributes["__contains__"] = method("__contains__(self, key)", "Whether any mapping has key.") { me, a, _ in
      for m in try Self.maps(me) where try Operators.contains(m, a["key"] ?? .none) { return .bool(true) }
      return .bool(false)
    }
    attributes["__len__"] = method("__len__(self)", "The number of distinct keys.") { me, _, _ in .int(try Self.keys(me).count) }
    attributes["__iter__"] = method("__iter__(self)", "The distinct keys, the last mapping's first.") { me, _, _ in .list(ListObject(try Self.keys(me))) }
    attributes["__bool__"] = method("__bool__(self)", "Whether any mapping is non-empty.") { me, _, _ in .bool(try Self.maps(me).contains { $0.isTruthy }) }
    attributes["__setitem__"] = method("__setitem__(self, key, value)", "Sets key in the first mapping.") { me, a, _ in
      try Access.setItem(try Self.first(me), a["key"] ?? .none, a["value"] ?? .none)
      return .none
    }
    attributes["__delitem__"] = method("__delitem__(self, key)", "Deletes key from the first mapping.") { me, a, _ in
      let key = a["key"] ?? .none
      let first = try Self.first(me)
      guard try Access.unlessKeyError({ () throws(CellError) in try Access.deleteItem(first, key) }) != nil else {
        throw Self.keyError("Key not found in the first mapping: \(key.repr)")
      }
      return .none
    }
    attributes["pop"] = method("pop(self, key, *default)", "Removes key from the first mapping and returns its value.") { me, a, ctx in
      let key = a["key"] ?? .none
      let first = try Self.first(me)
      guard let v = try Access.unlessKeyError({ () throws(CellError) in try call(first, "pop", [key] + a.variadic, ctx) }) else {
        throw Self.keyError("Key not found in the first mapping: \(key.repr)")
      }
      return v
    }
    attributes["popitem"] = method("popitem(self)", "Removes and returns the first mapping's last (key, value).") { me, _, ctx in
      let first = try Self.first(me)
      guard let v = try Access.unlessKeyError({ () throws(CellError) in try call(first, "popitem", [], ctx) }) else {
        throw Self.keyError("No keys found in the first mapping.")
      }
      return v
    }
    attributes["clear"] = method("clear(self)", "Empties the first mapping.") { me, _, ctx in try call(try Self.first(me), "clear", [], ctx) }
    attributes["update"] = method("update(self, *other, **kwargs)", "Sets keys in the first mapping (as dict.update).") { me, a, ctx in
      let first = try Self.first(me)
      for other in a.variadic { _ = try call(first, "update", [other], ctx) }
      for (k, v) in a.extraKeywords { try Access.setItem(first, .string(k), v) }
      return .none
    }
    attributes["setdefault"] = method("setdefault(self, key, default=None)", "cm[key], set in the first mapping to default when missing.") { me, a, _ in
      let key = a["key"] ?? .none
      if let v = try Self.lookup(me, key) { return v }
      try Access.setItem(try Self.first(me), key, a["default"] ?? .none)
      return a["default"] ?? .none
    }
    for name in ["keys", "values", "items"] {
      attributes[name] = method("\(name)(self)", "The merged mapping's \(name) (a snapshot).") { me, _, ctx in
        try call(.dict(try Self.merged(me)), name, [], ctx)
      }
    }
    attributes["new_child"] = method("new_child(self, m=None, **kwargs)", "A ChainMap with m (or a new dict of kwargs) in front of these maps.") { me, a, ctx in
      var front = a.value("m") ?? .dict(DictObject())
      if a.value("m") != nil, !a.extraKeywords.isEmpty {
        _ = try ctx.interpreter.call(try Access.attribute(front, "update"), Arguments([], keywords: a.extraKeywords), context: ctx)
      } else if a.value("m") == nil {
        let d = DictObject()
        for (k, v) in a.extraKeywords { try d.set(.string(k), v) }
        front = .dict(d)
      }
      return try Self.make(cls, [front] + Self.maps(me))
    }
    attributes["parents"] = .host(
      PropertyObject(get: method("parents(self)", "A ChainMap of every map but the first.") { me, _, _ in try Self.make(cls, Array(try Self.maps(me).dropFirst())) }, set: nil))
    attributes["copy"] = method("copy(self)", "A ChainMap with a copy of the first map and the others shared.") { me, _, ctx in
      let all = try Self.maps(me)
      guard let head = all.first else { return try Self.make(cls, []) }
      return try Self.make(cls, [try call(head, "copy", [], ctx)] + all.dropFirst())
    }
    attributes["__eq__"] = method("__eq__(self, other)", "Equal to a mapping with the same items.") { me, a, _ in
      let other = a["other"] ?? .none
      if case .dict = other { return .bool(try Value.equals(.dict(try Self.merged(me)), other)) }
      guard case .host(let o as InstanceObject) = other, o.cls.name == "ChainMap" else { return notImplemented }
      return .bool(try Value.equals(.dict(try Self.merged(me)), .dict(try Self.merged(o))))
    }
    attributes["__repr__"] = method("__repr__(self)", "ChainMap({...}, {...}).") { me, _, _ in
      // Inside itself it shows `...`, as Python's (reprlib.recursive_repr).
      if me.inGeneratedRepr { return .string("...") }
      me.inGeneratedRepr = true
      defer { me.inGeneratedRepr = false }
      return .string("ChainMap(" + (try Self.maps(me)).map(\.repr).joined(separator: ", ") + ")")
    }
    cls.attributes = attributes
    return cls
  }
}
