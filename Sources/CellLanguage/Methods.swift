/// Methods of the built-in types (`xs.append(1)`, `s.upper()`, `d.items()`), as bound built-ins.
enum Methods {
  struct Spec: Sendable {
    let signature: Signature
    let summary: String
    let run: @Sendable (Value, BoundArguments, CallContext) throws -> Value

    init(_ sig: String, _ summary: String, _ run: @escaping @Sendable (Value, BoundArguments, CallContext) throws -> Value) {
      self.signature = Signature(sig)
      self.summary = summary
      self.run = run
    }
  }

  static func table(for v: Value) -> [String: Spec] {
    switch v {
    case .list: listMethods
    case .dict(let d): if case .counter? = d.flavor { counterMethods } else { dictMethods }
    case .string: stringMethods
    case .tuple: tupleMethods
    case .int, .bool: intMethods
    case .float: floatMethods
    default: [:]
    }
  }

  static func names(for v: Value) -> [String] { table(for: v).keys.sorted() }

  /// `receiver.name` as a callable, or nil when the type has no such method.
  static func bound(_ receiver: Value, _ name: String) -> Builtin? {
    guard let spec = table(for: receiver)[name] else { return nil }
    return Builtin(signature: spec.signature, summary: spec.summary) { args, ctx in try spec.run(receiver, args, ctx) }
  }

  static func list(_ v: Value) -> ListObject {
    if case .list(let l) = v { return l }
    preconditionFailure("list method on \(v.typeName)")
  }
  static func dict(_ v: Value) -> DictObject {
    if case .dict(let d) = v { return d }
    preconditionFailure("dict method on \(v.typeName)")
  }
  static func string(_ v: Value) -> String {
    if case .string(let s) = v { return s }
    preconditionFailure("str method on \(v.typeName)")
  }

  /// Grows a list by `added` items after asking the memory budget.
  static func grow(_ l: ListObject, by added: Int) throws(CellError) {
    try Memory.checkItems(Memory.sum(l.items.count, added), "list")
  }

  static let listMethods: [String: Spec] = [
    "append": Spec("append(item)", "Adds an item at the end.") { l, a, ctx in
      try grow(list(l), by: 1)
      list(l).items.append(a["item"]!)
      return .none
    },
    "extend": Spec("extend(iterable)", "Adds the items of an iterable at the end.") { l, a, ctx in
      let added = try ValueIterator.collect(a["iterable"]!)
      try grow(list(l), by: added.count)
      list(l).items += added
      return .none
    },
    "insert": Spec("insert(index, item)", "Inserts an item before index.") { l, a, ctx in
      let items = list(l)
      try grow(items, by: 1)
      let i = try a.int("index", default: 0)
      let p = i < 0 ? max(0, i + items.items.count) : min(i, items.items.count)
      items.items.insert(a["item"]!, at: p)
      return .none
    },
    "pop": Spec("pop(index=-1)", "Removes and returns the item at index (the last by default).") { l, a, ctx in
      let items = list(l)
      guard !items.items.isEmpty else { throw CellError(ename: "IndexError", "pop from empty list") }
      let p = try Access.position(.int(try a.int("index", default: -1)), count: items.items.count, kind: "pop")
      return items.items.remove(at: p)
    },
    "remove": Spec("remove(item)", "Removes the first occurrence of item.") { l, a, ctx in
      let items = list(l)
      guard let i = try Operators.firstIndex(of: a["item"]!, in: items.items, context: ctx) else {
        throw CellError.valueError("list.remove(x): x not in list")
      }
      items.items.remove(at: i)
      return .none
    },
    "index": Spec("index(item)", "Returns the position of the first occurrence of item.") { l, a, ctx in
      guard let i = try Operators.firstIndex(of: a["item"]!, in: list(l).items, context: ctx) else {
        throw CellError.valueError("\(a["item"]!.repr) is not in list")
      }
      return .int(i)
    },
    "count": Spec("count(item)", "Counts the occurrences of item.") { l, a, ctx in
      var n = 0
      for (i, x) in list(l).items.enumerated() {
        if i & 0xFFFF == 0xFFFF { try ctx.checkInterrupt() }
        if try Value.equals(x, a["item"]!) { n += 1 }
      }
      return .int(n)
    },
    "sort": Spec("sort(key=None, reverse=False)", "Sorts the list in place (by key(item) when key is given).") { l, a, ctx in
      list(l).items = try StandardLibrary.sortedValues(list(l).items, a, ctx)
      return .none
    },
    "reverse": Spec("reverse()", "Reverses the list in place.") { l, _, ctx in list(l).items.reverse(); return .none },
    "copy": Spec("copy()", "Returns a shallow copy.") { l, _, ctx in .list(ListObject(list(l).items)) },
    "clear": Spec("clear()", "Removes every item.") { l, _, ctx in list(l).items.removeAll(); return .none },
  ]

