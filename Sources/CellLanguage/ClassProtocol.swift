/// Python's special methods on instances of cell classes, called where the language's
/// operators, built-ins and displays meet an instance: `__add__`/`__radd__`, `__lt__`,
/// `__eq__`, `__len__`, `__bool__`, `__contains__`, `__iter__`/`__next__`,
/// `__getitem__`/`__setitem__`/`__delitem__`, `__neg__`, `__repr__`/`__str__`,
/// `_repr_html_`. User code runs in the current cell's context; where Python could raise
/// but this path cannot throw (repr, truth), the error is kept and raised by the evaluator.
enum Protocols {
  static func context(of value: Value) -> CallContext? {
    switch value {
    case .host(let i as InstanceObject): i.cls.interpreter?.currentContext
    case .host(let c as ClassObject): c.interpreter?.currentContext
    default: nil
    }
  }

  /// Calls the special method `name` if the instance's class has one (nil otherwise).
  static func call(_ instance: InstanceObject, _ name: String, _ args: [Value]) throws(CellError) -> Value? {
    guard let method = instance.cls.lookup(name)?.value, let ctx = instance.cls.interpreter?.currentContext else { return nil }
    return try ctx.interpreter.callMethod(method, on: .host(instance), args, context: ctx)
  }

  private static func isNotImplemented(_ v: Value) -> Bool {
    if case .host(let h) = v, h is NotImplementedObject { return true }
    return false
  }

  /// `__repr__`/`__str__`/`_repr_html_`'s string; nil when the class has no such method.
  /// An error (or a result that is not a str) is kept for the evaluator, and a stand-in
  /// text returned.
  static func text(_ instance: InstanceObject, _ name: String) -> String? {
    do throws(CellError) {
      guard let v = try call(instance, name, []) else { return nil }
      guard case .string(let s) = v else { throw .typeError("\(name) returned non-string (type \(v.typeName))") }
      return s
    } catch {
      instance.cls.interpreter?.deferError(error)
      return "<\(instance.typeName) object (\(name) raised \(error.ename))>"
    }
  }

  /// `bool(x)`: `__bool__`, else `__len__` != 0, else true.
  static func truth(_ instance: InstanceObject) -> Bool {
    do throws(CellError) {
      if let v = try call(instance, "__bool__", []) {
        guard case .bool(let b) = v else { throw .typeError("__bool__ should return bool, returned \(v.typeName)") }
        return b
      }
      if let n = try length(instance) { return n != 0 }
    } catch {
      instance.cls.interpreter?.deferError(error)
    }
    return true
  }

  /// `len(x)` through `__len__`; nil when the class has none.
  static func length(_ instance: InstanceObject) throws(CellError) -> Int? {
    guard let v = try call(instance, "__len__", []) else { return nil }
    guard case .int(let n) = v else { throw .typeError("'\(v.typeName)' object cannot be interpreted as an integer") }
    guard n >= 0 else { throw .valueError("__len__() should return >= 0") }
    return n
  }

  /// A rich display for `_repr_html_` / `_repr_markdown_`, as Jupyter's Python kernel offers.
  static func richDisplay(_ instance: InstanceObject) -> MimeBundle? {
    var bundle: MimeBundle?
    for (method, mime) in [("_repr_html_", "text/html"), ("_repr_markdown_", "text/markdown")]
    where instance.cls.lookup(method) != nil {
      guard let s = text(instance, method) else { continue }
      if bundle == nil { bundle = .plain(instance.repr) }
      bundle?.data[mime] = .string(s)
    }
    return bundle
  }

  /// The rich comparisons and the operator each answers, for classes made in Swift
  /// (namedtuple, dataclass(order=True), datetime) that compare by a tuple or a number.
  static let orderingMethods: [(String, CompareOp)] = [
    ("__lt__", .less), ("__le__", .lessEqual), ("__gt__", .greater), ("__ge__", .greaterEqual),
  ]

  private static let binaryNames: [BinaryOp: String] = [
    .add: "add", .subtract: "sub", .multiply: "mul", .divide: "truediv", .floorDivide: "floordiv",
    .modulo: "mod", .power: "pow", .bitAnd: "and", .bitOr: "or", .bitXor: "xor", .shiftLeft: "lshift",
    .shiftRight: "rshift",
  ]

