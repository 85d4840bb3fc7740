/// Why loading a model or classifying an image failed, in words a notebook user can act on.
public struct ClassifierError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The broad kind of failure, for callers that react differently to each.
  public enum Kind: String, Sendable {
    /// No file, user-directory entry, cache entry or zoo entry has this name.
    case modelNotFound
    /// A model file exists but cannot be read as a model.
    case badModel
    /// The model's input or output is not something an image classifier can use.
    case unsupportedModel
    /// A download failed (offline, server error, truncated transfer).
    case downloadFailed
    /// A downloaded file does not have the published sha256.
    case checksumMismatch
    /// A labels file is missing, empty, or does not fit the model's outputs.
    case badLabels
    /// An image file is missing or cannot be decoded.
    case badImage
    /// An argument is out of range or names nothing known (a profile, top-k, epoch).
    case invalidArgument
  }

  /// The broad kind of failure.
  public var kind: Kind
  /// A full sentence naming what is wrong and, where there is one, what to do.
  public var message: String

  /// Makes an error of `kind` with a message for the user.
  public init(_ kind: Kind, _ message: String) {
    self.kind = kind
    self.message = message
  }

  public var description: String { message }
}
