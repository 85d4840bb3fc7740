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

/// int and float methods and attributes (bit_length, is_integer, as_integer_ratio, hex, real…):
/// output equal to CPython 3.11's for the same cell.
@Test func numberMethodsAndAttributesMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    print((7).bit_length(), (0).bit_length(), (-255).bit_length(), True.bit_length(), (2**62).bit_length(), (255).bit_count(), (-7).bit_count(), (5).as_integer_ratio(), (3).conjugate())
    print((2.5).is_integer(), (3.0).is_integer(), (-0.0).is_integer(), float('inf').is_integer(), (1e300).is_integer())
    print((0.75).as_integer_ratio(), (0.1).as_integer_ratio(), (-2.5).as_integer_ratio(), (1e15).as_integer_ratio(), (0.0).as_integer_ratio(), (5e-324).hex() if False else 1)
    print((1.0).hex(), (3.0).hex(), (0.1).hex(), (-2.5).hex(), (0.0).hex(), (-0.0).hex(), (5e-324).hex(), (1.7976931348623157e308).hex(), float('inf').hex(), float('nan').hex())
    print((5).real, (5).imag, (5).numerator, (5).denominator, (2.5).real, (2.5).imag, True.real, (2.5).conjugate())
    for bad in [float('nan'), float('inf')]:
        try:
            bad.as_integer_ratio()
        except (ValueError, OverflowError) as e:
            print(type(e).__name__, e)
    try:
        (5).is_integer()
    except AttributeError as e:
        print(e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    3 0 8 1 63 8 3 (5, 1) 3
    False True True False True
    (3, 4) (3602879701896397, 36028797018963968) (-5, 2) (1000000000000000, 1) (0, 1) 1
    0x1.0000000000000p+0 0x1.8000000000000p+1 0x1.999999999999ap-4 -0x1.4000000000000p+1 0x0.0p+0 -0x0.0p+0 0x0.0000000000001p-1022 0x1.fffffffffffffp+1023 inf nan
    5 0 5 1 2.5 0.0 1 2.5
    ValueError cannot convert NaN to integer ratio
    OverflowError cannot convert Infinity to integer ratio
    'int' object has no attribute 'is_integer'

    """##)
  #expect(s.error("(1e-30).as_integer_ratio()")?.ename == "OverflowError")  // its denominator needs more than 64 bits
}

/// frozenset: immutable, hashable by its items (a dict key, a set member), set operations
/// giving frozensets, `|=` rebinding rather than changing it; a plain set is unhashable.
/// Output equal to CPython 3.11's for the same cell.
@Test func frozensetMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    fs = frozenset([1, 2, 3, 2])
    e = frozenset()
    print(fs, e, len(fs), 2 in fs, type(fs).__name__, fs == {1, 2, 3}, {1, 2, 3} == fs, bool(e))
    print(fs | {9}, fs & {1, 5}, fs - {1}, fs ^ {7, 1}, sorted({1, 5} | fs), fs.union([4]), fs.intersection({2, 3}), fs.difference([3]), fs.copy(), fs.issubset({1, 2, 3, 4}))
    seen = {frozenset({'a', 'b'}): 'pair'}
    print(seen[frozenset({'b', 'a'})], frozenset({1}) in {frozenset({1})}, hash(frozenset({1, 2})) == hash(frozenset({2, 1})))
    g = fs
    g |= {10}
    print(sorted(g), fs, g is fs, type(g).__name__)
    s = {1}
    t = s
    t |= {2}
    print(s, t is s)
    groups = {}
    for word in ['listen', 'silent', 'enlist', 'google']:
        groups.setdefault(frozenset(word), []).append(word)
    print(list(groups.values()))
    for bad in ['add', 'remove', 'update', 'clear', 'pop', 'discard']:
        try:
            getattr(fs, bad)
        except AttributeError as e:
            print(e)
    try:
        {set(): 1}
    except TypeError as e:
        print(e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    frozenset({1, 2, 3}) frozenset() 3 True frozenset True True False
    frozenset({1, 2, 3, 9}) frozenset({1}) frozenset({2, 3}) frozenset({2, 3, 7}) [1, 2, 3, 5] frozenset({1, 2, 3, 4}) frozenset({2, 3}) frozenset({1, 2}) frozenset({1, 2, 3}) True
    pair True True
    [1, 2, 3, 10] frozenset({1, 2, 3}) False frozenset
    {1, 2} True
    [['listen', 'silent', 'enlist'], ['google']]
    'frozenset' object has no attribute 'add'
    'frozenset' object has no attribute 'remove'
    'frozenset' object has no attribute 'update'
    'frozenset' object has no attribute 'clear'
    'frozenset' object has no attribute 'pop'
    'frozenset' object has no attribute 'discard'
    unhashable type: 'set'

    """##)
}

