import CellLanguage
import Testing

/// Where the carets sit: the source line shown, and the column and width of the carets.
struct Caret: Equatable, CustomStringConvertible {
  var line: String
  var column: Int
  var width: Int
  var description: String { "\(line)@\(column)+\(width)" }

  init(_ line: String, _ column: Int, _ width: Int) {
    (self.line, self.column, self.width) = (line, column, width)
  }

  /// Reads the caret out of a rendered traceback ("  Cell, line N", "    source", "    ^^^").
  init?(_ traceback: [String]) {
    guard traceback.count >= 3 else { return nil }
    let source = traceback[traceback.count - 3]
    let carets = traceback[traceback.count - 2]
    guard source.hasPrefix("    "), carets.hasPrefix("    ") else { return nil }
    line = String(source.dropFirst(4))
    let marks = carets.dropFirst(4)
    column = marks.prefix { $0 != "^" }.count
    width = marks.filter { $0 == "^" }.count
  }
}

@Test(arguments: [
  ("1/0", "ZeroDivisionError", "division by zero", Caret("1/0", 0, 3)),
  ("x = 1\ny = x + undefined_name", "NameError", "name 'undefined_name' is not defined", Caret("y = x + undefined_name", 8, 14)),
  ("1 + 'a'", "TypeError", "unsupported operand type(s) for +: 'int' and 'str'", Caret("1 + 'a'", 0, 7)),
  ("'a' + 1", "TypeError", "can only concatenate str (not \"int\") to str", Caret("'a' + 1", 0, 7)),
  ("[1, 2][5]", "IndexError", "list index out of range", Caret("[1, 2][5]", 0, 9)),
  ("{'a': 1}['b']", "KeyError", "'b'", Caret("{'a': 1}['b']", 0, 13)),
  ("(1).foo", "AttributeError", "'int' object has no attribute 'foo'", Caret("(1).foo", 0, 7)),
  ("int('x')", "ValueError", "invalid literal for int() with base 10: 'x'", Caret("int('x')", 0, 8)),
  ("int('12', 2)", "ValueError", "invalid literal for int() with base 2: '12'", Caret("int('12', 2)", 0, 12)),
  ("int('010', 0)", "ValueError", "invalid literal for int() with base 0: '010'", Caret("int('010', 0)", 0, 13)),
  ("int('1__0', 10)", "ValueError", "invalid literal for int() with base 10: '1__0'", Caret("int('1__0', 10)", 0, 15)),
  ("int('1', 37)", "ValueError", "int() base must be >= 2 and <= 36, or 0", Caret("int('1', 37)", 0, 12)),
  ("int(3.5, 10)", "TypeError", "int() can't convert non-string with explicit base", Caret("int(3.5, 10)", 0, 12)),
  ("int('8000000000000000', 16)", "OverflowError", "integer overflow (integers are 64-bit)", Caret("int('8000000000000000', 16)", 0, 27)),
  ("len(5)", "TypeError", "object of type 'int' has no len()", Caret("len(5)", 0, 6)),
  ("print(1, bogus=2)", "TypeError", "print() got an unexpected keyword argument 'bogus'", Caret("print(1, bogus=2)", 0, 17)),
  ("sleep()", "TypeError", "sleep() missing 1 required positional argument: 'seconds'", Caret("sleep()", 0, 7)),
  ("len(1, 2)", "TypeError", "len() takes 1 positional argument but 2 were given", Caret("len(1, 2)", 0, 9)),
  ("sleep('x')", "TypeError", "sleep() argument 'seconds' must be a number, not 'str'", Caret("sleep('x')", 0, 10)),
  ("2**64", "OverflowError", "integer overflow (integers are 64-bit)", Caret("2**64", 0, 5)),
  ("a, b = [1, 2, 3]", "ValueError", "too many values to unpack (expected 2)", Caret("a, b = [1, 2, 3]", 0, 4)),
  ("for i in range(3):\n    i / 0", "ZeroDivisionError", "division by zero", Caret("    i / 0", 4, 5)),
  ("print(\"a\"))", "SyntaxError", "unmatched ')'", Caret("print(\"a\"))", 10, 1)),
  ("x = = 2", "SyntaxError", "invalid syntax", Caret("x = = 2", 4, 1)),
  ("1 +", "SyntaxError", "invalid syntax", Caret("1 +", 3, 1)),
  ("'abc", "SyntaxError", "unterminated string literal", Caret("'abc", 0, 1)),
  ("x = (1,\n  2]", "SyntaxError", "closing parenthesis ']' does not match opening parenthesis '('", Caret("  2]", 3, 1)),
  ("if True:\nprint(1)", "IndentationError", "expected an indented block after 'if' statement", Caret("print(1)", 0, 5)),
  ("x = 1\n  y = 2", "IndentationError", "unexpected indent", Caret("  y = 2", 0, 2)),
  ("1 = x", "SyntaxError", "cannot assign to literal; maybe you meant '==' instead of '='?", Caret("1 = x", 0, 1)),
  ("break", "SyntaxError", "'break' outside loop", Caret("break", 0, 5)),
  ("async def f(): pass", "SyntaxError", "'async' is not supported in Tabby cells", Caret("async def f(): pass", 0, 5)),
  ("{[1]: 2 for x in [0]}", "TypeError", "unhashable type: 'list'", Caret("{[1]: 2 for x in [0]}", 1, 3)),
  ("{[x] for x in [0]}", "TypeError", "unhashable type: 'list'", Caret("{[x] for x in [0]}", 1, 3)),
  ("{1, [2]}", "TypeError", "unhashable type: 'list'", Caret("{1, [2]}", 4, 3)),
  ("{1, *[[2]]}", "TypeError", "unhashable type: 'list'", Caret("{1, *[[2]]}", 4, 6)),
  ("sum(x for x in 5)", "TypeError", "'int' object is not iterable", Caret("sum(x for x in 5)", 15, 1)),
  ("f(x for x in xs, 1)", "SyntaxError", "expected ')'", Caret("f(x for x in xs, 1)", 15, 1)),
  ("f(1, x for x in xs)", "SyntaxError", "generator expression must be parenthesized", Caret("f(1, x for x in xs)", 5, 1)),
  ("[x for x in]", "SyntaxError", "invalid syntax", Caret("[x for x in]", 11, 1)),
  ("x = 3\nassert x < 2, f'x is {x}'", "AssertionError", "x is 3", Caret("assert x < 2, f'x is {x}'", 0, 25)),
  ("assert", "SyntaxError", "invalid syntax", Caret("assert", 6, 1)),
  ("'%d' % 'x'", "TypeError", "%d format: a real number is required, not str", Caret("'%d' % 'x'", 0, 10)),
  ("'%s %s' % ('a',)", "TypeError", "not enough arguments for format string", Caret("'%s %s' % ('a',)", 0, 16)),
  ("'%s' % ('a', 'b')", "TypeError", "not all arguments converted during string formatting", Caret("'%s' % ('a', 'b')", 0, 17)),
  ("'%q' % 1", "ValueError", "unsupported format character 'q' (0x71) at index 1", Caret("'%q' % 1", 0, 8)),
  ("'%(a)s' % 5", "TypeError", "format requires a mapping", Caret("'%(a)s' % 5", 0, 11)),
  ("'%x' % 1.5", "TypeError", "%x format: an integer is required, not float", Caret("'%x' % 1.5", 0, 10)),
  ("'%' % 1", "ValueError", "incomplete format", Caret("'%' % 1", 0, 7)),
  ("'%(b)s' % {'a': 1}", "KeyError", "'b'", Caret("'%(b)s' % {'a': 1}", 0, 18)),
  ("'%f' % 'x'", "TypeError", "must be real number, not str", Caret("'%f' % 'x'", 0, 10)),
  ("[*5]", "TypeError", "'int' object is not iterable", Caret("[*5]", 2, 1)),
  ("{**[1]}", "TypeError", "'list' object is not a mapping", Caret("{**[1]}", 3, 3)),
  ("[*x for x in [[1]]]", "SyntaxError", "iterable unpacking cannot be used here", Caret("[*x for x in [[1]]]", 1, 2)),
  ("(*[1])", "SyntaxError", "can't use starred expression here", Caret("(*[1])", 0, 6)),
  ("1.5 & 1", "TypeError", "unsupported operand type(s) for &: 'float' and 'int'", Caret("1.5 & 1", 0, 7)),
  ("1 << -1", "ValueError", "negative shift count", Caret("1 << -1", 0, 7)),
  ("1 << 63", "OverflowError", "integer overflow (integers are 64-bit)", Caret("1 << 63", 0, 7)),
  ("~1.5", "TypeError", "bad operand type for unary ~: 'float'", Caret("~1.5", 0, 4)),
  ("[1] | [2]", "TypeError", "unsupported operand type(s) for |: 'list' and 'list'", Caret("[1] | [2]", 0, 9)),
  ("print(1): int", "SyntaxError", "illegal target for annotation", Caret("print(1): int", 0, 8)),
  ("dict([(1, 2, 3)])", "ValueError", "dictionary update sequence element #0 has length 3; 2 is required", Caret("dict([(1, 2, 3)])", 0, 17)),
  ("dict({}, {})", "TypeError", "dict expected at most 1 argument, got 2", Caret("dict({}, {})", 0, 12)),
  ("nonlocal x", "SyntaxError", "nonlocal declaration not allowed at module level", Caret("nonlocal x", 0, 8)),
  ("f(a=1, 2)", "SyntaxError", "positional argument follows keyword argument", Caret("f(a=1, 2)", 7, 1)),
  ("x = 1 $ 2", "SyntaxError", "invalid character '$' (U+24)", Caret("x = 1 $ 2", 6, 1)),
  ("99999999999999999999", "OverflowError", "integer literal too large (integers are 64-bit)", Caret("99999999999999999999", 0, 20)),
  ("s = f'value: {missing + 1}'", "NameError", "name 'missing' is not defined", Caret("s = f'value: {missing + 1}'", 14, 7)),
  ("f'{}'", "SyntaxError", "f-string: empty expression not allowed", Caret("f'{}'", 2, 2)),
  ("f'{ =}'", "SyntaxError", "f-string: empty expression not allowed", Caret("f'{ =}'", 2, 4)),
  ("f'{1:q}'", "ValueError", "Unknown format code 'q' for object of type 'int'", Caret("f'{1:q}'", 3, 1)),
  ("input()", "StdinNotImplementedError", "raw_input was called, but this frontend does not support input requests.", Caret("input()", 0, 7)),
])
func reportsErrors(_ code: String, _ ename: String, _ evalue: String, _ caret: Caret) {
  let session = Session()
  let error = session.error(code, allowStdin: false)
  #expect(error?.ename == ename, "\(code)")
  #expect(error?.evalue == evalue, "\(code)")
  #expect(error.flatMap { Caret($0.traceback) } == caret, "\(code): \(error?.traceback ?? [])")
  #expect(error?.traceback.last == "\(ename): \(evalue)")
}

