import Tensor

#if canImport(Glibc)
  import Glibc
#endif

extension GPUs {
  /// The environment variable that makes gpu(0) the host-emulated device: a testing aid, so
  /// CI (no GPU) runs the whole GPU path of a session — placement, training, inference.
  public static let emulationVariable = "TABBY_EMULATED_GPU"

  /// Whether this process asked for the emulated GPU (`TABBY_EMULATED_GPU=1`).
  public static var emulationRequested: Bool {
    guard let value = getenv(emulationVariable) else { return false }
    return String(cString: value) == "1"
  }

  /// The one emulated GPU of this process (its memory is host memory).
  public static let emulated = HostDevice()
}
