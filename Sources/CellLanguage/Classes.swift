/// Classes written in cells (`class Point:`): a class is a callable host object holding
/// the attributes its body made; calling it makes an `InstanceObject`. Python's special
/// methods (`__init__`, `__repr__`, `__eq__`, `__add__`, …) are looked up along the
/// method resolution order and called where Python calls them (see ClassProtocol.swift).
final class ClassObject: HostObject {
  let name: String
  let bases: [ClassObject]
  /// The built-in exception types it derives from, directly or through its bases: its
  /// instances can be raised, and `except ValueError` catches a subclass of ValueError.
  let exceptionBases: [String]
  var attributes: [String: Value]
  let doc: String?
  /// The classes after this one in the method resolution order (C3, as Python's).
  private(set) var ancestors: [ClassObject] = []
  /// `object`, the root: dropped from base lists, and everything is an instance of it.
  let isObjectRoot: Bool
  /// The session that made it, whose running cell's context calls the special methods.
  weak var interpreter: Interpreter?
  /// The module its repr names: a cell's classes are __main__'s, a built-in module's its own.
  var module = "__main__"
  /// An enumeration's members in definition order, aliases left out (EnumModule); nil for other classes.
  var enumMembers: [InstanceObject]?
  /// Enum, IntEnum and StrEnum themselves: a class deriving from one is an enumeration.
  var isEnumRoot = false

  init(
    name: String, bases: [ClassObject], exceptionBases: [String], attributes: [String: Value], doc: String?,
    interpreter: Interpreter?, isObjectRoot: Bool = false
  ) throws(CellError) {
    self.name = name
    self.bases = bases
    self.exceptionBases = exceptionBases
    self.attributes = attributes
    self.doc = doc
    self.interpreter = interpreter
    self.isObjectRoot = isObjectRoot
    guard let order = Self.merge(bases.map { [$0] + $0.ancestors } + [bases]) else {
      throw .typeError("Cannot create a consistent method resolution order (MRO) for bases \(bases.map(\.name).joined(separator: ", "))")
    }
    ancestors = order
  }

  /// The class itself, then its ancestors.
  var mro: [ClassObject] { [self] + ancestors }

  /// C3 linearisation: repeatedly take the first head that is in no other list's tail.
  private static func merge(_ lists: [[ClassObject]]) -> [ClassObject]? {
    var lists = lists.filter { !$0.isEmpty }
    var out: [ClassObject] = []
    while !lists.isEmpty {
      let heads = lists.map { $0[0] }
      guard let head = heads.first(where: { h in !lists.contains { $0.dropFirst().contains { $0 === h } } }) else {
        return nil
      }
      out.append(head)
      lists = lists.map { $0[0] === head ? Array($0.dropFirst()) : $0 }.filter { !$0.isEmpty }
    }
    return out
  }

  /// The attribute `name` along the MRO, and the class that defines it.
  func lookup(_ name: String) -> (value: Value, owner: ClassObject)? {
    if let v = attributes[name] { return (v, self) }
    for c in ancestors { if let v = c.attributes[name] { return (v, c) } }
    return nil
  }

  var isException: Bool { !exceptionBases.isEmpty }

  /// Whether `except name` (a built-in exception type) catches its instances.
  func derives(fromException name: String) -> Bool {
    exceptionBases.contains { Exceptions.matches($0, name) }
  }

  /// `object`, the root every class ends its MRO with.
  private var objectRoot: [ClassObject] {
    guard !isObjectRoot, case .host(let root as ClassObject)? = interpreter?.builtins["object"] else { return [] }
    return [root]
  }

  func isSubclass(of other: ClassObject) -> Bool {
    other.isObjectRoot || self === other || ancestors.contains { $0 === other }
  }

  var typeName: String { "type" }
  var repr: String {
    if isObjectRoot { return "<class 'object'>" }
    return enumMembers != nil || isEnumRoot ? "<enum '\(name)'>" : "<class '\(module).\(name)'>"
  }

  /// An enumeration iterates, counts and indexes its members, as Python's EnumType does.
  func iterate() throws -> [Value]? { enumMembers?.map { .host($0) } }
  func item(_ key: Value) throws -> Value? {
    guard enumMembers != nil else { return nil }
    return try EnumModule.member(self, named: key)
  }

