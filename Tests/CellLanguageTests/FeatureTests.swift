import CellLanguage
import Testing

/// What people type in their first hour: functions, lambdas, exceptions, sets, unpacking,
/// the functional built-ins, `_`/`Out`/`In` and `%time`.
@Test(arguments: [
  ("def f(x, y=2):\n    return x * y\nf(3), f(3, y=5)", "(6, 15)"),
  ("def f():\n    pass\nf() is None", "True"),
  ("def fact(n):\n    if n <= 1:\n        return 1\n    return n * fact(n - 1)\nfact(10)", "3628800"),
  ("def f(*args, **kw):\n    return args, kw\nf(1, 2, a=3)", "((1, 2), {'a': 3})"),
  ("def f(a, *, b):\n    return a - b\nf(5, b=2)", "3"),
  ("def first_even(xs):\n    for x in xs:\n        if x % 2 == 0:\n            return x\n    return None\nfirst_even([1, 3, 4, 6])", "4"),
  ("def counter():\n    global n\n    n = n + 1\nn = 0\ncounter()\ncounter()\nn", "2"),
  ("x = 5\ndef f():\n    x = 1\n    return x\nf(), x", "(1, 5)"),
  ("def make(k):\n    return lambda x: x + k\nadd2 = make(2)\nadd2(40)", "42"),
  ("(lambda: 7)()", "7"),
  ("sq = lambda x, p=2: x ** p\nsq(3), sq(2, 3)", "(9, 8)"),
  ("sorted([(1, 'b'), (2, 'a')], key=lambda t: t[1])", "[(2, 'a'), (1, 'b')]"),
  ("def f(x):\n    '''Doubles x.'''\n    return 2 * x\nf", "<function f>"),
  ("type(lambda: 1)", "<class 'function'>"),
  ("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    r = 'caught ' + str(e)\nr", "'caught division by zero'"),
  ("try:\n    [][1]\nexcept (KeyError, IndexError):\n    r = 'lookup'\nr", "'lookup'"),
  ("try:\n    {}['k']\nexcept LookupError as e:\n    r = str(e)\nr", "\"'k'\""),
  ("try:\n    int('x')\nexcept Exception as e:\n    r = type(e)\nr", "<class 'ValueError'>"),
  ("log = []\ntry:\n    log.append(1)\nexcept ValueError:\n    log.append(2)\nelse:\n    log.append(3)\nfinally:\n    log.append(4)\nlog", "[1, 3, 4]"),
  ("def f():\n    try:\n        return 1\n    finally:\n        print('cleanup')\nf()", "1"),
  ("try:\n    raise ValueError('bad value')\nexcept ValueError as e:\n    r = e.args\nr", "('bad value',)"),
  ("try:\n    load_image_that_fails()\nexcept NameError:\n    r = 'name'\nr", "'name'"),
  ("try:\n    raise ImageError('not an image')\nexcept ImageError as e:\n    r = str(e)\nr", "'not an image'"),
  ("try:\n    raise SomeHostError('x')\nexcept SomeHostError:\n    r = 1\nexcept NameError:\n    r = 2\nr", "2"),
  ("try:\n    x = 1\nexcept:\n    pass\nx", "1"),
  ("{1, 2, 2, 3}", "{1, 2, 3}"),
  ("s = set([3, 1, 3])\ns.add(5)\n3 in s, 4 in s, len(s)", "(True, False, 3)"),
  ("set()", "set()"),
  ("{1, 2, 3} - {2}", "{1, 3}"),
  ("sorted({3, 1, 2}.union([5]))", "[1, 2, 3, 5]"),
  ("a, *b = [1, 2, 3]\na, b", "(1, [2, 3])"),
  ("*a, b = 'xyz'\na, b", "(['x', 'y'], 'z')"),
  ("a, *m, z = range(5)\nm", "[1, 2, 3]"),
  ("def f(a, b, c):\n    return a + b + c\nxs = [1, 2, 3]\nf(*xs)", "6"),
  ("def f(a, b):\n    return a - b\nf(**{'b': 1, 'a': 5})", "4"),
  ("print(*[1, 2, 3], sep='-')", ""),
  ("any([0, '', 3]), all([1, 'a']), all([]), any([])", "(True, True, True, False)"),
  ("list(map(lambda x: x * 2, [1, 2, 3]))", "[2, 4, 6]"),
  ("list(map(str, [1, 2]))", "['1', '2']"),
  ("list(filter(lambda x: x > 1, [0, 1, 2, 3]))", "[2, 3]"),
  ("list(filter(None, [0, 1, '', 'a']))", "[1, 'a']"),
  ("list(reversed([1, 2, 3]))", "[3, 2, 1]"),
  ("isinstance(1, int), isinstance(True, int), isinstance('a', (int, str)), isinstance(1.0, int)", "(True, True, True, False)"),
  ("divmod(17, 5), divmod(-7, 2)", "((3, 2), (-4, 1))"),
  ("round(2**63 - 1, -1)", ""),
  ("round(1234, -2), round(1250, -2), round(-1350, -2)", "(1200, 1200, -1400)"),
  ("sum(range(10**12))", "499999999999500000000"),
  ("sum(range(10**6))", "499999500000"),
  ("sum(range(1, 101, 3), 10)", "1727"),
  ("t = time()\nt > 1.7e9", "True"),
])
func features(code: String, expected: String) throws {
  let s = Session()
  if code.hasPrefix("round(2**63") || code.hasPrefix("sum(range(10**12))") {
    #expect(s.error(code)?.ename == "OverflowError")
    return
  }
  #expect(try s.result(code) == expected)
}

