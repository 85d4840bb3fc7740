import JSON
import JupyterProtocol
import Testing

@testable import KernelCore

@Test func executePublishesInProtocolOrder() {
  let h = Harness()
  let req = h.execute("print:hello")
  #expect(
    h.iopubTypes(for: req) == ["status", "execute_input", "stream", "execute_result", "status"])
  let states = h.published.filter { $0.type == "status" }.map { $0.content["execution_state"] }
  #expect(states == ["busy", "idle"])
  #expect(h.published[2].content["text"] == "hello\n")
  #expect(h.published[3].content["data"]?["text/plain"] == "=print:hello")
  let reply = h.lastReply
  #expect(reply.type == "execute_reply")
  #expect(reply.parentHeader["msg_id"]?.stringValue == req.id)
  #expect(reply.identities == [Array("peer".utf8)])
  #expect(reply.content["status"] == "ok")
  #expect(reply.content["execution_count"] == 1)
  #expect(h.published[1].content["execution_count"] == 1)
}

@Test func outputKindsMapToIOPubMessages() {
  let h = Harness()
  let d = h.execute("display:<b>hi</b>")
  #expect(
    h.published.first { $0.type == "display_data" }?.content["transient"]?["display_id"] == "d1")
  #expect(h.iopubTypes(for: d).contains("display_data"))
  #expect(h.iopubTypes(for: h.execute("update")).contains("update_display_data"))
  let c = h.execute("clear")
  #expect(h.published.first { $0.type == "clear_output" }?.content["wait"] == true)
  #expect(h.iopubTypes(for: c).contains("clear_output"))
  #expect(h.published.first { $0.type == "stream" && $0.content["name"] == "stderr" } == nil)
  _ = h.execute("warn:careful")
  #expect(h.published.last { $0.type == "stream" }?.content["name"] == "stderr")
}

@Test func countersAdvanceOnlyForStoredCells() {
  let h = Harness()
  _ = h.execute("a")
  #expect(h.lastReply.content["execution_count"] == 1)
  _ = h.execute("b", ["store_history": false])
  #expect(h.lastReply.content["execution_count"] == 1)
  let silent = h.execute("c", ["silent": true])
  #expect(h.lastReply.content["execution_count"] == 1)
  #expect(h.iopubTypes(for: silent) == ["status", "status"])
  _ = h.execute("d")
  #expect(h.lastReply.content["execution_count"] == 2)
  #expect(h.kernel.executionCount == 2)
  #expect(h.fake.executed == ["a", "b", "c", "d"])
}

@Test func errorsPublishAndReplyWithTraceback() {
  let h = Harness()
  let req = h.execute("fail:bad value")
  #expect(h.iopubTypes(for: req) == ["status", "execute_input", "error", "status"])
  let reply = h.lastReply.content
  #expect(reply["status"] == "error")
  #expect(reply["ename"] == "ValueError")
  #expect(reply["evalue"] == "bad value")
  #expect(reply["traceback"] == ["tb1", "tb2"])
  #expect(reply["execution_count"] == 1)
}

@Test func nonKernelErrorsStillGetAnErrorReply() {
  let h = Harness()
  _ = h.execute("crash")
  #expect(h.lastReply.content["status"] == "error")
  #expect(h.lastReply.content["ename"] == "CocoaLikeError")
  h.request("complete_request", ["code": "boom", "cursor_pos": 4])
  #expect(h.lastReply.type == "complete_reply")
  #expect(h.lastReply.content["status"] == "error")
}

@Test func stopOnErrorAbortsOnlyCellsAlreadyQueued() {
  let h = Harness()
  h.queue("execute_request", ["code": "fail:x"])
  h.queue("execute_request", ["code": "queued1"])
  h.queue("kernel_info_request")
  h.queue("execute_request", ["code": "queued2"])
  h.drain()
  let replies = h.replies
  #expect(
    replies.map(\.type) == ["execute_reply", "execute_reply", "kernel_info_reply", "execute_reply"])
  #expect(replies.map { $0.content["status"] } == ["error", "aborted", "ok", "aborted"])
  #expect(replies[1].content["ename"] == nil)
  #expect(replies[1].metadata["status"] == "aborted")
  #expect(h.fake.executed == ["fail:x"])
  // Requests arriving after the queue drained run normally.
  _ = h.execute("later")
  #expect(h.lastReply.content["status"] == "ok")
  #expect(h.fake.executed == ["fail:x", "later"])
}

