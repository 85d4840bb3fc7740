/// `import enum`: Enum, IntEnum and StrEnum, auto() and @unique. Python makes enumerations
/// with a metaclass; here the class statement hands a class deriving from one of these
/// roots to `populate`, which turns its plain attributes into members (instances with
/// `name` and `value`, aliases for repeated values), and ClassObject asks `enumMembers`
/// for what the metaclass would answer: `Color(1)`, `Color['RED']`, iteration and len.
enum EnumModule {
  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let plain = try root("Enum", [], interpreter)
    let int = try root("IntEnum", [plain], interpreter)
    let text = try root("StrEnum", [plain], interpreter)
    return ModuleObject(
      name: "enum", summary: "Enum, IntEnum, StrEnum, auto and unique, as Python's enum module.",
      functions: [
        Builtin("auto()", summary: "The next value: 1, 2, 3… (a StrEnum's: the member's name in lower case).") { _, _ in .host(AutoValue()) },
        Builtin("unique(enumeration)", summary: "Class decorator: refuses an enumeration where two names share a value.") { a, _ in
          guard case .host(let cls as ClassObject) = a["enumeration"]!, let members = cls.enumMembers else {
            throw CellError.typeError("unique() takes an enumeration")
          }
          let aliases = cls.attributes.keys.sorted().compactMap { name -> String? in
            guard case .host(let m as InstanceObject)? = cls.attributes[name], members.contains(where: { $0 === m }),
              case .string(let canonical)? = try? m.fields.get(.string("_name_")), canonical != name
            else { return nil }
            return "\(name) -> \(canonical)"
          }
          guard aliases.isEmpty else { throw CellError.valueError("duplicate values found in <enum '\(cls.name)'>: \(aliases.joined(separator: ", "))") }
          return a["enumeration"]!
        },
      ],
      constants: [("Enum", .host(plain)), ("IntEnum", .host(int)), ("StrEnum", .host(text))])
  }

  private static func root(_ name: String, _ bases: [ClassObject], _ interpreter: Interpreter) throws(CellError) -> ClassObject {
    var attributes: [String: Value] = [:]
    func method(_ signature: String, _ body: @escaping (InstanceObject, String, Value, BoundArguments) throws -> Value) -> Value {
      .function(
        Builtin(signature: Signature(signature), summary: "", isUserFunction: true) { a, _ in
          guard case .host(let me as InstanceObject)? = a["self"], case .string(let n)? = try me.fields.get(.string("_name_")),
            let v = try me.fields.get(.string("_value_"))
          else { throw CellError.typeError("an enum method needs a member") }
          return try body(me, n, v, a)
        })
    }
    attributes["__repr__"] = method("__repr__(self)") { me, n, v, _ in .string("<\(me.cls.name).\(n): \(v.repr)>") }
    switch name {
    case "Enum":
      attributes["__str__"] = method("__str__(self)") { me, n, _, _ in .string("\(me.cls.name).\(n)") }
      attributes["__hash__"] = method("__hash__(self)") { _, n, _, _ in .int(try StandardLibrary.pythonHash(.string(n))) }
    default:
      // IntEnum and StrEnum members are their values for printing, hashing and comparing.
      attributes["__str__"] = method("__str__(self)") { _, _, v, _ in .string(v.str) }
      attributes["__format__"] = method("__format__(self, spec)") { _, _, v, a in .string(try Format.format(v, spec: try a.string("spec", default: ""))) }
      attributes["__hash__"] = method("__hash__(self)") { _, _, v, _ in .int(try StandardLibrary.pythonHash(v)) }
      for (op, cmp) in Protocols.orderingMethods + [("__eq__", .equal)] {
        attributes[op] = method("\(op)(self, other)") { _, _, v, a in .bool(try Operators.compare(cmp, v, plainValue(a["other"]!))) }
      }
      if name == "IntEnum" {
        attributes["__int__"] = method("__int__(self)") { _, _, v, _ in v }
        attributes["__index__"] = method("__index__(self)") { _, _, v, _ in v }
      }
    }
    let cls = try ClassObject(name: name, bases: bases, exceptionBases: [], attributes: attributes, doc: "\(name): a class whose attributes are its members.", interpreter: interpreter)
    cls.module = "enum"
    cls.isEnumRoot = true
    return cls
  }

  /// A member's value when given a member (IntEnum members compare as their ints).
  private static func plainValue(_ v: Value) -> Value {
    if case .host(let m as InstanceObject) = v, m.cls.enumMembers != nil, let value = try? m.fields.get(.string("_value_")) { return value }
    return v
  }

  /// Turns the class's plain attributes, in the order the body assigned them, into members.
  static func populate(_ cls: ClassObject, order: [String]) throws(CellError) {
    let kind = cls.mro.first(where: \.isEnumRoot)!.name
    var members: [InstanceObject] = []
    var lastInt = 0
    for name in order where !name.hasPrefix("_") {
      guard var value = cls.attributes[name] else { continue }
      switch value {
      case .function, .host(is PropertyObject), .host(is ClassObject): continue  // methods and nested classes stay as they are
      default: break
      }
      if case .host(is AutoValue) = value { value = kind == "StrEnum" ? .string(name.lowercased()) : .int(lastInt + 1) }
      if kind == "IntEnum", case .float(let d) = value, d == d.rounded() { value = .int(Int(d)) }
      guard kind != "IntEnum" || value.typeName == "int" else { throw CellError.valueError("\(value.repr) is not a valid \(cls.name)") }
      guard kind != "StrEnum" || value.typeName == "str" else { throw CellError.typeError("\(value.repr) is not a string") }
      if case .int(let i) = value { lastInt = i }
      if let same = try existing(members, value) {
        cls.attributes[name] = .host(same)  // an alias: the same member under another name
        continue
      }
      let m = InstanceObject(cls)
      for (k, v) in [("_name_", Value.string(name)), ("_value_", value), ("name", .string(name)), ("value", value)] { try m.fields.set(.string(k), v) }
      cls.attributes[name] = .host(m)
      members.append(m)
    }
    cls.enumMembers = members
  }

  /// `Color(1)`: the member with that value (a member itself is returned as is).
  static func lookup(_ cls: ClassObject, _ members: [InstanceObject], _ arguments: BoundArguments) throws(CellError) -> Value {
    guard arguments.variadic.count == 1, arguments.extraKeywords.isEmpty else {
      throw CellError.typeError("\(cls.name)() takes one value: \(cls.name)(1)")
    }
    let v = arguments.variadic[0]
    if case .host(let m as InstanceObject) = v, members.contains(where: { $0 === m }) { return v }
    if let m = try existing(members, v) { return .host(m) }
    throw CellError.valueError("\(v.repr) is not a valid \(cls.name)")
  }

  private static func existing(_ members: [InstanceObject], _ value: Value) throws(CellError) -> InstanceObject? {
    for m in members where try Value.equals(try m.fields.get(.string("_value_")) ?? .none, value) { return m }
    return nil
  }

  /// `Color['RED']`: the member (or alias) of that name.
  static func member(_ cls: ClassObject, named key: Value) throws(CellError) -> Value {
    if case .string(let n) = key, !n.hasPrefix("_"), case .host(let m as InstanceObject)? = cls.attributes[n], m.cls === cls { return .host(m) }
    throw CellError(ename: "KeyError", key.repr)
  }
}

/// What `auto()` returns until the class statement replaces it with the member's value.
final class AutoValue: HostObject {
  var typeName: String { "auto" }
  var repr: String { "auto()" }
}
