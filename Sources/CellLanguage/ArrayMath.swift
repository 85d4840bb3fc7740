#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Arithmetic, reductions and methods of `ArrayValue`, and the `array()` built-in.
enum ArrayMath {
  /// `a op b` where one side is an array (the other an array or a number); nil when
  /// neither is an array or the operator has no array form (the caller's TypeError).
  /// Only reached after the number fast path failed, so plain arithmetic pays nothing.
  static func binary(_ op: BinaryOp, _ a: Value, _ b: Value) throws(CellError) -> Value? {
    guard let x = operand(a), let y = operand(b), x.array != nil || y.array != nil, let f = function(op) else {
      return nil
    }
    let (xs, ys) = (x.values, y.values)
    // Equal shapes, or one shape a trailing part of the other (a [n, 10] array minus a [10] one).
    let (long, short) = xs.count >= ys.count ? (x.shape, y.shape) : (y.shape, x.shape)
    guard Array(long.suffix(short.count)) == short else {
      throw .valueError(
        "operands could not be broadcast together with shapes \(ArrayValue.shapeText(x.shape)) \(ArrayValue.shapeText(y.shape))")
    }
    let n = max(xs.count, ys.count)
    var out = [Double](repeating: 0, count: n)
    for i in 0..<n { out[i] = f(xs[xs.count == n ? i : i % xs.count], ys[ys.count == n ? i : i % ys.count]) }
    // float32 unless a float64 array takes part (a number does not widen, as in numpy).
    let dtype: ArrayValue.DType = x.array?.dtype != .float64 && y.array?.dtype != .float64 ? .float32 : .float64
    return .host(try ArrayValue(shape: long.isEmpty ? short : long, storage: out, dtype: dtype))
  }

  /// One side of an array operation: an array, or a number seen as shape [] with one value.
  private struct Operand {
    var array: ArrayValue?
    var values: [Double]
    var shape: [Int]
  }

  private static func operand(_ v: Value) -> Operand? {
    if case .host(let a as ArrayValue) = v { return Operand(array: a, values: a.storage, shape: a.shape) }
    if let n = v.numeric { return Operand(array: nil, values: [n.double], shape: []) }
    return nil
  }

  /// IEEE arithmetic as numpy does it: x / 0 is inf or nan, not an error.
  private static func function(_ op: BinaryOp) -> ((Double, Double) -> Double)? {
    switch op {
    case .add: { $0 + $1 }
    case .subtract: { $0 - $1 }
    case .multiply: { $0 * $1 }
    case .divide: { $0 / $1 }
    case .power: { pow($0, $1) }
    default: nil
    }
  }

  /// `-a` and `+a`.
  static func unary(_ op: UnaryOp, _ v: Value) throws(CellError) -> Value? {
    guard case .host(let a as ArrayValue) = v, op == .negate || op == .plus else { return nil }
    return .host(try ArrayValue(shape: a.shape, storage: op == .negate ? a.storage.map { -$0 } : a.storage, dtype: a.dtype))
  }

  // MARK: Reductions

  /// A reduction over the whole array (a number) or along `axis` (an array of one less
  /// axis; a number when that leaves none). `body` sees `n` values through `get`.
  static func reduce(
    _ a: ArrayValue, _ args: BoundArguments, _ name: String, emptyIsError: Bool,
    _ body: (_ n: Int, _ get: (Int) -> Double) -> Double
  ) throws(CellError) -> (shape: [Int], values: [Double]) {
    let storage = a.storage
    guard let given = try args.int("axis") else {
      if emptyIsError && storage.isEmpty { throw emptyError(name) }
      return ([], [body(storage.count) { storage[$0] }])
    }
    let axis = given < 0 ? given + a.shape.count : given
    guard axis >= 0 && axis < a.shape.count else {
      throw CellError(ename: "AxisError", "axis \(given) is out of bounds for array of dimension \(a.shape.count)")
    }
    let n = a.shape[axis]
    if emptyIsError && n == 0 { throw emptyError(name) }
    let outer = ArrayValue.count(Array(a.shape[..<axis]))
    let inner = ArrayValue.count(Array(a.shape[(axis + 1)...]))
    var out: [Double] = []
    out.reserveCapacity(outer * inner)
    for o in 0..<outer {
      for i in 0..<inner { out.append(body(n) { storage[(o * n + $0) * inner + i] }) }
    }
    var shape = a.shape
    shape.remove(at: axis)
    return (shape, out)
  }

  private static func emptyError(_ name: String) -> CellError {
    .valueError("zero-size array to reduction operation \(name) which has no identity")
  }

  /// The reduction as a value: a float, or an array of the rest of the shape.
  static func result(_ a: ArrayValue, _ r: (shape: [Int], values: [Double])) throws(CellError) -> Value {
    if r.shape.isEmpty { return .float(r.values[0]) }
    return .host(try ArrayValue(shape: r.shape, storage: r.values, dtype: a.dtype))
  }

  /// An index reduction as an int, or nested lists of ints along an axis.
  static func indices(_ r: (shape: [Int], values: [Double])) throws(CellError) -> Value {
    if r.shape.isEmpty { return .int(Int(r.values[0])) }
    let nested = try ArrayValue(shape: r.shape, storage: r.values, dtype: .float64).toList()  // within budget: fewer items than the array
    return intified(nested)
  }

  private static func intified(_ v: Value) -> Value {
    switch v {
    case .list(let l): return .list(l.items.map(intified))
    case .float(let x): return .int(Int(x))
    default: return v
    }
  }

  static func extreme(_ n: Int, _ get: (Int) -> Double, _ better: (Double, Double) -> Bool) -> Int {
    var best = 0
    for i in 1..<max(1, n) where better(get(i), get(best)) || get(i).isNaN && !get(best).isNaN { best = i }
    return best
  }

