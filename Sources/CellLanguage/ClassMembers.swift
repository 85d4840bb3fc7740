/// How a class attribute reads through an instance or the class (functions become bound
/// methods; `staticmethod`, `classmethod` and `property` change that), `super()`, and
/// the built-ins that go with classes.
enum Members {
  /// What `obj.name` (or `Class.name` when `instance` is nil) gives for the class
  /// attribute `value` found on `cls`.
  static func bind(_ value: Value, to instance: Value?, of cls: ClassObject) throws -> Value {
    switch value {
    case .function(let f) where f.isUserFunction:
      guard let instance else { return value }
      return .host(BoundMethod(value, instance))
    case .host(let s as StaticMethodObject): return s.function
    case .host(let c as ClassMethodObject): return .host(BoundMethod(c.function, .host(cls)))
    case .host(let p as PropertyObject):
      guard let instance else { return value }
      return try p.get(instance)
    default: return value
    }
  }

  /// `(x, y=0)` for `__init__(self, x, y=0)`: the parameters a caller passes.
  static func signatureWithoutFirst(_ signature: Signature) -> String {
    let text = signature.text
    guard let open = text.firstIndex(of: "("), text.hasSuffix(")") else { return "()" }
    var pieces = Signature.splitTopLevel(String(text[text.index(after: open)..<text.index(before: text.endIndex)]))
      .map(\.trimmingSpaces).filter { !$0.isEmpty }
    if signature.parameters.first?.kind == .normal, !pieces.isEmpty { pieces.removeFirst() }
    return "(\(pieces.joined(separator: ", ")))"
  }

  /// The class-related built-ins: object, super, staticmethod, classmethod, property,
  /// issubclass, setattr, delattr, vars and NotImplemented.
  static func builtins(_ interpreter: Interpreter) -> [Builtin] {
    [
      Builtin(
        "super(type=None, obj=None)", summary: "In a method, super().name reaches the next class's name (super().__init__(…)).",
        details: "super() with no arguments works in a method defined in a class body; super(Class, obj) anywhere."
      ) { a, _ in
        guard case .host(let cls as ClassObject)? = a["type"], let obj = a["obj"] else {
          throw CellError(ename: "RuntimeError", "super(): no arguments")
        }
        return .host(SuperObject(cls, obj))
      },
      Builtin("staticmethod(function)", summary: "In a class body: a method called without self (@staticmethod).") { a, _ in
        .host(StaticMethodObject(a["function"]!))
      },
      Builtin("classmethod(function)", summary: "In a class body: a method whose first argument is the class (@classmethod).") { a, _ in
        .host(ClassMethodObject(a["function"]!))
      },
      Builtin(
        "property(fget=None, fset=None, doc=None)", summary: "In a class body: an attribute computed by a method (@property).",
        details: "@property\ndef area(self): ...\n@area.setter\ndef area(self, value): ..."
      ) { a, _ in
        .host(PropertyObject(get: a["fget"], set: a["fset"]))
      },
      Builtin("issubclass(cls, classinfo)", summary: "Whether cls derives from classinfo (or one of a tuple of classes).") { a, _ in
        if case .host(let t as ExceptionType) = a["cls"]! { return .bool(try exceptionSubclass(t.name, a["classinfo"]!)) }
        guard case .host(let cls as ClassObject) = a["cls"]! else {
          throw CellError.typeError("issubclass() arg 1 must be a class")
        }
        return .bool(try isSubclass(cls, a["classinfo"]!))
      },
      Builtin("setattr(obj, name, value)", summary: "Sets obj.name to value (name as a string).") { a, _ in
        guard case .host(let h) = a["obj"]! else {
          throw CellError(ename: "AttributeError", "'\(a["obj"]!.typeName)' object attribute '\(try a.string("name") ?? "")' is read-only")
        }
        try h.setAttribute(try a.string("name") ?? "", a["value"]!)
        return .none
      },
      Builtin("delattr(obj, name)", summary: "Deletes the attribute obj.name (name as a string).") { a, _ in
        try deleteAttribute(a["obj"]!, try a.string("name") ?? "")
        return .none
      },
      Builtin("vars(obj)", summary: "An object's attributes as a dict (its __dict__).") { a, _ in
        try Access.attribute(a["obj"]!, "__dict__")
      },
    ]
  }

  /// `issubclass(ValueError, Exception)`: a built-in exception type against types or a tuple.
  static func exceptionSubclass(_ name: String, _ info: Value) throws(CellError) -> Bool {
    switch info {
    case .host(let t as ExceptionType): return Exceptions.matches(name, t.name)
    case .host(is ClassObject): return false
    case .tuple(let items):
      for item in items where try exceptionSubclass(name, item) { return true }
      return false
    default: throw CellError.typeError("issubclass() arg 2 must be a class, a tuple of classes, or a union")
    }
  }

  static func isSubclass(_ cls: ClassObject, _ info: Value) throws(CellError) -> Bool {
    switch info {
    case .host(let other as ClassObject): return cls.isSubclass(of: other)
    case .host(let t as ExceptionType): return cls.derives(fromException: t.name)
    case .tuple(let items):
      for item in items where try isSubclass(cls, item) { return true }
      return false
    default: throw .typeError("issubclass() arg 2 must be a class or tuple of classes")
    }
  }