@Test func finallyRunsAndTheErrorStillReachesTheCell() {
  let s = Session()
  let e = s.error("try:\n    1 / 0\nfinally:\n    print('done')")
  #expect(e?.ename == "ZeroDivisionError")
  #expect(s.sink.text(.stdout) == "done\n")
}

@Test func errorsInsideFunctionsPointAtTheCall() {
  let s = Session()
  _ = try? s.run("def f(x):\n    return x / 0")
  let e = s.error("y = 1 + f(2)")
  #expect(e?.ename == "ZeroDivisionError")
  #expect(e?.traceback.contains { $0.contains("y = 1 + f(2)") } == true)
}

@Test func runawayRecursionIsARecursionError() throws {
  let s = Session()
  let e = s.error("def f(n):\n    return f(n + 1)\nf(0)")
  #expect(e?.ename == "RecursionError")
  #expect(try s.result("1 + 1") == "2")
}

@Test func bareExceptDoesNotSwallowAnInterrupt() {
  let s = Session()
  s.flag.raise()
  let e = s.error("for i in range(10):\n    try:\n        sleep(0.01)\n    except:\n        pass")
  #expect(e?.ename == "KeyboardInterrupt")
}

@Test func underscoreOutAndInRememberResults() throws {
  let s = Session()
  func run(_ code: String, _ n: Int) throws -> String {
    try s.interpreter.execute(code, context: ExecutionContext(sink: s.sink, interrupt: s.flag, allowStdin: false, executionCount: n))
      .result?.data["text/plain"]?.stringValue ?? ""
  }
  _ = try run("6 * 7", 1)
  _ = try run("x = 1", 2)
  #expect(try run("_ + 1", 3) == "43")
  #expect(try run("Out[1], __", 4) == "(42, 42)")
  #expect(try run("In[2]", 5) == "'x = 1'")
}

@Test func percentTimeReportsWallTimeAndKeepsTheValue() throws {
  let s = Session()
  #expect(try s.result("%time 6 * 7") == "42")
  // IPython's two lines: "CPU times: user 12 μs, sys: 3 μs, total: 15 μs" and "Wall time: 16.2 μs".
  let lines = s.sink.text(.stdout).split(separator: "\n").map(String.init)
  let time = #"[0-9.]+(e[+-][0-9]+)? (s|ms|μs|ns)"#  // "%.3g": 999.7 ns reads "1e+03 ns", as in IPython
  #expect(lines.count == 2)
  #expect(lines.first?.wholeMatch(of: try Regex("CPU times: user \(time), sys: \(time), total: \(time)")) != nil, "\(lines)")
  #expect(lines.last?.wholeMatch(of: try Regex("Wall time: \(time)")) != nil, "\(lines)")
  _ = try s.run("%%time\nx = 0\nfor i in range(100): x += i")
  #expect(s.sink.text(.stdout).components(separatedBy: "Wall time").count == 3)
  #expect(try s.result("x") == "4950")
}

@Test(arguments: [
  ("!ls", "shell commands (!cmd) do not run in Tabby cells"),
  ("x = 1\n  !pip install numpy", "shell commands"),
  ("%matplotlib inline", "the magic %matplotlib is not available"),
  ("return 1", "'return' outside function"),
  ("def f(a=1, b): pass", "parameter without a default follows parameter with a default"),
  ("a, *b, *c = [1, 2, 3]", "multiple starred expressions in assignment"),
  ("- - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - - 1", "expression too deeply nested"),
])
func unsupportedSyntaxSaysWhatToDo(code: String, message: String) {
  let e = Session().error(code)
  #expect(e?.ename == "SyntaxError")
  #expect(e?.evalue.contains(message) == true, "\(e?.evalue ?? "no error")")
}

@Test func helpQueriesWorkOnAnyLineOfACell() throws {
  let s = Session()
  let outcome = try s.run("x = 1\nsorted?\nx + 1")
  #expect(outcome.pager?.contains("sorted(iterable") == true)
  #expect(outcome.result?.data["text/plain"]?.stringValue == "2")
  let inside = try s.run("for i in range(2):\n    len?\ni")
  #expect(inside.pager?.contains("len(obj)") == true)
}
