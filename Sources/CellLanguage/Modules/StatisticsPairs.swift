/// statistics' functions of paired data — covariance, correlation and linear_regression —
/// as CPython 3.11 computes them: float means by fsum, then fsum of the products of
/// deviations, so the bits match Python's.
extension StatisticsModule {
  /// x and y as floats, of one length and at least two points (`what` names the function
  /// in Python's messages).
  private static func pairs(_ a: BoundArguments, _ what: String) throws(CellError) -> ([Double], [Double]) {
    let x = try ValueIterator.collect(a["x"] ?? .tuple([]))
    let y = try ValueIterator.collect(a["y"] ?? .tuple([]))
    guard x.count == y.count else {
      throw CellError(ename: "StatisticsError", "\(what) requires that both inputs have same number of data points")
    }
    guard x.count >= 2 else { throw CellError(ename: "StatisticsError", "\(what) requires at least two data points") }
    return (try FloatSum.floats(.list(ListObject(x))), try FloatSum.floats(.list(ListObject(y))))
  }

  /// Σ(x − x̄)(y − ȳ) and the two means.
  private static func deviations(_ x: [Double], _ y: [Double]) throws(CellError) -> (sxy: Double, xbar: Double, ybar: Double) {
    let n = Double(x.count)
    let (xbar, ybar) = (try FloatSum.sum(x) / n, try FloatSum.sum(y) / n)
    return (try FloatSum.sum(zip(x, y).map { ($0 - xbar) * ($1 - ybar) }), xbar, ybar)
  }

  private static func squares(_ x: [Double], _ mean: Double) throws(CellError) -> Double {
    try FloatSum.sum(x.map { ($0 - mean) * ($0 - mean) })
  }

  static func paired(_ regression: ClassObject) -> [Builtin] {
    [
      Builtin("covariance(x, y)", summary: "The sample covariance of x and y.") { a, _ in
        let (x, y) = try pairs(a, "covariance")
        return .float(try deviations(x, y).sxy / Double(x.count - 1))
      },
      Builtin("correlation(x, y)", summary: "Pearson's correlation coefficient of x and y (-1 to 1).") { a, _ in
        let (x, y) = try pairs(a, "correlation")
        let (sxy, xbar, ybar) = try deviations(x, y)
        let denominator = (try squares(x, xbar) * squares(y, ybar)).squareRoot()
        guard denominator != 0 else { throw CellError(ename: "StatisticsError", "at least one of the inputs is constant") }
        return .float(sxy / denominator)
      },
      Builtin(
        "linear_regression(x, y, *, proportional=False)",
        summary: "LinearRegression(slope, intercept) of y on x by least squares (through the origin when proportional)."
      ) { a, _ in
        let (x, y) = try pairs(a, "linear regression")
        let proportional = try a.bool("proportional", default: false)
        // Through the origin: raw sums of products; else sums of deviations from the means.
        let d = proportional ? (sxy: 0.0, xbar: 0.0, ybar: 0.0) : try deviations(x, y)
        let sxy = proportional ? try FloatSum.sum(zip(x, y).map { $0 * $1 }) : d.sxy
        let sxx = proportional ? try FloatSum.sum(x.map { $0 * $0 }) : try squares(x, d.xbar)
        guard sxx != 0 else { throw CellError(ename: "StatisticsError", "x is constant") }
        let slope = sxy / sxx
        let result = InstanceObject(regression)
        try result.setAttribute("slope", .float(slope))
        try result.setAttribute("intercept", .float(proportional ? 0 : d.ybar - slope * d.xbar))
        return .host(result)
      },
    ]
  }

  /// The LinearRegression named tuple linear_regression returns.
  static func regressionClass(_ interpreter: Interpreter) throws(CellError) -> ClassObject {
    var a = BoundArguments(function: "namedtuple")
    a.values["typename"] = .string("LinearRegression")
    a.values["field_names"] = .tuple([.string("slope"), .string("intercept")])
    let cls = try NamedTuples.make(a, interpreter)
    cls.module = "statistics"
    return cls
  }
}
