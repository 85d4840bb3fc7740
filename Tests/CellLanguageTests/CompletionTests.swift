import CellLanguage
import JSON
import Testing

/// Code with `|` marking the cursor → the offered matches.
/// Code with `|` marking the cursor → the matches offered (the first ones when the
/// prefix is empty and every name follows the keyword arguments).
@Test(arguments: [
  ("pri|", ["print"], true),
  ("x = pri|", ["print"], true),
  ("rang|", ["range"], true),
  ("wh|", ["while", "who"], true),
  ("my|", ["my_list", "my_number"], true),
  ("print(my_n|", ["my_number"], true),
  ("print(1, se|", ["sep=", "set", "setattr"], true),
  ("print(\"a\", (1, 2), en|", ["end=", "enumerate"], true),
  ("print(1, |", ["sep=", "end=", "file=", "flush=", "ArithmeticError"], false),
  ("sleep(|", ["seconds=", "ArithmeticError"], false),
  ("my_list.ap|", ["append"], true),
  ("my_list.|", ["append", "clear", "copy", "count", "extend", "index", "insert", "pop", "remove", "reverse", "sort"], true),
  ("'abc'.up|", [], true),
  ("print('pri|", [], true),
  ("print(f'{my_n|", ["my_number"], true),
  ("f'{{my_n|", [], true),
  ("f'{my_list.ap|", ["append"], true),
  ("# pri|", [], true),
  ("zzz|", [], true),
  ("import |", ["bisect", "collections", "copy", "csv", "dataclasses", "datetime", "enum", "functools", "glob", "heapq", "io", "itertools", "json", "logging", "math", "operator", "os", "pathlib", "pprint", "random", "re", "shutil", "statistics", "string", "sys", "tempfile", "textwrap", "time", "typing", "warnings"], true),
  ("import ma|", ["math"], true),
  ("import math, r|", ["random", "re"], true),
  ("from ti|", ["time"], true),
  ("from math import sq|", ["sqrt"], true),
  ("from math import (pi, fa|", ["fabs", "factorial"], true),
  ("from random import sh|", ["shuffle"], true),
  ("from nosuch import x|", [], true),
])
func completes(_ marked: String, _ expected: [String], _ exact: Bool) {
  let s = Session()
  _ = try? s.run("my_number = 1\nmy_list = [1]")
  let scalars = Array(marked.unicodeScalars)
  let cursor = scalars.firstIndex(of: "|")!
  let code = String(String.UnicodeScalarView(scalars.filter { $0 != "|" }))
  let completion = s.interpreter.complete(code, cursor: cursor)
  let got = exact ? completion.matches : Array(completion.matches.prefix(expected.count))
  #expect(got == expected, "\(marked)")
  if !expected.isEmpty {
    var start = cursor
    while start > 0, scalars[start - 1] == "_" || scalars[start - 1].properties.isAlphabetic { start -= 1 }
    #expect(completion.cursorStart == start && completion.cursorEnd == cursor, "\(marked)")
  }
}

@Test func importCompletesASubmoduleAfterTheDot() {
  let s = Session()
  let completion = s.interpreter.complete("import os.", cursor: 10)
  #expect(completion.matches == ["os.path"] && completion.cursorStart == 7 && completion.cursorEnd == 10)
}

@Test func completionCountsCodePoints() {
  let s = Session()
  let code = "é = 'ü'; pri"
  let completion = s.interpreter.complete(code, cursor: code.unicodeScalars.count)
  #expect(completion == Completion(matches: ["print"], cursorStart: 9, cursorEnd: 12))
}

@Test(arguments: [
  ("print", 5, "print(*values"),
  ("print", 2, "print(*values"),
  ("print(1, ", 9, "print(*values"),
  ("x = len(", 8, "len(obj)"),
  ("xs.append", 9, "append(item)"),
])
func inspects(_ code: String, _ cursor: Int, _ prefix: String) throws {
  let s = Session()
  _ = try s.run("xs = []")
  let bundle = s.interpreter.inspect(code, cursor: cursor, detailLevel: 0)
  let text = bundle?.data["text/plain"]?.stringValue ?? ""
  #expect(text.hasPrefix(prefix), "\(code)")
}

@Test func inspectMatchesThePager() throws {
  let s = Session()
  let pager = try s.run("print?").pager
  #expect(s.interpreter.inspect("print", cursor: 5, detailLevel: 0) == .plain(pager!))
  #expect(s.interpreter.inspect("nothing_here", cursor: 3, detailLevel: 0) == nil)
  #expect(s.interpreter.inspect("1 + 2", cursor: 3, detailLevel: 0) == nil)
}

@Test(arguments: [
  ("1+2", Completeness.complete),
  ("print(\"a\"", .incomplete(indent: "")),
  ("print(\"a\",", .incomplete(indent: "")),
  ("print(\"a\"))", .invalid),
  ("if x:", .incomplete(indent: "    ")),
  ("for i in range(3):\n    if i:", .incomplete(indent: "        ")),
  ("for i in range(3):\n    print(i)", .incomplete(indent: "    ")),
  ("for i in range(3):\n    print(i)\n", .complete),
  ("s = \"\"\"abc", .incomplete(indent: "")),
  ("x = 1 + \\", .incomplete(indent: "")),
  ("x = ", .invalid),
  ("'abc", .invalid),
  ("print?", .complete),
  ("", .complete),
  ("d = {'a':\n", .incomplete(indent: "")),
])
func judgesCompleteness(_ code: String, _ expected: Completeness) {
  #expect(Interpreter().isComplete(code) == expected, "\(code)")
}
