/// `import statistics`: averages and spread of numbers as Python's statistics module gives
/// them. Sums are carried exactly in two floats (Knuth's two-sum), so a mean is the exact
/// mean rounded once, as Python's exact-fraction arithmetic rounds it.
enum StatisticsModule {
  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let regression = try regressionClass(interpreter)
    let normal = NormalDistClass(interpreter)  // bound first: a temporary here draws a false weak-reference warning in release builds
    let normalDist = try normal.make()
    return ModuleObject(
      name: "statistics",
      summary: "Averages, spread, correlation, regression and NormalDist, as Python's statistics module.",
      functions: averages() + otherAverages() + spread() + paired(regression),
      constants: [
        ("StatisticsError", .host(ExceptionType("StatisticsError"))), ("LinearRegression", .host(regression)),
        ("NormalDist", .host(normalDist)),
      ])
  }

  /// The data as numbers, refusing an empty set where `needed` items are required.
  /// `tooFew` replaces the message for too few items where Python words it differently.
  static func numbers(_ v: Value?, _ function: String, needed: Int = 1, tooFew: String? = nil) throws(CellError) -> [Value] {
    let xs = try ValueIterator.collect(v ?? .tuple([]))
    for x in xs where x.numeric == nil { throw .typeError("can't convert type '\(x.typeName)' to numerator/denominator") }
    guard xs.count >= needed else {
      throw CellError(
        ename: "StatisticsError",
        tooFew ?? (needed == 1 ? "\(function) requires at least one data point" : "\(function) requires at least two data points"))
    }
    return xs
  }

  /// A sum carried as an unevaluated pair hi + lo (exact for a few hundred thousand terms).
  struct Exact {
    var hi = 0.0
    var lo = 0.0

    static func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
      let s = a + b
      let bp = s - a
      return (s, (a - (s - bp)) + (b - bp))
    }

    mutating func add(_ x: Double) {
      let (s, e) = Self.twoSum(hi, x)
      hi = s
      lo += e
    }

    /// (hi + lo) / n, as a pair: the first term's remainder is exact by a fused multiply-add.
    func divided(by n: Double) -> Exact {
      let q = hi / n
      let remainder = hi.addingProduct(-q, n)
      let (h, l) = Self.twoSum(q, (remainder + lo) / n)
      return Exact(hi: h, lo: l)
    }

    var value: Double { hi + lo }
  }

  private static func exactSum(_ xs: [Double]) -> Exact {
    var total = Exact()
    for x in xs { total.add(x) }
    return total
  }

  private static func divide(_ sum: Exact, _ n: Double) -> Double { sum.divided(by: n).value }

  static func mean(_ xs: [Value]) -> Value {
    if xs.allSatisfy({ if case .float = $0 { false } else { true } }) {
      // Integers: an exact mean when it is whole (Python returns an int then).
      let ints = xs.map { if case .int(let i)? = $0.numeric { i } else { 0 } }
      let (total, overflow) = ints.reduce((0, false)) { acc, i in
        let (s, o) = acc.0.addingReportingOverflow(i)
        return (s, acc.1 || o)
      }
      if !overflow, total % ints.count == 0 { return .int(total / ints.count) }
    }
    let values = xs.map { $0.numeric?.double ?? 0 }
    let m = divide(exactSum(values), Double(xs.count))
    guard !m.isFinite, values.allSatisfy(\.isFinite) else { return .float(m) }
    // The sum overflowed though the mean need not: a power-of-two scale is exact.
    let scale = 0x1p-64
    return .float(divide(exactSum(values.map { $0 * scale }), Double(xs.count)) / scale)
  }

  static func sortedNumbers(_ xs: [Value]) throws(CellError) -> [Value] {
    var failure: CellError?
    let out = xs.sorted { a, b in
      do throws(CellError) { return try Operators.ordering(a, b, .less) < 0 } catch {
        failure = error
        return false
      }
    }
    if let failure { throw failure }
    return out
  }

  private static func averages() -> [Builtin] {
    [
      Builtin("mean(data)", summary: "The arithmetic mean (an int when the data are ints and it is whole).") { a, _ in
        mean(try numbers(a["data"], "mean"))
      },
      Builtin("median(data)", summary: "The middle value (the mean of the middle two for an even count).") { a, _ in
        let xs = try sortedNumbers(try numbers(a["data"], "median", tooFew: "no median for empty data"))
        let n = xs.count
        if n % 2 == 1 { return xs[n / 2] }
        return try Operators.binary(.divide, try Operators.binary(.add, xs[n / 2 - 1], xs[n / 2]), .int(2))
      },
      Builtin("median_low(data)", summary: "The lower of the middle two values.") { a, _ in
        let xs = try sortedNumbers(try numbers(a["data"], "median_low", tooFew: "no median for empty data"))
        return xs[(xs.count - 1) / 2]
      },
      Builtin("median_high(data)", summary: "The higher of the middle two values.") { a, _ in
        let xs = try sortedNumbers(try numbers(a["data"], "median_high", tooFew: "no median for empty data"))
        return xs[xs.count / 2]
      },
      Builtin("mode(data)", summary: "The most common value (the first seen among equals); any hashable values.") { a, _ in
        let counts = try modeCounts(a["data"], "mode")
        return counts.first!.0
      },
      Builtin("multimode(data)", summary: "Every most common value, in first-seen order.") { a, _ in
        let counts = try modeCounts(a["data"], nil)
        guard let top = counts.first?.1 else { return .list([]) }
        return .list(counts.filter { $0.1 == top }.map(\.0))
      },
    ]
  }

  /// Values with their counts, most common first (first seen first among equals).
  private static func modeCounts(_ v: Value?, _ function: String?) throws(CellError) -> [(Value, Int)] {
    let d = DictObject()
    for x in try ValueIterator.collect(v ?? .tuple([])) {
      let old = try d.get(x)
      try d.set(x, .int((old.flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0) + 1))
    }
    if d.count == 0, let function { throw CellError(ename: "StatisticsError", "no \(function) for empty data") }
    let pairs: [(Value, Int)] = zip(d.keys, d.values).map { k, v in
      if case .int(let n) = v { return (k, n) }
      return (k, 0)
    }
    let order = pairs.indices.sorted { pairs[$0].1 != pairs[$1].1 ? pairs[$0].1 > pairs[$1].1 : $0 < $1 }
    return order.map { pairs[$0] }
  }

  /// The sum of squared deviations from the mean, divided by `n − ddof`: exactly in
  /// integers for int data (an int when whole, as Python's), else in pairs of floats.
  static func variance(_ xs: [Value], ddof: Int) -> Value { variancePair(xs, ddof: ddof).value }

  /// The variance as Python gives it, and as an unevaluated pair of floats, so a standard
  /// deviation is the square root of the (nearly) exact variance rounded once, as CPython's
  /// _float_sqrt_of_frac, not of the variance already rounded to a float.
  static func variancePair(_ xs: [Value], ddof: Int) -> (value: Value, pair: Exact) {
    let divisor = xs.count - ddof
    if xs.allSatisfy({ if case .float = $0 { false } else { true } }) {
      let ints = xs.map { if case .int(let i)? = $0.numeric { i } else { 0 } }
      // n·Σx² − (Σx)² = n² · population variance; divided by n·divisor.
      var (sum, squares, overflow) = (0, 0, false)
      for i in ints {
        let (sq, o1) = i.multipliedReportingOverflow(by: i)
        let (s1, o2) = sum.addingReportingOverflow(i)
        let (s2, o3) = squares.addingReportingOverflow(sq)
        (sum, squares, overflow) = (s1, s2, overflow || o1 || o2 || o3)
      }
      let (a, o4) = squares.multipliedReportingOverflow(by: ints.count)
      let (b, o5) = sum.multipliedReportingOverflow(by: sum)
      let (denominator, o6) = ints.count.multipliedReportingOverflow(by: divisor)
      if !(overflow || o4 || o5 || o6) {
        let numerator = a - b
        let pair = quotient(numerator, denominator)
        if numerator % denominator == 0 { return (.int(numerator / denominator), pair) }
        return (.float(pair.value), pair)
      }
    }
    let values = xs.map { $0.numeric!.double }
    let mean = exactSum(values).divided(by: Double(values.count))
    var total = Exact()
    for x in values {
      let (dh, dl0) = Exact.twoSum(x, -mean.hi)
      let dl = dl0 - mean.lo
      let p = dh * dh
      total.add(p)
      total.add((-p).addingProduct(dh, dh) + 2 * dh * dl + dl * dl)
    }
    let pair = total.divided(by: Double(divisor))
    return (.float(pair.value), pair)
  }

  /// numerator / denominator as a pair, the numerator split into its high bits and its low
  /// 32 (each exact in a float), so a big int's quotient is rounded once, as Python's int / int.
  static func quotient(_ numerator: Int, _ denominator: Int) -> Exact {
    let high = (numerator >> 32) << 32
    let (h, l) = Exact.twoSum(Double(high), Double(numerator - high))
    return Exact(hi: h, lo: l).divided(by: Double(denominator))
  }

  /// The variance about a given center c (Python's xbar or mu): Σ(x − c)² in Python's own
  /// arithmetic (ints exact, floats rounded at each step, as CPython's _ss(data, c)), summed
  /// exactly and divided by n − ddof.
  static func variance(_ xs: [Value], ddof: Int, about c: Value) throws(CellError) -> (value: Value, pair: Exact) {
    var squares: [Value] = []
    for x in xs {
      let d = try Operators.binary(.subtract, x, c)
      squares.append(try Operators.binary(.multiply, d, d))
    }
    let divisor = xs.count - ddof
    if squares.allSatisfy({ if case .int = $0 { true } else { false } }) {
      var (total, overflow) = (0, false)
      for case .int(let i) in squares {
        let (t, o) = total.addingReportingOverflow(i)
        (total, overflow) = (t, overflow || o)
      }
      if !overflow {
        let pair = quotient(total, divisor)
        return (total % divisor == 0 ? .int(total / divisor) : .float(pair.value), pair)
      }
    }
    guard squares.allSatisfy({ $0.numeric != nil }) else { throw .typeError("can't convert type '\(c.typeName)' to numerator/denominator") }
    let pair = exactSum(squares.map { $0.numeric?.double ?? 0 }).divided(by: Double(divisor))
    return (.float(pair.value), pair)
  }

  /// A correctly rounded square root of a variance (one Newton step on the pair).
  /// The square root of hi + lo, rounded once: one Newton step on the pair's residual.
  static func root(_ v: Exact) -> Double {
    let x = v.value
    guard x > 0, x.isFinite else { return x.isNaN || x.isInfinite ? x : 0 }
    let s = x.squareRoot()
    return s + (v.hi.addingProduct(-s, s) + v.lo) / (2 * s)
  }

  private static func spread() -> [Builtin] {
    func spreadOf(_ name: String, sample: Bool, sqrt: Bool) -> Builtin {
      let center = sample ? "xbar" : "mu"
      return Builtin("\(name)(data, \(center)=None)", summary: "\(sample ? "Sample" : "Population") \(sqrt ? "standard deviation" : "variance") (about \(center) when given).") { a, _ in
        let xs = try numbers(a["data"], name, needed: sample ? 2 : 1)
        if let c = a.value(center) {
          let (v, pair) = try variance(xs, ddof: sample ? 1 : 0, about: c)
          return sqrt ? .float(root(pair)) : v
        }
        let (v, pair) = variancePair(xs, ddof: sample ? 1 : 0)
        return sqrt ? .float(root(pair)) : v
      }
    }
    return [
      spreadOf("variance", sample: true, sqrt: false), spreadOf("pvariance", sample: false, sqrt: false),
      spreadOf("stdev", sample: true, sqrt: true), spreadOf("pstdev", sample: false, sqrt: true),
      Builtin(
        "quantiles(data, *, n=4, method='exclusive')",
        summary: "The n - 1 cut points dividing the data into n equal groups ('inclusive': the data are the whole population)."
      ) { a, _ in
        let n = try a.int("n", default: 4)
        guard n >= 1 else { throw CellError(ename: "StatisticsError", "n must be at least 1") }
        let xs = try sortedNumbers(try numbers(a["data"], "quantiles", needed: 2, tooFew: "must have at least two data points")).map { $0.numeric?.double ?? 0 }
        let method = a.value("method") ?? .string("exclusive")
        guard case .string(let how) = method, how == "exclusive" || how == "inclusive" else {
          throw CellError.valueError("Unknown method: \(method.repr)")
        }
        try Memory.checkItems(n - 1, "list")
        // Python's integer index arithmetic (i·m is at most n·(len + 1), far from overflow for any list that fits).
        let m = how == "inclusive" ? xs.count - 1 : xs.count + 1
        return .list((1..<n).map { i in
          let (j, delta) = how == "inclusive" ? (i * m / n, i * m % n) : { j in (j, i * m - j * n) }(min(max(i * m / n, 1), xs.count - 1))
          let (low, high) = how == "inclusive" ? (xs[j], xs[j + 1]) : (xs[j - 1], xs[j])
          return .float((low * Double(n - delta) + high * Double(delta)) / Double(n))
        })
      },
    ]
  }
}
