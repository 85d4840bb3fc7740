/// The methods and attributes of int and float values (`n.bit_length()`, `x.is_integer()`,
/// `x.as_integer_ratio()`, `x.real`), as Python's.
extension Methods {
  private static func int(_ v: Value) -> Int {
    switch v {
    case .int(let i): i
    case .bool(let b): b ? 1 : 0
    default: 0
    }
  }
  private static func float(_ v: Value) -> Double {
    if case .float(let d) = v { return d }
    return 0
  }

  static let intMethods: [String: Spec] = [
    "bit_length": Spec("bit_length()", "How many bits the magnitude needs (0 for 0).") { v, _, _ in
      .int(Int.bitWidth - int(v).magnitude.leadingZeroBitCount)
    },
    "bit_count": Spec("bit_count()", "How many 1 bits the magnitude has.") { v, _, _ in .int(int(v).magnitude.nonzeroBitCount) },
    "as_integer_ratio": Spec("as_integer_ratio()", "(n, 1).") { v, _, _ in .tuple([.int(int(v)), .int(1)]) },
    "conjugate": Spec("conjugate()", "The number itself (ints are real).") { v, _, _ in .int(int(v)) },
  ]

  static let floatMethods: [String: Spec] = [
    "is_integer": Spec("is_integer()", "Whether the float has no fractional part.") { v, _, _ in
      .bool(float(v).isFinite && float(v) == float(v).rounded(.towardZero))
    },
    "as_integer_ratio": Spec("as_integer_ratio()", "The exact fraction (numerator, denominator) the float equals.") { v, _, _ in
      try ratio(float(v))
    },
    "hex": Spec("hex()", "The float in hexadecimal ('0x1.8000000000000p+1' for 3.0), exactly.") { v, _, _ in .string(hex(float(v))) },
    "conjugate": Spec("conjugate()", "The number itself (floats are real).") { v, _, _ in v },
  ]

  /// `x.real`, `x.imag`, `n.numerator`, `n.denominator` (ints and bools give ints).
  static func numberAttribute(_ v: Value, _ name: String) -> Value? {
    switch (v, name) {
    case (.int, "real"), (.bool, "real"), (.int, "numerator"), (.bool, "numerator"): .int(int(v))
    case (.int, "imag"), (.bool, "imag"): .int(0)
    case (.int, "denominator"), (.bool, "denominator"): .int(1)
    case (.float, "real"): v
    case (.float, "imag"): .float(0)
    default: nil
    }
  }

  private static func ratio(_ d: Double) throws(CellError) -> Value {
    guard !d.isNaN else { throw CellError.valueError("cannot convert NaN to integer ratio") }
    guard d.isFinite else { throw CellError(ename: "OverflowError", "cannot convert Infinity to integer ratio") }
    guard d != 0 else { return .tuple([.int(0), .int(1)]) }
    // d = significand × 2^exponent with an integral significand, reduced while even.
    var m = Int(d.significandBitPattern | (d.isNormal ? 1 << 52 : 0))
    var e = Int(d.exponent) - 52
    if !d.isNormal { e = -1074 }
    while m & 1 == 0 && e < 0 {
      m >>= 1
      e += 1
    }
    if d < 0 { m = -m }
    guard e < 0 ? -e <= 62 : m.magnitude.leadingZeroBitCount > e + 1 else { throw Operators.overflow() }
    return e < 0 ? .tuple([.int(m), .int(1 << -e)]) : .tuple([.int(m << e), .int(1)])
  }

  private static func hex(_ d: Double) -> String {
    if d.isNaN { return "nan" }
    if d.isInfinite { return d < 0 ? "-inf" : "inf" }
    let sign = d.sign == .minus ? "-" : ""
    if d == 0 { return sign + "0x0.0p+0" }
    let digits = String(d.significandBitPattern, radix: 16)
    let mantissa = String(repeating: "0", count: 13 - digits.count) + digits
    let exponent = d.isNormal ? Int(d.exponent) : -1022
    return "\(sign)0x\(d.isNormal ? 1 : 0).\(mantissa)p\(exponent < 0 ? "-" : "+")\(abs(exponent))"
  }
}
