/// Where one thread's outgoing wire frames go (a socket in production, an array in tests).
public protocol FrameSink: AnyObject {
  func send(_ frames: [[UInt8]])
}

/// The stdin channel as the shell thread sees it: send an `input_request`, then wait
/// for frames (with a timeout, so interrupts are noticed while waiting).
public protocol StdinChannel: AnyObject {
  func send(_ frames: [[UInt8]])
  /// The next multipart message, or nil after `timeoutMs` milliseconds.
  func receive(timeoutMs: Int) -> [[UInt8]]?
}

/// The sockets one handler thread owns: its own reply socket, a feed into IOPub and,
/// for the shell thread only, stdin.
public struct ChannelIO {
  public var reply: FrameSink
  public var iopub: FrameSink
  public var stdin: StdinChannel?

  public init(reply: FrameSink, iopub: FrameSink, stdin: StdinChannel? = nil) {
    self.reply = reply
    self.iopub = iopub
    self.stdin = stdin
  }
}
