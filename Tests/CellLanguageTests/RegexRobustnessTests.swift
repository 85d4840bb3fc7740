import CellLanguage
import Testing

// `import re` under hostile patterns and large texts: an error or a result, never a trap,
// a native-stack overflow or an uninterruptible cell.

@Test func re_catastrophicBacktrackingCanBeInterrupted() throws {
  let s = Session()
  // (a+)+b against 40 a's takes 2^40 steps in any backtracking engine, Python's included:
  // the machine checks the interrupt flag as it goes, so the cell stops and the session lives.
  s.flag.raise()
  let e = s.error("import re\nre.match(r'(a+)+b', 'a' * 40)")
  #expect(e?.ename == "KeyboardInterrupt")
  #expect(try s.result("import re; re.match(r'(a+)+b', 'aab').span()") == "(0, 3)")
}

@Test func re_longTextsUseNoNativeStackPerCharacter() throws {
  let s = Session()
  // 400,000 loop iterations each leave a backtrack point: they live on the machine's own
  // stack, not the thread's (a recursive matcher would overflow here).
  #expect(try s.result("import re; re.match(r'(?:a|b)*c', 'ab' * 200000 + 'c').end()") == "400001")
  #expect(try s.result("len(re.findall(r'\\w+', 'word ' * 100000))") == "100000")
  #expect(try s.result("len(re.sub(r'\\s+', ' ', 'a  b\\n' * 50000))") == "200000")
  #expect(try s.result("re.search(r'(x+x+)+y', 'x' * 20 + 'y').span()") == "(0, 21)")
}

@Test func re_deepPatternsAreErrorsNotCrashes() throws {
  let s = Session()
  _ = try s.run("import re")
  #expect(try s.result("re.match('(' * 150 + 'a' + ')' * 150, 'a').lastindex") == "1")
  let e = s.error("re.compile('(' * 100000 + 'a' + ')' * 100000)")
  #expect(e?.ename == "error")
  #expect(e?.evalue == "too many nested groups (more than 200) at position 200")
  let big = s.error("re.compile('(?:(?:a{1000}){1000}){1000}')")
  #expect(big?.ename == "error")
  #expect(big?.evalue.hasPrefix("the pattern is too large to compile") == true)
  // `except re.error` catches both, as in Python.
  _ = try s.run("try:\n    re.compile('[')\nexcept re.error as err:\n    print('caught:', err)")
  #expect(s.sink.text(.stdout) == "caught: unterminated character set at position 0\n")
}

/// Random pattern soup (seeded, bounded): each compile/search/sub/split gives a result or
/// a named error.
@Test func re_patternSoupNeverTraps() {
  let pieces = [
    "a", "b", ".", "*", "+", "?", "{", "}", "{2,", "{1,3}", "(", ")", "(?:", "(?P<g>", "(?P=g)", "(?=", "(?!", "(?<=",
    "(?<!", "(?>", "(?i)", "(?-i:", "[", "]", "[^", "-", "\\", "\\1", "\\d", "\\w", "\\b", "\\x4", "\\u00e9", "|", "^",
    "$", "é", "#", " ", "\\g<1>", "*?", "++", "(?#", ",", "0", "9",
  ]
  var state: UInt64 = 0x2545_F491_4F6C_DD1D
  func next(_ n: Int) -> Int {
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((state >> 33) % UInt64(n))
  }
  let session = Session()
  _ = try? session.run("import re")
  var outcomes = [String: Int]()
  for _ in 0..<1500 {
    let pattern = (0..<(1 + next(8))).map { _ in pieces[next(pieces.count)] }.joined()
    let literal = Value.string(pattern).repr
    let call = ["re.findall(\(literal), 'aab ba é 91')", "re.sub(\(literal), r'<\\g<0>>', 'ab\\nba')",
                "re.split(\(literal), 'a,b a')", "re.fullmatch(\(literal), 'ab', re.I | re.S)"][next(4)]
    let key: String
    do {
      _ = try session.run(call)
      key = "ok"
    } catch {
      key = error.ename
    }
    outcomes[key, default: 0] += 1
  }
  #expect(outcomes["ok", default: 0] > 100)
  #expect(outcomes["error", default: 0] > 100)
  #expect(Set(outcomes.keys).isSubset(of: ["ok", "error", "IndexError"]), "\(outcomes)")
}

@Test func re_moduleShowsAndCompletesLikeOthers() throws {
  let s = Session()
  _ = try s.run("import re")
  #expect(try s.result("re.compile(r'\\d+', re.I)") == "re.compile('\\\\d+', re.IGNORECASE)")
  #expect(try s.result("re.search('b', 'abc')") == "<re.Match object; span=(1, 2), match='b'>")
  // CPython's loops run while `!count || n < count`: a negative limit does nothing.
  #expect(try s.result("re.split(',', 'a,b', maxsplit=-1), re.sub('a', 'b', 'aa', count=-1), re.subn('a', 'b', 'aa', count=-2)") == "(['a,b'], 'aa', ('aa', 0))")
  let c = s.interpreter.complete("re.fin", cursor: 6)
  #expect(c.matches == ["findall", "finditer"])
  #expect(try s.result("'group' in dir(re.match('a', 'a'))") == "True")
}