/// globals(): the session's variables by name (CPython prints the same for this cell).
@Test func globalsListsTheSessionsVariables() throws {
  let s = Session()
  _ = try s.run("x = 1\nlr = 0.01\ndef f():\n    return 'x' in globals() and 'nope' not in globals()\nprint(sorted(k for k in globals() if not k.startswith('_')), globals()['lr'], f())")
  #expect(s.sink.text(.stdout) == "['f', 'lr', 'x'] 0.01 True\n")
}

@Test func types_builtinTypesAreTheirOwnTypeAndHashByValue() throws {
  // CPython 3.11's output: type(3) is int itself (so a dict keyed by types finds it),
  // exception types likewise; ranges hash by their items; slices and deques are unhashable.
  let s = Session()
  _ = try s.run(
    #"""
    print(int, type(3), type(3) is int, type(3) == int, type([]) is list, type('') == str, type(True) is bool)
    dispatch = {int: 'an int', float: 'a float', str: 'a str'}
    print([dispatch[type(v)] for v in (1, 2.5, 'x')], type(int), type(type(3)) is type)
    print(type(ValueError('x')) is ValueError, type(KeyError()).__name__, ValueError.__name__, {ValueError: 1}[type(ValueError())])
    print(isinstance(3, type(5)), isinstance([], type([])), str(type(3)), repr(dict), sorted([list, int, str], key=lambda t: t.__name__))
    print(hash(range(0, 3)) == hash(range(3)), {range(3): 'r'}[range(0, 3, 1)], range(0) == range(5, 5), len({range(0), range(2, 2)}))
    print(range(2, 20, 3).index(8), range(10).count(3), range(10).count(10))
    try:
        range(5).index(7)
    except ValueError as e:
        print(e)
    s = slice(1, 10, 2)
    print(s, slice(3), s.start, s.stop, s.step, [0, 1, 2, 3, 4, 5][slice(1, None, 2)], 'abcdef'[slice(2)], s == slice(1, 10, 2))
    try:
        {slice(1, 2): 3}
    except TypeError as e:
        print(e)
    import collections, time
    try:
        {collections.deque(): 1}
    except TypeError as e:
        print(e)
    print({time.gmtime(0): 'epoch'}[time.gmtime(0)])
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    <class 'int'> <class 'int'> True True True True True
    ['an int', 'a float', 'a str'] <class 'type'> True
    True KeyError ValueError 1
    True True <class 'int'> <class 'dict'> [<class 'int'>, <class 'list'>, <class 'str'>]
    True r True 1
    2 1 0
    7 is not in range
    slice(1, 10, 2) slice(None, 3, None) 1 10 2 [1, 3, 5] ab True
    unhashable type: 'slice'
    unhashable type: 'collections.deque'
    epoch

    """#)
}

@Test func rangeSlicesAreRangesAndLocalsIsAFunctionsVariables() throws {
  // CPython 3.11's output (locals() here is sorted by name; these names already are).
  let s = Session()
  _ = try s.run(
    #"""
    r = range(2, 30, 3)
    print(range(5)[1:3], range(10)[::2], range(10)[::-1], r[::-2], r[2:-1], r[100:], range(0)[:], range(10)[-3:], r[5:1], slice(1, None, 2).indices(10), slice(None, None, -1).indices(5), range(10**12)[::2][5], len(range(10**12)[1::7]))
    def g(a, b=2):
        c = a + b
        return locals()
    print(g(1), locals() == globals(), sorted(k for k in locals() if k in ('r', 'g')))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    range(1, 3) range(0, 10, 2) range(9, -1, -1) range(29, -1, -6) range(8, 29, 3) range(32, 32, 3) range(0, 0) range(7, 10) range(17, 5, 3) (1, 10, 2) (4, -1, -1) 10 142857142857
    {'a': 1, 'b': 2, 'c': 3} True ['g', 'r']

    """#)
  expectError("range(0, 2**62, 2**61)[::3] if False else range(-2**62, 2**62, 2**62 - 1)[1:][::2**62]", "OverflowError", "range too large (integers are 64-bit)", in: s)
  expectError("slice(None, None, 0).indices(3)", "ValueError", "slice step cannot be zero", in: s)
}
