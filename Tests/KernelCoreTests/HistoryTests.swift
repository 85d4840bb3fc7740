import JSON
import Testing

@testable import KernelCore

@Test func historyTailRangeSearchThroughTheKernel() throws {
  let dir = temporaryDirectory()
  let h = Harness(history: HistoryStore(directory: dir))
  for code in ["a = 1", "b = 2", "a + b", "a * 2"] { _ = h.execute(code) }
  _ = h.execute("hidden", ["store_history": false])

  h.request("history_request", ["hist_access_type": "tail", "n": 3, "output": false, "raw": true])
  let tail = h.lastReply.content["history"]!.arrayValue!
  #expect(tail.map { $0[2] } == ["b = 2", "a + b", "a * 2"])
  let session = tail[0][0]!.intValue!
  #expect(session >= 1)
  #expect(tail.map { $0[1] } == [2, 3, 4])

  h.request("history_request", ["hist_access_type": "tail", "n": 1, "output": true, "raw": true])
  #expect(h.lastReply.content["history"]?[0]?[2] == ["a * 2", "=a * 2"])

  h.request(
    "history_request",
    [
      "hist_access_type": "range", "session": .int(session), "start": 2, "stop": 3, "output": false,
      "raw": true,
    ])
  #expect(h.lastReply.content["history"] == [[.int(session), 2, "b = 2"]])
  h.request(
    "history_request",
    ["hist_access_type": "range", "session": 0, "start": 3, "output": false, "raw": true])
  #expect(h.lastReply.content["history"]?.arrayValue?.count == 2)

  for _ in 0..<2 { _ = h.execute("a + b") }
  h.request(
    "history_request",
    ["hist_access_type": "search", "pattern": "a*", "output": false, "raw": true])
  #expect(h.lastReply.content["history"]?.arrayValue?.count == 5)
  h.request(
    "history_request",
    [
      "hist_access_type": "search", "pattern": "a + *", "unique": true, "output": false,
      "raw": true,
    ])
  #expect(h.lastReply.content["history"]?.arrayValue?.count == 1)
  #expect(h.lastReply.content["history"]?[0]?[1] == 6)  // the latest occurrence
  h.request(
    "history_request",
    ["hist_access_type": "search", "pattern": "a*", "n": 2, "output": false, "raw": true])
  #expect(h.lastReply.content["history"]?.arrayValue?.map { $0[1] } == [5, 6])
}

@Test func sessionsAreNumberedAcrossRestarts() throws {
  let dir = temporaryDirectory()
  let first = HistoryStore(directory: dir)
  try first.append(line: 1, input: "x", output: nil)
  let second = HistoryStore(directory: dir)
  try second.append(line: 1, input: "y", output: "1")
  #expect(try second.session() == first.session() + 1)
  #expect(try second.range(session: -1, start: 1, stop: nil).map(\.input) == ["x"])
  #expect(try second.range(session: 0, start: 1, stop: nil).map(\.input) == ["y"])
  #expect(try HistoryStore(directory: dir).tail(10).map(\.input) == ["x", "y"])
}

@Test func historyStaysBounded() throws {
  let dir = temporaryDirectory()
  let store = HistoryStore(directory: dir, maxBytes: 4096)
  for i in 1...400 { try store.append(line: i, input: "cell number \(i)", output: nil) }
  let size = try readFile(dir + "/history.jsonl").count
  #expect(size <= 4096)
  let all = try store.entries()
  #expect(all.last?.line == 400)
  #expect(all.count < 400)
  #expect(all.map(\.line) == Array((400 - all.count + 1)...400))
}

@Test func concurrentWritersLoseNothing() throws {
  let dir = temporaryDirectory()
  let stores = (0..<4).map { _ in HistoryStore(directory: dir) }
  // Real concurrency across processes is covered by the integration tests; here four
  // stores interleave, each locking the file per write.
  for i in 1...50 {
    for (k, s) in stores.enumerated() { try s.append(line: i, input: "s\(k) \(i)", output: nil) }
  }
  let entries = try HistoryStore(directory: dir).entries()
  #expect(entries.count == 200)
  #expect(Set(entries.map(\.session)).count == 4)
}

@Test func corruptHistoryLinesAreSkipped() throws {
  let dir = temporaryDirectory()
  try writeFile(
    dir + "/history.jsonl", Array("garbage\n{\"s\":1}\n{\"s\":1,\"n\":1,\"i\":\"ok\"}\n".utf8),
    append: false)
  #expect(try HistoryStore(directory: dir).entries().map(\.input) == ["ok"])
}
