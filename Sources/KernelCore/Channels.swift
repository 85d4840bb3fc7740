/// Where one thread's outgoing wire frames go (a socket in production, an array in tests).
public protocol FrameSink: AnyObject {
  func send(_ frames: [[UInt8]])
  /// Queues frames to go out together with the next `send` (IOPub batches a status or a
  /// result with the message that follows it: one thread hop instead of two).
  func sendWithNext(_ frames: [[UInt8]])
}

extension FrameSink {
  public func sendWithNext(_ frames: [[UInt8]]) { send(frames) }
}

/// The stdin channel as the shell thread sees it: send an `input_request`, then wait
/// for frames (with a timeout, so interrupts are noticed while waiting).
public protocol StdinChannel: AnyObject {
  /// Sends a request; false when the frontend's stdin socket is not (yet) connected.
  func request(_ frames: [[UInt8]]) -> Bool
  /// The next multipart message, or nil after `timeoutMs` milliseconds.
  func receive(timeoutMs: Int) -> [[UInt8]]?
}

/// The sockets one handler thread owns: its own reply socket, a feed into IOPub and,
/// for the shell thread only, stdin.
public struct ChannelIO {
  public var reply: FrameSink
  public var iopub: FrameSink
  public var stdin: StdinChannel?
  /// Shell only: removes and returns the requests already waiting on the socket
  /// (`stop_on_error` aborts exactly those).
  public var takeQueued: (() -> [[[UInt8]]])?

  public init(
    reply: FrameSink, iopub: FrameSink, stdin: StdinChannel? = nil,
    takeQueued: (() -> [[[UInt8]]])? = nil
  ) {
    self.reply = reply
    self.iopub = iopub
    self.stdin = stdin
    self.takeQueued = takeQueued
  }
}
