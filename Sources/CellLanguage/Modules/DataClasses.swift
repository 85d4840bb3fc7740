/// `import dataclasses`: `@dataclass` turns a class whose body annotates its fields
/// (`x: float = 0.0`) into one with `__init__`, `__repr__` and `__eq__` (and ordering with
/// `order=True`), as Python's does; `field`, `asdict`, `astuple`, `replace` and `fields`.
enum DataClassesModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "dataclasses", summary: "@dataclass, field, asdict, astuple, replace and fields, as Python's dataclasses.",
      functions: [
        Builtin(
          "dataclass(cls=None, *, init=True, repr=True, eq=True, order=False, frozen=False)",
          summary: "Class decorator: __init__, __repr__ and __eq__ from the annotated fields (@dataclass or @dataclass(order=True))."
        ) { a, ctx in
          let options = Options(
            initializer: try a.bool("init", default: true), repr: try a.bool("repr", default: true), eq: try a.bool("eq", default: true),
            order: try a.bool("order", default: false), frozen: try a.bool("frozen", default: false))
          if case .host(let cls as ClassObject)? = a["cls"] { return .host(try complete(cls, options)) }
          return .function(Builtin("wrap(cls)", summary: "Makes cls a dataclass.") { b, _ in
            guard case .host(let cls as ClassObject) = b["cls"]! else { throw CellError.typeError("dataclass() should be applied to a class") }
            return .host(try complete(cls, options))
          })
        },
        Builtin("field(*, default=MISSING, default_factory=None, repr=True)", summary: "A field's default, or a function that makes it (default_factory=list).") { a, _ in
          .host(FieldObject(name: "", default: a["default"], factory: a.value("default_factory"), repr: try a.bool("repr", default: true)))
        },
        Builtin("fields(obj)", summary: "The dataclass's fields (each has .name).") { a, _ in
          .tuple(try fieldsOf(a["obj"]!).map { .host($0) })
        },
        Builtin("asdict(obj)", summary: "The fields as a dict (dataclasses inside turned into dicts too).") { a, _ in try asDict(a["obj"]!) },
        Builtin("astuple(obj)", summary: "The fields' values as a tuple.") { a, _ in
          guard case .host(let me as InstanceObject) = a["obj"]! else { throw CellError.typeError("astuple() should be called on dataclass instances") }
          return .tuple(try fieldsOf(a["obj"]!).map { (try? me.fields.get(.string($0.name))) ?? .none })
        },
        Builtin("replace(obj, **changes)", summary: "A copy with some fields changed.") { a, ctx in
          guard case .host(let me as InstanceObject) = a["obj"]! else { throw CellError.typeError("replace() should be called on dataclass instances") }
          let names = try fieldsOf(a["obj"]!).map(\.name)
          var keywords: [(name: String, value: Value)] = names.map { ($0, (try? me.fields.get(.string($0))) ?? .none) }
          for (k, v) in a.extraKeywords {
            guard let i = names.firstIndex(of: k) else { throw CellError.typeError("__init__() got an unexpected keyword argument '\(k)'") }
            keywords[i].value = v
          }
          return try ctx.interpreter.call(.host(me.cls), Arguments([], keywords: keywords), context: ctx)
        },
      ])
  }

  struct Options {
    var initializer, repr, eq, order, frozen: Bool
  }

  /// The fields of a dataclass or its instance, base classes' first.
  static func fieldsOf(_ v: Value) throws(CellError) -> [FieldObject] {
    let cls: ClassObject
    switch v {
    case .host(let i as InstanceObject): cls = i.cls
    case .host(let c as ClassObject): cls = c
    default: throw .typeError("must be called with a dataclass type or instance")
    }
    guard case .host(let list as DataClassFields)? = cls.lookup("__dataclass_fields__")?.value else {
      throw .typeError("must be called with a dataclass type or instance")
    }
    return list.fields
  }

  static func asDict(_ v: Value) throws(CellError) -> Value {
    switch v {
    case .host(let me as InstanceObject) where me.cls.lookup("__dataclass_fields__") != nil:
      let d = DictObject()
      for f in try fieldsOf(v) { try d.set(.string(f.name), try asDict((try? me.fields.get(.string(f.name))) ?? .none)) }
      return .dict(d)
    case .list(let l): return .list(try l.items.map(asDict))
    case .tuple(let t): return .tuple(try t.map(asDict))
    default: return v
    }
  }

  /// Adds the generated methods to `cls`, from its annotations and its bases' fields.
  static func complete(_ cls: ClassObject, _ options: Options) throws(CellError) -> ClassObject {
    var fields: [FieldObject] = []
    for base in cls.ancestors.reversed() {
      if case .host(let inherited as DataClassFields)? = base.attributes["__dataclass_fields__"] {
        for f in inherited.fields where !fields.contains(where: { $0.name == f.name }) { fields.append(f) }
      }
    }
    if case .dict(let annotations)? = cls.attributes["__annotations__"] {
      for case .string(let name) in annotations.keys {
        var field = FieldObject(name: name, default: nil, factory: nil, repr: true)
        switch cls.attributes[name] {
        case .host(let spec as FieldObject)?:
          field = FieldObject(name: name, default: spec.defaultValue, factory: spec.factory, repr: spec.shown)
          if let d = spec.defaultValue { cls.attributes[name] = d } else { cls.attributes[name] = nil }
        case let d?: field.defaultValue = d
        case nil: break
        }
        if field.factory == nil, let d = field.defaultValue, d.isContainer, !d.isInstance {
          throw .valueError("mutable default <class '\(d.typeName)'> for field \(name) is not allowed: use default_factory")
        }
        if let i = fields.firstIndex(where: { $0.name == name }) { fields[i] = field } else { fields.append(field) }
      }
    }
    var sawDefault = false
    for f in fields {
      if f.hasDefault { sawDefault = true } else if sawDefault {
        throw .typeError("non-default argument '\(f.name)' follows default argument")
      }
    }
    cls.attributes["__dataclass_fields__"] = .host(DataClassFields(fields))
    let names = fields.map(\.name)
    func method(_ signature: String, _ body: @escaping (InstanceObject, BoundArguments, CallContext) throws -> Value) -> Value {
      .function(
        Builtin(signature: Signature(signature), summary: "Made by @dataclass.", isUserFunction: true) { args, ctx in
          guard case .host(let me as InstanceObject)? = args["self"] else { throw CellError.typeError("a \(cls.name) method needs an instance") }
          return try body(me, args, ctx)
        })
    }
    func values(_ me: InstanceObject) -> [Value] { names.map { (try? me.fields.get(.string($0))) ?? .none } }
    if options.initializer, cls.attributes["__init__"] == nil {
      let parameters = fields.map { f in f.hasDefault ? "\(f.name)=\(f.defaultText)" : f.name }.joined(separator: ", ")
      cls.attributes["__init__"] = method("__init__(self\(parameters.isEmpty ? "" : ", ")\(parameters))") { me, args, ctx in
        for f in fields {
          // A given value (None included) wins; else the default, or a fresh one from the factory.
          let v: Value
          if let given = args.values[f.name] { v = given }
          else if let factory = f.factory { v = try ctx.interpreter.call(factory, Arguments(), context: ctx) }
          else { v = f.defaultValue ?? .none }
          try me.fields.set(.string(f.name), v)
        }
        if let post = cls.lookup("__post_init__")?.value { _ = try ctx.interpreter.callMethod(post, on: .host(me), [], context: ctx) }
        return .none
      }
    }
    if options.repr, cls.attributes["__repr__"] == nil {
      cls.attributes["__repr__"] = method("__repr__(self)") { me, _, _ in
        guard !me.inGeneratedRepr else { return .string("...") }
        me.inGeneratedRepr = true
        defer { me.inGeneratedRepr = false }
        let shown = zip(fields, values(me)).filter { $0.0.shown }.map { "\($0.0.name)=\($0.1.repr)" }
        return .string("\(me.cls.name)(\(shown.joined(separator: ", ")))")
      }
    }
    func sameClassValues(_ me: InstanceObject, _ other: Value) -> [Value]? {
      guard case .host(let o as InstanceObject) = other, o.cls === me.cls else { return nil }
      return values(o)
    }
    if options.eq, cls.attributes["__eq__"] == nil {
      cls.attributes["__eq__"] = method("__eq__(self, other)") { me, args, ctx in
        guard let theirs = sameClassValues(me, args["other"]!) else { return ctx.interpreter.builtins["NotImplemented"] ?? .bool(false) }
        return .bool(try Value.equals(.tuple(values(me)), .tuple(theirs)))
      }
      // Python: eq without frozen makes instances unhashable; frozen ones hash by their fields.
      cls.attributes["__hash__"] = options.frozen
        ? method("__hash__(self)") { me, _, _ in .int(try StandardLibrary.pythonHash(.tuple(values(me)))) } : Value.none
    }
    if options.order {
      for (name, op) in Protocols.orderingMethods {
        cls.attributes[name] = method("\(name)(self, other)") { me, args, ctx in
          guard let theirs = sameClassValues(me, args["other"]!) else { return ctx.interpreter.builtins["NotImplemented"] ?? .bool(false) }
          return .bool(try Operators.compare(op, .tuple(values(me)), .tuple(theirs)))
        }
      }
    }
    return cls
  }
}

