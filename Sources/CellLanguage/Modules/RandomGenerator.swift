#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One random.Random: the Mersenne Twister and gauss()'s second number, with the float
/// distributions of CPython 3.11's Lib/random.py, step for step (same draws in the same order,
/// same formulas), so a seed gives CPython's numbers.
final class RandomGenerator {
  var twister = MersenneTwister()
  /// gauss() makes two numbers at a time and keeps the second for the next call.
  var gaussNext: Double?

  init(key: [UInt32]? = nil) { seed(key: key) }

  /// nil: from the operating system's entropy.
  func seed(key: [UInt32]?) {
    twister.seed(key: key ?? RandomSeeds.entropy())
    gaussNext = nil
  }

  func random() -> Double { twister.unit() }

  private static let twoPi = 2.0 * Double.pi
  private static let nvMagic = 4 * exp(-0.5) / 2.0.squareRoot()
  private static let log4 = log(4.0)
  private static let sgMagic = 1.0 + log(4.5)
  private static let e = M_E

  static func divide(_ a: Double, _ b: Double) throws(CellError) -> Double {
    guard b != 0 else { throw CellError(ename: "ZeroDivisionError", "float division by zero") }
    return a / b
  }

  /// Python's float `%`: the result takes the divisor's sign.
  private static func modulo(_ a: Double, _ b: Double) -> Double {
    var r = fmod(a, b)
    if r != 0 {
      if (b < 0) != (r < 0) { r += b }
    } else {
      r = copysign(0, b)
    }
    return r
  }

  func normalvariate(_ mu: Double, _ sigma: Double) -> Double {
    while true {
      let u1 = random()
      let u2 = 1.0 - random()
      let z = Self.nvMagic * (u1 - 0.5) / u2
      if z * z / 4.0 <= -log(u2) { return mu + z * sigma }
    }
  }

  func lognormvariate(_ mu: Double, _ sigma: Double) -> Double { exp(normalvariate(mu, sigma)) }

  func gauss(_ mu: Double, _ sigma: Double) -> Double {
    var z = gaussNext
    gaussNext = nil
    if z == nil {
      let x2pi = random() * Self.twoPi
      let g2rad = (-2.0 * log(1.0 - random())).squareRoot()
      z = cos(x2pi) * g2rad
      gaussNext = sin(x2pi) * g2rad
    }
    return mu + z! * sigma
  }

  func expovariate(_ lambd: Double) throws(CellError) -> Double {
    try Self.divide(-log(1.0 - random()), lambd)
  }

  /// A NaN kappa is an error here: Python's rejection loop never ends on it.
  func vonmisesvariate(_ mu: Double, _ kappa: Double) throws(CellError) -> Double {
    guard !kappa.isNaN else { throw .valueError("vonmisesvariate: kappa must not be NaN") }
    if kappa <= 1e-6 { return Self.twoPi * random() }
    let s = 0.5 / kappa
    let r = s + (1.0 + s * s).squareRoot()
    var z: Double
    while true {
      let u1 = random()
      z = cos(Double.pi * u1)
      let d = z / (r + z)
      let u2 = random()
      if u2 < 1.0 - d * d || u2 <= (1.0 - d) * exp(d) { break }
    }
    let q = 1.0 / r
    let f = (q + z) / (1.0 + q * z)
    let u3 = random()
    return u3 > 0.5 ? Self.modulo(mu + acos(f), Self.twoPi) : Self.modulo(mu - acos(f), Self.twoPi)
  }

  /// A NaN or infinite alpha (and a NaN beta) is an error here: Python's loops never end on them.
  func gammavariate(_ alpha: Double, _ beta: Double) throws(CellError) -> Double {
    if alpha <= 0.0 || beta <= 0.0 { throw .valueError("gammavariate: alpha and beta must be > 0.0") }
    guard alpha.isFinite, !beta.isNaN else { throw .valueError("gammavariate: alpha must be finite and beta not NaN") }
    if alpha > 1.0 {
      // R.C.H. Cheng's rejection method, as random.py.
      let ainv = (2.0 * alpha - 1.0).squareRoot()
      let bbb = alpha - Self.log4
      let ccc = alpha + ainv
      while true {
        let u1 = random()
        if !(1e-7 < u1 && u1 < 0.9999999) { continue }
        let u2 = 1.0 - random()
        let v = log(u1 / (1.0 - u1)) / ainv
        let x = alpha * exp(v)
        let z = u1 * u1 * u2
        let r = bbb + ccc * v - x
        if r + Self.sgMagic - 4.5 * z >= 0.0 || r >= log(z) { return x * beta }
      }
    }
    if alpha == 1.0 { return -log(1.0 - random()) * beta }
    // ALGORITHM GS of Statistical Computing (Kennedy & Gentle), as random.py.
    while true {
      let u = random()
      let b = (Self.e + alpha) / Self.e
      let p = b * u
      let x = p <= 1.0 ? pow(p, 1.0 / alpha) : -log((b - p) / alpha)
      let u1 = random()
      if p > 1.0 {
        if u1 <= pow(x, alpha - 1.0) { return x * beta }
      } else if u1 <= exp(-x) {
        return x * beta
      }
    }
  }

  func betavariate(_ alpha: Double, _ beta: Double) throws(CellError) -> Double {
    let y = try gammavariate(alpha, 1.0)
    if y == 0 { return 0.0 }
    return y / (y + (try gammavariate(beta, 1.0)))
  }

  func paretovariate(_ alpha: Double) throws(CellError) -> Double {
    let u = 1.0 - random()
    return pow(u, try Self.divide(-1.0, alpha))
  }

  func weibullvariate(_ alpha: Double, _ beta: Double) throws(CellError) -> Double {
    let u = 1.0 - random()
    return alpha * pow(-log(u), try Self.divide(1.0, beta))
  }
}
