import CellLanguage
import Foundation
import Testing

// `%timeit` and `%%timeit`, as IPython's magic: how often the statement and the setup
// run, and the report in IPython's words.

/// IPython's report line: "<mean> ± <std> per loop (mean ± std. dev. of R runs, N loops each)".
private func report(_ text: String) -> (mean: String, runs: Int, loops: String)? {
  let pattern = #"^([0-9.]+(?:e[+-][0-9]+)? (?:s|ms|μs|ns)) ± [0-9.]+(?:e[+-][0-9]+)? (?:s|ms|μs|ns) per loop \(mean ± std\. dev\. of (\d+) runs?, ([0-9,]+) loops? each\)$"#
  let line = text.split(separator: "\n").last.map(String.init) ?? ""
  guard let m = try? NSRegularExpression(pattern: pattern).firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else { return nil }
  let group = { (i: Int) in String(line[Range(m.range(at: i), in: line)!]) }
  return (group(1), Int(group(2))!, group(3))
}

@Test func timeitRunsTheStatementLoopsTimesRepeatsAndReportsAsIPython() throws {
  let s = Session()
  _ = try s.run("calls = []")
  _ = try s.run("%timeit -n 3 -r 2 calls.append(1)")
  #expect(try s.result("len(calls)") == "6")
  let r = report(s.sink.text(.stdout))
  #expect(r?.runs == 2 && r?.loops == "3", "\(s.sink.text(.stdout))")
}

@Test func cellTimeitRunsItsSetupOncePerLoopOutsideTheTiming() throws {
  let s = Session()
  _ = try s.run("setups = []\nbodies = []")
  _ = try s.run("%%timeit -n 4 -r 3 setups.append(1)\nbodies.append(1)\nx = sum(range(10))")
  #expect(try s.result("len(setups), len(bodies)") == "(3, 12)")
  #expect(report(s.sink.text(.stdout))?.loops == "4")
  #expect(try s.result("x") == "45")
}

@Test func timeitPicksTheLoopCountAsIPythonDoes() throws {
  let s = Session()
  // One run of 0.25 s already passes IPython's 0.2 s mark: 1 loop per run, 250 ms each.
  _ = try s.run("import time")
  _ = try s.run("%timeit -r 1 time.sleep(0.25)")
  let r = report(s.sink.text(.stdout))
  #expect(r?.loops == "1" && r?.runs == 1, "\(s.sink.text(.stdout))")
  #expect(r?.mean.hasSuffix(" ms") == true && r?.mean.hasPrefix("2") == true, "\(s.sink.text(.stdout))")
  // A fast statement gets a power of ten large enough to take 0.2 s, with thousands separators.
  let fast = Session()
  _ = try fast.run("%timeit -r 1 y = 1")
  let loops = report(fast.sink.text(.stdout))?.loops ?? ""
  let digits = loops.filter { $0 != "," }
  #expect(digits.count >= 4 && digits.hasPrefix("1") && digits.dropFirst().allSatisfy { $0 == "0" }, "\(fast.sink.text(.stdout))")
  #expect(loops.count == digits.count + (digits.count - 1) / 3)
}

@Test(arguments: [
  ("%timeit", "%timeit needs a statement on its line: %timeit sum(xs)"),
  ("%timeit -n 0 x = 1", "%timeit -n needs a positive whole number"),
  ("%timeit -z x = 1", "invalid syntax"),
  ("%lsmagic", "the magic %lsmagic is not available; Tabby cells know %time, %%time, %timeit and %%timeit"),
])
func timeitMistakesAreSyntaxErrors(_ code: String, _ message: String) {
  let e = Session().error(code)
  #expect(e?.ename == "SyntaxError")
  #expect(e?.evalue == message)
}

@Test func timeitCanBeInterrupted() {
  let s = Session()
  s.flag.raise()
  #expect(s.error("%timeit x = 1")?.ename == "KeyboardInterrupt")
}
