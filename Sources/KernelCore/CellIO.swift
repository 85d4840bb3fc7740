import JSON
import JupyterProtocol

/// The running cell's view of the kernel: publishes its outputs on IOPub (parented to
/// the execute request) and reads input over stdin. Silent cells publish nothing.
public final class CellIO {
  private let session: Session
  private let request: Message
  private let iopub: FrameSink
  private let stdin: StdinChannel?
  private let topicPrefix: String
  private let silent: Bool
  private let allowStdin: Bool
  private let interrupted: () -> Bool
  /// The kernel's replay guard: a stdin reply is a message like any other.
  private let replayGuard: ReplayGuard?

  init(
    session: Session, request: Message, io: ChannelIO, topicPrefix: String, silent: Bool,
    allowStdin: Bool, replayGuard: ReplayGuard? = nil, interrupted: @escaping () -> Bool
  ) {
    self.session = session
    self.request = request
    self.iopub = io.iopub
    self.stdin = io.stdin
    self.topicPrefix = topicPrefix
    self.silent = silent
    self.allowStdin = allowStdin
    self.interrupted = interrupted
    self.replayGuard = replayGuard
  }

  /// Publishes any IOPub message parented to the request; `withNext` lets it wait for
  /// the next message (the cell's result waits for its idle status).
  public func publish(
    _ type: String, _ content: JSONObject, metadata: JSONObject = [:], withNext: Bool = false
  ) {
    guard !silent else { return }
    let topic = Array((topicPrefix + type).utf8)
    let frames = session.encode(
      session.message(
        type, content: content, parent: request, identities: [topic], metadata: metadata))
    if withNext { iopub.sendWithNext(frames) } else { iopub.send(frames) }
  }

  /// A `stream` message (name is "stdout" or "stderr").
  public func stream(_ name: String, _ text: String) {
    publish("stream", ["name": .string(name), "text": .string(text)])
  }

  /// A `display_data` message; a display id goes in `transient` so it can be updated.
  public func display(data: JSONObject, metadata: JSONObject = [:], displayID: String? = nil) {
    publish("display_data", Self.displayContent(data, metadata, displayID))
  }

  /// An `update_display_data` for an earlier display with the same id.
  public func updateDisplay(data: JSONObject, metadata: JSONObject = [:], displayID: String) {
    publish("update_display_data", Self.displayContent(data, metadata, displayID))
  }

  public func clearOutput(wait: Bool) {
    publish("clear_output", ["wait": .bool(wait)])
  }

  /// Sends `input_request` on stdin and waits for the `input_reply` to it. Replies go through
  /// the same checks as shell and control messages (signature, then the replay guard), and
  /// one parented to another request (a stale or forged reply) is dropped. A reply with no
  /// parent is taken: jupyter_client's `input()` (jupyter console) sends none.
  public func readInput(prompt: String, password: Bool) throws(KernelError) -> String {
    guard allowStdin, let stdin else {
      throw KernelError(
        ename: "StdinNotImplementedError", evalue: "input() is not supported by this frontend")
    }
    let ask = session.message(
      "input_request", content: ["prompt": .string(prompt), "password": .bool(password)],
      parent: request)
    let frames = session.encode(ask)
    // A frontend whose stdin socket has not connected yet would miss the prompt:
    // keep offering it until it is delivered.
    var delivered = stdin.request(frames)
    while true {
      if interrupted() { throw KernelError(ename: "KeyboardInterrupt", evalue: "") }
      if !delivered { delivered = stdin.request(frames) }
      guard let frames = stdin.receive(timeoutMs: delivered ? 100 : 20) else { continue }
      do {
        let reply = try WireCodec.decode(frames, signer: session.signer, replayGuard: replayGuard)
        guard reply.type == "input_reply" else {
          Log.warning("stdin: dropped a '\(reply.type)' while waiting for input_reply")
          continue
        }
        let parent = reply.parentHeader["msg_id"]?.stringValue
        guard parent == nil || parent == ask.id else {
          Log.warning("stdin: dropped an input_reply to another request")
          continue
        }
        return reply.content["value"]?.stringValue ?? ""
      } catch {
        Log.warning("dropped stdin message: \(error)")
      }
    }
  }

  static func displayContent(_ data: JSONObject, _ metadata: JSONObject, _ id: String?)
    -> JSONObject
  {
    var c: JSONObject = [
      "data": .object(data), "metadata": .object(metadata), "transient": .object([:]),
    ]
    if let id { c["transient"] = .object(["display_id": .string(id)]) }
    return c
  }
}
