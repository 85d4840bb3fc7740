import JSON
import JupyterProtocol
import Synchronization

/// The protocol core: decodes wire frames, dispatches shell and control requests to the
/// interpreter, and owns execution counts, busy/idle, `execute_input`, `stop_on_error`
/// aborts and history. Every request that decodes gets a reply, even if a handler throws.
///
/// Threading: `handleShell` runs on the shell thread only,
/// `handleControl` on the control thread only; what they share (the replay guard, the
/// interrupt, the shutdown callback) is thread-safe, hence `@unchecked Sendable`.
public final class Kernel: @unchecked Sendable {
  public let session: Session
  let interpreter: KernelInterpreter
  let replayGuard = ReplayGuard()
  let history: HistoryStore?
  let topicPrefix: String
  /// The execution count of the last stored cell.
  public internal(set) var executionCount = 0
  /// True while the requests queued behind a failed `stop_on_error` cell are answered.
  public internal(set) var isAborting = false
  /// Requests that were already queued when a `stop_on_error` cell failed.
  var queuedBehindError: [[[UInt8]]] = []
  /// Called once on the control thread after a `shutdown_reply` is sent (argument: restart).
  public let onShutdown: @Sendable (Bool) -> Void

  public init(
    interpreter: KernelInterpreter, session: Session, history: HistoryStore?,
    onShutdown: @escaping @Sendable (Bool) -> Void = { _ in }
  ) {
    self.interpreter = interpreter
    self.session = session
    self.history = history
    self.topicPrefix = "kernel.\(session.id)."
    self.onShutdown = onShutdown
  }

  /// Publishes `starting` once at start-up.
  public func publishStarting(iopub: FrameSink) {
    publishStatus("starting", parent: nil, iopub: iopub)
  }

  /// Handles one multipart message from the shell socket. When a `stop_on_error` cell
  /// fails, the requests queued behind it are taken before its reply goes out and
  /// answered here: their execute requests get an error reply without running. What
  /// arrives after the error reply runs normally, so no timing window decides.
  public func handleShell(_ frames: [[UInt8]], io: ChannelIO) {
    handleShellMessage(frames, io: io)
    guard !queuedBehindError.isEmpty else { return }
    let queued = queuedBehindError
    queuedBehindError = []
    isAborting = true
    for f in queued { handleShellMessage(f, io: io) }
    isAborting = false
  }

  func handleShellMessage(_ frames: [[UInt8]], io: ChannelIO) {
    guard let msg = decode(frames, channel: "shell") else { return }
    // Busy may wait for the next IOPub message, except before a silent cell, which
    // publishes nothing until its idle.
    let silentCell = msg.type == "execute_request" && msg.content["silent"]?.boolValue == true
    publishStatus("busy", parent: msg, iopub: io.iopub, withNext: !silentCell)
    defer { publishStatus("idle", parent: msg, iopub: io.iopub) }
    switch msg.type {
    case "execute_request": execute(msg, io: io)
    case "kernel_info_request": reply(msg, io) { self.kernelInfoContent() }
    case "complete_request": reply(msg, io) { try self.complete(msg) }
    case "inspect_request": reply(msg, io) { try self.inspect(msg) }
    case "is_complete_request": reply(msg, io) { self.isComplete(msg) }
    case "history_request": reply(msg, io) { try self.historyContent(msg) }
    case "comm_info_request": reply(msg, io) { ["status": "ok", "comms": .object([:])] }
    case "comm_open": refuseComm(msg, io: io)
    case "comm_msg", "comm_close": Log.debug("ignored \(msg.type): no comm targets")
    case "shutdown_request": shutdown(msg, io: io)
    default: Log.warning("shell: unknown message type '\(msg.type)' ignored")
    }
  }