/// One dataclass field: its name, and its default or default factory.
final class FieldObject: HostObject {
  let name: String
  var defaultValue: Value?
  let factory: Value?
  /// Whether the generated `__repr__` shows it (`field(repr=False)` hides it).
  let shown: Bool

  init(name: String, default defaultValue: Value?, factory: Value?, repr: Bool) {
    self.name = name
    self.defaultValue = defaultValue
    self.factory = factory
    self.shown = repr
  }

  var hasDefault: Bool { defaultValue != nil || factory != nil }
  var defaultText: String { factory.map { "<factory \($0.repr)>" } ?? defaultValue?.repr ?? "" }
  var typeName: String { "Field" }
  var repr: String { "Field(name=\(Value.string(name).repr), default=\(defaultValue?.repr ?? "MISSING"))" }
  var attributeNames: [String] { ["name", "default", "default_factory"] }
  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "name": .string(name)
    case "default": defaultValue ?? Value.none
    case "default_factory": factory ?? Value.none
    default: nil
    }
  }
}

/// A dataclass's fields in order (its `__dataclass_fields__`).
final class DataClassFields: HostObject {
  let fields: [FieldObject]
  init(_ fields: [FieldObject]) { self.fields = fields }
  var typeName: String { "dict" }
  var repr: String { "{" + fields.map { "\(Value.string($0.name).repr): \($0.repr)" }.joined(separator: ", ") + "}" }
  func iterate() throws -> [Value]? { fields.map { .string($0.name) } }
}
