import Synchronization
import Tensor

/// A session's compute context: its device and its thread budget. The one owner of the
/// engine's thread count (OpenBLAS and the inference kernels' pool are process-wide): every
/// piece of engine work is placed through `place`, which checks the device and applies this
/// session's budget first. `place` is where a GPU backend is switched in.
public final class ComputeContext: Sendable {
  /// Threads a new context gets when none is asked for: every CPU this process may use.
  public static var availableThreads: Int { Threads.available }

  private let state: Mutex<(device: ComputeDevice, threads: Int)>

  /// A context on `device` with `threads` threads (nil: every CPU this process may use).
  public init(device: ComputeDevice = .cpu, threads: Int? = nil) {
    state = Mutex((device, max(1, threads ?? Threads.available)))
  }

  /// The device later work runs on.
  public var device: ComputeDevice { state.withLock { $0.device } }
  /// The engine threads later work uses.
  public var threads: Int { state.withLock { $0.threads } }

  /// Switches device and/or thread count; the device is checked first, so a failure leaves
  /// the context as it was.
  public func use(_ device: ComputeDevice? = nil, threads: Int? = nil) throws {
    if let device { try device.check() }
    if let threads, threads < 1 {
      throw ClassifierError(.invalidArgument, "threads must be at least 1, got \(threads)")
    }
    state.withLock {
      if let device { $0.device = device }
      if let threads { $0.threads = threads }
    }
  }

  /// Throws `ComputeDeviceError` unless the context's device can run work now.
  public func check() throws { try device.check() }

  /// Runs engine work on this context: checks the device, applies the thread budget, then
  /// calls `work` with the thread count.
  public func place<T>(_ work: (_ threads: Int) throws -> T) throws -> T {
    let (device, threads) = state.withLock { ($0.device, $0.threads) }
    try device.check()
    Threads.set(threads)
    return try work(threads)
  }
}
