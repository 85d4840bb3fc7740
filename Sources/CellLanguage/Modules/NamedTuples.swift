/// `collections.namedtuple`: a class made on the fly whose instances hold named fields
/// and act as tuples of them (unpacking, indexing, len, ==, ordering, hashing).
enum NamedTuples {
  static func make(_ a: BoundArguments, _ interpreter: Interpreter) throws(CellError) -> ClassObject {
    let typename = try a.string("typename", default: "")
    let fields = try fieldNames(a["field_names"]!)
    for name in [typename] + fields {
      guard isIdentifier(name), !Parser.keywords.contains(name) else {
        throw .valueError("Type names and field names must be valid identifiers: \(Value.string(name).repr)")
      }
    }
    for (i, f) in fields.enumerated() {
      if f.hasPrefix("_") { throw .valueError("Field names cannot start with an underscore: \(Value.string(f).repr)") }
      if fields[..<i].contains(f) { throw .valueError("Encountered duplicate field name: \(Value.string(f).repr)") }
    }
    let defaultValues = try a.value("defaults").map(ValueIterator.collect) ?? []
    guard defaultValues.count <= fields.count else { throw .typeError("Got more default values than field names") }
    var defaults: [String: Value] = [:]
    for (f, v) in zip(fields.suffix(defaultValues.count), defaultValues) { defaults[f] = v }

    func method(_ signature: String, _ summary: String, _ body: @escaping (InstanceObject, BoundArguments) throws -> Value) -> Value {
      .function(
        Builtin(signature: Signature(signature), summary: summary, isUserFunction: true) { args, _ in
          guard case .host(let me as InstanceObject)? = args["self"] else { throw CellError.typeError("a \(typename) method needs an instance") }
          return try body(me, args)
        })
    }
    func values(_ me: InstanceObject) -> [Value] { fields.map { (try? me.fields.get(.string($0))) ?? .none } }
    /// The other operand as a tuple: another instance of a namedtuple, or a tuple.
    func tuple(_ v: Value) -> [Value]? {
      switch v {
      case .tuple(let t): t
      case .host(let o as InstanceObject) where o.cls.attributes["_fields"] != nil:
        (try? o.cls.attributes["_fields"].map(ValueIterator.collect))?.map { (try? o.fields.get($0)) ?? .none }
      default: nil
      }
    }
    let parameters = fields.map { f in defaults[f].map { "\(f)=\($0.repr)" } ?? f }.joined(separator: ", ")
    var attributes: [String: Value] = [
      "_fields": .tuple(fields.map(Value.string)),
      "__init__": method("__init__(self, \(parameters))", "Makes a \(typename).") { me, args in
        for f in fields { try me.setAttribute(f, args[f] ?? defaults[f] ?? .none) }
        return .none
      },
      "__repr__": method("__repr__(self)", "Type(field=value, …).") { me, _ in
        .string("\(typename)(" + zip(fields, values(me)).map { "\($0)=\($1.repr)" }.joined(separator: ", ") + ")")
      },
      "__iter__": method("__iter__(self)", "The fields' values.") { me, _ in .tuple(values(me)) },
      "__len__": method("__len__(self)", "The number of fields.") { _, _ in .int(fields.count) },
      "__getitem__": method("__getitem__(self, key)", "A field by position.") { me, args in
        try Access.item(.tuple(values(me)), args["key"]!)
      },
      "__eq__": method("__eq__(self, other)", "Equal to a tuple of the same values.") { me, args in
        guard let other = tuple(args["other"]!) else { return .bool(false) }
        return .bool(try Value.equals(.tuple(values(me)), .tuple(other)))
      },
      "__hash__": method("__hash__(self)", "The hash of the tuple of values.") { me, _ in
        .int(try StandardLibrary.pythonHash(.tuple(values(me))))
      },
      "_asdict": method("_asdict(self)", "The fields as a dict.") { me, _ in
        let d = DictObject()
        for (f, v) in zip(fields, values(me)) { try d.set(.string(f), v) }
        return .dict(d)
      },
      "_replace": method("_replace(self, **changes)", "A copy with some fields changed.") { me, args in
        let copy = InstanceObject(me.cls)
        for (f, v) in zip(fields, values(me)) { try copy.setAttribute(f, v) }
        for (k, v) in args.extraKeywords {
          guard fields.contains(k) else { throw CellError.valueError("Got unexpected field names: ['\(k)']") }
          try copy.setAttribute(k, v)
        }
        return .host(copy)
      },
    ]
    for (name, op) in Protocols.orderingMethods {
      attributes[name] = method("\(name)(self, other)", "Compares as tuples.") { me, args in
        guard let other = tuple(args["other"]!) else {
          throw CellError.typeError("'\(op.rawValue)' not supported between instances of '\(typename)' and '\(args["other"]!.typeName)'")
        }
        return .bool(try Operators.compare(op, .tuple(values(me)), .tuple(other)))
      }
    }
    return try ClassObject(
      name: typename, bases: [], exceptionBases: [], attributes: attributes, doc: "\(typename)(\(parameters))",
      interpreter: interpreter)
  }

