import CZeroMQ
import JSON
import JupyterProtocol
import KernelCore
import Synchronization

/// Feeds IOPub from a shell or control thread. Whole multipart messages travel packed
/// (length-prefixed) in one inproc frame, and a batch of them in the same frame, so a
/// trivial request costs the IOPub thread one wake-up, not one per frame or message.
final class IOPubFeed: FrameSink {
  let socket: ZMQSocket
  private var pending: [UInt8] = []
  init(_ socket: ZMQSocket) { self.socket = socket }

  func sendWithNext(_ frames: [[UInt8]]) { IOPubFeed.append(frames, to: &pending) }

  func send(_ frames: [[UInt8]]) {
    IOPubFeed.append(frames, to: &pending)
    defer { pending = [] }
    do { try socket.send([pending]) } catch { Log.warning("iopub feed: send failed: \(error)") }
  }

  static func append(_ frames: [[UInt8]], to out: inout [UInt8]) {
    func put(_ n: Int) {
      withUnsafeBytes(of: UInt32(n).littleEndian) { out.append(contentsOf: $0) }
    }
    put(frames.count)
    for f in frames {
      put(f.count)
      out.append(contentsOf: f)
    }
  }

  /// The messages in a packed batch; a truncated batch yields the messages before the fault.
  static func unpack(_ packed: [UInt8]) -> [[[UInt8]]] {
    var messages: [[[UInt8]]] = []
    var i = 0
    func take() -> Int? {
      guard i + 4 <= packed.count else { return nil }
      defer { i += 4 }
      return Int(packed[i]) | Int(packed[i + 1]) << 8 | Int(packed[i + 2]) << 16 | Int(
        packed[i + 3]) << 24
    }
    while let count = take() {
      var frames: [[UInt8]] = []
      for _ in 0..<count {
        guard let n = take(), i + n <= packed.count else { return messages }
        frames.append(Array(packed[i..<(i + n)]))
        i += n
      }
      messages.append(frames)
    }
    return messages
  }
}

/// Sends frames on a socket owned by the calling thread; failures are logged, never fatal.
final class SocketSink: FrameSink, StdinChannel {
  let socket: ZMQSocket
  let name: String
  init(_ socket: ZMQSocket, name: String) {
    self.socket = socket
    self.name = name
  }

  func send(_ frames: [[UInt8]]) {
    do { try socket.send(frames) } catch { Log.warning("\(name): send failed: \(error)") }
  }

  func request(_ frames: [[UInt8]]) -> Bool {
    do {
      try socket.send(frames)
      return true
    } catch {
      Log.debug("\(name): not delivered yet: \(error)")
      return false
    }
  }

  func receive(timeoutMs: Int) -> [[UInt8]]? {
    do {
      guard try pollReadable([socket], timeoutMs: timeoutMs)[0] else { return nil }
      return try socket.receive(dontWait: true)
    } catch {
      Log.warning("\(name): receive failed: \(error)")
      return nil
    }
  }
}

/// Serves one kernel over ZeroMQ: shell (and stdin) on the calling thread, control,
/// IOPub and heartbeat each on a thread of their own. Each socket is used by exactly
/// one thread; shell and control feed IOPub through inproc PUSH sockets.
public final class KernelServer: @unchecked Sendable {
  /// The largest frame a peer may send (`ZMQ_MAXMSGSIZE` on every socket that receives from
  /// the network). libzmq reads a frame's length before its body and disconnects a peer
  /// whose frame is larger, so an oversize frame is never allocated, let alone signed or
  /// parsed. 256 MiB is far above any Jupyter message (binary buffers included) that a
  /// kernel without comms receives.
  public static let maxFrameBytes: Int64 = 256 << 20

  private let context: ZMQContext
  private let kernel: Kernel
  private let stopping = Atomic<Bool>(false)
  private let heartbeat, iopub, iopubFeed, control, shell, stdin: ZMQSocket
  private let shellFeed, controlFeed: ZMQSocket
  // Each loop blocks in zmq_poll with no timeout; the other loop wakes it to stop.
  private let shellWakeIn, shellWakeOut, controlWakeIn, controlWakeOut: ZMQSocket

  /// Binds every socket named in `info`; a port in use or a bad address throws here.
  public init(info: ConnectionInfo, kernel: Kernel) throws(ZMQError) {
    self.kernel = kernel
    let context = try ZMQContext()
    self.context = context
    func socket(_ type: Int32, bind endpoint: String, router: Bool = false) throws(ZMQError)
      -> ZMQSocket
    {
      let s = try ZMQSocket(context, type: type)
      try s.setOption(ZMQ_LINGER, 1000)
      try s.setOption64(ZMQ_MAXMSGSIZE, Self.maxFrameBytes)
      if router { try s.setOption(ZMQ_ROUTER_HANDOVER, 1) }
      if info.ip.contains(":") { try s.setOption(ZMQ_IPV6, 1) }
      try s.bind(endpoint)
      return s
    }
    heartbeat = try socket(ZMQ_ROUTER, bind: info.endpoint(info.hbPort))
    iopub = try socket(ZMQ_XPUB, bind: info.endpoint(info.iopubPort))
    try iopub.setOption(ZMQ_XPUB_VERBOSE, 1)
    control = try socket(ZMQ_ROUTER, bind: info.endpoint(info.controlPort), router: true)
    shell = try socket(ZMQ_ROUTER, bind: info.endpoint(info.shellPort), router: true)
    stdin = try socket(ZMQ_ROUTER, bind: info.endpoint(info.stdinPort), router: true)
    // Unroutable input requests fail (and are retried) instead of vanishing.
    try stdin.setOption(ZMQ_ROUTER_MANDATORY, 1)
    iopubFeed = try socket(ZMQ_PULL, bind: "inproc://iopub-feed")
    shellWakeIn = try socket(ZMQ_PULL, bind: "inproc://shell-wake")
    controlWakeIn = try socket(ZMQ_PULL, bind: "inproc://control-wake")
    shellFeed = try ZMQSocket(context, type: ZMQ_PUSH)
    controlFeed = try ZMQSocket(context, type: ZMQ_PUSH)
    controlWakeOut = try ZMQSocket(context, type: ZMQ_PUSH)
    shellWakeOut = try ZMQSocket(context, type: ZMQ_PUSH)
    for s in [shellFeed, controlFeed] { try s.connect("inproc://iopub-feed") }
    try controlWakeOut.connect("inproc://shell-wake")
    try shellWakeOut.connect("inproc://control-wake")
    for s in [shellWakeIn, controlWakeIn, controlWakeOut, shellWakeOut] {
      try s.setOption(ZMQ_LINGER, 0)
    }
  }

