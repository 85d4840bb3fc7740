import JSON
import Synchronization

/// A MIME bundle as Jupyter shows it: mime type → payload (a string for text types,
/// base64 text for binary ones such as image/png, any JSON for JSON types).
public struct MimeBundle: Equatable, Sendable {
  public var data: JSONObject
  public var metadata: JSONObject

  public init(data: JSONObject = [:], metadata: JSONObject = [:]) {
    self.data = data
    self.metadata = metadata
  }

  /// A bundle with only a text/plain form.
  public static func plain(_ text: String) -> MimeBundle {
    MimeBundle(data: ["text/plain": .string(text)])
  }
}

/// Which text stream a `print` goes to.
public enum OutputStreamName: String, Sendable {
  case stdout, stderr
}

/// Where a running cell's output goes. The kernel adapts it to IOPub messages;
/// tests collect it. The language never sees a socket.
public protocol OutputSink: AnyObject {
  func stream(_ name: OutputStreamName, _ text: String)
  /// Shows a bundle; with a display id, later `updateDisplay` calls replace it in place.
  func display(_ bundle: MimeBundle, displayID: String?)
  func updateDisplay(_ bundle: MimeBundle, displayID: String)
  func clearOutput(wait: Bool)
  /// Asks the frontend for a line of input (`input()`); throws when stdin is not allowed.
  func readInput(prompt: String, password: Bool) throws -> String
}

/// Raised from another thread (interrupt_request, SIGINT); polled by long-running
/// work between steps. Interruption is cooperative: state is never torn down.
/// A second bit says the running cell has buffered output, so that the one load the
/// loops already make also tells them when a flush may be due.
public final class InterruptFlag: Sendable {
  private let state = Atomic<Int>(0)
  private static let raisedBit = 1
  private static let outputBit = 2

  public init() {}
  public func raise() { _ = state.bitwiseOr(Self.raisedBit, ordering: .releasing) }
  public func reset() { _ = state.bitwiseAnd(~Self.raisedBit, ordering: .releasing) }
  public var isRaised: Bool { state.load(ordering: .acquiring) & Self.raisedBit != 0 }

  /// Whether anything (an interrupt or buffered output) needs the running cell's attention.
  var needsAttention: Bool { state.load(ordering: .relaxed) != 0 }
  var hasPendingOutput: Bool { state.load(ordering: .relaxed) & Self.outputBit != 0 }

  func setPendingOutput(_ pending: Bool) {
    if pending {
      _ = state.bitwiseOr(Self.outputBit, ordering: .relaxed)
    } else {
      _ = state.bitwiseAnd(~Self.outputBit, ordering: .relaxed)
    }
  }
}
