import JSON
import JupyterProtocol
import KernelCore
import Synchronization
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Collects frames a handler sends.
final class Recorder: FrameSink, @unchecked Sendable {
  var sent: [[[UInt8]]] = []
  func send(_ frames: [[UInt8]]) { sent.append(frames) }
}

/// A stdin channel whose replies the test queues up front.
final class ScriptedStdin: StdinChannel {
  var sent: [[[UInt8]]] = []
  var replies: [[[UInt8]]] = []
  /// Requests refused before one is delivered (a frontend still connecting).
  var refusals = 0
  /// Makes the replies to a delivered request (they need its msg_id as their parent).
  var respond: ([[UInt8]]) -> [[[UInt8]]] = { _ in [] }
  func request(_ frames: [[UInt8]]) -> Bool {
    if refusals > 0 {
      refusals -= 1
      return false
    }
    sent.append(frames)
    replies += respond(frames)
    return true
  }
  /// Nothing comes back before a request was delivered.
  func receive(timeoutMs: Int) -> [[UInt8]]? {
    sent.isEmpty || replies.isEmpty ? nil : replies.removeFirst()
  }
}

/// An interpreter whose behaviour the cell text selects, so tests need no language.
final class FakeInterpreter: KernelInterpreter, @unchecked Sendable {
  let interrupted = Atomic<Bool>(false)
  var executed: [String] = []

  var info: KernelInfo {
    KernelInfo(
      implementation: "fake", implementationVersion: "1", languageInfo: ["name": "fake"],
      banner: "Fake")
  }

  func execute(_ request: ExecuteRequest, io: CellIO) throws -> ExecuteOutcome {
    executed.append(request.code)
    let word = request.code.split(separator: ":", maxSplits: 1).map(String.init)
    switch word.first ?? "" {
    case "print": io.stream("stdout", word.last! + "\n")
    case "warn": io.stream("stderr", word.last!)
    case "display": io.display(data: ["text/html": .string(word.last!)], displayID: "d1")
    case "update": io.updateDisplay(data: ["text/plain": "2"], displayID: "d1")
    case "clear": io.clearOutput(wait: true)
    case "fail":
      throw KernelError(ename: "ValueError", evalue: word.last!, traceback: ["tb1", "tb2"])
    case "crash": throw CocoaLikeError()
    case "page":
      return ExecuteOutcome(payload: [
        .object(["source": "page", "data": .object(["text/plain": "help"])])
      ])
    case "input": io.stream("stdout", try io.readInput(prompt: "? ", password: false))
    default: break
    }
    return ExecuteOutcome(result: (["text/plain": .string("=" + request.code)], [:]))
  }

  func evaluate(_ expression: String) throws -> (data: JSONObject, metadata: JSONObject) {
    if expression == "bad" { throw KernelError(ename: "NameError", evalue: "bad") }
    return (["text/plain": .string(expression.uppercased())], [:])
  }

  func complete(_ code: String, cursor: Int) throws -> CompleteResult {
    if code == "boom" { throw CocoaLikeError() }
    return CompleteResult(matches: ["print"], cursorStart: 0, cursorEnd: cursor)
  }

  func inspect(_ code: String, cursor: Int, detailLevel: Int) throws -> (
    data: JSONObject, metadata: JSONObject
  )? {
    code.hasPrefix("print") ? (["text/plain": "print(value)"], [:]) : nil
  }

  func isComplete(_ code: String) -> CompletenessStatus {
    code.hasSuffix(":") ? .incomplete(indent: "    ") : code.hasSuffix(")") ? .complete : .invalid
  }

  func interrupt() { interrupted.store(true, ordering: .relaxed) }
  var interruptPending: Bool { interrupted.load(ordering: .relaxed) }
}

struct CocoaLikeError: Error {}

/// A kernel wired to in-memory channels, with a client session to talk to it.
final class Harness {
  static let key = try! Signer(scheme: "hmac-sha256", key: "harness-key")
  let signer = Harness.key
  let client = Session(signer: Harness.key, id: "client-session", username: "test")
  let fake = FakeInterpreter()
  let kernel: Kernel
  let shell = Recorder(), control = Recorder(), iopub = Recorder()
  let stdin = ScriptedStdin()
  let shutdownLog = ShutdownLog()
  var queue: [[[UInt8]]] = []

  init(history: HistoryStore? = nil) {
    let log = shutdownLog
    kernel = Kernel(
      interpreter: fake, session: Session(signer: Harness.key), history: history,
      onShutdown: { restart in log.append(restart) })
  }

  var io: ChannelIO {
    ChannelIO(reply: shell, iopub: iopub, stdin: stdin) { [self] in
      defer { queue = [] }
      return queue
    }
  }

  /// Queues a request on the shell channel; returns it.
  @discardableResult
  func queue(_ type: String, _ content: JSONObject = [:]) -> Message {
    let m = client.message(type, content: content, parent: nil, identities: [Array("peer".utf8)])
    queue.append(client.encode(m))
    return m
  }

  /// Runs the queued shell requests the way the socket loop does.
  func drain() {
    while !queue.isEmpty { kernel.handleShell(queue.removeFirst(), io: io) }
  }

  /// Queues and runs one request; returns it.
  @discardableResult
  func request(_ type: String, _ content: JSONObject = [:]) -> Message {
    let m = queue(type, content)
    drain()
    return m
  }

  func execute(_ code: String, _ extra: JSONObject = [:]) -> Message {
    var c: JSONObject = ["code": .string(code)]
    for (k, v) in extra { c[k] = v }
    return request("execute_request", c)
  }

  func decode(_ frames: [[UInt8]]) -> Message { try! WireCodec.decode(frames, signer: signer) }
  var replies: [Message] { shell.sent.map(decode) }
  var published: [Message] { iopub.sent.map(decode) }
  var lastReply: Message { replies.last! }

  /// IOPub messages parented to `request`, by type.
  func iopubTypes(for request: Message) -> [String] {
    published.filter { $0.parentHeader["msg_id"]?.stringValue == request.id }.map(\.type)
  }
}

final class ShutdownLog: @unchecked Sendable {
  private let log = Mutex<[Bool]>([])
  func append(_ b: Bool) { log.withLock { $0.append(b) } }
  var all: [Bool] { log.withLock { $0 } }
}

/// A fresh empty directory, removed with the test process's scratch directory.
func temporaryDirectory() -> String { Scratch.directory("kernel-core") }