  /// Handles one multipart message from the control socket.
  public func handleControl(_ frames: [[UInt8]], io: ChannelIO) {
    guard let msg = decode(frames, channel: "control") else { return }
    publishStatus("busy", parent: msg, iopub: io.iopub, withNext: true)
    var shutdownRestart: Bool?
    switch msg.type {
    case "kernel_info_request": reply(msg, io) { self.kernelInfoContent() }
    case "interrupt_request":
      reply(msg, io) {
        self.interpreter.interrupt()
        return ["status": "ok"]
      }
    case "shutdown_request": shutdownRestart = sendShutdownReply(msg, io: io)
    default: Log.warning("control: unknown message type '\(msg.type)' ignored")
    }
    publishStatus("idle", parent: msg, iopub: io.iopub)
    if let restart = shutdownRestart { onShutdown(restart) }
  }

  func decode(_ frames: [[UInt8]], channel: String) -> Message? {
    do {
      return try WireCodec.decode(frames, signer: session.signer, replayGuard: replayGuard)
    } catch {
      Log.warning("\(channel): dropped a message (\(frames.count) frames): \(error)")
      return nil
    }
  }

  func publishStatus(_ state: String, parent: Message?, iopub: FrameSink, withNext: Bool = false) {
    publish(
      "status", ["execution_state": .string(state)], parent: parent, iopub: iopub,
      withNext: withNext)
  }

  func publish(
    _ type: String, _ content: JSONObject, parent: Message?, iopub: FrameSink,
    withNext: Bool = false
  ) {
    let topic = Array((topicPrefix + type).utf8)
    let frames = session.encode(
      session.message(type, content: content, parent: parent, identities: [topic]))
    if withNext { iopub.sendWithNext(frames) } else { iopub.send(frames) }
  }

  /// Sends `<type>_reply` with what `body` returns, or an error reply when it throws.
  func reply(_ msg: Message, _ io: ChannelIO, _ body: () throws -> JSONObject) {
    let content: JSONObject
    do { content = try body() } catch { content = Self.errorContent(error) }
    sendReply(msg, content, io)
  }

  func sendReply(_ msg: Message, _ content: JSONObject, _ io: ChannelIO, metadata: JSONObject = [:])
  {
    let type =
      msg.type.hasSuffix("_request") ? String(msg.type.dropLast(8)) + "_reply" : msg.type + "_reply"
    io.reply.send(
      session.encode(session.message(type, content: content, parent: msg, metadata: metadata)))
  }

  static func asKernelError(_ error: any Error) -> KernelError {
    if let e = error as? KernelError { return e }
    return KernelError(
      ename: String(describing: type(of: error)), evalue: String(describing: error))
  }

  static func errorContent(_ error: any Error) -> JSONObject {
    var c: JSONObject = ["status": "error"]
    for (k, v) in asKernelError(error).content { c[k] = v }
    return c
  }

  func kernelInfoContent() -> JSONObject {
    let info = interpreter.info
    return [
      "status": "ok", "protocol_version": .string(protocolVersion),
      "implementation": .string(info.implementation),
      "implementation_version": .string(info.implementationVersion),
      "language_info": .object(info.languageInfo), "banner": .string(info.banner),
      "help_links": .array(
        info.helpLinks.map { .object(["text": .string($0.text), "url": .string($0.url)]) }),
      "debugger": false,
    ]
  }

  func refuseComm(_ msg: Message, io: ChannelIO) {
    let id = msg.content["comm_id"] ?? .string("")
    Log.info("comm_open for target '\(msg.content["target_name"]?.stringValue ?? "")' refused")
    publish("comm_close", ["comm_id": id, "data": .object([:])], parent: msg, iopub: io.iopub)
  }

  func shutdown(_ msg: Message, io: ChannelIO) {
    let restart = sendShutdownReply(msg, io: io)
    onShutdown(restart)
  }

  func sendShutdownReply(_ msg: Message, io: ChannelIO) -> Bool {
    let restart = msg.content["restart"]?.boolValue ?? false
    interpreter.interrupt()
    let content: JSONObject = ["status": "ok", "restart": .bool(restart)]
    sendReply(msg, content, io)
    publish("shutdown_reply", content, parent: msg, iopub: io.iopub)
    return restart
  }
}
