import CellLanguage
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh directory under /tmp for one test, removed with its files afterwards.
final class ScratchDirectory {
  let path: String
  init() {
    var template = Array("/tmp/tabby-files-XXXXXX".utf8CString)
    path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
  }
  deinit { _ = system("rm -rf '\(path)'") }
}

/// Files next to the notebook: text, JSON and CSV in and out, glob and listdir.
@Test func textRoundTripsAndAppends() throws {
  let dir = ScratchDirectory()
  let s = Session()
  #expect(try s.result("write_text('\(dir.path)/a.txt', 'héllo\\n')") == "6")
  #expect(try s.result("write_text('\(dir.path)/a.txt', 'more', append=True)") == "4")
  #expect(try s.result("read_text('\(dir.path)/a.txt')") == "'héllo\\nmore'")
  #expect(try s.result("read_text('\(dir.path)/a.txt').split('\\n')") == "['héllo', 'more']")
}

@Test func jsonRoundTripsValues() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("d = {'name': 'cat', 'scores': [1, 2.5, None, True], 'nested': {'k': (1, 2)}}\nwrite_json('\(dir.path)/d.json', d)")
  #expect(try s.result("read_json('\(dir.path)/d.json')") == "{'name': 'cat', 'scores': [1, 2.5, None, True], 'nested': {'k': [1, 2]}}")
  #expect(try s.result("read_json('\(dir.path)/d.json')['scores'][0] + 1") == "2")
  _ = try s.run("write_json('\(dir.path)/k.json', {1: 'a', None: 'b'}, indent=0)")
  #expect(try s.result("read_text('\(dir.path)/k.json')") == "'{\"1\":\"a\",\"null\":\"b\"}\\n'")
}

@Test(arguments: [
  ("write_json(P + '/x.json', float('nan'))", "ValueError", "not JSON compliant"),
  ("write_json(P + '/x.json', {(1, 2): 3})", "TypeError", "keys must be"),
  ("write_json(P + '/x.json', [print])", "TypeError", "not JSON serializable"),
  ("xs = []\nxs.append(xs)\nwrite_json(P + '/x.json', xs)", "ValueError", "too deeply nested"),
  ("write_text(P + '/bad.json', '{\"a\": ')\nread_json(P + '/bad.json')", "JSONDecodeError", "invalid JSON"),
  ("read_text(P + '/missing.txt')", "FileNotFoundError", "No such file or directory"),
  ("read_text(P)", "IsADirectoryError", "Is a directory"),
  ("write_text(P + '/no/such/dir/x.txt', 'x')", "FileNotFoundError", "No such file"),
  ("read_text('/dev/zero')", "OSError", "not a regular file"),
  ("write_text(P + '/b.bin', '\\xff')\nread_text(P + '/b.bin')", "", ""),
  ("read_csv(P + '/missing.csv')", "FileNotFoundError", "missing.csv"),
  ("write_text(P + '/q.csv', 'a\\n\"open')\nread_csv(P + '/q.csv')", "ValueError", "quoted field"),
  ("write_csv(P + '/x.csv', [1, 2])", "TypeError", "dicts or lists"),
  ("listdir(P + '/nope')", "FileNotFoundError", "nope"),
])
func fileErrorsAreTyped(_ code: String, _ ename: String, _ fragment: String) throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("P = '\(dir.path)'")
  let error = s.error(code)
  if ename.isEmpty {
    #expect(error == nil, "\(code)")
    return
  }
  let e = try #require(error, "\(code)")
  #expect(e.ename == ename, "\(code): \(e.ename): \(e.evalue)")
  #expect(e.evalue.contains(fragment), "\(code): \(e.evalue)")
  #expect(try s.result("P") == "'\(dir.path)'")
}

@Test func aFIFOIsRefusedWithoutBlocking() throws {
  let dir = ScratchDirectory()
  #expect(mkfifo(dir.path + "/pipe", 0o600) == 0)
  let s = Session()
  let e = try #require(s.error("read_text('\(dir.path)/pipe')"))
  #expect(e.ename == "OSError" && e.evalue.contains("not a regular file"))
}

