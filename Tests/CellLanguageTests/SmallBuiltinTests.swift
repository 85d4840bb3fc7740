import CellLanguage
import Testing

/// chr ord hex oct bin pow format hasattr getattr callable, against CPython 3.11's reprs.
@Test(arguments: [
  ("chr(97), chr(0x1F600), ord('a'), ord('é')", "('a', '😀', 97, 233)"),
  ("hex(255), hex(-255), oct(8), bin(5), bin(0), hex(True)", "('0xff', '-0xff', '0o10', '0b101', '0b0', '0x1')"),
  ("pow(2, 10), pow(2, -1), pow(3, 200, 7), pow(-3, 3, 5), pow(5, 3, -7), pow(2, 0, 1)", "(1024, 0.5, 2, 3, -1, 0)"),
  ("pow(123456789, 987654321, 2**61 - 1)", "50357601586279104"),
  ("format(3.14159, '.2f'), format(42, '>5'), format(1234567, ','), format('x')", "('3.14', '   42', '1,234,567', 'x')"),
  ("hasattr('s', 'upper'), hasattr('s', 'nope'), getattr([1], 'nope', 7), callable(len), callable(3), callable(lambda: 0)", "(True, False, 7, True, False, True)"),
  ("getattr('abc', 'upper')()", "'ABC'"),
])
func smallBuiltinsMatchPython(_ code: String, _ expected: String) throws {
  #expect(try Session().result(code) == expected, "\(code)")
}

@Test(arguments: [
  ("chr(-1)", "ValueError", "chr() arg not in range(0x110000)"),
  ("chr(0xD800)", "ValueError", "chr() arg is a surrogate (55296)"),
  ("ord('ab')", "TypeError", "ord() expected a character, but string of length 2 found"),
  ("hex(1.5)", "TypeError", "'float' object cannot be interpreted as an integer"),
  ("pow(2, 3, 0)", "ValueError", "pow() 3rd argument cannot be 0"),
  ("pow(2.0, 3, 5)", "TypeError", "pow() 3rd argument not allowed unless all arguments are integers"),
  ("getattr('s', 'nope')", "AttributeError", "'str' object has no attribute 'nope'"),
])
func smallBuiltinErrors(_ code: String, _ ename: String, _ message: String) {
  expectError(code, ename, message)
}

/// Truth of empty sets and ranges, NaN in max/min, and exception messages: CPython 3.11's
/// results (`print(...)` of the same line there).
@Test func truthNaNOrderAndExceptionTextAsInPython() throws {
  let s = Session()
  _ = try s.run(
    """
    nan = float('nan')
    print(bool(set()), bool({1}), bool(range(0)), bool(range(2)), max([1, nan]), max([nan, 1]), min([nan, 1]), min([1, nan]))
    print(str(KeyError('k')), str(ValueError(1, 2)), str(ValueError()), repr(KeyError('k')))
    """)
  #expect(s.sink.text(.stdout) == "False True False True 1 nan nan 1\n'k' (1, 2)  KeyError('k')\n")
}