  private static func fieldNames(_ v: Value) throws(CellError) -> [String] {
    if case .string(let s) = v {
      return s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
    }
    return try ValueIterator.collect(v).map { (x) throws(CellError) -> String in
      guard case .string(let s) = x else { throw .typeError("Type names and field names must be strings") }
      return s
    }
  }

  private static func isIdentifier(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first == "_" || first.properties.isXIDStart else { return false }
    return s.unicodeScalars.dropFirst().allSatisfy { $0 == "_" || $0.properties.isXIDContinue }
  }
}

/// `collections.deque`: items with appends and pops at both ends, and an optional maxlen
/// that drops items from the other end.
final class DequeObject: ItemsRepr {
  private(set) var items: [Value]
  let maxlen: Int?

  init(_ items: [Value], maxlen: Int?) throws(CellError) {
    self.maxlen = maxlen
    self.items = []
    for v in items { push(v, left: false) }
  }

  private func push(_ v: Value, left: Bool) {
    if maxlen == 0 { return }
    if left { items.insert(v, at: 0) } else { items.append(v) }
    if let maxlen, items.count > maxlen {
      if left { items.removeLast() } else { items.removeFirst() }
    }
  }

  var typeName: String { "deque" }
  /// Written by Value.repr itself, which tracks the containers being written: a deque
  /// inside itself (directly or through lists) shows `[...]` there, as Python's.
  var repr: String { Value.host(self).repr }
  var reprParts: (open: String, items: [Value]?, close: String, recursion: String) {
    ("deque([", items, "]" + (maxlen.map { ", maxlen=\($0)" } ?? "") + ")", "[...]")
  }
  var truthValue: Bool { !items.isEmpty }
  func iterate() throws -> [Value]? { items }
  func item(_ key: Value) throws -> Value? {
    if case .host(is SliceObject) = key { throw CellError.typeError("sequence index must be integer, not 'slice'") }  // as Python's deque
    return items[try Access.position(key, count: items.count, kind: "deque")]
  }
  func hashParts() throws -> [Value]? { throw CellError.typeError("unhashable type: 'collections.deque'") }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? DequeObject else { return false }
    return Value.list(items) == Value.list(o.items)
  }

  var attributeNames: [String] { Array(methods.keys) + ["maxlen"] }

  func attribute(_ name: String) throws -> Value? {
    if name == "maxlen" { return maxlen.map(Value.int) ?? Value.none }
    guard let (signature, summary) = methods[name] else { return nil }
    return .function(Builtin(signature: Signature(signature), summary: summary) { [self] a, ctx in try run(name, a, ctx) })
  }

  private let methods: [String: (String, String)] = [
    "append": ("append(x)", "Adds x at the right end."), "appendleft": ("appendleft(x)", "Adds x at the left end."),
    "pop": ("pop()", "Removes and returns the rightmost item."), "popleft": ("popleft()", "Removes and returns the leftmost item."),
    "extend": ("extend(iterable)", "Adds the items at the right end."),
    "extendleft": ("extendleft(iterable)", "Adds the items at the left end, one by one (so reversed)."),
    "clear": ("clear()", "Removes every item."), "rotate": ("rotate(n=1)", "Moves n items from the right end to the left."),
    "count": ("count(x)", "How many items equal x."), "reverse": ("reverse()", "Reverses the items in place."),
    "copy": ("copy()", "A shallow copy."),
  ]

  private func run(_ name: String, _ a: BoundArguments, _ ctx: CallContext) throws -> Value {
    switch name {
    case "append", "appendleft": push(a["x"]!, left: name == "appendleft")
    case "pop", "popleft":
      guard !items.isEmpty else { throw CellError(ename: "IndexError", "pop from an empty deque") }
      return name == "pop" ? items.removeLast() : items.removeFirst()
    case "extend", "extendleft":
      for v in try ValueIterator.collect(a["iterable"]!) { push(v, left: name == "extendleft") }
    case "clear": items.removeAll()
    case "rotate":
      guard !items.isEmpty else { break }
      let n = try a.int("n", default: 1) % items.count
      let k = (n + items.count) % items.count
      items = Array(items.suffix(k) + items.dropLast(k))
    case "count":
      var n = 0
      for v in items where try Value.equals(v, a["x"]!) { n += 1 }
      return .int(n)
    case "reverse": items.reverse()
    case "copy": return .host(try DequeObject(items, maxlen: maxlen))
    default: break
    }
    return .none
  }
}
