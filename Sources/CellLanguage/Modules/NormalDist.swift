#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// statistics.NormalDist: a normal distribution as a class made here, so its operators,
/// ==, hashing and repr go through the class protocol (ClassProtocol.swift). An instance
/// keeps its floats in the fields `_mu` and `_sigma`; every formula is CPython 3.11's, in
/// its order of operations, so results match bit for bit (`samples` too: random's gauss is
/// CPython's).
struct NormalDistClass {
  let interpreter: Interpreter
  init(_ interpreter: Interpreter) { self.interpreter = interpreter }

  static func parts(_ v: Value) -> (mu: Double, sigma: Double)? {
    guard case .host(let i as InstanceObject) = v, i.cls.name == "NormalDist",
      case .float(let mu)? = try? i.fields.get(.string("_mu")), case .float(let sigma)? = try? i.fields.get(.string("_sigma"))
    else { return nil }
    return (mu, sigma)
  }

  static func make(_ cls: ClassObject, _ mu: Double, _ sigma: Double) throws(CellError) -> Value {
    let i = InstanceObject(cls)
    try i.fields.set(.string("_mu"), .float(mu))
    try i.fields.set(.string("_sigma"), .float(sigma))
    return .host(i)
  }

  private static func float(_ v: Value) throws(CellError) -> Double {
    if case .float(let d) = try StandardLibrary.toFloat(v) { return d }
    return 0
  }

  /// A number as fabs() takes it, with math's TypeError for anything else.
  private static func real(_ v: Value) throws(CellError) -> Double {
    guard let d = v.numeric?.double else { throw .typeError("must be real number, not \(v.typeName)") }
    return d
  }

  private static func undefined(_ what: String) -> CellError {
    StatisticsModule.error("\(what)() not defined when sigma is zero")
  }

  func method(_ signature: String, _ summary: String, _ body: @escaping (Double, Double, BoundArguments) throws -> Value) -> Value {
    .function(
      Builtin(signature: Signature(signature), summary: summary, isUserFunction: true) { a, _ in
        guard let (mu, sigma) = Self.parts(a["self"] ?? .none) else { throw CellError.typeError("a NormalDist method needs a NormalDist") }
        return try body(mu, sigma, a)
      })
  }

