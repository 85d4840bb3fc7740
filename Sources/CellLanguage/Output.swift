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
public final class InterruptFlag: Sendable {
  private let raised = Atomic<Bool>(false)

  public init() {}
  public func raise() { raised.store(true, ordering: .releasing) }
  public func reset() { raised.store(false, ordering: .releasing) }
  public var isRaised: Bool { raised.load(ordering: .acquiring) }
}
