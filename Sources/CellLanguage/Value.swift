/// A value of the cell language. Lists and dicts are shared references, as in Python;
/// everything else is a plain value. Hosts (the classifier bridge) add their own kinds
/// of object through `.host`.
public enum Value {
  case none
  case bool(Bool)
  case int(Int)
  case float(Double)
  case string(String)
  case list(ListObject)
  case tuple([Value])
  case dict(DictObject)
  case function(Builtin)
  case host(any HostObject)
}

/// The mutable storage behind a list value (shared between aliases, like Python's).
public final class ListObject {
  public var items: [Value]
  public init(_ items: [Value] = []) { self.items = items }
  // A 100,000-deep list would otherwise free itself one native frame per level.
  deinit { Value.tearDown(&items) }
}

/// An insertion-ordered dict. Keys must be hashable (None, bool, numbers, str, tuples of those).
public final class DictObject {
  public private(set) var keys: [Value] = []
  /// Set for `collections`' Counter, defaultdict and OrderedDict.
  var flavor: DictFlavor?
  public private(set) var values: [Value] = []
  private var index: [DictKey: Int] = [:]

  public init() {}

  deinit {
    Value.tearDown(&keys)
    Value.tearDown(&values)
  }

  /// A dict from string keys, the common case for host data (e.g. a training history).
  public convenience init(_ pairs: [(String, Value)]) {
    self.init()
    for (k, v) in pairs { try? set(.string(k), v) }
  }

  public var count: Int { keys.count }

  public func get(_ key: Value) throws(CellError) -> Value? {
    guard let i = index[try DictKey(key)] else { return nil }
    return values[i]
  }

  public func set(_ key: Value, _ value: Value) throws(CellError) {
    let k = try DictKey(key)
    if let i = index[k] {
      values[i] = value
    } else {
      index[k] = keys.count
      keys.append(key)
      values.append(value)
    }
  }

  /// Moves every key and value into `work` (for `Value.tearDown`).
  func drain(into work: inout [Value]) {
    work.append(contentsOf: keys)
    work.append(contentsOf: values)
    keys = []
    values = []
    index = [:]
  }

  /// Removes a key, returning its value (nil when absent).
  public func remove(_ key: Value) throws(CellError) -> Value? {
    guard let i = index[try DictKey(key)] else { return nil }
    let old = values[i]
    keys.remove(at: i)
    values.remove(at: i)
    index = [:]
    for (j, k) in keys.enumerated() { index[try DictKey(k)] = j }
    return old
  }
}

/// Python's hashing equivalence: 1, 1.0 and True are the same key.
enum DictKey: Hashable {
  case none
  case int(Int)
  case float(Double)
  case string(CodePoints)
  case tuple([DictKey])
  case frozenSet(Set<DictKey>)
  case object(ObjectIdentifier)
  /// An instance of a cell class that defines `__hash__`: hashed by it, compared by `__eq__`.
  case instance(InstanceKey)
  /// A host object equal by value (a range, a type, an exception type): its Swift type and
  /// the parts it gives (`HostObject.hashParts`).
  case host(ObjectIdentifier, [DictKey])

  init(_ v: Value, depth: Int = 0) throws(CellError) {
    guard depth < Value.maxRecursion else { throw Value.recursionError("while hashing") }
    switch v {
    case .none: self = .none
    case .bool(let b): self = .int(b ? 1 : 0)
    case .int(let i): self = .int(i)
    case .float(let d):
      if d == d.rounded(), abs(d) < 9.2e18 { self = .int(Int(d)) } else { self = .float(d) }
    case .string(let s): self = .string(CodePoints(s))
    case .tuple(let items):
      var keys: [DictKey] = []
      for item in items { keys.append(try DictKey(item, depth: depth + 1)) }
      self = .tuple(keys)
    case .function(let f): self = .object(ObjectIdentifier(f))
    case .host(let s as SetObject):
      guard s.frozen else { throw CellError.typeError("unhashable type: 'set'") }
      var keys = Set<DictKey>()
      for item in s.items { keys.insert(try DictKey(item, depth: depth + 1)) }
      self = .frozenSet(keys)
    case .host(let i as InstanceObject):
      guard let key = try Protocols.hashKey(i) else { self = .object(ObjectIdentifier(i)); return }
      self = .instance(key)
    case .host(let h):
      let parts: [Value]?
      do { parts = try h.hashParts() } catch { throw Interpreter.cellError(from: error) }
      guard let parts else { self = .object(ObjectIdentifier(h)); return }
      var keys: [DictKey] = []
      for part in parts { keys.append(try DictKey(part, depth: depth + 1)) }
      self = .host(ObjectIdentifier(type(of: h)), keys)
    case .list, .dict: throw CellError.typeError("unhashable type: '\(v.typeName)'")
    }
  }
}

/// A string compared and hashed by its code points, as Python does (Swift's String
/// treats canonically equivalent texts such as "é" and "e\u{301}" as equal).
struct CodePoints: Hashable {
  let text: String
  init(_ text: String) { self.text = text }

