import CellLanguage
import Testing

/// String methods beyond the basics, against CPython 3.11's results (its reprs).
@Test(arguments: [
  ("'hello world'.capitalize(), 'hELLO'.capitalize()", "('Hello world', 'Hello')"),
  ("\"they're 2nd-rate\".title()", "\"They'Re 2Nd-Rate\""),
  ("'Hello Wörld'.swapcase()", "'hELLO wÖRLD'"),
  ("'Straße'.casefold()", "'strasse'"),
  ("'123'.isdigit(), '12a'.isdigit(), ''.isdigit(), '²'.isdigit(), '½'.isnumeric(), '²'.isdecimal()", "(True, False, False, True, True, False)"),
  ("'abcé'.isalpha(), 'ab1'.isalpha(), 'ab1'.isalnum(), ' \\t\\n'.isspace(), ''.isspace()", "(True, False, True, True, False)"),
  ("'ABC1'.isupper(), 'AbC'.isupper(), '123'.isupper(), 'abc1'.islower(), 'Hello World'.istitle(), 'Hello world'.istitle()", "(True, False, False, True, True, False)"),
  ("'42'.zfill(5), '-42'.zfill(5), '+7'.zfill(3), 'abc'.zfill(2)", "('00042', '-0042', '+07', 'abc')"),
  ("'ab'.ljust(5, '.'), 'ab'.rjust(5), 'ab'.center(5, '*'), 'abc'.center(6, '*'), 'ab'.center(1)", "('ab...', '   ab', '**ab*', '*abc**', 'ab')"),
  ("'banana'.index('an'), 'banana'.rfind('an'), 'banana'.rindex('a'), 'banana'.rfind('x')", "(1, 3, 5, -1)"),
  ("'a=b=c'.partition('='), 'a=b=c'.rpartition('='), 'abc'.partition('='), 'abc'.rpartition('=')", "(('a', '=', 'b=c'), ('a=b', '=', 'c'), ('abc', '', ''), ('', '', 'abc'))"),
  ("'a\\nb\\r\\nc\\rd\\n'.splitlines(), 'a\\nb\\r\\nc'.splitlines(True), ''.splitlines()", "(['a', 'b', 'c', 'd'], ['a\\n', 'b\\r\\n', 'c'], [])"),
  ("'test_x'.removeprefix('test_'), 'x.py'.removesuffix('.py'), 'x'.removesuffix('')", "('x', 'x', 'x')"),
  ("'photo.JPG'.lower().endswith(('.jpg', '.png')), 'x'.startswith(('a', 'x'))", "(True, True)"),
  // repr escapes what Python's str.isprintable refuses (a no-break space, a zero-width space,
  // a byte-order mark, C1 controls, a tag, a line separator), and keeps the rest.
  (#"'a\xa0b\u200b\ufeff\x85\U000e0001\u2028 é😀\x7f'"#, #"'a\xa0b\u200b\ufeff\x85\U000e0001\u2028 é😀\x7f'"#),
])
func stringMethodsMatchPython(_ code: String, _ expected: String) throws {
  #expect(try Session().result(code) == expected, "\(code)")
}

@Test(arguments: [
  ("'abc'.index('x')", "ValueError", "substring not found"),
  ("'abc'.rindex('x')", "ValueError", "substring not found"),
  ("'ab'.center(5, '**')", "TypeError", "The fill character must be exactly one character long"),
  ("'ab'.partition('')", "ValueError", "empty separator"),
  ("'ab'.startswith(1)", "TypeError", "startswith first arg must be str or a tuple of str, not int"),
  ("'ab'.endswith(('a', 1))", "TypeError", "tuple for endswith must only contain str, not int"),
  ("'ab'.ljust(10**12)", "MemoryError", "cannot make a string of 1000000000000 bytes (1.0 TB): one value may use at most 1 GiB"),
  ("{}.popitem()", "KeyError", "'popitem(): dictionary is empty'"),
])
func stringAndDictMethodErrors(_ code: String, _ ename: String, _ message: String) {
  expectError(code, ename, message)
}

@Test func dictSetdefaultPopitemAndClear() throws {
  let s = Session()
  #expect(try s.result("d = {}\nd.setdefault('k', []).append(1)\nd.setdefault('k', [9]).append(2)\nd") == "{'k': [1, 2]}")
  #expect(try s.result("d = {'a': 1, 'b': 2}\nd.popitem(), d") == "(('b', 2), {'a': 1})")
  #expect(try s.result("d = {'a': 1}\nd.clear()\nd, len(d)") == "({}, 0)")
  #expect(try s.result("d = {}\nd.setdefault('x'), d") == "(None, {'x': None})")
}

/// rsplit, maketrans/translate, expandtabs, format_map, isascii/isidentifier/isprintable, split's
/// kept remainder and repr's escapes of non-printable characters: output equal to CPython 3.11's.
@Test func stringMethodsPythonHasAndDataCleaningUses() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    print('a b c  '.split(None, 1), ' a b '.split(None, 1), '  a b c'.rsplit(None, 1), 'a b  c  '.rsplit(None, 1), 'aaa'.rsplit('aa', 1), 'a,b,c'.rsplit(',', 1), ' a  b '.rsplit(), 'x'.rsplit(',', 0), 'a.b.c'.rsplit('.', maxsplit=5), ''.rsplit(','), ''.rsplit(), 'model.v2.onnx'.rsplit('.', 1)[0])
    print(str.maketrans('ab', 'xy'), str.maketrans({'a': 'A', 98: None}), 'abc'.translate(str.maketrans('ab', 'xy', 'c')), 'hello'.translate({104: 'J', 108: None}), 'a\tbc\td'.expandtabs(), 'a\tb\n\tc'.expandtabs(4), '{x}-{y:.1f}'.format_map({'x': 1, 'y': 2}))
    print('é'.isascii(), ''.isascii(), 'a_1'.isidentifier(), '1a'.isidentifier(), ''.isidentifier(), 'a\xa0'.isprintable(), ''.isprintable(), 'abc'.isprintable(), repr('\u200b\xa0\U0001f600é\x7f\x80 \u2028'))
    print(''.maketrans('a', 'b'), 'Hello, World!'.translate(str.maketrans('', '', ',!')))
    try:
        print(str.maketrans('ab', 'x'))
    except Exception as e:
        print(type(e).__name__, e)
    try:
        print(str.maketrans('ab'))
    except Exception as e:
        print(type(e).__name__, e)
    try:
        print('a'.translate({97: 3.5}))
    except Exception as e:
        print(type(e).__name__, e)
    try:
        print('x'.rsplit(''))
    except Exception as e:
        print(type(e).__name__, e)
    try:
        print('{z}'.format_map({}))
    except Exception as e:
        print(type(e).__name__, e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    ['a', 'b c  '] ['a', 'b '] ['  a b', 'c'] ['a b', 'c'] ['a', ''] ['a,b', 'c'] ['a', 'b'] ['x'] ['a', 'b', 'c'] [''] [] model.v2
    {97: 120, 98: 121} {97: 'A', 98: None} xy Jeo a       bc      d a   b
        c 1-2.0
    False True True False False False True True '\u200b\xa0😀é\x7f\x80 \u2028'
    {97: 98} Hello World
    ValueError the first two maketrans arguments must have equal length
    TypeError if you give only one argument to maketrans it must be a dict
    TypeError character mapping must return integer, None or str
    ValueError empty separator
    KeyError 'z'

    """##)
}

@Test func format_nestedFieldsIndexesAttributesAndHashesAsCPython() throws {
  // CPython 3.11's output: str.format's fields with [index] and .attribute parts, specs
  // holding fields ({:>{w}}), !a and ascii(); hash() of floats and tuples as CPython's.
  let s = Session()
  _ = try s.run(
    #"""
    print('{0[1]}'.format([5, 6]), '{.real}'.format(3), '{:>{w}}|'.format('r', w=4), '{!a}'.format('é😀'), ascii('héllo€😀'), '{a[k]}'.format(a={'k': 1}))
    print('{:{}}|'.format(5, 3), '{0:{1}.{2}f}'.format(3.14159, 8, 2), '{p[0]} {p[1]}'.format(p=(7, 8)), '{0!r:>6}'.format('x'), '{:^{}.{}}'.format('abcdef', 9, 3))
    for t in ['{', '{0', '{:{:{}}}', '{0!x}', '{0.}', '{0[]}', '{5}', '{q}']:
        try:
            print(t.format(1, 2, 3))
        except (ValueError, IndexError, KeyError) as e:
            print(type(e).__name__, e)
    print(hash(1.5), hash(-2.5), hash(0.1), hash(1e300), hash(float('inf')), hash(-float('inf')), hash(2.0) == hash(2), hash(1e-300))
    print(hash((1, 2)), hash(()), hash((1,)), hash((1.5, True)), hash(((1, 2), (3, (4.5,)))), hash((-1,)), hash(2**61 - 1), hash(-2**62))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    6 3    r| '\xe9\U0001f600' 'h\xe9llo\u20ac\U0001f600' 1
      5|     3.14 7 8    'x'    abc   
    ValueError Single '{' encountered in format string
    ValueError expected '}' before end of string
    ValueError Max string recursion exceeded
    ValueError Unknown conversion specifier x
    ValueError Empty attribute in format string
    ValueError Empty attribute in format string
    IndexError Replacement index 5 out of range for positional args tuple
    KeyError 'q'
    1152921504606846977 -1152921504606846978 230584300921369408 1224995262755759164 314159 -314159 True 482449582752280463
    -3550055125485641917 5740354900026072187 -6644214454873602895 1767087712303363268 -7531223273325066350 8078679518589016365 0 -2

    """#)
}
