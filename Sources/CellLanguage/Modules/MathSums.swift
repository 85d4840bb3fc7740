#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// math.fsum's sum: CPython's msum (Shewchuk's exact partials, rounded once at the end with
/// its half-way correction), so fsum and the statistics functions built on it give the
/// same bits as CPython's, including its errors for infinities and overflow.
enum FloatSum {
  /// The numbers of an iterable as floats, with fsum's TypeError for anything else.
  static func floats(_ v: Value) throws(CellError) -> [Double] {
    try ValueIterator.collect(v).map { (x) throws(CellError) -> Double in
      guard let d = x.numeric?.double else { throw .typeError("must be real number, not \(x.typeName)") }
      return d
    }
  }

  static func sum(_ xs: [Double]) throws(CellError) -> Double {
    // Non-overlapping partials, smallest first; at most about 40 for doubles.
    var partials: [Double] = []
    var special = 0.0
    var infinities = 0.0
    for value in xs {
      var x = value
      var kept = 0
      for j in partials.indices {
        var y = partials[j]
        if abs(x) < abs(y) { swap(&x, &y) }
        let hi = x + y
        let lo = y - (hi - x)
        if lo != 0 {
          partials[kept] = lo
          kept += 1
        }
        x = hi
      }
      partials.removeLast(partials.count - kept)
      guard x != 0 else { continue }
      if !x.isFinite {
        // A finite item that made the sum infinite overflowed; infinities and NaNs are summed apart.
        if value.isFinite { throw CellError(ename: "OverflowError", "intermediate overflow in fsum") }
        if value.isInfinite { infinities += value }
        special += value
        partials.removeAll()
      } else {
        partials.append(x)
      }
    }
    if special != 0 {
      if infinities.isNaN { throw .valueError("-inf + inf in fsum") }
      return special
    }
    guard var n = partials.indices.last else { return 0 }
    var hi = partials[n]
    var lo = 0.0
    while n > 0 {
      n -= 1
      let x = hi
      let y = partials[n]
      hi = x + y
      lo = y - (hi - x)
      if lo != 0 { break }
    }
    // Round half-even by hand when the rest of the partials break a tie.
    if n > 0, (lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0) {
      let y = lo * 2
      let x = hi + y
      if y == x - hi { hi = x }
    }
    return hi
  }
}

/// The Euclidean norm of a vector as CPython 3.11's math.hypot and math.dist compute it
/// (vector_norm): scaled by a power of two, squares summed in extended precision, and one
/// correction step, so the bits match Python's.
enum VectorNorm {
  /// `values` are absolute values; `largest` the largest of them.
  static func norm(_ values: [Double], largest: Double, foundNaN: Bool) -> Double {
    if largest.isInfinite { return largest }
    if foundNaN { return .nan }
    if largest == 0 || values.count <= 1 { return largest }
    var exponent: Int32 = 0
    _ = Glibc.frexp(largest, &exponent)
    if exponent < -1023 {
      // Subnormal: 2**-exponent would overflow, so scale up to normal numbers first.
      let least = Double.leastNormalMagnitude
      return least * norm(values.map { $0 / least }, largest: largest / least, foundNaN: false)
    }
    let scale = Glibc.ldexp(1.0, -exponent)
    // The sum of squares as csum - 1 + frac1 + frac2: csum + frac2 add exactly (fast
    // two-sum, csum starting at 1 so every square is smaller), frac1 keeps the squares' low parts.
    var (csum, frac1, frac2) = (1.0, 0.0, 0.0)
    for v in values {
      let x = v * scale
      let square = x * x
      frac1 += (-square).addingProduct(x, x)
      let s = csum + square
      frac2 += square - (s - csum)
      csum = s
    }
    var h = (csum - 1.0 + (frac1 + frac2)).squareRoot()
    // One correction step on the residual sum - h*h, computed the same exact way.
    let p = -h * h
    frac1 += (-p).addingProduct(-h, h)
    let s = csum + p
    frac2 += p - (s - csum)
    csum = s
    h += (csum - 1.0 + (frac1 + frac2)) / (2.0 * h)
    return h / scale
  }
}
