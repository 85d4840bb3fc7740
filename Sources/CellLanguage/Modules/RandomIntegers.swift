/// randrange's argument rules and arithmetic, as CPython 3.11's Lib/random.py (its messages
/// too), on the 64-bit ints this language has: a range wider than Int.max is an OverflowError.
enum RandomIntegers {
  static func randrange(_ g: RandomGenerator, _ start: Value, _ stop: Value?, _ step: Value?) throws(CellError) -> Int {
    let istart = try index(start, "arg 1")
    guard let stop else {
      // random.py checks `step is not 1` before reading step as an integer.
      if let step, step != .int(1) { throw .typeError("Missing a non-None stop argument") }
      guard istart > 0 else { throw .valueError("empty range for randrange()") }
      return g.twister.below(istart)
    }
    let istop = try index(stop, "stop")
    let (width, overflow) = istop.subtractingReportingOverflow(istart)
    guard !overflow else { throw tooWide }
    let istep = try step.map { (v) throws(CellError) in try index(v, "step") } ?? 1
    if istep == 1 {
      guard width > 0 else { throw .valueError("empty range for randrange() (\(istart), \(istop), \(width))") }
      return istart + g.twister.below(width)
    }
    guard istep != 0 else { throw .valueError("zero step for randrange()") }
    let (top, over) = width.addingReportingOverflow(istep > 0 ? istep - 1 : istep + 1)
    guard !over else { throw tooWide }
    let n = floorDivide(top, istep)
    guard n > 0 else { throw .valueError("empty range for randrange()") }
    return istart + istep * g.twister.below(n)
  }

  private static var tooWide: CellError { CellError(ename: "OverflowError", "randrange() range too wide: ints here are 64-bit") }

  /// Python's `//`: rounds toward negative infinity.
  static func floorDivide(_ a: Int, _ b: Int) -> Int {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
  }

  /// randrange's reading of an argument: an int, or a float with no fraction (deprecated in
  /// Python 3.10+, still accepted by 3.11).
  static func index(_ v: Value, _ what: String) throws(CellError) -> Int {
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case .float(let d):
      if d.isNaN { throw .valueError("cannot convert float NaN to integer") }
      if d.isInfinite { throw CellError(ename: "OverflowError", "cannot convert float infinity to integer") }
      guard d == d.rounded(.towardZero) else { throw .valueError("non-integer \(what) for randrange()") }
      guard let i = Int(exactly: d) else { throw tooWide }
      return i
    case .string(let s):
      // Python tries int(s): a number written out is still not an int.
      guard Int(s.trimmingSpaces) != nil else { throw .valueError("invalid literal for int() with base 10: \(v.repr)") }
      throw .valueError("non-integer \(what) for randrange()")
    default: throw .typeError("int() argument must be a string, a bytes-like object or a real number, not '\(v.typeName)'")
    }
  }

  /// randint(a, b) is randrange(a, b + 1).
  static func plusOne(_ b: Value) throws(CellError) -> Value {
    switch b {
    case .int(let i):
      let (n, overflow) = i.addingReportingOverflow(1)
      guard !overflow else { throw tooWide }
      return .int(n)
    case .bool(let x): return .int(x ? 2 : 1)
    case .float(let d): return .float(d + 1)
    case .string: throw .typeError("can only concatenate str (not \"int\") to str")
    default: throw .typeError("unsupported operand type(s) for +: '\(b.typeName)' and 'int'")
    }
  }

  /// b - a as Python computes it in uniform(): exactly for two ints, then made a float.
  static func difference(_ b: Value, _ a: Value, _ asFloats: Double) -> Double {
    if case .int(let y)? = b.numeric, case .int(let x)? = a.numeric {
      let (d, overflow) = y.subtractingReportingOverflow(x)
      if !overflow { return Double(d) }
    }
    return asFloats
  }
}
