#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension DateTimeModule {
  /// Builds the three classes. Each instance keeps its integer in the field `_us`.
  struct Types {
    let interpreter: Interpreter
    init(_ interpreter: Interpreter) { self.interpreter = interpreter }

    static func value(_ v: Value, _ type: String) -> Int? {
      guard case .host(let i as InstanceObject) = v, i.cls.name == type, case .int(let us)? = try? i.fields.get(.string("_us")) else {
        return nil
      }
      return us
    }

    /// The most microseconds a timedelta holds here: 2^62, about 53 million days (Python
    /// allows 999,999,999 days), so that sums of two stay inside 64-bit integers.
    static let maxDeltaMicroseconds = 1 << 62

    /// A timedelta's microseconds from a float total (rounded half to even, as Python's),
    /// or Python's errors for NaN, infinity and a total out of range. `exact`: the integer
    /// sum when the total came from adding two in-range values (no rounding).
    static func deltaMicroseconds(_ total: Double, exact: @autoclosure () -> Int? = nil) throws(CellError) -> Int {
      if total.isNaN { throw CellError.valueError("cannot convert float NaN to integer") }
      if total.isInfinite { throw CellError(ename: "OverflowError", "cannot convert float infinity to integer") }
      guard abs(total) <= Double(maxDeltaMicroseconds) else {
        let days = (total / 86_400e6).rounded(.towardZero)
        throw CellError(
          ename: "OverflowError",
          "days=\(abs(days) < 1e18 ? String(Int(days)) : Value.float(days).repr); must have magnitude <= \(maxDeltaMicroseconds / 86_400_000_000)")
      }
      return exact() ?? Int(total.rounded(.toNearestOrEven))
    }

    static func make(_ cls: ClassObject, _ us: Int) throws(CellError) -> Value {
      let i = InstanceObject(cls)
      try i.fields.set(.string("_us"), .int(us))
      return .host(i)
    }

    /// A method on instances of `type`: `body(us, arguments, context)`.
    func method(_ signature: String, _ type: String, _ body: @escaping (Int, BoundArguments, CallContext) throws -> Value) -> Value {
      .function(
        Builtin(signature: Signature(signature), summary: "", isUserFunction: true) { a, ctx in
          guard let us = Types.value(a["self"] ?? .none, type) else { throw CellError.typeError("a \(type) method needs a \(type)") }
          return try body(us, a, ctx)
        })
    }

    func property(_ type: String, _ get: @escaping (Int) -> Value) -> Value {
      .host(PropertyObject(get: method("get(self)", type) { us, _, _ in get(us) }, set: nil))
    }

    /// Comparisons, equality and hashing by the integer, against the same type only.
    func ordering(_ type: String, into attributes: inout [String: Value]) {
      let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
      for (name, op) in Protocols.orderingMethods + [("__eq__", .equal)] {
        attributes[name] = method("\(name)(self, other)", type) { us, a, _ in
          guard let other = Types.value(a["other"]!, type) else { return notImplemented }
          return .bool(try Operators.compare(op, .int(us), .int(other)))
        }
      }
      attributes["__hash__"] = method("__hash__(self)", type) { us, _, _ in .int(try StandardLibrary.pythonHash(.int(us))) }
    }

    func timedelta() throws(CellError) -> ClassObject {
      var attributes: [String: Value] = [:]
      let cls = try ClassObject(
        name: "timedelta", bases: [], exceptionBases: [], attributes: [:], doc: "A duration: timedelta(days, seconds, microseconds, milliseconds, minutes, hours, weeks).",
        interpreter: interpreter)
      attributes["__init__"] = .function(
        Builtin(
          signature: Signature("__init__(self, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0)"),
          summary: "", isUserFunction: true
        ) { a, _ in
          var total = 0.0
          for (name, scale) in [("days", 86_400e6), ("seconds", 1e6), ("microseconds", 1.0), ("milliseconds", 1e3), ("minutes", 60e6), ("hours", 3_600e6), ("weeks", 604_800e6)] {
            guard let v = a[name] else { continue }
            guard let x = v.numeric?.double else { throw CellError.typeError("unsupported type for timedelta \(name) component: \(v.typeName)") }
            total += x * scale
          }
          guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
          try me.fields.set(.string("_us"), .int(try Types.deltaMicroseconds(total)))
          return .none
        })
      let parts = { (us: Int) -> (Int, Int, Int) in
        let days = us >= 0 ? us / microsecondsPerDay : (us - microsecondsPerDay + 1) / microsecondsPerDay
        let rest = us - days * microsecondsPerDay
        return (days, rest / 1_000_000, rest % 1_000_000)
      }
      attributes["days"] = property("timedelta") { .int(parts($0).0) }
      attributes["seconds"] = property("timedelta") { .int(parts($0).1) }
      attributes["microseconds"] = property("timedelta") { .int(parts($0).2) }
      attributes["total_seconds"] = method("total_seconds(self)", "timedelta") { us, _, _ in .float(Double(us) / 1e6) }
      attributes["__str__"] = method("__str__(self)", "timedelta") { us, _, _ in
        let (d, s, micro) = parts(us)
        var text = d == 0 ? "" : "\(d) day\(abs(d) == 1 ? "" : "s"), "
        text += "\(s / 3600):\(pad(s / 60 % 60, 2)):\(pad(s % 60, 2))"
        if micro != 0 { text += ".\(pad(micro, 6))" }
        return .string(text)
      }
      attributes["__repr__"] = method("__repr__(self)", "timedelta") { us, _, _ in
        let (d, s, micro) = parts(us)
        let shown = [("days", d), ("seconds", s), ("microseconds", micro)].filter { $0.1 != 0 }.map { "\($0.0)=\($0.1)" }
        return .string("datetime.timedelta(\(shown.isEmpty ? "0" : shown.joined(separator: ", ")))")
      }
      attributes["__bool__"] = method("__bool__(self)", "timedelta") { us, _, _ in .bool(us != 0) }
      attributes["__neg__"] = method("__neg__(self)", "timedelta") { us, _, _ in try Types.make(cls, -us) }
      attributes["__abs__"] = method("__abs__(self)", "timedelta") { us, _, _ in try Types.make(cls, abs(us)) }
      let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
      for (name, sign) in [("__add__", 1), ("__radd__", 1), ("__sub__", -1)] {
        attributes[name] = method("\(name)(self, other)", "timedelta") { us, a, _ in
          guard let other = Types.value(a["other"]!, "timedelta") else { return notImplemented }
          return try Types.make(cls, try Types.deltaMicroseconds(Double(us) + Double(sign) * Double(other), exact: us + sign * other))
        }
      }
      for name in ["__mul__", "__rmul__"] {
        attributes[name] = method("\(name)(self, other)", "timedelta") { us, a, _ in
          guard let k = a["other"]!.numeric?.double else { return notImplemented }
          return try Types.make(cls, try Types.deltaMicroseconds(Double(us) * k))
        }
      }
      attributes["__truediv__"] = method("__truediv__(self, other)", "timedelta") { us, a, _ in
        if let other = Types.value(a["other"]!, "timedelta") {
          guard other != 0 else { throw CellError(ename: "ZeroDivisionError", "division by zero") }
          return .float(Double(us) / Double(other))
        }
        guard let k = a["other"]!.numeric?.double else { return notImplemented }
        guard k != 0 else { throw CellError(ename: "ZeroDivisionError", "division by zero") }
        return try Types.make(cls, try Types.deltaMicroseconds(Double(us) / k))
      }
      ordering("timedelta", into: &attributes)
      cls.attributes = attributes
      return cls
    }
  }
}
