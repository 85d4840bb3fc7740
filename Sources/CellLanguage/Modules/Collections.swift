/// `import collections`: Counter, defaultdict and OrderedDict (dicts with a flavor: their
/// type name, repr and what a missing key reads as), namedtuple (a class made on the fly)
/// and deque (see Deque.swift).
enum CollectionsModule {
  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let chain = ChainMapClass(interpreter)  // bound first: a temporary here draws a false weak-reference warning in release builds
    let chainMap = try chain.make()
    return ModuleObject(
      name: "collections", summary: "Counter, defaultdict, OrderedDict, namedtuple, deque and ChainMap, as Python's collections.",
      functions: [
        Builtin(
          "Counter(iterable=None, **counts)", summary: "A dict counting items: Counter('abca')['a'] is 2; a missing key counts 0.",
          details: "most_common(n), update(iterable), subtract(iterable), total(), elements(); c1 + c2 and c1 - c2."
        ) { a, ctx in
          let d = DictObject()
          d.flavor = .counter
          try Counters.add(a["iterable"], into: d, sign: 1, ctx)
          for (k, v) in a.extraKeywords { try d.set(.string(k), v) }
          return .dict(d)
        },
        Builtin(
          "defaultdict(default_factory=None, *args, **pairs)", summary: "A dict whose missing keys are made by calling default_factory: defaultdict(list)."
        ) { a, ctx in
          let d = DictObject()
          d.flavor = .defaultDict(Factory(a["default_factory"] ?? .none, ctx.interpreter))
          try Self.fill(d, a, ctx)
          return .dict(d)
        },
        Builtin("OrderedDict(*args, **pairs)", summary: "A dict that shows as OrderedDict (every dict keeps insertion order).") { a, ctx in
          let d = DictObject()
          d.flavor = .ordered
          try Self.fill(d, a, ctx)
          return .dict(d)
        },
        Builtin(
          "namedtuple(typename, field_names, *, defaults=None)", summary: "A class of tuples with named fields: Point = namedtuple('Point', 'x y')."
        ) { a, ctx in
          .host(try NamedTuples.make(a, ctx.interpreter))
        },
        Builtin("deque(iterable=(), maxlen=None)", summary: "A list with fast appends and pops at both ends; maxlen keeps the newest items.") {
          a, _ in
          .host(try DequeObject(try a["iterable"].map(ValueIterator.collect) ?? [], maxlen: try a.value("maxlen").map { v throws(CellError) in
            guard case .int(let n) = v, n >= 0 else { throw CellError.valueError("maxlen must be a non-negative integer") }
            return n
          }))
        },
      ],
      constants: [("ChainMap", .host(chainMap))])
  }

  /// A dict constructor's optional source (a dict or pairs) and keyword pairs, as dict()'s.
  static func fill(_ d: DictObject, _ a: BoundArguments, _ ctx: CallContext) throws(CellError) {
    guard a.variadic.count <= 1 else { throw CellError.typeError("expected at most 1 argument, got \(a.variadic.count)") }
    if let initial = a.variadic.first { try d.update(from: initial, context: ctx) }
    for (k, v) in a.extraKeywords { try d.set(.string(k), v) }
  }
}

extension DictObject {
  var isCounter: Bool {
    if case .counter? = flavor { return true }
    return false
  }
}

/// What makes a `collections` dict differ from a plain one.
enum DictFlavor {
  case counter
  case defaultDict(Factory)
  case ordered

  var typeName: String {
    switch self {
    case .counter: "Counter"
    case .defaultDict: "defaultdict"
    case .ordered: "OrderedDict"
    }
  }

  /// `d[key]` for a key the dict lacks: a Counter reads 0 (and stores nothing); a
  /// defaultdict stores and returns `factory()`; nil: a KeyError.
  func missing(_ key: Value, in d: DictObject) throws(CellError) -> Value? {
    switch self {
    case .counter: return .int(0)
    case .ordered: return nil
    case .defaultDict(let f):
      if case .none = f.factory { return nil }
      guard let interpreter = f.interpreter, let ctx = interpreter.currentContext else { return nil }
      let v = try interpreter.call(f.factory, Arguments(), context: ctx)
      try d.set(key, v)
      return v
    }
  }

  /// The text around the dict's items in its repr.
  func repr(_ d: DictObject, items: String) -> String {
    switch self {
    case .counter: return d.count == 0 ? "Counter()" : "Counter(\(items))"
    case .ordered:
      return d.count == 0 ? "OrderedDict()" : "OrderedDict(\(Value.list(zip(d.keys, d.values).map { .tuple([$0, $1]) }).repr))"
    case .defaultDict(let f):
      return "defaultdict(\(Self.factoryRepr(f.factory)), \(items))"
    }
  }

