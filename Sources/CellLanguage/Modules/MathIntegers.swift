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
    guard n >= 0 else { throw .valueError("\(function)() \(function == "factorial" ? "not defined for negative values" : "arguments must be non-negative integers")") }
    return n
  }

  private static func overflow() -> CellError { Operators.overflow() }

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
      let n = try count(a, "n", "perm")
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
      for v in a.variadic {
        guard case .int(let i) = v else { throw CellError.typeError("'\(v.typeName)' object cannot be interpreted as an integer") }
        var (x, y) = (g.magnitude, i.magnitude)
        while y != 0 { (x, y) = (y, x % y) }
        guard x <= UInt(Int.max) else { throw overflow() }
        g = Int(x)
      }
      return .int(g)
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
    Builtin("fsum(iterable)", summary: "The sum of the numbers, rounded once at the end (fsum([0.1] * 10) is 1.0).") { a, ctx in
      // Neumaier's compensated sum: each addition's rounding error is kept and added back.
      var (sum, compensation) = (0.0, 0.0)
      for v in try ValueIterator.collect(a["iterable"]!) {
        try ctx.checkInterrupt()
        guard let x = v.numeric?.double else { throw CellError.typeError("must be real number, not \(v.typeName)") }
        let t = sum + x
        compensation += abs(sum) >= abs(x) ? (sum - t) + x : (x - t) + sum
        sum = t
      }
      let total = sum + compensation
      return .float(total.isNaN && sum.isInfinite ? sum : total)
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
      var squares = 0.0
      for (x, y) in zip(p, q) {
        guard let u = x.numeric?.double, let v = y.numeric?.double else {
          throw CellError.typeError("must be real number, not \((x.numeric == nil ? x : y).typeName)")
        }
        squares += (u - v) * (u - v)
      }
      let r = squares.squareRoot()
      return .float(r)
    },
  ] }
}
