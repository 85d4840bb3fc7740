import CellLanguage
import JSON
import JupyterProtocol
import Testing

@testable import KernelCore
@testable import TabbyKernel

final class Recorder: FrameSink {
  var sent: [[[UInt8]]] = []
  func send(_ frames: [[UInt8]]) { sent.append(frames) }
}

private let signer = try! Signer(scheme: "hmac-sha256", key: "bridge")
private let session = Session(signer: signer)

private func cell(allowStdin: Bool = false) -> (IOPubOutput, Recorder, Message) {
  let iopub = Recorder()
  let request = session.message("execute_request", content: ["code": "x"], parent: nil)
  let io = CellIO(
    session: session, request: request, io: ChannelIO(reply: Recorder(), iopub: iopub),
    topicPrefix: "kernel.t.",
    silent: false, allowStdin: allowStdin, interrupted: { false })
  return (IOPubOutput(io), iopub, request)
}

@Test func outputSinkEventsBecomeIOPubMessages() throws {
  let (sink, iopub, request) = cell()
  sink.stream(.stdout, "hello, world\n")
  sink.stream(.stderr, "oops\n")
  sink.display(MimeBundle(data: ["text/html": "<b>hi</b>"]), displayID: nil)
  sink.display(.plain("0%"), displayID: "progress")
  sink.updateDisplay(.plain("100%"), displayID: "progress")
  sink.clearOutput(wait: false)
  let msgs = try iopub.sent.map { try WireCodec.decode($0, signer: signer) }
  #expect(
    msgs.map(\.type) == [
      "stream", "stream", "display_data", "display_data", "update_display_data", "clear_output",
    ])
  #expect(msgs.allSatisfy { $0.parentHeader["msg_id"]?.stringValue == request.id })
  #expect(msgs[0].content["name"] == "stdout")
  #expect(msgs[1].content["name"] == "stderr")
  #expect(msgs[2].content["data"]?["text/html"] == "<b>hi</b>")
  #expect(msgs[4].content["transient"]?["display_id"] == "progress")
  #expect(msgs[5].identities == [Array("kernel.t.clear_output".utf8)])
}

@Test func inputWithoutStdinIsALanguageError() {
  let (sink, _, _) = cell(allowStdin: false)
  #expect(throws: LanguageError.self) { try sink.readInput(prompt: "> ", password: false) }
}

@Test func interruptRaisesTheLanguageFlag() {
  let tabby = TabbyInterpreter()
  #expect(!tabby.interruptPending)
  tabby.interrupt()
  #expect(tabby.interruptFlag.isRaised)
  #expect(tabby.interruptPending)
}

@Test func languageErrorsKeepTheirTraceback() {
  let e = TabbyInterpreter.kernelError(
    LanguageError(
      ename: "ZeroDivisionError", evalue: "division by zero", traceback: ["1/0", "  ^"]))
  #expect(e.ename == "ZeroDivisionError")
  #expect(e.traceback == ["1/0", "  ^"])
}

@Test func kernelInfoDescribesTheLanguage() {
  let li = TabbyInterpreter.kernelInfo.languageInfo
  for key in ["name", "version", "mimetype", "file_extension", "pygments_lexer", "codemirror_mode"]
  {
    #expect(li[key]?.stringValue?.isEmpty == false, "language_info.\(key)")
  }
  #expect(li["file_extension"]?.stringValue?.hasPrefix(".") == true)
}