  static func == (a: CodePoints, b: CodePoints) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }

  func hash(into hasher: inout Hasher) {
    var text = text
    text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    hasher.combine(0xFF as UInt8)  // not a UTF-8 byte: ends the key
  }
}

/// An object that lives on the host side (a model, a device, a data set): the language
/// shows it, looks up its attributes and may call it, but knows nothing else about it.
public protocol HostObject: AnyObject {
  /// The name `type(x)` reports, e.g. "Model".
  var typeName: String { get }
  /// The text/plain form, like Python's repr.
  var repr: String { get }
  /// A rich form for execute_result/display (e.g. text/html); nil shows `repr` only.
  func richDisplay() -> MimeBundle?
  /// Attribute names offered after `obj.` in completion and listed by `dir(obj)`.
  var attributeNames: [String] { get }
  /// `obj.name`; nil means "no such attribute" (an AttributeError).
  func attribute(_ name: String) throws -> Value?
  /// `obj.name = value`; throw to refuse (the default refuses).
  func setAttribute(_ name: String, _ value: Value) throws
  /// `obj[key]`; nil means not subscriptable (a TypeError).
  func item(_ key: Value) throws -> Value?
  /// The items `for x in obj` visits; nil means not iterable.
  func iterate() throws -> [Value]?
  /// When non-nil the object is callable with this signature (`gpu(1)`).
  var callSignature: Signature? { get }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value
  /// Help text for `obj?` and Shift-Tab; nil falls back to type and repr.
  var help: String? { get }
  /// `==`; identity unless the host says otherwise.
  func isEqual(to other: any HostObject) -> Bool
  /// What its hash (as a dict key or set member) is made of, agreeing with `isEqual`: nil
  /// hashes by identity (the default, as `isEqual`'s); an object equal by value gives the
  /// values its equality compares. Throws for a type Python cannot hash (a deque).
  func hashParts() throws -> [Value]?
  /// Python's truth value (`if obj:`); true unless the host says otherwise.
  var truthValue: Bool { get }
}

extension HostObject {
  public func richDisplay() -> MimeBundle? { nil }
  public var attributeNames: [String] { [] }
  public func attribute(_ name: String) throws -> Value? { nil }
  public func setAttribute(_ name: String, _ value: Value) throws {
    throw CellError(ename: "AttributeError", "'\(typeName)' object attribute '\(name)' is read-only")
  }
  public func item(_ key: Value) throws -> Value? { nil }
  public func iterate() throws -> [Value]? { nil }
  public var callSignature: Signature? { nil }
  public func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    throw CellError.typeError("'\(typeName)' object is not callable")
  }
  public var help: String? { nil }
  public func isEqual(to other: any HostObject) -> Bool { self === other }
  public func hashParts() throws -> [Value]? { nil }
  public var truthValue: Bool { true }
}

extension Value {
  /// Whether this is None (an optional Value's `.none` reads as nil, so say it in words).
  var isNoneValue: Bool {
    if case .none = self { return true }
    return false
  }

  /// The Python type name (`type(x)`), used in error messages.
  public var typeName: String {
    switch self {
    case .none: "NoneType"
    case .bool: "bool"
    case .int: "int"
    case .float: "float"
    case .string: "str"
    case .list: "list"
    case .tuple: "tuple"
    case .dict(let d): d.flavor?.typeName ?? "dict"
    case .function(let f): f.isUserFunction ? "function" : f.isType ? "type" : "builtin_function_or_method"
    case .host(let h): h.typeName
    }
  }

  /// Python truthiness.
  public var isTruthy: Bool {
    switch self {
    case .none: false
    case .bool(let b): b
    case .int(let i): i != 0
    case .float(let d): d != 0
    case .string(let s): !s.isEmpty
    case .list(let l): !l.items.isEmpty
    case .tuple(let t): !t.isEmpty
    case .dict(let d): d.count > 0
    case .function: true
    case .host(let h): h.truthValue
    }
  }

  /// A new list value.
  public static func list(_ items: [Value]) -> Value { .list(ListObject(items)) }
}

extension Value: Equatable {
  /// Python `==`; a comparison too deep to finish (a RecursionError) counts as unequal here.
  /// Code that can report errors calls `equals`.
  public static func == (a: Value, b: Value) -> Bool {
    (try? equals(a, b)) ?? false
  }

