import GPU
import Synchronization
import Tensor

/// A session's compute context: its device and its thread budget. The one owner of the
/// engine's thread count (OpenBLAS and the inference kernels' pool are process-wide): every
/// piece of engine work is placed through `place`, which checks the device and applies this
/// session's budget first, then runs the work's CPU or GPU version.
public final class ComputeContext: Sendable {
  /// Threads a new context gets when none is asked for: every CPU this process may use.
  public static var availableThreads: Int { Threads.available }

  /// Installed once, when the first context is made: `Device.check()` then opens a GPU
  /// (libraries, context, kernels) instead of saying there is no GPU backend.
  private static let gpuBackend: Void = GPUs.install()

  private let state: Mutex<(device: ComputeDevice, threads: Int)>
  /// How gpu(n) is opened: CUDA, or the host-emulated device (`TABBY_EMULATED_GPU=1`).
  let gpus: GPUSource

  /// A context on `device` with `threads` threads (nil: every CPU this process may use).
  public convenience init(device: ComputeDevice = .cpu, threads: Int? = nil) {
    self.init(device: device, threads: threads, gpus: .fromEnvironment())
  }

  /// A context whose GPUs come from `gpus` (tests pass `.emulated(HostDevice(...))`).
  init(device: ComputeDevice, threads: Int?, gpus: GPUSource) {
    _ = Self.gpuBackend
    state = Mutex((device, max(1, threads ?? Threads.available)))
    self.gpus = gpus
  }

  /// The device later work runs on.
  public var device: ComputeDevice { state.withLock { $0.device } }
  /// The engine threads later work uses.
  public var threads: Int { state.withLock { $0.threads } }
  /// Whether gpu(0) is the host-emulated device (`TABBY_EMULATED_GPU=1`, a testing aid).
  public var gpuIsEmulated: Bool {
    if case .emulated = gpus { return true }
    return false
  }

  /// Switches device and/or thread count; the device is checked first, so a failure leaves
  /// the context as it was.
  public func use(_ device: ComputeDevice? = nil, threads: Int? = nil) throws {
    if let device { _ = try open(device) }
    if let threads, threads < 1 {
      throw ClassifierError(.invalidArgument, "threads must be at least 1, got \(threads)")
    }
    state.withLock {
      if let device { $0.device = device }
      if let threads { $0.threads = threads }
    }
  }

  /// Throws `ComputeDeviceError` (or `DeviceFailure`) unless the device can run work now.
  public func check() throws { _ = try open(device) }

  /// Runs engine work that has only a CPU version. On a GPU context it is refused with a
  /// `DeviceFailure` naming `what`: never run on the CPU behind the user's back.
  public func place<T>(_ what: String = "this work", _ work: (_ threads: Int) throws -> T) throws -> T {
    try place(cpu: work) { _, _ throws -> T in throw DeviceFailure.unsupported(what, on: device) }
  }

  /// Runs engine work on this context: checks the device, applies the thread budget, then
  /// calls `cpu` with the thread count, or `gpu` with the opened device (its failures come
  /// out as `DeviceFailure`: MemoryError, DeviceError or RuntimeError).
  func place<T>(
    cpu: (_ threads: Int) throws -> T, gpu: (_ device: any GPU.ComputeDevice, _ threads: Int) throws -> T
  ) throws -> T {
    let (device, threads) = state.withLock { ($0.device, $0.threads) }
    let opened = try open(device)
    Threads.set(threads)
    guard let opened else { return try cpu(threads) }
    do { return try gpu(opened, threads) } catch let e as GPUError { throw DeviceFailure(e) }
  }

  /// The GPU a device names, opened (nil for the CPU).
  private func open(_ device: ComputeDevice) throws -> (any GPU.ComputeDevice)? {
    guard case .gpu(let index) = device else { return nil }
    return try gpus.open(index)
  }
}

/// Where a context's GPUs come from.
enum GPUSource: Sendable {
  /// The CUDA driver's devices (`Device.check()` first: its errors say what to install).
  case cuda
  /// gpu(0) is this host-emulated device, the only one (CI runs the GPU path on it).
  case emulated(HostDevice)

  /// The process's emulated device when `TABBY_EMULATED_GPU=1`, else CUDA.
  static func fromEnvironment() -> GPUSource { GPUs.emulationRequested ? .emulated(GPUs.emulated) : .cuda }

  func open(_ index: Int) throws -> any GPU.ComputeDevice {
    guard case .emulated(let host) = self else {
      try Device.gpu(index).check()
      do throws(GPUError) { return try GPUs.device(index) } catch {
        if case .unavailable(let e) = error { throw e }
        throw DeviceFailure(error)
      }
    }
    guard index == 0 else { throw DeviceError.noSuchGPU(index: index, available: 1) }
    return host
  }
}

/// Work the session's device cannot do, or a device failure during it. `ename` is the
/// Python-style name a notebook shows: DeviceError, MemoryError or RuntimeError.
public struct DeviceFailure: Error, CustomStringConvertible, Sendable {
  /// DeviceError, MemoryError or RuntimeError.
  public let ename: String
  /// A sentence naming what failed and what to do.
  public let message: String
  public var description: String { message }

  init(ename: String, _ message: String) {
    self.ename = ename
    self.message = message
  }

  /// A device layer's error (out of device memory names the allocation).
  init(_ e: GPUError) { self.init(ename: e.ename, e.description) }

  /// Work with no version for `device`.
  static func unsupported(_ what: String, on device: ComputeDevice) -> DeviceFailure {
    DeviceFailure(
      ename: "DeviceError",
      "\(what) cannot run on \(device) yet (on a GPU this build trains and runs lenet() and mlp() "
        + "models and runs pretrained ONNX/MXNet classifiers) — use ctx(cpu) for it (tabby: --device cpu)")
  }
}
