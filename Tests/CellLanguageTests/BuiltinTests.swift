import CellLanguage
import Foundation  // Thread, to raise the interrupt flag from another thread
import JSON
import Testing

@Test func printWritesToStdoutAndStderr() throws {
  let s = Session()
  _ = try s.run("print(\"hello, world\")\nprint(\"oops\", file=stderr)\nprint(1, 2.5, 'x', sep='-', end='!')")
  #expect(s.sink.events == [
    .stream(.stdout, "hello, world\n"), .stream(.stderr, "oops\n"), .stream(.stdout, "1-2.5-x!"),
  ])
}

@Test func inputAsksTheFrontend() throws {
  let s = Session()
  s.sink.inputs = ["Ada"]
  #expect(try s.result("name = input(\"prompt> \")\n'hi ' + name") == "'hi Ada'")
  #expect(s.sink.prompts == ["prompt> "])
  s.sink.inputs = ["secret"]
  #expect(try s.result("len(getpass())") == "6")
  #expect(s.sink.prompts == ["prompt> ", "Password: "])
  #expect(s.error("getpass()", allowStdin: false)?.ename == "StdinNotImplementedError")
}

@Test func displayPublishesAnyValue() throws {
  let s = Session()
  let outcome = try s.run("display(1, 'a')\ndisplay([1], display_id='p')\nupdate_display(2, display_id='p')")
  #expect(outcome.result == nil)
  #expect(s.sink.events == [
    .display(.plain("1"), nil), .display(.plain("'a'"), nil), .display(.plain("[1]"), "p"),
    .update(.plain("2"), "p"),
  ])
}

@Test func htmlIsShownAsHTML() throws {
  let s = Session()
  let bundle = try s.run("html(\"<b>hi</b>\")").result
  #expect(bundle?.data["text/html"] == .string("<b>hi</b>"))
  #expect(bundle?.data["text/plain"] == .string("html('<b>hi</b>')"))
  _ = try s.run("display(html('<i>x</i>'))")
  guard case .display(let shown, nil)? = s.sink.events.last else {
    Issue.record("no display")
    return
  }
  #expect(shown.data["text/html"] == .string("<i>x</i>"))
}

@Test func clearOutputReachesTheSink() throws {
  let s = Session()
  _ = try s.run("print(1)\nclear_output()\nclear_output(wait=True)")
  #expect(s.sink.events == [.stream(.stdout, "1\n"), .clear(false), .clear(true)])
}

@Test func sleepWaitsAndIsInterruptible() throws {
  let s = Session()
  let clock = ContinuousClock()
  let short = clock.measure { _ = try? s.run("sleep(0.05)") }
  #expect(short >= .milliseconds(50))

  let flag = s.flag
  let raiser = Thread { Thread.sleep(forTimeInterval: 0.05); flag.raise() }
  raiser.start()
  var error: LanguageError?
  let interrupted = clock.measure { error = s.error("sleep(8)") }
  #expect(error?.ename == "KeyboardInterrupt")
  #expect(interrupted < .seconds(2))
  #expect(!flag.isRaised, "the interrupt is consumed")
  #expect(try s.result("1 + 1") == "2", "state survives an interrupt")
}

@Test func loopsAreInterruptible() {
  let s = Session()
  let flag = s.flag
  let raiser = Thread { Thread.sleep(forTimeInterval: 0.05); flag.raise() }
  raiser.start()
  let error = s.error("n = 0\nwhile True:\n    n += 1")
  #expect(error?.ename == "KeyboardInterrupt")
  if case .int(let n)? = s.interpreter.variable("n") { #expect(n > 0) } else { Issue.record("n unset") }
}

@Test func helpListsBuiltinsAndExplainsOne() throws {
  let s = Session()
  _ = try s.run("help()")
  let index = s.sink.text(.stdout)
  for name in ["print", "len", "range", "input", "display", "html", "clear_output", "sleep", "who", "dir", "stderr"] {
    #expect(index.contains("  \(name) "), "help() lists \(name)")
  }
  _ = try s.run("help(len)")
  #expect(s.sink.text(.stdout).hasSuffix("len(obj)\n\nReturns the number of items of a string, list, tuple, dict or range.\n"))
}

@Test func pagerAnswersQuestionMarks() throws {
  let s = Session()
  for code in ["print?", "?print", "print??", " print? "] {
    let outcome = try s.run(code)
    #expect(outcome.pager?.hasPrefix("print(*values, sep=' ', end='\\n', file=stdout, flush=False)") == true, "\(code)")
    #expect(outcome.result == nil)
  }
  _ = try s.run("xs = [1, 2]")
  #expect(try s.run("xs?").pager == "Type: list\nValue: [1, 2]")
  #expect(try s.run("xs.append?").pager?.hasPrefix("append(item)") == true)
  #expect(try s.run("nothing?").pager == "Object `nothing` not found.")
}

@Test func whoAndDirListVariables() throws {
  let s = Session()
  _ = try s.run("who()")
  #expect(s.sink.text(.stdout) == "Interactive namespace is empty.\n")
  _ = try s.run("b = 1; a = 'x'\nwho()")
  #expect(s.sink.text(.stdout).hasSuffix("a\tb\n"))
  #expect(try s.result("dir()") == "['a', 'b']")
  #expect(try s.result("'upper' in dir('x')") == "True")
}

@Test func evaluateServesUserExpressions() throws {
  let s = Session()
  _ = try s.run("x = 20")
  #expect(try s.interpreter.evaluate(expression: "x + 1") == .plain("21"))
  #expect(throws: LanguageError.self) { try s.interpreter.evaluate(expression: "y") }
  #expect(throws: LanguageError.self) { try s.interpreter.evaluate(expression: "input()") }
}