@Test func stopOnErrorFalseKeepsGoing() {
  let h = Harness()
  h.queue("execute_request", ["code": "fail:x", "stop_on_error": false])
  h.queue("execute_request", ["code": "next"])
  h.drain()
  #expect(h.replies.map { $0.content["status"] } == ["error", "ok"])
  #expect(h.fake.executed == ["fail:x", "next"])
}

@Test func pagerPayloadAndUserExpressions() {
  let h = Harness()
  _ = h.execute("page")
  #expect(h.lastReply.content["payload"]?[0]?["source"] == "page")
  _ = h.execute("x", ["user_expressions": ["a": "abc", "b": "bad"]])
  let ue = h.lastReply.content["user_expressions"]
  #expect(ue?["a"]?["status"] == "ok")
  #expect(ue?["a"]?["data"]?["text/plain"] == "ABC")
  #expect(ue?["b"]?["status"] == "error")
  #expect(ue?["b"]?["ename"] == "NameError")
}

@Test func inputGoesOverStdinWhenAllowed() {
  let h = Harness()
  // No parent header, as jupyter_client's `input()` (jupyter console) sends it.
  let reply = h.client.message("input_reply", content: ["value": "typed"], parent: nil)
  h.stdin.replies = [h.client.encode(reply)]
  h.stdin.refusals = 2
  let req = h.execute("input", ["allow_stdin": true])
  #expect(h.stdin.sent.count == 1)
  let ask = h.decode(h.stdin.sent[0])
  #expect(ask.type == "input_request")
  #expect(ask.content["prompt"] == "? ")
  #expect(ask.parentHeader["msg_id"]?.stringValue == req.id)
  #expect(ask.identities == [Array("peer".utf8)])
  #expect(h.published.contains { $0.type == "stream" && $0.content["text"] == "typed" })

  _ = h.execute("input", ["allow_stdin": false])
  #expect(h.lastReply.content["ename"] == "StdinNotImplementedError")
}

@Test func stdinRepliesToAnotherRequestAreDropped() {
  let h = Harness()
  let other = h.client.message("execute_request", content: [:], parent: nil)
  h.stdin.respond = { [client = h.client, signer = h.signer] frames in
    let ask = try! WireCodec.decode(frames, signer: signer)
    return [
      client.encode(client.message("input_reply", content: ["value": "stale"], parent: other)),
      client.encode(client.message("input_request", content: ["value": "wrong type"], parent: ask)),
      client.encode(client.message("input_reply", content: ["value": "typed"], parent: ask)),
    ]
  }
  let req = h.execute("input", ["allow_stdin": true])
  #expect(h.lastReply.content["status"] == "ok")
  let streams = h.published.filter { $0.type == "stream" && $0.parentHeader["msg_id"]?.stringValue == req.id }
  #expect(streams.map { $0.content["text"] } == ["typed"])
  #expect(h.stdin.replies.isEmpty, "every reply before the right one was read and dropped")
}

@Test func stdinRepliesGoThroughTheReplayGuard() {
  let h = Harness()
  var answered: [[UInt8]] = []
  h.stdin.respond = { [client = h.client, signer = h.signer] frames in
    let ask = try! WireCodec.decode(frames, signer: signer)
    let reply = client.encode(client.message("input_reply", content: ["value": "typed"], parent: ask))
    answered = reply
    // The same signed reply twice: the copy must not answer the next input.
    return [reply, reply]
  }
  _ = h.execute("input", ["allow_stdin": true])
  #expect(h.stdin.replies.count == 1)
  // The second cell's ask gets the replayed copy first (same signature), then a fresh one.
  h.stdin.respond = { [client = h.client, signer = h.signer] frames in
    let ask = try! WireCodec.decode(frames, signer: signer)
    return [client.encode(client.message("input_reply", content: ["value": "fresh"], parent: ask))]
  }
  let second = h.execute("input", ["allow_stdin": true])
  let texts = h.published.filter { $0.type == "stream" && $0.parentHeader["msg_id"]?.stringValue == second.id }
  #expect(texts.map { $0.content["text"] } == ["fresh"])
  // The signature the stdin reply used is remembered kernel-wide: replayed on shell, it is
  // dropped before any handling (no busy status).
  let before = h.iopub.sent.count
  h.kernel.handleShell(answered, io: h.io)
  #expect(h.iopub.sent.count == before)
}

@Test func interruptEndsAnInputWait() {
  let h = Harness()
  h.fake.interrupt()
  _ = h.execute("input", ["allow_stdin": true])
  #expect(h.lastReply.content["ename"] == "KeyboardInterrupt")
}

@Test func executeWithoutCodeIsAnErrorReply() {
  let h = Harness()
  h.request("execute_request", [:])
  #expect(h.lastReply.content["status"] == "error")
}