  /// `a op b` when either side is an instance: `__iop__` (for `a op= b`), `__op__`, then
  /// the right operand's `__rop__`; nil when none applies (the caller's TypeError follows).
  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool) throws(CellError) -> Value? {
    guard let name = binaryNames[op] else { return nil }
    if case .host(let x as InstanceObject) = a {
      if inPlace, let r = try call(x, "__i\(name)__", [b]), !isNotImplemented(r) { return r }
      if let r = try call(x, "__\(name)__", [b]), !isNotImplemented(r) { return r }
    }
    if case .host(let y as InstanceObject) = b, let r = try call(y, "__r\(name)__", [a]), !isNotImplemented(r) {
      return r
    }
    return nil
  }

  static func unary(_ op: UnaryOp, _ v: Value) throws(CellError) -> Value? {
    guard case .host(let x as InstanceObject) = v else { return nil }
    let name = switch op {
    case .negate: "__neg__"
    case .plus: "__pos__"
    case .invert: "__invert__"
    case .not: ""
    }
    return name.isEmpty ? nil : try call(x, name, [])
  }

  /// `a < b` (and `<=`, `>`, `>=`) as an ordering for `Operators.ordering`: `__lt__`, or
  /// the reflected `__gt__` of the right operand; nil when neither side has one.
  static func order(_ a: Value, _ b: Value, _ op: CompareOp) throws(CellError) -> Int? {
    let (name, reflected): (String, String) = switch op {
    case .less: ("__lt__", "__gt__")
    case .lessEqual: ("__le__", "__ge__")
    case .greater: ("__gt__", "__lt__")
    default: ("__ge__", "__le__")
    }
    var answer: Value?
    if case .host(let x as InstanceObject) = a, let r = try call(x, name, [b]), !isNotImplemented(r) { answer = r }
    if answer == nil, case .host(let y as InstanceObject) = b, let r = try call(y, reflected, [a]), !isNotImplemented(r) {
      answer = r
    }
    guard let answer else { return nil }
    let holds = answer.isTruthy
    // A value whose `order op 0` is `holds`: the callers only test that one comparison.
    switch op {
    case .less: return holds ? -1 : 0
    case .lessEqual: return holds ? 0 : 1
    case .greater: return holds ? 1 : 0
    default: return holds ? 0 : -1
    }
  }

  /// `a == b` through `__eq__` (either side, the left first); identity when neither has one.
  static func equals(_ a: Value, _ b: Value) throws(CellError) -> Bool {
    if case .host(let x as InstanceObject) = a, let r = try call(x, "__eq__", [b]), !isNotImplemented(r) {
      return r.isTruthy
    }
    if case .host(let y as InstanceObject) = b, let r = try call(y, "__eq__", [a]), !isNotImplemented(r) {
      return r.isTruthy
    }
    return Operators.identical(a, b)
  }

  /// `item in x`: `__contains__`, else a search of what iterating x gives.
  static func contains(_ instance: InstanceObject, _ item: Value) throws(CellError) -> Bool {
    if let r = try call(instance, "__contains__", [item]) { return r.isTruthy }
    guard let items = try iterate(instance) else {
      throw .typeError("argument of type '\(instance.typeName)' is not iterable")
    }
    return try Operators.firstIndex(of: item, in: items, context: context(of: .host(instance))) != nil
  }

  /// The items `for x in obj` visits: `__iter__` (an iterable, or an object with
  /// `__next__` called until StopIteration), else `__getitem__` with 0, 1, 2, … until
  /// IndexError. Collected at once (loops over lists do the same), within the item budget.
  static func iterate(_ instance: InstanceObject) throws(CellError) -> [Value]? {
    guard let ctx = instance.cls.interpreter?.currentContext else { return nil }
    if let iterator = try call(instance, "__iter__", []) {
      guard case .host(let it as InstanceObject) = iterator, it.cls.lookup("__next__") != nil else {
        return try ValueIterator.collect(iterator)
      }
      return try drain(ctx, stopping: "StopIteration") { () throws(CellError) in try call(it, "__next__", [])! }
    }
    guard instance.cls.lookup("__getitem__") != nil else { return nil }
    var i = 0
    return try drain(ctx, stopping: "IndexError") { () throws(CellError) in
      defer { i += 1 }
      return try call(instance, "__getitem__", [.int(i)])!
    }
  }

  private static func drain(
    _ ctx: CallContext, stopping: String, _ next: () throws(CellError) -> Value
  ) throws(CellError) -> [Value] {
    var items: [Value] = []
    while true {
      try ctx.checkInterrupt()
      do {
        let v = try next()
        if items.count == Memory.maxItemCount { try Memory.checkItems(items.count + 1, "list") }
        items.append(v)
      } catch let error where error.ename == stopping || error.ename == "StopIteration" {
        return items
      }
    }
  }

  /// The dict key of an instance: nil (identity) for a class without `__eq__`; its
  /// `__hash__` when it has one; unhashable when it defines `__eq__` alone, as in Python.
  static func hashKey(_ instance: InstanceObject) throws(CellError) -> InstanceKey? {
    guard let hasher = instance.cls.lookup("__hash__")?.value else {
      if instance.cls.lookup("__eq__") != nil { throw .typeError("unhashable type: '\(instance.typeName)'") }
      return nil
    }
    if case .none = hasher { throw .typeError("unhashable type: '\(instance.typeName)'") }
    guard let v = try call(instance, "__hash__", []) else { return nil }
    guard case .int(let h)? = v.numeric, v.typeName != "float" else {
      throw .typeError("__hash__ method should return an integer")
    }
    return InstanceKey(hash: h, instance: instance)
  }

  static func getItem(_ instance: InstanceObject, _ key: Value) throws(CellError) -> Value {
    guard let r = try call(instance, "__getitem__", [key]) else {
      throw .typeError("'\(instance.typeName)' object is not subscriptable")
    }
    return r
  }

  static func setItem(_ instance: InstanceObject, _ key: Value, _ value: Value) throws(CellError) {
    guard try call(instance, "__setitem__", [key, value]) != nil else {
      throw .typeError("'\(instance.typeName)' object does not support item assignment")
    }
  }

  static func deleteItem(_ instance: InstanceObject, _ key: Value) throws(CellError) {
    guard try call(instance, "__delitem__", [key]) != nil else {
      throw .typeError("'\(instance.typeName)' object does not support item deletion")
    }
  }
}

/// A dict key for an instance with `__hash__`: equal keys are the same object or equal by
/// `__eq__` (whose error, if any, is kept for the evaluator: Hashable cannot throw).
struct InstanceKey: Hashable {
  let hash: Int
  let instance: InstanceObject

  static func == (a: InstanceKey, b: InstanceKey) -> Bool {
    if a.instance === b.instance { return true }
    do throws(CellError) {
      return try Protocols.equals(.host(a.instance), .host(b.instance))
    } catch {
      a.instance.cls.interpreter?.deferError(error)
      return false
    }
  }

  func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
