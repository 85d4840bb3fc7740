import CZeroMQ

#if canImport(Glibc)
  import Glibc
#endif

/// A failed libzmq call: which call, and the errno it left.
public struct ZMQError: Error, CustomStringConvertible, Sendable {
  public var call: String
  public var code: Int32
  public var description: String {
    "\(call) failed: \(String(cString: zmq_strerror(code))) (errno \(code))"
  }
  /// True when the context was shut down (the normal way a blocked call ends at exit).
  public var isTerminated: Bool { code == ETERM }
}

/// Runs a libzmq call that returns -1 on failure, retrying on EINTR (signals such as
/// SIGINT must never break a blocking call), and throws everything else with its name.
@discardableResult
func zmqCall(_ name: String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
  while true {
    let rc = body()
    if rc >= 0 { return rc }
    let e = zmq_errno()
    if e == EINTR { continue }
    throw ZMQError(call: name, code: e)
  }
}

/// A libzmq context.
public final class ZMQContext: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer

  public init() throws(ZMQError) {
    guard let h = zmq_ctx_new() else { throw ZMQError(call: "zmq_ctx_new", code: zmq_errno()) }
    handle = h
  }

  /// Makes every blocking call on this context's sockets return ETERM.
  public func shutdown() { _ = zmq_ctx_shutdown(handle) }

  /// Waits for all sockets to close, then frees the context.
  public func terminate() { _ = try? zmqCall("zmq_ctx_term") { zmq_ctx_term(handle) } }
}

/// One ZeroMQ socket. Sockets are not thread-safe: each is created, then handed to the
/// single thread that uses it until it is closed (thread start is the memory barrier).
public final class ZMQSocket: @unchecked Sendable {
  let handle: UnsafeMutableRawPointer
  private var closed = false

  public init(_ context: ZMQContext, type: Int32) throws(ZMQError) {
    guard let h = zmq_socket(context.handle, type) else {
      throw ZMQError(call: "zmq_socket", code: zmq_errno())
    }
    handle = h
  }

  public func setOption(_ option: Int32, _ value: Int32) throws(ZMQError) {
    var v = value
    try zmqCall("zmq_setsockopt(\(option))") {
      zmq_setsockopt(handle, option, &v, MemoryLayout<Int32>.size)
    }
  }

  /// Sets an option whose value is an `int64_t` (such as `ZMQ_MAXMSGSIZE`).
  public func setOption64(_ option: Int32, _ value: Int64) throws(ZMQError) {
    var v = value
    try zmqCall("zmq_setsockopt(\(option))") {
      zmq_setsockopt(handle, option, &v, MemoryLayout<Int64>.size)
    }
  }

  public func bind(_ endpoint: String) throws(ZMQError) {
    try zmqCall("zmq_bind(\(endpoint))") { zmq_bind(handle, endpoint) }
  }

  public func connect(_ endpoint: String) throws(ZMQError) {
    try zmqCall("zmq_connect(\(endpoint))") { zmq_connect(handle, endpoint) }
  }

  /// Sends a multipart message.
  public func send(_ frames: [[UInt8]]) throws(ZMQError) {
    for (i, frame) in frames.enumerated() {
      let flags: Int32 = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
      try zmqCall("zmq_send") {
        frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, $0.count, flags) }
      }
    }
  }

  /// Receives a multipart message; nil when `dontWait` and nothing is queued.
  public func receive(dontWait: Bool = false) throws(ZMQError) -> [[UInt8]]? {
    var frames: [[UInt8]] = []
    var message = zmq_msg_t()
    zmq_msg_init(&message)
    defer { zmq_msg_close(&message) }
    repeat {
      let rc = zmq_msg_recv(&message, handle, dontWait && frames.isEmpty ? ZMQ_DONTWAIT : 0)
      if rc < 0 {
        let e = zmq_errno()
        if e == EINTR { continue }
        if e == EAGAIN && frames.isEmpty { return nil }
        throw ZMQError(call: "zmq_msg_recv", code: e)
      }
      let size = zmq_msg_size(&message)
      if let data = zmq_msg_data(&message), size > 0 {
        frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
      } else {
        frames.append([])
      }
    } while zmq_msg_more(&message) != 0
    return frames
  }

  /// Sends an empty wake-up message without blocking (the peer may already be gone).
  public func sendWake() {
    _ = zmq_send(handle, nil, 0, ZMQ_DONTWAIT)
  }

  public func close() {
    guard !closed else { return }
    closed = true
    zmq_close(handle)
  }
}

/// Waits until one of `sockets` is readable; returns which ones. `timeoutMs` -1 waits forever.
public func pollReadable(_ sockets: [ZMQSocket], timeoutMs: Int) throws(ZMQError) -> [Bool] {
  var items = sockets.map {
    zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
  }
  let n = Int32(items.count)
  try zmqCall("zmq_poll") {
    items.withUnsafeMutableBufferPointer { zmq_poll($0.baseAddress, n, timeoutMs) }
  }
  return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
}
