#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `import math`: Python's math module on the C library, with its errors — a value outside
/// a function's domain is `ValueError: math domain error`, a result too large for a float
/// `OverflowError: math range error`.
enum MathModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "math", summary: "Mathematical functions on floats (and exact ones on integers), as Python's math module.",
      functions: real() + floatParts() + integer() + sequences(),
      constants: [("pi", .float(.pi)), ("e", .float(M_E)), ("tau", .float(2 * .pi)),
        ("inf", .float(.infinity)), ("nan", .float(.nan))])
  }

  static func domainError() -> CellError { .valueError("math domain error") }
  static func rangeError() -> CellError { CellError(ename: "OverflowError", "math range error") }

  /// A float function of x: `valid` is its domain, and a finite x giving an infinite
  /// result is a range error (exp(1000)).
  static func unary(
    _ name: String, _ summary: String, valid: @escaping (Double) -> Bool = { _ in true },
    _ f: @escaping (Double) -> Double
  ) -> Builtin {
    Builtin("\(name)(x)", summary: summary) { a, _ in
      let x = try a.double("x", default: 0)
      guard x.isNaN || valid(x) else { throw domainError() }
      let y = f(x)
      if y.isInfinite && x.isFinite { throw rangeError() }
      if y.isNaN && !x.isNaN { throw domainError() }
      return .float(y)
    }
  }

  /// floor, ceil and trunc: an int, from an int unchanged.
  private static func rounding(_ name: String, _ summary: String, _ f: @escaping (Double) -> Double) -> Builtin {
    Builtin("\(name)(x)", summary: summary) { a, _ in
      if case .int(let i)? = a["x"]?.numeric { return .int(i) }
      return try StandardLibrary.toInt(.float(f(try a.double("x", default: 0))))
    }
  }

  static func real() -> [Builtin] { [
    unary("sqrt", "The square root of x.", valid: { $0 >= 0 }, Glibc.sqrt),
    unary("exp", "e raised to the power x.", Glibc.exp),
    unary("expm1", "exp(x) - 1, accurate for small x.", Glibc.expm1),
    Builtin("log(x, base=None)", summary: "The natural logarithm of x, or its logarithm to the given base.") { a, _ in
      let x = try a.double("x", default: 0)
      guard x > 0 || x.isNaN else { throw domainError() }
      guard let base = try a.double("base") else { return .float(Glibc.log(x)) }
      guard base > 0 || base.isNaN else { throw domainError() }
      guard base != 1 else { throw CellError(ename: "ZeroDivisionError", "float division by zero") }
      return .float(Glibc.log(x) / Glibc.log(base))
    },
    unary("log2", "The base-2 logarithm of x.", valid: { $0 > 0 }, Glibc.log2),
    unary("log10", "The base-10 logarithm of x.", valid: { $0 > 0 }, Glibc.log10),
    unary("log1p", "log(1 + x), accurate for small x.", valid: { $0 > -1 }, Glibc.log1p),
    Builtin("pow(x, y)", summary: "x raised to the power y, as floats.") { a, _ in
      let (x, y) = (try a.double("x", default: 0), try a.double("y", default: 0))
      if x == 0 && y < 0 { throw domainError() }
      if x < 0 && x.isFinite && y.isFinite && y != y.rounded() { throw domainError() }
      let r = Glibc.pow(x, y)
      if r.isInfinite && x.isFinite && y.isFinite { throw rangeError() }
      return .float(r)
    },
    unary("fabs", "The absolute value of x, as a float.", Glibc.fabs),
    rounding("floor", "The largest integer <= x.", Glibc.floor),
    rounding("ceil", "The smallest integer >= x.", Glibc.ceil),
    rounding("trunc", "x with its fraction dropped (toward zero), as an integer.", Glibc.trunc),
    unary("sin", "The sine of x (radians).", valid: { $0.isFinite }, Glibc.sin),
    unary("cos", "The cosine of x (radians).", valid: { $0.isFinite }, Glibc.cos),
    unary("tan", "The tangent of x (radians).", valid: { $0.isFinite }, Glibc.tan),
    unary("asin", "The arc sine of x, in radians.", valid: { abs($0) <= 1 }, Glibc.asin),
    unary("acos", "The arc cosine of x, in radians.", valid: { abs($0) <= 1 }, Glibc.acos),
    unary("atan", "The arc tangent of x, in radians.", Glibc.atan),
    Builtin("atan2(y, x)", summary: "The angle of the point (x, y), in radians (-pi to pi).") { a, _ in
      .float(Glibc.atan2(try a.double("y", default: 0), try a.double("x", default: 0)))
    },
    unary("sinh", "The hyperbolic sine of x.", Glibc.sinh),
    unary("cosh", "The hyperbolic cosine of x.", Glibc.cosh),
    unary("tanh", "The hyperbolic tangent of x.", Glibc.tanh),
    unary("asinh", "The inverse hyperbolic sine of x.", Glibc.asinh),
    unary("acosh", "The inverse hyperbolic cosine of x.", valid: { $0 >= 1 }, Glibc.acosh),
    unary("atanh", "The inverse hyperbolic tangent of x.", valid: { abs($0) < 1 }, Glibc.atanh),
    unary("erf", "The error function of x.", Glibc.erf),
    unary("erfc", "1 - erf(x), accurate for large x.", Glibc.erfc),
    unary("gamma", "The gamma function of x.", valid: { $0 > 0 || $0 != $0.rounded() }, Glibc.tgamma),
    unary("lgamma", "The natural logarithm of |gamma(x)|.", valid: { $0 > 0 || $0 != $0.rounded() }, Glibc.lgamma),
    unary("degrees", "x converted from radians to degrees.") { $0 * 180 / .pi },
    unary("radians", "x converted from degrees to radians.") { $0 * .pi / 180 },
    Builtin("hypot(*coordinates)", summary: "The Euclidean distance from the origin: sqrt(sum of squares).") { a, _ in
      var (values, largest, foundNaN) = ([Double](), 0.0, false)
      for v in a.variadic {
        let x = abs(try real(v))
        if x > largest { largest = x }
        foundNaN = foundNaN || x.isNaN
        values.append(x)
      }
      return .float(VectorNorm.norm(values, largest: largest, foundNaN: foundNaN))
    },
    Builtin("copysign(x, y)", summary: "x with the sign of y.") { a, _ in
      .float(Glibc.copysign(try a.double("x", default: 0), try a.double("y", default: 0)))
    },
    Builtin("fmod(x, y)", summary: "The C remainder of x / y (the sign of x, where % takes y's).") { a, _ in
      let (x, y) = (try a.double("x", default: 0), try a.double("y", default: 0))
      if y == 0 || x.isInfinite { throw domainError() }
      return .float(Glibc.fmod(x, y))
    },
    Builtin("isnan(x)", summary: "Whether x is a NaN.") { a, _ in .bool(try a.double("x", default: 0).isNaN) },
    Builtin("isinf(x)", summary: "Whether x is positive or negative infinity.") { a, _ in
      .bool(try a.double("x", default: 0).isInfinite)
    },
    Builtin("isfinite(x)", summary: "Whether x is neither infinite nor a NaN.") { a, _ in
      .bool(try a.double("x", default: 0).isFinite)
    },
    Builtin(
      "isclose(a, b, *, rel_tol=1e-09, abs_tol=0.0)",
      summary: "Whether a and b are equal within rel_tol of the larger or abs_tol."
    ) { a, _ in
      let (x, y) = (try a.double("a", default: 0), try a.double("b", default: 0))
      let (rel, abs_) = (try a.double("rel_tol", default: 1e-9), try a.double("abs_tol", default: 0))
      guard rel >= 0, abs_ >= 0 else { throw CellError.valueError("tolerances must be non-negative") }
      if x == y { return .bool(true) }
      if x.isInfinite || y.isInfinite { return .bool(false) }
      let diff = abs(x - y)
      return .bool(diff <= abs(rel * y) || diff <= abs(rel * x) || diff <= abs_)
    },
  ] }
}
