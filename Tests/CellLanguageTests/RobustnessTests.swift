import CellLanguage
import Testing

// Cells that used to end the kernel (a trap or a stack overflow), hang, or lose output.

@Test(arguments: [
  ("if True:\n\tx = 1\n\ty = 2\nx + y", "3"),
  ("for i in range(2):\n\tif i:\n\t\tz = i\nz", "1"),
  ("if True:\n        a = 5\n\tb = a\nb", ""),  // 8 spaces, then a tab: ambiguous
])
func tabsIndentLikePython(code: String, expected: String) throws {
  let s = Session()
  if expected.isEmpty {
    #expect(s.error(code)?.ename == "TabError")
  } else {
    #expect(try s.result(code) == expected)
  }
}

@Test(arguments: ["\tx = 1", "x = 1\n\ty = 2", "\t\t\t\tx", " \tx"])
func aTabIndentedFirstLineIsAnIndentationError(code: String) {
  let e = Session().error(code)
  #expect(e?.ename == "IndentationError")
  #expect(e?.traceback.isEmpty == false)
}

@Test func fiftyThousandPrintedLinesAllArriveInFewMessages() throws {
  let s = Session()
  _ = try s.run("for i in range(50000): print(i)")
  let lines = s.sink.text(.stdout).split(separator: "\n")
  #expect(lines.count == 50_000)
  #expect(lines.last == "49999")
  #expect(s.sink.events.count < 1000, "coalesced: \(s.sink.events.count) stream messages")
}

@Test func aTrivialPrintIsSentAtOnceAndOrderIsKept() throws {
  let s = Session()
  _ = try s.run("print('a'); display(1); print('b', file=stderr); print('c')")
  #expect(s.sink.events.first == .stream(.stdout, "a\n"))
  #expect(s.sink.text(.stdout) == "a\nc\n")
  #expect(s.sink.text(.stderr) == "b\n")
  guard case .display = s.sink.events[1] else { Issue.record("display not second: \(s.sink.events)"); return }
}

@Test func outputPastTheCellBoundIsTruncatedWithANotice() throws {
  let s = Session()
  _ = try s.run("print('x' * (33 * 2**20))\nprint('after')")
  #expect(s.sink.text(.stdout).isEmpty)
  #expect(s.sink.text(.stderr).contains("output truncated"))
  #expect(s.sink.text(.stderr).contains("bytes were printed and not shown"))
  _ = try s.run("print('next cell')")
  #expect(s.sink.text(.stdout) == "next cell\n")
}

@Test func deeplyNestedValuesAreRecursionErrorsNotCrashes() throws {
  let s = Session()
  _ = try s.run("a = []\nfor i in range(100000): a = [a]\nb = []\nfor i in range(30000): b = [b]")
  #expect(try s.result("a == a") == "True")
  #expect(s.error("a == b")?.ename == "RecursionError")
  #expect(s.error("a < b")?.ename == "RecursionError")
  #expect(s.error("sorted([a, b])")?.ename == "RecursionError")
  #expect(s.error("a in [b]")?.ename == "RecursionError")
  #expect(try s.result("len(repr(a)) < 1000") == "True")
  _ = try s.run("t = ()\nfor i in range(30000): t = (t,)")
  #expect(s.error("d = {t: 1}")?.ename == "RecursionError")
  #expect(s.error("hash_me = {(t, 1): 2}")?.ename == "RecursionError")
  _ = try s.run("del a\nb = 0\nu = ()\nfor i in range(200000): u = (u,)\nu = [u]\nt = 1\nu = 2")
  _ = try s.run("d = {}\nfor i in range(100000): d = {'k': d}\nd = None")
  #expect(try s.result("1 + 1") == "2", "the session survives")
}

@Test(arguments: [
  ("[0] * (2 * 10**8)", "list of 200000000 items"),
  ("s = 'a' * 2**29\ns = s + s + 'a'", "string of 1073741825 bytes"),
  ("xs = [0] * 1000\nxs * 10**6", "list of 1000000000 items"),
  ("s = 'y' * 10**6\ns.replace('y', s)", "string of 1000000000000 bytes"),
  ("sep = 'y' * 3000\nsep.join(['ab'] * 10**6)", "string of"),
  ("list(range(10**12))", "list of 1000000000000 items"),
])
func oneMemoryBudgetForEveryAllocation(code: String, asked: String) {
  let e = Session().error(code)
  #expect(e?.ename == "MemoryError")
  #expect(e?.evalue.contains(asked) == true, "\(e?.evalue ?? "no error")")
}

@Test(arguments: [
  ("sorted(xs)", "xs = list(range(2 * 10**6, 0, -1))"),
  ("s.replace('a', 'bb')", "s = 'a' * 10**7"),
  ("xs.index(1)", "xs = [0] * 10**6"),
  ("s.count('b')", "s = 'a' * 10**7"),
  ("s.rfind('b')", "s = 'a' * 10**7"),
  ("s.rpartition('b')", "s = 'a' * 10**7"),
])
func longBuiltinsSeeTheInterrupt(call: String, setup: String) throws {
  let s = Session()
  _ = try s.run(setup)
  s.flag.raise()
  #expect(s.error(call)?.ename == "KeyboardInterrupt")
  #expect(!s.flag.isRaised)
}

@Test(arguments: ["{x: x for x in range(10**9)}", "{x for x in range(10**9)}", "sum(x for x in range(10**9))",
  "[y for x in range(10**5) for y in range(10**5)]"])
func comprehensionsSeeTheInterrupt(code: String) throws {
  let s = Session()
  s.flag.raise()
  #expect(s.error(code)?.ename == "KeyboardInterrupt")
  #expect(!s.flag.isRaised)
}

@Test func aComprehensionOfThousandsOfClausesIsASyntaxErrorNotACrash() throws {
  let s = Session()
  // Each clause is a level of the evaluator's recursion: the parser bounds them.
  let e = s.error("[x " + String(repeating: "for x in [1] ", count: 5000) + "]")
  #expect(e?.ename == "SyntaxError")
  #expect(try s.result("[x for a in [1, 2] for x in [a, -a] if x]") == "[1, -1, 2, -2]", "the session survives")
}
