/// Why an image could not be read, written or transformed.
public struct ImageError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The broad class of failure, for callers that branch on it.
  public enum Kind: String, Sendable {
    /// The bytes are not a format this module reads.
    case unknownFormat
    /// A recognised format using a feature not supported here.
    case unsupported
    /// The file is damaged or truncated.
    case corrupt
    /// The image has more pixels than the caller allowed.
    case tooLarge
    /// An argument (size, crop, channel count, buffer length) is impossible.
    case invalidArgument
    /// The file could not be opened or read.
    case io
    /// Memory for the pixels could not be allocated.
    case outOfMemory
  }

  /// The broad class of failure.
  public let kind: Kind
  /// A sentence naming what is wrong.
  public let message: String

  /// Creates an error of the given kind.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
