/// Why a model file could not be loaded or run: what is wrong and, where known, in which file.
public struct ModelLoadError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, naming the parameter, node, operator or byte offset at fault.
  public var message: String
  /// The file being read, when the fault is in one.
  public var file: String?

  /// Creates an error; `file` is added to the description when given.
  public init(_ message: String, file: String? = nil) {
    self.message = message
    self.file = file
  }

  public var description: String {
    if let file { return "\(file): \(message)" }
    return message
  }

  /// The same error attributed to a file (kept if one is set already).
  func inFile(_ path: String?) -> ModelLoadError {
    var e = self
    if e.file == nil { e.file = path }
    return e
  }
}

extension ModelLoadError {
  /// The compute kernels could not allocate their scratch buffers (padded input, panels).
  static let outOfScratchMemory = ModelLoadError("out of memory for the convolution kernels' scratch buffers")
}