  /// Python `==`: numbers compare by value across int/float/bool; containers element-wise,
  /// with a RecursionError past `maxRecursion` levels instead of exhausting the stack.
  public static func equals(_ a: Value, _ b: Value, depth: Int = 0) throws(CellError) -> Bool {
    guard depth < maxRecursion else { throw recursionError("in comparison") }
    switch (a, b) {
    case (.none, .none): return true
    case (.string(let x), .string(let y)):
      // Python compares code points; Swift's String == uses canonical equivalence ("é" == "e\u{301}").
      return x.utf8.elementsEqual(y.utf8)
    case (.list(let x), .list(let y)):
      if x === y { return true }
      return try equalItems(x.items, y.items, depth)
    case (.tuple(let x), .tuple(let y)): return try equalItems(x, y, depth)
    case (.dict(let x), .dict(let y)):
      guard x.count == y.count else { return false }
      for (k, v) in zip(x.keys, x.values) {
        guard let other = try y.get(k), try equals(other, v, depth: depth + 1) else { return false }
      }
      return true
    case (.function(let x), .function(let y)): return x === y
    case (.host(let x), .host(let y)):
      if x is InstanceObject || y is InstanceObject { return try Protocols.equals(a, b) }
      return x.isEqual(to: y)
    default:
      if let x = a.numeric, let y = b.numeric { return x == y }
      if a.isInstance || b.isInstance { return try Protocols.equals(a, b) }
      return false
    }
  }

  private static func equalItems(_ x: [Value], _ y: [Value], _ depth: Int) throws(CellError) -> Bool {
    guard x.count == y.count else { return false }
    for (p, q) in zip(x, y) where !(try equals(p, q, depth: depth + 1)) { return false }
    return true
  }

  /// How deep comparison, hashing and ordering follow nested containers (Python's default limit).
  static let maxRecursion = 1000

  static func recursionError(_ context: String) -> CellError {
    CellError(ename: "RecursionError", "maximum recursion depth exceeded \(context)")
  }

  /// Frees nested containers with a work list rather than one native frame per level.
  /// Containers still shared elsewhere are left alone; only sole owners are emptied.
  static func tearDown(_ items: inout [Value]) {
    guard items.contains(where: \.isContainer) else { return }
    var work = items
    items = []
    while var v = work.popLast() {
      // The payload is taken out and `v` cleared first, so that `v` does not count as an owner.
      if var l = takeList(&v) {
        if isKnownUniquelyReferenced(&l) { work.append(contentsOf: l.items); l.items = [] }
      } else if var d = takeDict(&v) {
        if isKnownUniquelyReferenced(&d) { d.drain(into: &work) }
      } else if var t = takeTuple(&v) {
        if isSoleOwner(&t) { work.append(contentsOf: t) }
      } else if var o = takeInstance(&v) {
        if isKnownUniquelyReferenced(&o) { o.drainFields(into: &work) }
      }
    }
  }

  private static func takeList(_ v: inout Value) -> ListObject? {
    guard case .list(let l) = v else { return nil }
    v = .none
    return l
  }

  private static func takeDict(_ v: inout Value) -> DictObject? {
    guard case .dict(let d) = v else { return nil }
    v = .none
    return d
  }

  private static func takeInstance(_ v: inout Value) -> InstanceObject? {
    guard case .host(let h) = v, let o = h as? InstanceObject else { return nil }
    v = .none
    return o
  }

  private static func takeTuple(_ v: inout Value) -> [Value]? {
    guard case .tuple(let t) = v else { return nil }
    v = .none
    return t
  }

  /// Frees a value that may be a deep tuple chain (lists and dicts free themselves this
  /// way already); called where variables are overwritten or deleted.
  static func dispose(_ v: inout Value) {
    // No binding to the items may outlive the check: it would count as a second owner.
    guard v.isTupleOfContainers, var t = takeTuple(&v) else { return }
    if isSoleOwner(&t) { tearDown(&t) }
  }

  private var isTupleOfContainers: Bool {
    guard case .tuple(let items) = self else { return false }
    return items.contains(where: \.isContainer)
  }

  /// Whether `items` was the only owner of its storage. A shared buffer is copied (one
  /// level only) by the mutable access; a copy means someone else still holds the items.
  static func isSoleOwner(_ items: inout [Value]) -> Bool {
    let before = items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    let after = items.withUnsafeMutableBufferPointer { UnsafeRawPointer($0.baseAddress) }
    return before == after
  }

  var isContainer: Bool {
    switch self {
    case .list, .dict, .tuple: true
    case .host(let h): h is InstanceObject
    default: false
    }
  }

  /// Whether the value is a number (bool included), as format specs see it.
  var isNumber: Bool { numeric != nil }

  /// Whether the value is an instance of a class defined in a cell.
  var isInstance: Bool {
    if case .host(let h) = self { return h is InstanceObject }
    return false
  }

  /// Numbers (bool included) as a comparable pair, nil for anything else.
  var numeric: Numeric? {
    switch self {
    case .bool(let b): .int(b ? 1 : 0)
    case .int(let i): .int(i)
    case .float(let d): .float(d)
    default: nil
    }
  }
}

/// A number seen through Python's promotion rules (bool → int → float).
enum Numeric: Equatable {
  case int(Int)
  case float(Double)

  var double: Double {
    switch self {
    case .int(let i): Double(i)
    case .float(let d): d
    }
  }

  static func == (a: Numeric, b: Numeric) -> Bool {
    if case .int(let x) = a, case .int(let y) = b { return x == y }
    return a.double == b.double
  }
}