  var attributeNames: [String] {
    var names = Set(["__name__", "__doc__", "__bases__", "__mro__"])
    for c in mro { names.formUnion(c.attributes.keys) }
    return Array(names)
  }

  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "__name__", "__qualname__": return .string(name)
    case "__doc__": return doc.map(Value.string) ?? Value.none
    case "__bases__": return .tuple((bases.isEmpty ? objectRoot : bases).map { .host($0) })
    case "__mro__": return .tuple((mro + objectRoot).map { .host($0) })
    case "__dict__":
      let d = DictObject()
      for key in attributes.keys.sorted() { try d.set(.string(key), attributes[key]!) }
      return .dict(d)
    default:
      guard let value = lookup(attr)?.value else { return nil }
      return try Members.bind(value, to: nil, of: self)
    }
  }

  func setAttribute(_ attr: String, _ value: Value) throws {
    guard !isObjectRoot else { throw CellError.typeError("cannot set '\(attr)' attribute of immutable type 'object'") }
    attributes[attr] = value
  }

  var callSignature: Signature? { Signature("\(name)(*args, **kwargs)") }

  /// Makes an instance and runs `__init__` on it (the arguments go to it). An exception
  /// class keeps the arguments as `args` first, as Python's BaseException does.
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    if let members = enumMembers { return try EnumModule.lookup(self, members, arguments) }
    if isEnumRoot { throw CellError.typeError("\(name)() makes no enumerations here; write class Color(\(name)): RED = 1") }
    let instance = InstanceObject(self)
    let keywords = arguments.extraKeywords
    if isException { instance.exceptionArgs = arguments.variadic }
    guard let initializer = lookup("__init__")?.value else {
      if isException, keywords.isEmpty { return .host(instance) }
      guard arguments.variadic.isEmpty, keywords.isEmpty else {
        throw CellError.typeError("\(name)() takes no arguments")
      }
      return .host(instance)
    }
    let result = try context.interpreter.callMethod(
      initializer, on: .host(instance), arguments.variadic, keywords: keywords, context: context)
    guard case .none = result else { throw CellError.typeError("__init__() should return None, not '\(result.typeName)'") }
    return .host(instance)
  }

  var help: String? {
    let baseNames = bases.map(\.name) + exceptionBases.filter { e in !bases.contains { $0.exceptionBases.contains(e) } }
    var text = "class \(name)\(baseNames.isEmpty ? "" : "(\(baseNames.joined(separator: ", ")))")"
    if let doc { text += "\n\n\(doc)" }
    if let initializer = lookup("__init__")?.value, case .function(let f) = initializer {
      text += "\n\n\(name)\(Members.signatureWithoutFirst(f.signature))"
    }
    let methods = mro.flatMap { c in c.attributes.compactMap { k, v in
      if case .function = v, !k.hasPrefix("_") { return k }
      return nil
    } }
    if !methods.isEmpty { text += "\n\nMethods: \(Set(methods).sorted().joined(separator: ", "))" }
    return text
  }
}

/// An object made by calling a class: its own attributes (`self.x = …`, `obj.__dict__`)
/// in front of its class's.
final class InstanceObject: HostObject {
  let cls: ClassObject
  /// The instance's attributes, string keys in assignment order.
  private(set) var fields = DictObject()
  /// For instances of exception classes: the constructor's arguments (`e.args`).
  var exceptionArgs: [Value] = []
  /// Set while @dataclass's `__repr__` runs on this instance: met again inside itself it
  /// shows `...`, as Python's (reprlib.recursive_repr), instead of recursing until the stack ends.
  var inGeneratedRepr = false

  init(_ cls: ClassObject) { self.cls = cls }

  var typeName: String { cls.isObjectRoot ? "object" : cls.name }

  /// `<__main__.Point object at 0x…>`, or `MyError('message')` for an exception.
  var defaultRepr: String {
    if cls.isException { return "\(cls.name)(\(exceptionArgs.map(\.repr).joined(separator: ", ")))" }
    let address = UInt(bitPattern: Unmanaged.passUnretained(self).toOpaque())
    return "<\(cls.isObjectRoot ? "" : "__main__.")\(typeName) object at 0x\(String(address, radix: 16))>"
  }