  /// `del obj.name` for instances and classes.
  static func deleteAttribute(_ object: Value, _ name: String) throws(CellError) {
    switch object {
    case .host(let i as InstanceObject): try i.deleteAttribute(name)
    case .host(let c as ClassObject) where !c.isObjectRoot:
      guard c.attributes.removeValue(forKey: name) != nil else {
        throw CellError(ename: "AttributeError", "type object '\(c.name)' has no attribute '\(name)'")
      }
    default:
      throw CellError(ename: "AttributeError", "'\(object.typeName)' object attribute '\(name)' cannot be deleted")
    }
  }
}

/// `@staticmethod`: read through an instance or the class, the plain function.
final class StaticMethodObject: HostObject {
  let function: Value
  init(_ function: Value) { self.function = function }
  var typeName: String { "staticmethod" }
  var repr: String { "<staticmethod(\(function.repr))>" }
  var callSignature: Signature? { Signature("staticmethod(*args, **kwargs)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    try context.interpreter.call(function, Arguments(arguments.variadic, keywords: arguments.extraKeywords), context: context)
  }
}

/// `@classmethod`: read through an instance or the class, bound to the class.
final class ClassMethodObject: HostObject {
  let function: Value
  init(_ function: Value) { self.function = function }
  var typeName: String { "classmethod" }
  var repr: String { "<classmethod(\(function.repr))>" }
}

/// `@property` (with `@name.setter`): reading `obj.name` calls the getter, assigning it
/// the setter; without a setter the attribute is read-only.
final class PropertyObject: HostObject {
  let getter: Value?
  let setter: Value?
  init(get: Value?, set: Value?) {
    getter = get
    setter = set
  }

  var typeName: String { "property" }
  var repr: String { "<property object>" }
  var attributeNames: [String] { ["setter", "getter", "fget", "fset"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "fget": return getter ?? Value.none
    case "fset": return setter ?? Value.none
    case "setter", "getter":
      let getter = getter
      let setter = setter
      let makesSetter = name == "setter"
      return .function(
        Builtin("\(name)(function)", summary: "A copy of the property with this \(name).") { a, _ in
          .host(makesSetter ? PropertyObject(get: getter, set: a["function"]!) : PropertyObject(get: a["function"]!, set: setter))
        })
    default: return nil
    }
  }

  func get(_ instance: Value) throws -> Value {
    guard let getter, let ctx = Protocols.context(of: instance) else {
      throw CellError(ename: "AttributeError", "property of '\(instance.typeName)' object has no getter")
    }
    return try ctx.interpreter.callMethod(getter, on: instance, [], context: ctx)
  }

  func set(_ instance: Value, _ value: Value, name: String) throws {
    guard let setter, let ctx = Protocols.context(of: instance) else {
      throw CellError(ename: "AttributeError", "property '\(name)' of '\(instance.typeName)' object has no setter")
    }
    _ = try ctx.interpreter.callMethod(setter, on: instance, [value], context: ctx)
  }
}

/// `super()`: attributes looked up in the classes after `cls` in the receiver's MRO.
final class SuperObject: HostObject {
  let cls: ClassObject
  let receiver: Value

  init(_ cls: ClassObject, _ receiver: Value) {
    self.cls = cls
    self.receiver = receiver
  }

  private var receiverClass: ClassObject? {
    switch receiver {
    case .host(let i as InstanceObject): i.cls
    case .host(let c as ClassObject): c
    default: nil
    }
  }

  var typeName: String { "super" }
  var repr: String { "<super: <class '\(cls.name)'>, <\(receiver.typeName) object>>" }

  func attribute(_ name: String) throws -> Value? {
    guard let owner = receiverClass else { return nil }
    let mro = owner.mro
    if let start = mro.firstIndex(where: { $0 === cls }) {
      for c in mro[(start + 1)...] {
        if let v = c.attributes[name] {
          let instance: Value? = if case .host(let c as ClassObject) = receiver, c === owner { nil } else { receiver }
          return try Members.bind(v, to: instance, of: owner)
        }
      }
    }
    return objectDefault(name, owner)
  }

  /// What `object` (or BaseException, for an exception class) gives at the end of the MRO.
  private func objectDefault(_ name: String, _ owner: ClassObject) -> Value? {
    guard case .host(let instance as InstanceObject) = receiver else { return nil }
    switch name {
    case "__init__":
      return .function(
        Builtin("__init__(*args, **kwargs)", summary: "The base class's initialiser.") { a, _ in
          if owner.isException {
            instance.exceptionArgs = a.variadic
          } else if !a.variadic.isEmpty || !a.extraKeywords.isEmpty {
            throw CellError.typeError("object.__init__() takes exactly one argument (the instance to initialize)")
          }
          return .none
        })
    case "__repr__":
      return .function(Builtin("__repr__()", summary: "The default representation.") { _, _ in .string(instance.defaultRepr) })
    case "__str__":
      return .function(
        Builtin("__str__()", summary: "The default text.") { _, _ in
          .string(owner.isException ? instance.exceptionMessage : instance.repr)
        })
    default: return nil
    }
  }
}

/// `...` (Ellipsis): a placeholder body (`def f(): ...`) and a type hint's "and so on".
final class EllipsisObject: HostObject {
  var typeName: String { "ellipsis" }
  var repr: String { "Ellipsis" }
}

/// `NotImplemented`: what a binary special method returns to let the other operand try.
final class NotImplementedObject: HostObject {
  var typeName: String { "NotImplementedType" }
  var repr: String { "NotImplemented" }
}