  static let dictMethods: [String: Spec] = [
    "keys": Spec("keys()", "A live view of the keys (set-like: &, |, -, ^).") { d, _, ctx in .host(DictView(dict(d), .keys)) },
    "values": Spec("values()", "A live view of the values.") { d, _, ctx in .host(DictView(dict(d), .values)) },
    "items": Spec("items()", "A live view of the (key, value) pairs (set-like).") { d, _, ctx in .host(DictView(dict(d), .items)) },
    "get": Spec("get(key, default=None)", "Returns the value for key, or default.") { d, a, ctx in
      try dict(d).get(a["key"]!) ?? a["default"] ?? .none
    },
    "pop": Spec("pop(key, default=None)", "Removes key and returns its value (or default).") { d, a, ctx in
      if let v = try dict(d).remove(a["key"]!) { return v }
      if let fallback = a["default"] { return fallback }
      throw CellError(ename: "KeyError", a["key"]!.repr)
    },
    "update": Spec("update(*other, **pairs)", "Copies in the pairs of a dict, of (key, value) pairs, and of keywords.") { d, a, ctx in
      guard a.variadic.count <= 1 else { throw CellError.typeError("update expected at most 1 argument, got \(a.variadic.count)") }
      if let source = a.variadic.first { try dict(d).update(from: source, context: ctx) }
      for (k, v) in a.extraKeywords { try dict(d).set(.string(k), v) }
      return .none
    },
    "setdefault": Spec("setdefault(key, default=None)", "The value for key, first setting it to default if absent.") { d, a, ctx in
      if let v = try dict(d).get(a["key"]!) { return v }
      let v = a["default"] ?? .none
      try dict(d).set(a["key"]!, v)
      return v
    },
    "popitem": Spec("popitem()", "Removes and returns the last (key, value) pair added.") { d, _, ctx in
      guard let key = dict(d).keys.last else { throw CellError(ename: "KeyError", "'popitem(): dictionary is empty'") }
      let value = try dict(d).remove(key) ?? .none
      return .tuple([key, value])
    },
    "clear": Spec("clear()", "Removes every pair.") { d, _, ctx in
      for key in dict(d).keys { _ = try dict(d).remove(key) }
      return .none
    },
    "copy": Spec("copy()", "Returns a shallow copy.") { d, _, ctx in
      let c = DictObject()
      for (k, v) in zip(dict(d).keys, dict(d).values) { try c.set(k, v) }
      return .dict(c)
    },
  ]
}

extension Methods {
  static let counterMethods = dictMethods.merging(Counters.methods) { _, counter in counter }
}

extension Methods {
  static let tupleMethods: [String: Spec] = [
    "count": Spec("count(value)", "How many items equal value.") { t, a, ctx in
      guard case .tuple(let items) = t else { return .int(0) }
      var n = 0
      for x in items where try Value.equals(x, a["value"]!) { n += 1 }
      return .int(n)
    },
    "index": Spec("index(value)", "The first position of an item equal to value (ValueError when absent).") { t, a, ctx in
      guard case .tuple(let items) = t, let i = try Operators.firstIndex(of: a["value"]!, in: items, context: ctx) else {
        throw CellError.valueError("tuple.index(x): x not in tuple")
      }
      return .int(i)
    },
  ]

  /// `str.lower`, `dict.fromkeys`, `list.append`: a type's method read from the type, called
  /// with the receiver first (`sorted(words, key=str.lower)`), as Python's unbound methods.
  static func unbound(_ type: Builtin, _ name: String) -> Builtin? {
    if type.name == "dict", name == "fromkeys" {
      return Builtin("fromkeys(iterable, value=None)", summary: "A dict with each item as a key, all set to value.") { a, _ in
        let d = DictObject()
        for k in try ValueIterator.collect(a["iterable"]!) { try d.set(k, a["value"] ?? .none) }
        return .dict(d)
      }
    }
    if type.name == "str", name == "maketrans" {
      return Builtin("maketrans(x, y=None, z=None)", summary: "A table for translate().") { a, _ in try translationTable(a) }
    }
    let sample: Value? =
      switch type.name {
      case "str": .string("")
      case "list": .list([])
      case "dict": .dict(DictObject())
      case "tuple": .tuple([])
      default: nil
      }
    guard let sample, let spec = table(for: sample)[name] else { return nil }
    return Builtin("\(name)(self, *args, **kwargs)", summary: spec.summary) { a, ctx in
      guard let receiver = a["self"], receiver.typeName == type.name else {
        throw CellError.typeError("descriptor '\(name)' for '\(type.name)' objects doesn't apply to a '\(a["self"]?.typeName ?? "None")' object")
      }
      return try ctx.interpreter.call(.function(bound(receiver, name)!), Arguments(a.variadic, keywords: a.extraKeywords), context: ctx)
    }
  }
}

extension DictObject {
  /// `dict(source)` and `d.update(source)`: a dict's pairs, or an iterable of (key, value)
  /// pairs, with Python's errors for an item that is not a pair.
  func update(from source: Value, context: CallContext? = nil) throws(CellError) {
    if case .dict(let other) = source {
      for (k, v) in zip(other.keys, other.values) { try set(k, v) }
      return
    }
    for (i, item) in try ValueIterator.collect(source).enumerated() {
      if i & 0xFFF == 0xFFF { try context?.checkInterrupt() }
      guard let pair = try? ValueIterator.collect(item) else {
        throw CellError.typeError("cannot convert dictionary update sequence element #\(i) to a sequence")
      }
      guard pair.count == 2 else {
        throw CellError.valueError("dictionary update sequence element #\(i) has length \(pair.count); 2 is required")
      }
      try set(pair[0], pair[1])
    }
  }
}