  /// Serves until shutdown: returns after `stop()` once every thread has finished.
  public func run() {
    let hb = NativeThread { [heartbeat] in
      // zmq_proxy echoes each ping back to its sender until the context shuts down.
      _ = zmq_proxy(heartbeat.handle, heartbeat.handle, nil)
      heartbeat.close()
    }
    let pub = NativeThread { [self] in iopubLoop() }
    let ctl = NativeThread { [self] in controlLoop() }
    shellLoop()
    pub.join()
    ctl.join()
    context.shutdown()
    hb.join()
    context.terminate()
  }

  /// Asks every loop to finish (after a shutdown reply, from the shell or control thread).
  /// Only sets a flag: the loop that called it ends next, then wakes the other.
  public func stop() {
    stopping.store(true, ordering: .releasing)
  }

  private func shellLoop() {
    let io = ChannelIO(
      reply: SocketSink(shell, name: "shell"), iopub: IOPubFeed(shellFeed),
      stdin: SocketSink(stdin, name: "stdin"), takeQueued: { [shell] in Self.takeQueued(shell) })
    kernel.publishStarting(iopub: io.iopub)
    while !stopping.load(ordering: .acquiring) {
      do {
        let ready = try pollReadable([shell, shellWakeIn], timeoutMs: -1)
        if ready[1] { _ = try shellWakeIn.receive(dontWait: true) }
        if ready[0], let frames = try shell.receive(dontWait: true) {
          kernel.handleShell(frames, io: io)
        }
      } catch {
        Log.error("shell loop: \(error)")
        if error.isTerminated { break }
      }
    }
    // The stop marker travels behind everything this thread published.
    try? shellFeed.send([[]])
    shellWakeOut.sendWake()
    for s in [shell, stdin, shellWakeIn, shellWakeOut, shellFeed] { s.close() }
  }

  /// Everything already waiting on the shell socket (bounded, so a flood cannot grow memory).
  static func takeQueued(_ shell: ZMQSocket) -> [[[UInt8]]] {
    var queued: [[[UInt8]]] = []
    while queued.count < 10_000, let frames = try? shell.receive(dontWait: true) {
      queued.append(frames)
    }
    return queued
  }

  private func controlLoop() {
    let io = ChannelIO(reply: SocketSink(control, name: "control"), iopub: IOPubFeed(controlFeed))
    while !stopping.load(ordering: .acquiring) {
      do {
        let ready = try pollReadable([control, controlWakeIn], timeoutMs: -1)
        if ready[1] { _ = try controlWakeIn.receive(dontWait: true) }
        if ready[0], let frames = try control.receive(dontWait: true) {
          kernel.handleControl(frames, io: io)
        }
      } catch {
        Log.error("control loop: \(error)")
        if error.isTerminated { break }
      }
    }
    controlWakeOut.sendWake()
    for s in [control, controlFeed, controlWakeIn, controlWakeOut] { s.close() }
  }

  private func iopubLoop() {
    var running = true
    while running {
      do {
        let ready = try pollReadable([iopub, iopubFeed], timeoutMs: -1)
        if ready[0], let frames = try iopub.receive(dontWait: true) { welcome(frames) }
        guard ready[1] else { continue }
        // Drain everything queued so the stop marker never overtakes a message.
        while let packed = try iopubFeed.receive(dontWait: true) {
          if packed == [[]] {
            running = false
          } else {
            for m in IOPubFeed.unpack(packed[0]) { try iopub.send(m) }
          }
        }
      } catch {
        Log.error("iopub loop: \(error)")
        if error.isTerminated { break }
      }
    }
    for s in [iopub, iopubFeed] { s.close() }
  }

  /// Answers each new subscription with `iopub_welcome` (protocol 5.4), so a client
  /// knows its subscription is live before it sends requests.
  private func welcome(_ frames: [[UInt8]]) {
    for frame in frames where frame.first == 1 {
      let topic = Array(frame.dropFirst())
      let s = kernel.session
      let msg = s.message(
        "iopub_welcome", content: ["subscription": .string(String(decoding: topic, as: UTF8.self))],
        parent: nil,
        identities: [topic])
      do { try iopub.send(s.encode(msg)) } catch { Log.warning("iopub: welcome failed: \(error)") }
    }
  }
}