  static func sum(_ n: Int, _ get: (Int) -> Double) -> Double {
    var s = 0.0
    for i in 0..<n { s += get(i) }
    return s
  }

  static func array(_ v: Value) -> ArrayValue {
    if case .host(let a as ArrayValue) = v { return a }
    preconditionFailure("array method on \(v.typeName)")
  }

  static let methods: [String: Methods.Spec] = [
    "sum": .init("sum(axis=None)", "Sum of the elements (along axis when given).") { v, a, _ in
      try result(array(v), try reduce(array(v), a, "sum", emptyIsError: false, sum))
    },
    "mean": .init("mean(axis=None)", "Mean of the elements (along axis when given); nan when empty.") { v, a, _ in
      try result(array(v), try reduce(array(v), a, "mean", emptyIsError: false) { n, get in sum(n, get) / Double(n) })
    },
    "max": .init("max(axis=None)", "Largest element (along axis when given).") { v, a, _ in
      try result(array(v), try reduce(array(v), a, "max", emptyIsError: true) { n, get in get(extreme(n, get, >)) })
    },
    "min": .init("min(axis=None)", "Smallest element (along axis when given).") { v, a, _ in
      try result(array(v), try reduce(array(v), a, "min", emptyIsError: true) { n, get in get(extreme(n, get, <)) })
    },
    "argmax": .init("argmax(axis=None)", "Position of the largest element (flat index; a list of ints along axis).") { v, a, _ in
      try indices(try reduce(array(v), a, "argmax", emptyIsError: true) { n, get in Double(extreme(n, get, >)) })
    },
    "argmin": .init("argmin(axis=None)", "Position of the smallest element (flat index; a list of ints along axis).") { v, a, _ in
      try indices(try reduce(array(v), a, "argmin", emptyIsError: true) { n, get in Double(extreme(n, get, <)) })
    },
    "tolist": .init("tolist()", "The elements as (nested) lists of floats.") { v, _, _ in try array(v).toList() },
    "reshape": .init("reshape(*shape)", "The same elements in a new shape; one size may be -1.") { v, a, _ in
      try reshape(array(v), a.variadic)
    },
  ]

  static func reshape(_ a: ArrayValue, _ given: [Value]) throws(CellError) -> Value {
    var sizes = given
    if sizes.count == 1, case .tuple(let t) = sizes[0] { sizes = t }
    var shape: [Int] = []
    for s in sizes {
      guard case .int(let n)? = s.numeric, !s.isFloatValue, n >= -1 else {
        throw .typeError("reshape() takes sizes as ints (-1 for one unknown), not \(s.repr)")
      }
      shape.append(n)
    }
    if let unknown = shape.firstIndex(of: -1), shape.filter({ $0 == -1 }).count == 1 {
      let known = ArrayValue.count(shape.filter { $0 != -1 })
      if known > 0 && a.storage.count % known == 0 { shape[unknown] = a.storage.count / known }
    }
    guard !shape.isEmpty, ArrayValue.count(shape) == a.storage.count, !shape.contains(-1) else {
      throw .valueError("cannot reshape array of size \(a.storage.count) into shape \(ArrayValue.shapeText(shape))")
    }
    return .host(try ArrayValue(shape: shape, storage: a.storage, dtype: a.dtype))
  }

  // MARK: array()

  static func builtin() -> Builtin {
    Builtin(
      "array(data, dtype='float64')",
      summary: "Makes an n-d array of numbers from (nested) lists, tuples or another array.",
      details: """
        a = array([[1, 2], [3, 4]]); a.shape is (2, 2), a[1, 0] is 3.0, (a * 2).sum() is 20.0.
        dtype is 'float64' or 'float32'. Model outputs (outputs(), embed()) are float32 arrays.
        """
    ) { a, _ in
      let name = try a.string("dtype", default: "float64")
      guard let dtype = ArrayValue.DType(rawValue: name) else {
        throw CellError.typeError("array() dtype must be 'float32' or 'float64', not '\(name)'")
      }
      var shape: [Int] = []
      var values: [Double] = []
      var leaf: Int?
      try flatten(a["data"]!, depth: 0, shape: &shape, leaf: &leaf, into: &values)
      if shape.isEmpty { throw CellError.valueError("array() needs a list of numbers, not a single number") }
      return .host(try ArrayValue(shape: shape, storage: values, dtype: dtype))
    }
  }

  /// Walks nested sequences, recording the shape at the first visit of each depth and
  /// refusing ragged data.
  static func flatten(
    _ v: Value, depth: Int, shape: inout [Int], leaf: inout Int?, into values: inout [Double]
  ) throws(CellError) {
    guard depth < 32 else { throw .valueError("array() data is nested too deeply") }
    let items: [Value]
    switch v {
    case .list(let l): items = l.items
    case .tuple(let t): items = t
    case .host(let a as ArrayValue): items = a.storage.count == 0 ? [] : try ValueIterator.collect(.host(a))
    default:
      guard let n = v.numeric else { throw .typeError("array() elements must be numbers, not '\(v.typeName)'") }
      guard depth == shape.count, leaf == nil || leaf == depth else { throw ragged() }
      leaf = depth
      values.append(n.double)
      try ArrayValue.checkBudget(values.count)
      return
    }
    if let leaf, depth >= leaf { throw ragged() }
    if depth == shape.count { shape.append(items.count) } else if depth > shape.count || shape[depth] != items.count { throw ragged() }
    for item in items { try flatten(item, depth: depth + 1, shape: &shape, leaf: &leaf, into: &values) }
  }

  private static func ragged() -> CellError {
    .valueError("array() data has an inhomogeneous shape (rows of different lengths, or numbers mixed with lists)")
  }
}
