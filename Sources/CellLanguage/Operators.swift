#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Python's arithmetic and comparison rules on `Value`s. Integers are 64-bit; an
/// overflow is an OverflowError rather than a silent wrap.
enum Operators {
  static func overflow() -> CellError { CellError(ename: "OverflowError", "integer overflow (integers are 64-bit)") }

  static func unsupported(_ op: String, _ a: Value, _ b: Value) -> CellError {
    .typeError("unsupported operand type(s) for \(op): '\(a.typeName)' and '\(b.typeName)'")
  }

  static func unary(_ op: UnaryOp, _ v: Value) throws(CellError) -> Value {
    switch (op, v.numeric) {
    case (.not, _): return .bool(!v.isTruthy)
    case (.negate, .int(let i)?):
      guard i != .min else { throw overflow() }
      return .int(-i)
    case (.negate, .float(let d)?): return .float(-d)
    case (.plus, .int(let i)?): return .int(i)
    case (.plus, .float(let d)?): return .float(d)
    case (.invert, .int(let i)?) where v.typeName != "float": return .int(~i)
    default:
      if let r = try ArrayMath.unary(op, v) { return r }
      if let r = try Protocols.unary(op, v) { return r }
      throw .typeError("bad operand type for unary \(op == .negate ? "-" : op == .invert ? "~" : "+"): '\(v.typeName)'")
    }
  }

  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool = false) throws(CellError) -> Value {
    if a.isInstance || b.isInstance, let r = try Protocols.binary(op, a, b, inPlace: inPlace) { return r }
    if op.isBitwise { return try bitwise(op, a, b, inPlace: inPlace) }
    if let x = a.numeric, let y = b.numeric { return try numeric(op, x, y) }
    switch (op, a, b) {
    case (.add, .string(let x), .string(let y)):
      try Memory.checkText(Memory.sum(x.utf8.count, y.utf8.count))
      return .string(x + y)
    case (.add, .string, _): throw .typeError("can only concatenate str (not \"\(b.typeName)\") to str")
    case (.modulo, .string(let template), _):
      let text = try PercentFormat.format(template, b)
      try Memory.checkText(text.utf8.count)
      return .string(text)
    case (.add, .list(let x), .list(let y)):
      try Memory.checkItems(Memory.sum(x.items.count, y.items.count), "list")
      if inPlace {  // `a += b` extends the list in place, as in Python
        x.items += y.items
        return a
      }
      return .list(ListObject(x.items + y.items))
    case (.add, .list, _): throw .typeError("can only concatenate list (not \"\(b.typeName)\") to list")
    case (.add, .dict(let x), .dict(let y)) where x.isCounter && y.isCounter,
      (.subtract, .dict(let x), .dict(let y)) where x.isCounter && y.isCounter:
      return try Counters.combine(op, x, y)
    case (.subtract, .host(let x as SetObject), .host(let y as SetObject)):
      var kept: [Value] = []
      for v in x.items where try !y.contains(v) { kept.append(v) }
      return .host(try x.like(kept))
    case (.add, .tuple(let x), .tuple(let y)):
      try Memory.checkItems(Memory.sum(x.count, y.count), "tuple")
      return .tuple(x + y)
    case (.multiply, .string(let s), .int(let n)), (.multiply, .int(let n), .string(let s)):
      try Memory.checkText(Memory.product(s.utf8.count, n))
      return .string(String(repeating: s, count: max(0, n)))
    case (.multiply, .list(let l), .int(let n)), (.multiply, .int(let n), .list(let l)):
      try Memory.checkItems(Memory.product(l.items.count, n), "list")
      return .list(ListObject(repeated(l.items, n)))
    case (.multiply, .tuple(let t), .int(let n)), (.multiply, .int(let n), .tuple(let t)):
      try Memory.checkItems(Memory.product(t.count, n), "tuple")
      return .tuple(repeated(t, n))
    default:
      // Arrays are looked at only here, after every fast path failed.
      if let r = try ArrayMath.binary(op, a, b) { return r }
      if let r = try DictView.setOperation(op, a, b) { return r }
      throw unsupported(op.rawValue, a, b)
    }
  }

  /// `items * n`, allocated once at its final size.
  static func repeated(_ items: [Value], _ n: Int) -> [Value] {
    if items.count == 1 { return Array(repeating: items[0], count: max(0, n)) }
    var out: [Value] = []
    out.reserveCapacity(items.count * max(0, n))
    for _ in 0..<max(0, n) { out.append(contentsOf: items) }
    return out
  }

  static func numeric(_ op: BinaryOp, _ x: Numeric, _ y: Numeric) throws(CellError) -> Value {
    if case .int(let a) = x, case .int(let b) = y { return try integer(op, a, b) }
    let a = x.double
    let b = y.double
    switch op {
    case .add: return .float(a + b)
    case .subtract: return .float(a - b)
    case .multiply: return .float(a * b)
    case .divide:
      guard b != 0 else { throw CellError(ename: "ZeroDivisionError", "float division by zero") }
      return .float(a / b)
    case .floorDivide:
      guard b != 0 else { throw CellError(ename: "ZeroDivisionError", "float floor division by zero") }
      return .float(((a - floatMod(a, b)) / b).rounded())
    case .modulo:
      guard b != 0 else { throw CellError(ename: "ZeroDivisionError", "float modulo by zero") }
      return .float(floatMod(a, b))
    case .power:
      if a == 0 && b < 0 { throw CellError(ename: "ZeroDivisionError", "zero to a negative power") }
      if a < 0 && b != b.rounded() { throw .valueError("math domain error (a negative number to a fractional power)") }
      let r = pow(a, b)
      if r.isInfinite && a.isFinite && b.isFinite { throw CellError(ename: "OverflowError", "(34, 'Numerical result out of range')") }
      return .float(r)
    case .bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight:
      // Bit operations on a float (binary() sends ints to bitwise first).
      func value(_ n: Numeric) -> Value { if case .int(let i) = n { .int(i) } else { .float(n.double) } }
      throw unsupported(op.rawValue, value(x), value(y))
    }
  }

  /// Python's float `%`: the result takes the sign of the divisor.
  static func floatMod(_ a: Double, _ b: Double) -> Double {
    var m = a.truncatingRemainder(dividingBy: b)
    if m != 0 && (m < 0) != (b < 0) { m += b }
    return m
  }

  static func integer(_ op: BinaryOp, _ a: Int, _ b: Int) throws(CellError) -> Value {
    func checked(_ r: (partialValue: Int, overflow: Bool)) throws(CellError) -> Value {
      if r.overflow { throw overflow() }
      return .int(r.partialValue)
    }
    switch op {
    case .add: return try checked(a.addingReportingOverflow(b))
    case .subtract: return try checked(a.subtractingReportingOverflow(b))
    case .multiply: return try checked(a.multipliedReportingOverflow(by: b))
    case .divide:
      guard b != 0 else { throw CellError(ename: "ZeroDivisionError", "division by zero") }
      return .float(Double(a) / Double(b))
    case .floorDivide, .modulo:
      guard b != 0 else {
        throw CellError(ename: "ZeroDivisionError", "integer division or modulo by zero")
      }
      if a == .min && b == -1 {
        if op == .modulo { return .int(0) }
        throw overflow()
      }
      var q = a / b
      var r = a % b
      if r != 0 && (r < 0) != (b < 0) {
        q -= 1
        r += b
      }
      return .int(op == .modulo ? r : q)
    case .power:
      if b < 0 {
        guard a != 0 else { throw CellError(ename: "ZeroDivisionError", "zero to a negative power") }
        return .float(pow(Double(a), Double(b)))
      }
      var result = 1
      var base = a
      var e = b
      while e > 0 {
        if e & 1 == 1 {
          let r = result.multipliedReportingOverflow(by: base)
          if r.overflow { throw overflow() }
          result = r.partialValue
        }
        e >>= 1
        if e > 0 {
          let sq = base.multipliedReportingOverflow(by: base)
          if sq.overflow { throw overflow() }
          base = sq.partialValue
        }
      }
      return .int(result)
    case .bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight:
      return try bitwise(op, .int(a), .int(b), inPlace: false)
    }
  }

  // MARK: Comparisons

  static func compare(_ op: CompareOp, _ a: Value, _ b: Value) throws(CellError) -> Bool {
    switch op {
    case .equal: return try Value.equals(a, b)
    case .notEqual: return try !Value.equals(a, b)
    case .is: return identical(a, b)
    case .isNot: return !identical(a, b)
    case .in: return try contains(b, a)
    case .notIn: return try !contains(b, a)
    case .less, .lessEqual, .greater, .greaterEqual:
      let order = try ordering(a, b, op)
      switch op {
      case .less: return order < 0
      case .lessEqual: return order <= 0
      case .greater: return order > 0
      default: return order >= 0
      }
    }
  }

  static func identical(_ a: Value, _ b: Value) -> Bool {
    switch (a, b) {
    case (.list(let x), .list(let y)): return x === y
    case (.dict(let x), .dict(let y)): return x === y
    case (.host(let x), .host(let y)): return x === y
    case (.function(let x), .function(let y)): return x === y
    case (.none, .none): return true
    case (.bool(let x), .bool(let y)): return x == y
    case (.int(let x), .int(let y)): return x == y
    case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
    default: return false
    }
  }

  /// -1, 0 or 1; a NaN compares as unordered (every comparison false but `!=`).
  static func ordering(_ a: Value, _ b: Value, _ op: CompareOp, depth: Int = 0) throws(CellError) -> Int {
    if let x = a.numeric, let y = b.numeric {
      if case .int(let i) = x, case .int(let j) = y { return i < j ? -1 : i == j ? 0 : 1 }
      let (p, q) = (x.double, y.double)
      if p.isNaN || q.isNaN { return op == .less || op == .lessEqual ? 1 : -1 }
      return p < q ? -1 : p == q ? 0 : 1
    }
    guard depth < Value.maxRecursion else { throw Value.recursionError("in comparison") }
    switch (a, b) {
    case (.string(let x), .string(let y)):
      // Python orders strings by code point, which is the order of their UTF-8 bytes.
      return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : x.utf8.elementsEqual(y.utf8) ? 0 : 1
    case (.list(let x), .list(let y)): return try sequenceOrdering(x.items, y.items, op, depth)
    case (.tuple(let x), .tuple(let y)): return try sequenceOrdering(x, y, op, depth)
    default:
      if a.isInstance || b.isInstance, let order = try Protocols.order(a, b, op) { return order }
      throw .typeError("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
    }
  }

  static func sequenceOrdering(_ x: [Value], _ y: [Value], _ op: CompareOp, _ depth: Int) throws(CellError) -> Int {
    for (p, q) in zip(x, y) where !(try Value.equals(p, q, depth: depth + 1)) {
      return try ordering(p, q, op, depth: depth + 1)
    }
    return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
  }

  /// The first position of an item equal to `item`, checking the interrupt as it goes.
  static func firstIndex(of item: Value, in items: [Value], context: CallContext?) throws(CellError) -> Int? {
    for (i, x) in items.enumerated() {
      if i & 0xFFFF == 0xFFFF { try context?.checkInterrupt() }
      if try Value.equals(x, item) { return i }
    }
    return nil
  }

  static func contains(_ container: Value, _ item: Value) throws(CellError) -> Bool {
    switch container {
    case .list(let l): return try firstIndex(of: item, in: l.items, context: nil) != nil
    case .tuple(let t): return try firstIndex(of: item, in: t, context: nil) != nil
    case .dict(let d): return try d.get(item) != nil
    case .string(let s):
      guard case .string(let sub) = item else {
        throw .typeError("'in <string>' requires string as left operand, not \(item.typeName)")
      }
      return sub.isEmpty || s.unicodeScalars.firstRange(of: sub.unicodeScalars) != nil
    case .host(let set as SetObject): return try set.contains(item)
    case .host(let view as DictView): return try view.contains(item)
    case .host(let instance as InstanceObject): return try Protocols.contains(instance, item)
    case .host(let r as RangeObject):
      guard case .int(let i)? = item.numeric else { return false }
      return r.index(of: i) != nil
    case .host(let h):
      // Any other iterable host object (a deque, an iterator): a search of its items.
      let items: [Value]?
      do { items = try h.iterate() } catch { throw Interpreter.cellError(from: error) }
      guard let items else { throw .typeError("argument of type '\(container.typeName)' is not iterable") }
      return try firstIndex(of: item, in: items, context: nil) != nil
    default:
      throw .typeError("argument of type '\(container.typeName)' is not iterable")
    }
  }
}