  /// A defaultdict's factory as its repr shows it (pprint shows it too): a built-in type
  /// as `<class 'list'>`.
  static func factoryRepr(_ factory: Value) -> String {
    if case .function(let f) = factory, !f.isUserFunction, ["int", "float", "str", "list", "dict", "set", "tuple", "bool"].contains(f.name) {
      return "<class '\(f.name)'>"
    }
    return factory.repr
  }
}

/// A defaultdict's factory, and the session whose cell calls it (weak: the session owns the dict).
final class Factory {
  let factory: Value
  weak var interpreter: Interpreter?
  init(_ factory: Value, _ interpreter: Interpreter) {
    self.factory = factory
    self.interpreter = interpreter
  }
}

/// Counting for Counter, and filling a dict from pairs.
enum Counters {
  /// Adds (or, with sign −1, subtracts) the counts of an iterable's items or a mapping's values.
  static func add(_ source: Value?, into d: DictObject, sign: Int, _ ctx: CallContext) throws(CellError) {
    guard let source else { return }
    if case .none = source { return }
    if case .dict(let other) = source {
      for (k, v) in zip(other.keys, other.values) {
        try d.set(k, try Operators.binary(sign > 0 ? .add : .subtract, try d.get(k) ?? .int(0), v))
      }
      return
    }
    var it = try ValueIterator(source)
    var n = 0
    while let item = it.next() {
      n &+= 1
      if n & 0xFFFF == 0 { try ctx.checkInterrupt() }
      let old = try d.get(item) ?? .int(0)
      try d.set(item, try Operators.binary(.add, old, .int(sign)))
    }
  }

  /// The (key, count) pairs, largest count first (ties keep insertion order), as most_common.
  static func mostCommon(_ d: DictObject) throws(CellError) -> [(Value, Value)] {
    let pairs = Array(zip(d.keys, d.values))
    var failure: CellError?
    let order = pairs.indices.sorted { i, j in
      guard failure == nil else { return false }
      do throws(CellError) {
        if try Operators.ordering(pairs[i].1, pairs[j].1, .greater) > 0 { return true }
        if try Operators.ordering(pairs[j].1, pairs[i].1, .greater) > 0 { return false }
        return i < j
      } catch {
        failure = error
        return false
      }
    }
    if let failure { throw failure }
    return order.map { pairs[$0] }
  }

  static let methods: [String: Methods.Spec] = [
    "most_common": .init("most_common(n=None)", "The n most common (item, count) pairs, most common first.") { d, a, _ in
      var pairs = try mostCommon(Methods.dict(d))
      if let n = try a.value("n").map({ v throws(CellError) -> Int in
        guard case .int(let n) = v else { throw CellError.typeError("most_common() n must be an integer") }
        return n
      }) { pairs = Array(pairs.prefix(max(0, n))) }
      return .list(pairs.map { .tuple([$0.0, $0.1]) })
    },
    "update": .init("update(iterable=None)", "Adds the counts of an iterable's items (or a mapping's counts).") { d, a, ctx in
      try add(a["iterable"], into: Methods.dict(d), sign: 1, ctx)
      return .none
    },
    "subtract": .init("subtract(iterable=None)", "Subtracts the counts of an iterable's items (or a mapping's counts).") { d, a, ctx in
      try add(a["iterable"], into: Methods.dict(d), sign: -1, ctx)
      return .none
    },
    "total": .init("total()", "The sum of the counts.") { d, _, _ in
      try Methods.dict(d).values.reduce(Value.int(0)) { (s, v) throws(CellError) in try Operators.binary(.add, s, v) }
    },
    "elements": .init("elements()", "Each item repeated by its count (counts below 1 skipped).") { d, _, _ in
      var out: [Value] = []
      for (k, v) in zip(Methods.dict(d).keys, Methods.dict(d).values) {
        guard case .int(let n) = v, n > 0 else { continue }
        try Memory.checkItems(Memory.sum(out.count, n), "list")
        out += Array(repeating: k, count: n)
      }
      return .list(out)
    },
  ]

  /// `c1 + c2` / `c1 - c2` of two Counters: the counts added or subtracted, keeping positives.
  static func combine(_ op: BinaryOp, _ x: DictObject, _ y: DictObject) throws(CellError) -> Value {
    let out = DictObject()
    out.flavor = .counter
    var keys = x.keys
    for k in y.keys where try x.get(k) == nil { keys.append(k) }
    for k in keys {
      let v = try Operators.binary(op, try x.get(k) ?? .int(0), try y.get(k) ?? .int(0))
      if try Operators.ordering(v, .int(0), .greater) > 0 { try out.set(k, v) }
    }
    return .dict(out)
  }
}
