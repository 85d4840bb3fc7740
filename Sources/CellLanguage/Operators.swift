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

  /// Refuses repetitions that would exhaust memory (`'a' * 10**12`) instead of crashing.
  static func checkSize(_ count: Int, _ times: Int) throws(CellError) {
    let (total, overflow) = count.multipliedReportingOverflow(by: max(0, times))
    if overflow || total > maxItems { throw CellError(ename: "MemoryError", "result too large (\(count) × \(times))") }
  }

  /// The most items (or bytes) one value may be made to hold by repetition or `list(range(...))`.
  static let maxItems = 200_000_000

  static func unary(_ op: UnaryOp, _ v: Value) throws(CellError) -> Value {
    switch (op, v.numeric) {
    case (.not, _): return .bool(!v.isTruthy)
    case (.negate, .int(let i)?):
      guard i != .min else { throw overflow() }
      return .int(-i)
    case (.negate, .float(let d)?): return .float(-d)
    case (.plus, .int(let i)?): return .int(i)
    case (.plus, .float(let d)?): return .float(d)
    default: throw .typeError("bad operand type for unary \(op == .negate ? "-" : "+"): '\(v.typeName)'")
    }
  }

  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool = false) throws(CellError) -> Value {
    if let x = a.numeric, let y = b.numeric { return try numeric(op, x, y) }
    switch (op, a, b) {
    case (.add, .string(let x), .string(let y)): return .string(x + y)
    case (.add, .string, _): throw .typeError("can only concatenate str (not \"\(b.typeName)\") to str")
    case (.add, .list(let x), .list(let y)):
      if inPlace {  // `a += b` extends the list in place, as in Python
        x.items += y.items
        return a
      }
      return .list(ListObject(x.items + y.items))
    case (.add, .list, _): throw .typeError("can only concatenate list (not \"\(b.typeName)\") to list")
    case (.add, .tuple(let x), .tuple(let y)): return .tuple(x + y)
    case (.multiply, .string(let s), .int(let n)), (.multiply, .int(let n), .string(let s)):
      try checkSize(s.utf8.count, n)
      return .string(String(repeating: s, count: max(0, n)))
    case (.multiply, .list(let l), .int(let n)), (.multiply, .int(let n), .list(let l)):
      try checkSize(l.items.count, n)
      return .list(ListObject(Array(repeatElement(l.items, count: max(0, n)).joined())))
    case (.multiply, .tuple(let t), .int(let n)), (.multiply, .int(let n), .tuple(let t)):
      try checkSize(t.count, n)
      return .tuple(Array(repeatElement(t, count: max(0, n)).joined()))
    default:
      throw unsupported(op.rawValue, a, b)
    }
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
    }
  }

  // MARK: Comparisons

  static func compare(_ op: CompareOp, _ a: Value, _ b: Value) throws(CellError) -> Bool {
    switch op {
    case .equal: return a == b
    case .notEqual: return a != b
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
    case (.string(let x), .string(let y)): return x == y
    default: return false
    }
  }

  /// -1, 0 or 1; a NaN compares as unordered (every comparison false but `!=`).
  static func ordering(_ a: Value, _ b: Value, _ op: CompareOp) throws(CellError) -> Int {
    if let x = a.numeric, let y = b.numeric {
      if case .int(let i) = x, case .int(let j) = y { return i < j ? -1 : i == j ? 0 : 1 }
      let (p, q) = (x.double, y.double)
      if p.isNaN || q.isNaN { return op == .less || op == .lessEqual ? 1 : -1 }
      return p < q ? -1 : p == q ? 0 : 1
    }
    switch (a, b) {
    case (.string(let x), .string(let y)):
      // Python orders strings by code point, not by Unicode collation.
      return x.unicodeScalars.lexicographicallyPrecedes(y.unicodeScalars) ? -1 : x == y ? 0 : 1
    case (.list(let x), .list(let y)): return try sequenceOrdering(x.items, y.items, op)
    case (.tuple(let x), .tuple(let y)): return try sequenceOrdering(x, y, op)
    default:
      throw .typeError("'\(op.rawValue)' not supported between instances of '\(a.typeName)' and '\(b.typeName)'")
    }
  }

  static func sequenceOrdering(_ x: [Value], _ y: [Value], _ op: CompareOp) throws(CellError) -> Int {
    for (p, q) in zip(x, y) where p != q { return try ordering(p, q, op) }
    return x.count < y.count ? -1 : x.count == y.count ? 0 : 1
  }

  static func contains(_ container: Value, _ item: Value) throws(CellError) -> Bool {
    switch container {
    case .list(let l): return l.items.contains(item)
    case .tuple(let t): return t.contains(item)
    case .dict(let d): return try d.get(item) != nil
    case .string(let s):
      guard case .string(let sub) = item else {
        throw .typeError("'in <string>' requires string as left operand, not \(item.typeName)")
      }
      return sub.isEmpty || s.unicodeScalars.firstRange(of: sub.unicodeScalars) != nil
    case .host(let r as RangeObject):
      guard case .int(let i)? = item.numeric else { return false }
      return r.index(of: i) != nil
    default:
      throw .typeError("argument of type '\(container.typeName)' is not iterable")
    }
  }
}
