import CellLanguage
import Testing

// math's float-part functions, lcm, hypot/dist/fsum as CPython computes them, and the integer functions'
// errors: the cell is also valid Python, and its expected output is what CPython 3.11 prints for it.

/// cbrt, exp2, frexp, ldexp, modf, nextafter, ulp, remainder, lcm, hypot, dist, fsum, isqrt, comb and perm, with their errors.
@Test func math_moreFunctionsMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import math
    def t(f, *a):
        try:
            print(repr(f(*a)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    print(math.cbrt(27), math.cbrt(-8), math.cbrt(2), math.exp2(10), math.exp2(0.5), math.exp2(-1074))
    print(math.frexp(8), math.frexp(-0.3), math.frexp(0.0), math.frexp(math.inf), math.ldexp(0.75, 4), math.ldexp(1, -1074), math.ldexp(-0.0, 5))
    print(math.modf(3.25), math.modf(-2.5), math.modf(-3.0), math.modf(math.inf), math.modf(-math.inf), math.modf(7))
    print(math.nextafter(1.0, 2.0), math.nextafter(1.0, 0.0), math.nextafter(0.0, -1.0), math.nextafter(3, 3))
    print(math.ulp(1.0), math.ulp(1e300), math.ulp(0.0), math.ulp(-2.5), math.ulp(math.inf), math.ulp(1.7976931348623157e308))
    print(math.remainder(10, 3), math.remainder(11, 3), math.remainder(-7.5, 2), math.remainder(5, math.inf), math.remainder(3.5, 1))
    print(math.lcm(4, 6), math.lcm(), math.lcm(5), math.lcm(-4, 6, 10), math.lcm(3, 0, 7), math.lcm(True, 9), math.gcd(True, 4), math.gcd(-12, 18, 30))
    print(math.hypot(3, 4), math.hypot(), math.hypot(-2.5), math.hypot(1, 2, 3), math.hypot(0.1, 0.2, 0.3, 0.4), math.hypot(1e308, 1e308), math.hypot(5e-324, 5e-324))
    print(math.hypot(math.inf, math.nan), math.hypot(1, math.nan), math.dist((1, 2), (4, 6)), math.dist([0.1, 0.7, 2.3], [1.9, -0.4, 0.05]), math.dist([], []))
    print(math.fsum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50]), math.fsum([1e-16, 1, 1e16]), math.fsum([]), math.fsum(range(10)), math.fsum([math.inf, 1]))
    print(math.isqrt(0), math.isqrt(15), math.isqrt(16), math.isqrt(2**62), math.isqrt(9223372036854775807), math.comb(10, 3), math.perm(5), math.perm(5, 2), math.comb(3, 5))
    t(math.lcm, 2.0)
    t(math.ldexp, 1.0, 2.0)
    t(math.ldexp, 1.0, 2000)
    t(math.exp2, 2000)
    t(math.remainder, math.inf, 2)
    t(math.remainder, 1, 0)
    t(math.fsum, [math.inf, -math.inf])
    t(math.fsum, [1e308, 1e308])
    t(math.fsum, [1, 'a'])
    t(math.dist, (1, 2), (3,))
    t(math.hypot, 'a')
    t(math.isqrt, -1)
    t(math.comb, -1, 2)
    t(math.comb, 3, -2)
    t(math.perm, -1)
    t(math.perm, 3, -1)
    t(math.factorial, -1)
    t(math.comb, 3.0, 1)
    t(math.frexp, 'a')
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    3.0000000000000004 -2.0 1.2599210498948734 1024.0 1.4142135623730951 5e-324
    (0.5, 4) (-0.6, -1) (0.0, 0) (inf, 0) 12.0 5e-324 -0.0
    (0.25, 3.0) (-0.5, -2.0) (-0.0, -3.0) (0.0, inf) (-0.0, -inf) (0.0, 7.0)
    1.0000000000000002 0.9999999999999999 -5e-324 3.0
    2.220446049250313e-16 1.487016908477783e+284 5e-324 4.440892098500626e-16 inf 1.99584030953472e+292
    1.0 -1.0 0.5 5.0 -0.5
    12 1 5 60 0 9 1 6
    5.0 0.0 2.5 3.7416573867739413 0.5477225575051661 1.4142135623730951e+308 5e-324
    inf nan 5.0 3.084234102658227 0.0
    1.0 1e-100 1.0000000000000002e+16 0.0 45.0 inf
    0 3 4 2147483648 3037000499 120 120 20 0
    TypeError: 'float' object cannot be interpreted as an integer
    TypeError: Expected an int as second argument to ldexp.
    OverflowError: math range error
    OverflowError: math range error
    ValueError: math domain error
    ValueError: math domain error
    ValueError: -inf + inf in fsum
    OverflowError: intermediate overflow in fsum
    TypeError: must be real number, not str
    ValueError: both points must have the same number of dimensions
    TypeError: must be real number, not str
    ValueError: isqrt() argument must be nonnegative
    ValueError: n must be a non-negative integer
    ValueError: k must be a non-negative integer
    ValueError: factorial() not defined for negative values
    ValueError: k must be a non-negative integer
    ValueError: factorial() not defined for negative values
    TypeError: 'float' object cannot be interpreted as an integer
    TypeError: must be real number, not str

    """#)
}

/// Integers are 64-bit here, so an lcm past 2**63 is an OverflowError where Python gives a big int.
@Test func math_lcmPast64BitsIsAnOverflowError() {
  expectError("import math\nmath.lcm(2**40, 3**30)", "OverflowError", "integer overflow (integers are 64-bit)")
}
