import JSON
import JupyterProtocol
import Testing

@testable import KernelCore

@Test func kernelInfoOnShellAndControl() {
  let h = Harness()
  h.request("kernel_info_request")
  #expect(h.lastReply.content["protocol_version"] == .string(protocolVersion))
  #expect(h.lastReply.content["language_info"]?["name"] == "fake")
  let m = h.client.message("kernel_info_request", content: [:], parent: nil)
  h.kernel.handleControl(h.client.encode(m), io: ChannelIO(reply: h.control, iopub: h.iopub))
  #expect(h.control.sent.count == 1)
  #expect(h.decode(h.control.sent[0]).content["implementation"] == "fake")
  #expect(h.iopubTypes(for: m) == ["status", "status"])
}

@Test func interruptAndShutdownOnControl() {
  let h = Harness()
  let io = ChannelIO(reply: h.control, iopub: h.iopub)
  h.kernel.handleControl(
    h.client.encode(h.client.message("interrupt_request", content: [:], parent: nil)), io: io)
  #expect(h.fake.interruptPending)
  #expect(h.decode(h.control.sent[0]).type == "interrupt_reply")
  let stop = h.client.message("shutdown_request", content: ["restart": true], parent: nil)
  h.kernel.handleControl(h.client.encode(stop), io: io)
  let reply = h.decode(h.control.sent[1])
  #expect(reply.type == "shutdown_reply")
  #expect(reply.content["restart"] == true)
  #expect(h.shutdownLog.all == [true])
  #expect(h.iopubTypes(for: stop) == ["status", "shutdown_reply", "status"])
}

@Test func completeInspectIsComplete() {
  let h = Harness()
  h.request("complete_request", ["code": "pri", "cursor_pos": 3])
  #expect(h.lastReply.content["matches"] == ["print"])
  #expect(h.lastReply.content["cursor_end"] == 3)
  h.request("complete_request", ["code": "é pri"])  // cursor defaults to the end, in code points
  #expect(h.lastReply.content["cursor_end"] == 5)
  h.request("inspect_request", ["code": "print", "cursor_pos": 5, "detail_level": 0])
  #expect(h.lastReply.content["found"] == true)
  #expect(h.lastReply.content["data"]?["text/plain"] == "print(value)")
  h.request("inspect_request", ["code": "nothing", "cursor_pos": 1])
  #expect(h.lastReply.content["found"] == false)
  h.request("is_complete_request", ["code": "if x:"])
  #expect(h.lastReply.content == ["status": "incomplete", "indent": "    "])
  h.request("is_complete_request", ["code": "f(x))x"])
  #expect(h.lastReply.content["status"] == "invalid")
}

@Test func commsAreRefusedPolitely() {
  let h = Harness()
  h.request("comm_info_request", [:])
  #expect(h.lastReply.content == ["status": "ok", "comms": .object([:])])
  let open = h.request(
    "comm_open", ["comm_id": "c1", "target_name": "jupyter.widget", "data": .object([:])])
  #expect(h.replies.count == 1)
  let close = h.published.first { $0.type == "comm_close" }
  #expect(close?.content["comm_id"] == "c1")
  #expect(close?.parentHeader["msg_id"]?.stringValue == open.id)
}

@Test func unknownTypesGetBusyIdleAndNoReply() {
  let h = Harness()
  let m = h.request("no_such_request", ["x": 1])
  #expect(h.replies.isEmpty)
  #expect(h.iopubTypes(for: m) == ["status", "status"])
}

@Test func badWireMessagesAreDroppedSilently() {
  let h = Harness()
  let good = h.client.encode(h.client.message("kernel_info_request", content: [:], parent: nil))
  var forged = good
  forged[forged.count - 4] = Array(#"{"msg_type":"execute_request"}"#.utf8)
  let wrongKey = Session(signer: try! Signer(scheme: "hmac-sha256", key: "nope")).encode(
    h.client.message("kernel_info_request", content: [:], parent: nil))
  for frames in [
    forged, wrongKey, [], [[1, 2, 3]], Array(good.prefix(4)),
    good.filter { $0 != WireCodec.delimiter },
  ] {
    h.kernel.handleShell(frames, io: h.io)
  }
  #expect(h.shell.sent.isEmpty)
  #expect(h.iopub.sent.isEmpty)
  h.kernel.handleShell(good, io: h.io)
  h.kernel.handleShell(good, io: h.io)  // a byte-identical replay
  #expect(h.shell.sent.count == 1)
}

@Test func shutdownOnShellAlsoWorks() {
  let h = Harness()
  h.request("shutdown_request", ["restart": false])
  #expect(h.lastReply.type == "shutdown_reply")
  #expect(h.lastReply.content["restart"] == false)
  #expect(h.shutdownLog.all == [false])
}
