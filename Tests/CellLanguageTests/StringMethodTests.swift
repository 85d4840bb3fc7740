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
