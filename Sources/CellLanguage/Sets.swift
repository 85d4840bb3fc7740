/// A Python set (or frozenset): unordered in Python, insertion-ordered here (so output is
/// stable). A frozenset has no mutating methods and hashes by its items.
final class SetObject: ItemsRepr {
  let storage = DictObject()
  let frozen: Bool

  init(frozen: Bool = false) { self.frozen = frozen }

  init(_ items: [Value], frozen: Bool = false) throws(CellError) {
    self.frozen = frozen
    for v in items { try insert(v) }
  }

  /// A set of the same kind as this one (set operations on a frozenset give frozensets).
  func like(_ items: [Value]) throws(CellError) -> SetObject { try SetObject(items, frozen: frozen) }

  var items: [Value] { storage.keys }
  func insert(_ v: Value) throws(CellError) { try storage.set(v, .none) }
  func contains(_ v: Value) throws(CellError) -> Bool { try storage.get(v) != nil }

  var typeName: String { frozen ? "frozenset" : "set" }
  var repr: String { Value.host(self).repr }
  var reprParts: (open: String, items: [Value]?, close: String, recursion: String) {
    if items.isEmpty { return (frozen ? "frozenset()" : "set()", nil, "", "") }
    return (frozen ? "frozenset({" : "{", items, frozen ? "})" : "}", frozen ? "frozenset(...)" : "set(...)")
  }
  func iterate() throws -> [Value]? { items }
  var truthValue: Bool { storage.count > 0 }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = DictView.asSet(other), o.storage.count == storage.count else { return false }
    return items.allSatisfy { (try? o.contains($0)) == true }
  }

  var attributeNames: [String] { Self.methods.keys.filter { !frozen || !Self.mutating.contains($0) }.sorted() }
  func attribute(_ name: String) throws -> Value? {
    guard let method = Self.methods[name], !frozen || !Self.mutating.contains(name) else { return nil }
    return .function(Builtin(signature: method.signature, summary: method.summary) { a, ctx in try method.run(.host(self), a, ctx) })
  }

  private static func other(_ a: BoundArguments) throws -> SetObject {
    try SetObject(try ValueIterator.collect(a["other"]!))
  }

  private static func this(_ v: Value) -> SetObject {
    if case .host(let s as SetObject) = v { return s }
    preconditionFailure("set method on \(v.typeName)")
  }

  /// The methods a frozenset lacks.
  private static let mutating: Set<String> = ["add", "discard", "remove", "update", "pop", "clear"]

  static let methods: [String: Methods.Spec] = [
    "add": .init("add(item)", "Adds an item.") { s, a, _ in try this(s).insert(a["item"]!); return .none },
    "discard": .init("discard(item)", "Removes an item if present.") { s, a, _ in _ = try this(s).storage.remove(a["item"]!); return .none },
    "remove": .init("remove(item)", "Removes an item (KeyError when absent).") { s, a, _ in
      guard try this(s).storage.remove(a["item"]!) != nil else { throw CellError(ename: "KeyError", a["item"]!.repr) }
      return .none
    },
    "union": .init("union(other)", "The items in either set.") { s, a, _ in
      .host(try this(s).like(this(s).items + other(a).items))
    },
    "intersection": .init("intersection(other)", "The items in both sets.") { s, a, _ in
      let o = try other(a)
      return .host(try this(s).like(try this(s).items.filter { try o.contains($0) }))
    },
    "difference": .init("difference(other)", "The items of this set not in other.") { s, a, _ in
      let o = try other(a)
      return .host(try this(s).like(try this(s).items.filter { try !o.contains($0) }))
    },
    "issubset": .init("issubset(other)", "Whether every item is also in other.") { s, a, _ in
      let o = try other(a)
      return .bool(try this(s).items.allSatisfy { try o.contains($0) })
    },
    "copy": .init("copy()", "A shallow copy.") { s, _, _ in .host(try this(s).like(this(s).items)) },
    "update": .init("update(*others)", "Adds the items of each iterable.") { s, a, _ in
      for other in a.variadic { for v in try ValueIterator.collect(other) { try this(s).insert(v) } }
      return .none
    },
    "issuperset": .init("issuperset(other)", "Whether every item of other is in this set.") { s, a, _ in
      .bool(try other(a).items.allSatisfy { try this(s).contains($0) })
    },
    "isdisjoint": .init("isdisjoint(other)", "Whether the sets share no item.") { s, a, _ in
      .bool(try !other(a).items.contains { try this(s).contains($0) })
    },
    "symmetric_difference": .init("symmetric_difference(other)", "The items in exactly one of the sets.") { s, a, _ in
      let (x, y) = (this(s), try other(a))
      return .host(try x.like(try x.items.filter { try !y.contains($0) } + y.items.filter { try !x.contains($0) }))
    },
    "pop": .init("pop()", "Removes and returns an item (KeyError when empty).") { s, _, _ in
      guard let v = this(s).items.first else { throw CellError(ename: "KeyError", "'pop from an empty set'") }
      _ = try this(s).storage.remove(v)
      return v
    },
    "clear": .init("clear()", "Removes every item.") { s, _, _ in
      while let v = this(s).items.last { _ = try this(s).storage.remove(v) }
      return .none
    },
  ]
}
