/// The math module's exact integer functions and its sums and products over iterables.
extension MathModule {
  /// A non-negative int argument (bools count, as in Python; floats do not).
  private static func count(_ a: BoundArguments, _ name: String, _ function: String) throws(CellError) -> Int {
    guard let v = a[name] else { return 0 }
    let n: Int
    switch v {
    case .int(let i): n = i
    case .bool(let b): n = b ? 1 : 0
    default: throw .typeError("'\(v.typeName)' object cannot be interpreted as an integer")
    }
    guard n >= 0 else {
      switch function {
      case "factorial": throw .valueError("factorial() not defined for negative values")
      case "isqrt": throw .valueError("isqrt() argument must be nonnegative")
      default: throw .valueError("\(name) must be a non-negative integer")
      }
    }
    return n
  }

  private static func overflow() -> CellError { Operators.overflow() }

  /// An int argument of gcd or lcm (a bool counts, as in Python).
  private static func integer(_ v: Value) throws(CellError) -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: throw .typeError("'\(v.typeName)' object cannot be interpreted as an integer")
    }
  }

  /// The non-negative gcd (an OverflowError only for gcd(-2**63, 0) and the like).
  private static func gcd(_ a: Int, _ b: Int) throws(CellError) -> Int {
    var (x, y) = (a.magnitude, b.magnitude)
    while y != 0 { (x, y) = (y, x % y) }
    guard x <= UInt(Int.max) else { throw overflow() }
    return Int(x)
  }

  static func integer() -> [Builtin] { [
    Builtin("factorial(n)", summary: "n! (exact; 20! is the largest that fits in 64 bits).") { a, _ in
      let n = try count(a, "n", "factorial")
      var r = 1
      for k in stride(from: 2, through: n, by: 1) {
        let (p, o) = r.multipliedReportingOverflow(by: k)
        if o { throw overflow() }
        r = p
      }
      return .int(r)
    },
    Builtin("comb(n, k)", summary: "The number of ways to choose k items from n, without order.") { a, _ in
      let (n, k) = (try count(a, "n", "comb"), try count(a, "k", "comb"))
      guard k <= n else { return .int(0) }
      var r = 1
      // r stays C(n - k + i, i) after step i, so every division is exact.
      for i in stride(from: 1, through: min(k, n - k), by: 1) {
        let (p, o) = r.multipliedReportingOverflow(by: n - min(k, n - k) + i)
        if o { throw overflow() }
        r = p / i
      }
      return .int(r)
    },
    Builtin("perm(n, k=None)", summary: "The number of ways to choose k items from n, in order (k=None: n!).") { a, _ in
      // perm(n) is factorial(n), with factorial's message for a negative n.
      let n = try count(a, "n", a.value("k") == nil ? "factorial" : "perm")
      let k = a.value("k") == nil ? n : try count(a, "k", "perm")
      guard k <= n else { return .int(0) }
      var r = 1
      for f in stride(from: n - k + 1, through: n, by: 1) {
        let (p, o) = r.multipliedReportingOverflow(by: f)
        if o { throw overflow() }
        r = p
      }
      return .int(r)
    },
    Builtin("gcd(*integers)", summary: "The greatest common divisor of the integers (0 for none).") { a, _ in
      var g = 0
      for v in a.variadic { g = try gcd(g, integer(v)) }
      return .int(g)
    },
    Builtin("lcm(*integers)", summary: "The least common multiple of the integers (1 for none; 64-bit, so a huge one is an OverflowError).") { a, _ in
      var l = 1
      for v in a.variadic {
        let i = try integer(v)
        guard l != 0, i != 0 else {
          l = 0
          continue
        }
        // |l / gcd * i|, each step checked for 64-bit overflow.
        let (p, o) = (l / (try gcd(l, i))).multipliedReportingOverflow(by: i)
        guard !o, p != .min else { throw overflow() }
        l = abs(p)
      }
      return .int(l)
    },
    Builtin("isqrt(n)", summary: "The integer square root of n: the largest r with r * r <= n.") { a, _ in
      let n = try count(a, "n", "isqrt")
      func square(_ r: Int) -> Int? { let (p, o) = r.multipliedReportingOverflow(by: r); return o ? nil : p }
      // The float root is within one of the answer; step to the exact one.
      var r = Int(Double(n).squareRoot())
      while (square(r) ?? .max) > n { r -= 1 }
      while let s = square(r + 1), s <= n { r += 1 }
      return .int(r)
    },
  ] }

  static func sequences() -> [Builtin] { [
    Builtin("fsum(iterable)", summary: "The exact sum of the numbers, rounded once at the end (fsum([0.1] * 10) is 1.0).") { a, _ in
      .float(try FloatSum.sum(try FloatSum.floats(a["iterable"]!)))
    },
    Builtin("prod(iterable, *, start=1)", summary: "The product of start and the items (an int while all are ints).") { a, ctx in
      var total = a.value("start") ?? .int(1)
      for v in try ValueIterator.collect(a["iterable"]!) {
        try ctx.checkInterrupt()
        total = try Operators.binary(.multiply, total, v)
      }
      return total
    },
    Builtin("dist(p, q)", summary: "The Euclidean distance between two points given as sequences of coordinates.") { a, _ in
      let (p, q) = (try ValueIterator.collect(a["p"]!), try ValueIterator.collect(a["q"]!))
      guard p.count == q.count else { throw CellError.valueError("both points must have the same number of dimensions") }
      var (values, largest, foundNaN) = ([Double](), 0.0, false)
      for (x, y) in zip(p, q) {
        let d = abs(try real(x) - real(y))
        if d > largest { largest = d }
        foundNaN = foundNaN || d.isNaN
        values.append(d)
      }
      return .float(VectorNorm.norm(values, largest: largest, foundNaN: foundNaN))
    },
  ] }
}