  func make() throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "NormalDist", bases: [], exceptionBases: [], attributes: [:],
      doc: "NormalDist(mu=0.0, sigma=1.0): a normal distribution; pdf, cdf, inv_cdf, quantiles, overlap, zscore, and + - * / with numbers.",
      interpreter: interpreter)
    cls.module = "statistics"
    let new = { (mu: Double, sigma: Double) throws(CellError) -> Value in try Self.make(cls, mu, sigma) }
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(signature: Signature("__init__(self, mu=0.0, sigma=1.0)"), summary: "", isUserFunction: true) { a, _ in
        let (mu, sigma) = (a["mu"] ?? .float(0), a["sigma"] ?? .float(1))
        if try Operators.compare(.less, sigma, .float(0)) { throw StatisticsModule.error("sigma must be non-negative") }
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        try me.fields.set(.string("_mu"), .float(try Self.float(mu)))
        try me.fields.set(.string("_sigma"), .float(try Self.float(sigma)))
        return .none
      })
    attributes["from_samples"] = .host(
      ClassMethodObject(
        .function(
          Builtin(signature: Signature("from_samples(cls, data)"), summary: "A NormalDist with the sample mean and stdev of data.", isUserFunction: true) {
            a, _ in
            let xs = try StatisticsModule.numbers(a["data"], "stdev", needed: 2)
            let mu = StatisticsModule.mean(xs).numeric?.double ?? 0
            return try new(mu, StatisticsModule.root(StatisticsModule.variancePair(xs, ddof: 1).pair))
          })))
    for (name, summary, get) in [
      ("mean", "The mean, mu.", { (mu: Double, _: Double) in mu }), ("median", "The median (mu).", { mu, _ in mu }),
      ("mode", "The mode (mu).", { mu, _ in mu }), ("stdev", "The standard deviation, sigma.", { _, sigma in sigma }),
      ("variance", "sigma squared.", { _, sigma in sigma * sigma }),
    ] {
      attributes[name] = .host(PropertyObject(get: method("\(name)(self)", summary) { mu, sigma, _ in .float(get(mu, sigma)) }, set: nil))
    }
    functions(into: &attributes)
    attributes["samples"] = .function(
      Builtin(
        signature: Signature("samples(self, n, *, seed=None)"),
        summary: "n draws, as random.gauss gives them (seed: from a Random of its own, as Python's).", isUserFunction: true
      ) { a, ctx in
        guard let (mu, sigma) = Self.parts(a["self"] ?? .none) else { throw CellError.typeError("a NormalDist method needs a NormalDist") }
        let n = max(0, try a.int("n", default: 0))
        try Memory.checkItems(n, "list")
        var out: [Value] = []
        if let seed = a["seed"], !seed.isNoneValue {
          let g = RandomGenerator(key: try RandomSeeds.key(seed))
          for i in 0..<n {
            if i & 0xFFFF == 0xFFFF { try ctx.checkInterrupt() }
            out.append(.float(g.gauss(mu, sigma)))
          }
        } else {
          // The session's own random.gauss, so random.seed(...) makes these repeat too.
          guard let gauss = try ctx.interpreter.module("random").members["gauss"] else { return .list(ListObject([])) }
          for i in 0..<n {
            if i & 0xFFFF == 0xFFFF { try ctx.checkInterrupt() }
            out.append(try ctx.interpreter.call(gauss, Arguments([.float(mu), .float(sigma)]), context: ctx))
          }
        }
        return .list(ListObject(out))
      })
    operators(new, into: &attributes)
    cls.attributes = attributes
    return cls
  }

  private func functions(into attributes: inout [String: Value]) {
    attributes["pdf"] = method("pdf(self, x)", "The probability density at x.") { mu, sigma, a in
      let variance = sigma * sigma
      guard variance != 0 else { throw Self.undefined("pdf") }
      let diff = try Self.real(try Operators.binary(.subtract, a["x"] ?? .none, .float(mu)))
      return .float(Glibc.exp(diff * diff / (-2.0 * variance)) / (2 * Double.pi * variance).squareRoot())
    }
    attributes["cdf"] = method("cdf(self, x)", "The probability of a value at most x.") { mu, sigma, a in
      guard sigma != 0 else { throw Self.undefined("cdf") }
      let diff = try Self.real(try Operators.binary(.subtract, a["x"] ?? .none, .float(mu)))
      return .float(0.5 * (1.0 + Glibc.erf(diff / (sigma * 2.0.squareRoot()))))
    }
    attributes["inv_cdf"] = method("inv_cdf(self, p)", "The x with cdf(x) == p (the quantile function).") { mu, sigma, a in
      .float(try Self.inverseCDF(a["p"] ?? .none, mu, sigma))
    }
    attributes["quantiles"] = method("quantiles(self, n=4)", "The n - 1 cut points dividing the distribution into n equally likely intervals.") { mu, sigma, a in
      let n = a["n"] ?? .int(4)
      guard case .int(let count) = n else { throw CellError.typeError("'\(n.typeName)' object cannot be interpreted as an integer") }
      try Memory.checkItems(max(count, 1) - 1, "list")
      var out: [Value] = []
      for i in stride(from: 1, to: count, by: 1) { out.append(.float(try Self.inverseCDF(.float(Double(i) / Double(count)), mu, sigma))) }
      return .list(ListObject(out))
    }
    attributes["zscore"] = method("zscore(self, x)", "(x - mean) / stdev.") { mu, sigma, a in
      guard sigma != 0 else { throw Self.undefined("zscore") }
      return .float(try Self.real(try Operators.binary(.subtract, a["x"] ?? .none, .float(mu))) / sigma)
    }
    attributes["overlap"] = method("overlap(self, other)", "The area the two distributions' densities share (0.0 to 1.0).") { mu, sigma, a in
      guard let other = Self.parts(a["other"] ?? .none) else { throw CellError.typeError("Expected another NormalDist instance") }
      return .float(try Self.overlap((mu, sigma), other))
    }
  }

  private static func overlap(_ first: (mu: Double, sigma: Double), _ second: (mu: Double, sigma: Double)) throws(CellError) -> Double {
    var (x, y) = (first, second)
    if y.sigma < x.sigma || (y.sigma == x.sigma && y.mu < x.mu) { swap(&x, &y) }  // as Python sorts, for symmetry
    let (xVar, yVar) = (x.sigma * x.sigma, y.sigma * y.sigma)
    guard xVar != 0, yVar != 0 else { throw undefined("overlap") }
    let dv = yVar - xVar
    let dm = abs(y.mu - x.mu)
    let sqrt2 = 2.0.squareRoot()
    if dv == 0 { return 1.0 - Glibc.erf(dm / (2.0 * x.sigma * sqrt2)) }
    let a = x.mu * yVar - y.mu * xVar
    let inner = dm * dm + dv * Glibc.log(yVar / xVar)
    guard inner >= 0 || inner.isNaN else { throw MathModule.domainError() }
    let b = x.sigma * y.sigma * inner.squareRoot()
    let (x1, x2) = ((a + b) / dv, (a - b) / dv)
    func cdf(_ d: (mu: Double, sigma: Double), _ v: Double) -> Double { 0.5 * (1.0 + Glibc.erf((v - d.mu) / (d.sigma * sqrt2))) }
    return 1.0 - (abs(cdf(y, x1) - cdf(x, x1)) + abs(cdf(y, x2) - cdf(x, x2)))
  }

  private static func inverseCDF(_ pValue: Value, _ mu: Double, _ sigma: Double) throws(CellError) -> Double {
    var outside = try Operators.compare(.lessEqual, pValue, .float(0))
    if !outside { outside = try Operators.compare(.greaterEqual, pValue, .float(1)) }
    if outside {
      throw StatisticsModule.error("p must be in the range 0.0 < p < 1.0")
    }
    guard sigma > 0 else { throw StatisticsModule.error("cdf() not defined when sigma at or below zero") }
    return NormalQuantile.value(try real(pValue), mu, sigma)
  }

  /// + and - with a number (shifts mu) or another NormalDist (adds variances); * and / by
  /// a number (scales both); unary - and +; == and hashing by (mu, sigma).
  private func operators(_ new: @escaping (Double, Double) throws(CellError) -> Value, into attributes: inout [String: Value]) {
    let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
    for (name, op) in [("__add__", BinaryOp.add), ("__radd__", .add), ("__sub__", .subtract), ("__rsub__", .subtract)] {
      attributes[name] = method("\(name)(self, other)", "") { mu, sigma, a in
        let other = a["other"] ?? .none
        if let (mu2, sigma2) = Self.parts(other) { return try new(op == .add ? mu + mu2 : mu - mu2, Glibc.hypot(sigma, sigma2)) }
        let shifted = try Self.float(try Operators.binary(op, .float(mu), other))
        return try new(name == "__rsub__" ? -shifted : shifted, sigma)
      }
    }
    for (name, op) in [("__mul__", BinaryOp.multiply), ("__rmul__", .multiply), ("__truediv__", .divide)] {
      attributes[name] = method("\(name)(self, other)", "") { mu, sigma, a in
        let other = a["other"] ?? .none
        // Python's order: mu op other, then fabs(other), then float() of the new mu.
        let scaled = try Operators.binary(op, .float(mu), other)
        let spread = try Operators.binary(op, .float(sigma), .float(abs(try Self.real(other))))
        return try new(try Self.float(scaled), try Self.float(spread))
      }
    }
    attributes["__neg__"] = method("__neg__(self)", "") { mu, sigma, _ in try new(-mu, sigma) }
    attributes["__pos__"] = method("__pos__(self)", "") { mu, sigma, _ in try new(mu, sigma) }
    attributes["__eq__"] = method("__eq__(self, other)", "") { mu, sigma, a in
      guard let other = Self.parts(a["other"] ?? .none) else { return notImplemented }
      return .bool(mu == other.mu && sigma == other.sigma)
    }
    attributes["__hash__"] = method("__hash__(self)", "") { mu, sigma, _ in .int(try StandardLibrary.pythonHash(.tuple([.float(mu), .float(sigma)]))) }
    attributes["__repr__"] = method("__repr__(self)", "") { mu, sigma, _ in
      .string("NormalDist(mu=\(Value.float(mu).repr), sigma=\(Value.float(sigma).repr))")
    }
  }
}