@Test func exceptCatchesFileErrorsByTheirPythonParents() throws {
  let s = Session()
  #expect(try s.result("try:\n    read_text('/nonexistent/x')\nexcept OSError as e:\n    r = type(e)\nr") == "<class 'FileNotFoundError'>")
  #expect(try s.result("try:\n    read_json('/nonexistent/x')\nexcept FileNotFoundError:\n    r = 'missing'\nr") == "'missing'")
}

@Test func csvReadsQuotedFieldsAndRoundTrips() throws {
  let dir = ScratchDirectory()
  let s = Session()
  let csv = "name,size,note\\r\\ncat,3,\"says \"\"hi\"\", loudly\"\\r\\ndog,5,\"two\\nlines\"\\nbird,1\\n"
  _ = try s.run("write_text('\(dir.path)/a.csv', '\(csv)')")
  #expect(try s.result("rows = read_csv('\(dir.path)/a.csv')\nlen(rows)") == "3")
  #expect(try s.result("rows[0]") == "{'name': 'cat', 'size': '3', 'note': 'says \"hi\", loudly'}")
  #expect(try s.result("rows[1]['note']") == "'two\\nlines'")
  #expect(try s.result("rows[2]") == "{'name': 'bird', 'size': '1', 'note': None}")
  #expect(try s.result("sum([int(r['size']) for r in rows])") == "9")
  #expect(try s.result("write_csv('\(dir.path)/b.csv', rows)") == "3")
  // None is written as an empty field, as Python's csv module does.
  #expect(try s.result("back = read_csv('\(dir.path)/b.csv')\nback[:2] == rows[:2] and back[2]['note'] == ''") == "True")
  #expect(try s.result("write_csv('\(dir.path)/c.csv', [['x', 'y'], [1, 2.5]])\nread_csv('\(dir.path)/c.csv')") == "[{'x': '1', 'y': '2.5'}]")
  #expect(try s.result("write_text('\(dir.path)/t.tsv', 'a\\tb\\n1\\t2\\n')\nread_csv('\(dir.path)/t.tsv', delimiter='\\t')") == "[{'a': '1', 'b': '2'}]")
}

@Test func globAndListdirAreSorted() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("for n in ['b.jpg', 'a.jpg', 'c.png', '.hidden.jpg']:\n    write_text('\(dir.path)/' + n, n)")
  #expect(try s.result("glob('\(dir.path)/*.jpg')") == "['\(dir.path)/a.jpg', '\(dir.path)/b.jpg']")
  #expect(try s.result("glob('\(dir.path)/*.gif')") == "[]")
  #expect(try s.result("listdir('\(dir.path)')") == "['.hidden.jpg', 'a.jpg', 'b.jpg', 'c.png']")
}

@Test func pathsCompleteInsideStrings() throws {
  let dir = ScratchDirectory()
  let s = Session()
  _ = try s.run("write_text('\(dir.path)/photo-cat.jpg', '')\nwrite_text('\(dir.path)/photo-dog.jpg', '')\nwrite_text('\(dir.path)/.secret', '')")
  #expect(mkdir(dir.path + "/photos", 0o700) == 0)
  let code = "read_text('\(dir.path)/pho"
  let n = code.unicodeScalars.count
  let c = s.interpreter.complete(code, cursor: n)
  #expect(c.matches == ["photo-cat.jpg", "photo-dog.jpg", "photos/"])
  #expect(c.cursorStart == n - 3 && c.cursorEnd == n)
  let hidden = s.interpreter.complete("x = \"\(dir.path)/.s", cursor: "x = \"\(dir.path)/.s".unicodeScalars.count)
  #expect(hidden.matches == [".secret"])
  let all = s.interpreter.complete("'\(dir.path)/", cursor: "'\(dir.path)/".unicodeScalars.count)
  #expect(all.matches == ["photo-cat.jpg", "photo-dog.jpg", "photos/"])
  #expect(s.interpreter.complete("'/nonexistent-dir/x", cursor: 19).matches.isEmpty)
}
