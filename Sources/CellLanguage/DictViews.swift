/// `d.keys()`, `d.values()` and `d.items()`: live views of a dict, as Python's. They show
/// as `dict_keys(['a', 'b'])`, see later changes to the dict, and the keys and items views
/// are set-like (`d.keys() & other`, `d.keys() - {'a'}`, `==` with a set); they cannot be
/// indexed (`list(d.keys())[0]`, as in Python).
final class DictView: ItemsRepr {
  enum Kind: String { case keys, values, items }
  let dict: DictObject
  let kind: Kind

  init(_ dict: DictObject, _ kind: Kind) {
    self.dict = dict
    self.kind = kind
  }

  /// Keys and items views act as sets; a values view does not (its values may repeat).
  var isSetLike: Bool { kind != .values }

  var items: [Value] {
    switch kind {
    case .keys: dict.keys
    case .values: dict.values
    case .items: zip(dict.keys, dict.values).map { .tuple([$0, $1]) }
    }
  }

  var typeName: String { (dict.flavor?.typeName == "OrderedDict" ? "odict_" : "dict_") + kind.rawValue }
  var repr: String { Value.host(self).repr }
  var reprParts: (open: String, items: [Value]?, close: String, recursion: String) {
    (typeName + "([", items, "])", "...")
  }
  func iterate() throws -> [Value]? { items }
  var truthValue: Bool { dict.count > 0 }
  func hashParts() throws -> [Value]? { throw CellError.typeError("unhashable type: '\(typeName)'") }

  func contains(_ v: Value) throws(CellError) -> Bool {
    switch kind {
    case .keys: return try dict.get(v) != nil
    case .items:
      guard case .tuple(let pair) = v, pair.count == 2, let value = try? dict.get(pair[0]) else { return false }
      return try Value.equals(value, pair[1])
    case .values: return try Operators.firstIndex(of: v, in: dict.values, context: nil) != nil
    }
  }

  /// A set-like view equals a set (or set-like view) with the same members, as in Python;
  /// a values view equals only itself.
  func isEqual(to other: any HostObject) -> Bool {
    guard isSetLike, let mine = try? SetObject(items), let theirs = Self.asSet(other) else { return self === other }
    return mine.isEqual(to: theirs)
  }

  /// A set or set-like view as a set (nil for anything else).
  static func asSet(_ h: any HostObject) -> SetObject? {
    if let s = h as? SetObject { return s }
    if let v = h as? DictView, v.isSetLike { return try? SetObject(v.items) }
    return nil
  }

  var attributeNames: [String] { isSetLike ? ["isdisjoint", "mapping"] : ["mapping"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "mapping": return .dict(dict)
    case "isdisjoint" where isSetLike:
      return .function(
        Builtin("isdisjoint(other)", summary: "True when the view and other have no item in common.") { a, _ in
          for v in try ValueIterator.collect(a["other"]!) where try self.contains(v) { return .bool(false) }
          return .bool(true)
        })
    default: return nil
    }
  }

  /// `view - other`, `view & other`, `view | other`, `view ^ other` (either side a set-like
  /// view, the other any iterable): as Python, a set from the two sides' items.
  static func setOperation(_ op: BinaryOp, _ a: Value, _ b: Value) throws(CellError) -> Value? {
    switch op {
    case .subtract, .bitAnd, .bitOr, .bitXor: break
    default: return nil
    }
    func setLike(_ v: Value) -> Bool {
      if case .host(let view as DictView) = v { return view.isSetLike }
      return false
    }
    guard setLike(a) || setLike(b) else { return nil }
    func asSet(_ v: Value) throws(CellError) -> Value {
      if case .host(let s as SetObject) = v, !s.frozen { return v }
      return .host(try SetObject(try ValueIterator.collect(v)))
    }
    return try Operators.binary(op, try asSet(a), try asSet(b))
  }
}
