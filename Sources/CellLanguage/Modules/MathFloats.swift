#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The math functions that take floats apart or step between them (frexp, ldexp, modf,
/// nextafter, ulp, remainder), and cbrt and exp2: CPython 3.11's special cases and errors.
extension MathModule {
  /// A float argument as math takes one (int and bool too), with its TypeError otherwise.
  static func real(_ v: Value?) throws(CellError) -> Double {
    let v = v ?? .none
    guard let d = v.numeric?.double else { throw .typeError("must be real number, not \(v.typeName)") }
    return d
  }

  static func floatParts() -> [Builtin] { [
    unary("cbrt", "The cube root of x.", Glibc.cbrt),
    unary("exp2", "2 raised to the power x.", Glibc.exp2),
    Builtin("frexp(x)", summary: "(m, e) with x == m * 2**e and 0.5 <= abs(m) < 1 ((x, 0) for 0, inf and nan).") { a, _ in
      let x = try real(a["x"])
      guard x.isFinite, x != 0 else { return .tuple([.float(x), .int(0)]) }
      var e: Int32 = 0
      let m = Glibc.frexp(x, &e)
      return .tuple([.float(m), .int(Int(e))])
    },
    Builtin("ldexp(x, i)", summary: "x * 2**i, exactly (the inverse of frexp).") { a, _ in
      let x = try real(a["x"])
      let i: Int
      switch a["i"] ?? .none {
      case .int(let n): i = n
      case .bool(let b): i = b ? 1 : 0
      default: throw CellError.typeError("Expected an int as second argument to ldexp.")
      }
      guard x != 0, x.isFinite else { return .float(x) }
      if i > Int(Int32.max) { throw rangeError() }
      if i < Int(Int32.min) { return .float(Glibc.copysign(0, x)) }
      let r = Glibc.ldexp(x, Int32(i))
      if r.isInfinite { throw rangeError() }
      return .float(r)
    },
    Builtin("modf(x)", summary: "(fraction, whole) of x, both floats with x's sign.") { a, _ in
      let x = try real(a["x"])
      if x.isInfinite { return .tuple([.float(Glibc.copysign(0, x)), .float(x)]) }
      let whole = Glibc.trunc(x)
      return .tuple([.float(Glibc.copysign(x - whole, x)), .float(whole)])
    },
    Builtin("nextafter(x, y)", summary: "The float after x in the direction of y.") { a, _ in
      .float(Glibc.nextafter(try real(a["x"]), try real(a["y"])))
    },
    Builtin("ulp(x)", summary: "The value of the least significant bit of the float x.") { a, _ in
      let x = abs(try real(a["x"]))
      if x.isNaN || x.isInfinite { return .float(x) }
      if x == .greatestFiniteMagnitude { return .float(x - Glibc.nextafter(x, 0)) }
      return .float(Glibc.nextafter(x, .infinity) - x)
    },
    Builtin("remainder(x, y)", summary: "The IEEE 754 remainder of x by y: x - n*y with n the nearest integer to x/y.") { a, _ in
      let (x, y) = (try real(a["x"]), try real(a["y"]))
      if x.isNaN { return .float(x) }
      if y.isNaN { return .float(y) }
      if x.isInfinite || y == 0 { throw domainError() }
      if y.isInfinite { return .float(x) }
      return .float(Glibc.remainder(x, y))
    },
  ] }
}
