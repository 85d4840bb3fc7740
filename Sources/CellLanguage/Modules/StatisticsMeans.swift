#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// statistics' other averages — fmean with weights, geometric_mean, harmonic_mean and
/// median_grouped — following CPython 3.11's code step by step, so results and errors match.
extension StatisticsModule {
  static func error(_ message: String) -> CellError { CellError(ename: "StatisticsError", message) }

  static func otherAverages() -> [Builtin] {
    [
      Builtin("fmean(data, weights=None)", summary: "The arithmetic mean as a float (weighted by weights when given).") { a, _ in
        let data = try ValueIterator.collect(a["data"] ?? .tuple([]))
        guard let weightsValue = a.value("weights") else {
          let total = try FloatSum.sum(try FloatSum.floats(.list(ListObject(data))))
          guard !data.isEmpty else { throw error("fmean requires at least one data point") }
          return .float(total / Double(data.count))
        }
        let weights = try ValueIterator.collect(weightsValue)
        var products: [Value] = []
        for (x, w) in zip(data, weights) { products.append(try Operators.binary(.multiply, x, w)) }
        let numerator = try FloatSum.sum(try FloatSum.floats(.list(ListObject(products))))
        guard data.count == weights.count else { throw error("data and weights must be the same length") }
        let denominator = try FloatSum.sum(try FloatSum.floats(.list(ListObject(weights))))
        guard denominator != 0 else { throw error("sum of weights must be non-zero") }
        return .float(numerator / denominator)
      },
      Builtin("geometric_mean(data)", summary: "The geometric mean (exp of the mean of the logs) of positive numbers.") { a, _ in
        let failure = error("geometric mean requires a non-empty dataset containing positive numbers")
        let xs = try FloatSum.floats(a["data"] ?? .tuple([]))
        guard !xs.isEmpty else { throw failure }
        for x in xs where x <= 0 { throw failure }
        return .float(Glibc.exp(try FloatSum.sum(xs.map { Glibc.log($0) }) / Double(xs.count)))
      },
      Builtin("harmonic_mean(data, weights=None)", summary: "The harmonic mean: the reciprocal of the mean of the reciprocals.") { a, _ in
        try harmonicMean(a)
      },
      Builtin("median_grouped(data, interval=1.0)", summary: "The median of data binned around midpoints interval apart, interpolated.") { a, _ in
        try medianGrouped(a)
      },
    ]
  }

  private static func harmonicMean(_ a: BoundArguments) throws(CellError) -> Value {
    let negative = error("harmonic mean does not support negative values")
    let data = try ValueIterator.collect(a["data"] ?? .tuple([]))
    guard !data.isEmpty else { throw error("harmonic_mean requires at least one data point") }
    func isNegative(_ v: Value) throws(CellError) -> Bool { try Operators.compare(.less, v, .int(0)) }
    let weightsValue = a.value("weights")
    if data.count == 1, weightsValue == nil {
      guard data[0].numeric != nil else { throw .typeError("unsupported type") }
      if try isNegative(data[0]) { throw negative }
      return data[0]
    }
    var weights = Array(repeating: Value.int(1), count: data.count)
    var sumOfWeights = Exact(hi: Double(data.count))
    if let weightsValue {
      weights = try ValueIterator.collect(weightsValue)
      guard weights.count == data.count else { throw error("Number of weights does not match data size") }
      sumOfWeights = Exact()
      for w in weights {
        if try isNegative(w) { throw negative }
        guard let d = w.numeric?.double else { throw .typeError("can't convert type '\(w.typeName)' to numerator/denominator") }
        sumOfWeights.add(d)
      }
    }
    var total = Exact()
    for (w, x) in zip(weights, data) {
      if try isNegative(x) { throw negative }
      guard w.isTruthy else { continue }
      guard let wd = w.numeric?.double, let xd = x.numeric?.double else {
        _ = try Operators.binary(.divide, w, x)
        throw .typeError("unsupported type")
      }
      if xd == 0 { return .int(0) }  // Python catches the ZeroDivisionError and returns 0
      total.add(wd / xd)
    }
    guard !(total.value <= 0) else { throw error("Weighted sum must be positive") }
    // The exact quotient of the two sums, rounded once (Python divides Fractions).
    let q = sumOfWeights.hi / total.hi
    guard q.isFinite, total.hi.isFinite else { return .float(sumOfWeights.value / total.value) }
    let remainder = sumOfWeights.hi.addingProduct(-q, total.hi) + sumOfWeights.lo - q * total.lo
    return .float(q + remainder / total.value)
  }

  private static func medianGrouped(_ a: BoundArguments) throws(CellError) -> Value {
    let data = try sortedNumbers(try ValueIterator.collect(a["data"] ?? .tuple([])))
    let n = data.count
    guard n > 0 else { throw error("no median for empty data") }
    let x = data[n / 2]
    func less(_ p: Value, _ q: Value) throws(CellError) -> Bool { try Operators.compare(.less, p, q) }
    // bisect_left and bisect_right, as Python finds the run of x.
    var (lo, hi) = (0, n)
    while lo < hi {
      let mid = (lo + hi) / 2
      if try less(data[mid], x) { lo = mid + 1 } else { hi = mid }
    }
    let i = lo
    hi = n
    while lo < hi {
      let mid = (lo + hi) / 2
      if try less(x, data[mid]) { hi = mid } else { lo = mid + 1 }
    }
    let j = lo
    func float(_ v: Value) throws(CellError) -> Double {
      do {
        if case .float(let d) = try StandardLibrary.toFloat(v) { return d }
        return 0
      } catch {
        throw error.ename == "ValueError" ? .typeError("Value cannot be converted to a float") : error
      }
    }
    let interval = try float(a.value("interval") ?? .float(1))
    let lower = try float(x) - interval / 2
    guard j > i else { throw CellError(ename: "ZeroDivisionError", "float division by zero") }
    return .float(lower + interval * (Double(n) / 2 - Double(i)) / Double(j - i))
  }
}