  /// What `str(e)` is for an exception without its own `__str__`: Python's rule on `args`.
  var exceptionMessage: String {
    switch exceptionArgs.count {
    case 0: ""
    case 1: exceptionArgs[0].str
    default: Value.tuple(exceptionArgs).repr
    }
  }

  var repr: String { Protocols.text(self, "__repr__") ?? defaultRepr }

  var str: String {
    if let s = Protocols.text(self, "__str__") { return s }
    return cls.isException ? exceptionMessage : repr
  }

  var attributeNames: [String] {
    var names = Set(fields.keys.compactMap { if case .string(let s) = $0 { s } else { nil } })
    for c in cls.mro { names.formUnion(c.attributes.keys) }
    if cls.isException { names.insert("args") }
    return Array(names)
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "__class__": return .host(cls)
    case "__dict__": return .dict(fields)
    default: break
    }
    if let value = cls.lookup(name)?.value, case .host(let p as PropertyObject) = value {
      return try p.get(.host(self))
    }
    if let v = try fields.get(.string(name)) { return v }
    if let value = cls.lookup(name)?.value { return try Members.bind(value, to: .host(self), of: cls) }
    if name == "args", cls.isException { return .tuple(exceptionArgs) }
    if let getter = cls.lookup("__getattr__")?.value, let ctx = cls.interpreter?.currentContext {
      return try ctx.interpreter.callMethod(getter, on: .host(self), [.string(name)], context: ctx)
    }
    return nil
  }

  func setAttribute(_ name: String, _ value: Value) throws {
    if let v = cls.lookup(name)?.value, case .host(let p as PropertyObject) = v {
      return try p.set(.host(self), value, name: name)
    }
    if name == "args", cls.isException {
      exceptionArgs = try ValueIterator.collect(value)
      return
    }
    try fields.set(.string(name), value)
  }

  /// `del obj.name`.
  func deleteAttribute(_ name: String) throws(CellError) {
    guard try fields.remove(.string(name)) != nil else {
      throw CellError(ename: "AttributeError", "'\(typeName)' object has no attribute '\(name)'")
    }
  }

  var callSignature: Signature? { cls.lookup("__call__") == nil ? nil : Signature("\(cls.name)(*args, **kwargs)") }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    guard let method = cls.lookup("__call__")?.value else {
      throw CellError.typeError("'\(typeName)' object is not callable")
    }
    return try context.interpreter.callMethod(
      method, on: .host(self), arguments.variadic, keywords: arguments.extraKeywords, context: context)
  }

  var help: String? { cls.help }
  var truthValue: Bool { Protocols.truth(self) }
  func richDisplay() -> MimeBundle? { Protocols.richDisplay(self) }
  func item(_ key: Value) throws -> Value? {
    cls.lookup("__getitem__") == nil ? nil : try Protocols.getItem(self, key)
  }
  func iterate() throws -> [Value]? { try Protocols.iterate(self) }

  /// Drains the attributes into `work` when this was their only owner (Value.tearDown),
  /// so that a 100,000-long chain of nodes frees without one native frame per node.
  func drainFields(into work: inout [Value]) {
    if isKnownUniquelyReferenced(&fields) { fields.drain(into: &work) }
  }
}

/// A method looked up on an instance (`p.norm`): the function with its first argument
/// (`self`, or the class for a classmethod) bound.
final class BoundMethod: HostObject {
  let function: Value
  let receiver: Value

  init(_ function: Value, _ receiver: Value) {
    self.function = function
    self.receiver = receiver
  }

  private var functionName: String {
    if case .function(let f) = function { return f.name }
    return function.repr
  }

  var typeName: String { "method" }
  var repr: String { "<bound method \(functionName) of \(receiver.repr)>" }
  var attributeNames: [String] { ["__func__", "__self__", "__name__"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "__func__": function
    case "__self__": receiver
    case "__name__": .string(functionName)
    default: nil
    }
  }
  var callSignature: Signature? { Signature("\(functionName)(*args, **kwargs)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    try context.interpreter.callMethod(
      function, on: receiver, arguments.variadic, keywords: arguments.extraKeywords, context: context)
  }
  var help: String? {
    guard case .function(let f) = function else { return nil }
    return "\(f.name)\(Members.signatureWithoutFirst(f.signature))\n\n\(f.summary)"
  }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? BoundMethod else { return false }
    return Operators.identical(o.function, function) && Operators.identical(o.receiver, receiver)
  }
}