@Test func tracebackNamesTheCellAndLine() {
  let s = Session()
  do {
    _ = try s.interpreter.execute(
      "x = 1\n1/0", context: ExecutionContext(sink: s.sink, interrupt: s.flag, allowStdin: false, executionCount: 7))
    Issue.record("no error")
  } catch {
    #expect(error.traceback.first == "  Cell In[7], line 2")
  }
}

@Test func outputBeforeAnErrorIsKept() {
  let s = Session()
  #expect(s.error("print('before')\n1/0")?.ename == "ZeroDivisionError")
  #expect(s.sink.text(.stdout) == "before\n")
}

@Test func colouredTracebacksStillCarryPlainNames() {
  let interpreter = Interpreter()  // colours on, as the kernel runs it
  do {
    _ = try interpreter.execute("1/0", context: ExecutionContext(sink: RecordingSink(), interrupt: InterruptFlag(), allowStdin: false))
  } catch {
    #expect(error.ename == "ZeroDivisionError")
    #expect(error.traceback.joined().contains("\u{1B}["))
  }
}

@Test func deepNestingIsASyntaxErrorNotACrash() {
  let code = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
  #expect(Session().error(code)?.ename == "SyntaxError")
}

@Test(arguments: [
  (String(repeating: "1+", count: 5000) + "1", "SyntaxError"),
  (String(repeating: "x.", count: 500) + "x", "SyntaxError"),
  ((0..<60).map { String(repeating: "    ", count: $0) + "if True:\n" }.joined() + String(repeating: "    ", count: 60) + "pass", "SyntaxError"),
  (String(repeating: "2**", count: 500) + "2", "SyntaxError"),
  ("'a' * 10**12", "MemoryError"),
  ("list(range(10**12))", "MemoryError"),
])
func resourceLimitsAreErrorsNotCrashes(_ code: String, _ ename: String) {
  #expect(Session().error(code)?.ename == ename)
}

@Test func deeplyNestedValuesStillPrint() throws {
  let s = Session()
  #expect(try s.result("t = ()\nfor i in range(300):\n    t = (t,)\nlen(repr(t)) < 1000") == "True")
}

@Test(arguments: [
  ("range(-9223372036854775807, 9223372036854775807)", "OverflowError"),
  ("9223372036854775807 in range(-5, 5)", nil),
  ("[1, 2, 3][::-9223372036854775807]", nil),
  ("f'{1:99999999999999999999}'", "ValueError"),
  ("round(1.5, -9223372036854775807)", nil),
  ("-9223372036854775807 - 1 // -1", nil),
  ("(-9223372036854775807 - 1) // -1", "OverflowError"),
  ("(-9223372036854775807 - 1) % -1", nil),
  ("abs(-9223372036854775807 - 1)", "OverflowError"),
])
func integerEdgesAreErrorsNotTraps(_ code: String, _ ename: String?) {
  #expect(Session().error(code)?.ename == ename, "\(code)")
}

@Test func aFailedAssertWithoutAMessageReadsAsPython() {
  let e = Session().error("assert 0")
  #expect(e?.ename == "AssertionError" && e?.evalue == "")
  #expect(e?.traceback.last == "AssertionError")
}
