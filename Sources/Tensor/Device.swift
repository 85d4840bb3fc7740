import CUDADriver
import Synchronization

/// Opens GPU n or says why it cannot (installed by the GPU module; see `installGPUProbe`).
public typealias GPUProbe = @Sendable (Int) throws(DeviceError) -> Void
private let gpuProbe = Mutex<GPUProbe?>(nil)

/// Where a tensor's memory lives and its ops run.
public enum Device: Sendable, Hashable, CustomStringConvertible {
  /// The host CPU (OpenBLAS).
  case cpu
  /// The n-th CUDA GPU.
  case gpu(Int)

  public var description: String {
    switch self {
    case .cpu: "cpu"
    case .gpu(let n): "gpu(\(n))"
    }
  }

  /// Throws `DeviceError` unless this device can run ops in this process.
  public func check() throws(DeviceError) {
    guard case .gpu(let n) = self else { return }
    let gpus = Device.cudaDeviceCount()
    guard gpus > 0 else { throw DeviceError.noCUDADevice }
    guard n >= 0 && n < gpus else { throw DeviceError.noSuchGPU(index: n, available: gpus) }
    guard let probe = gpuProbe.withLock({ $0 }) else { throw DeviceError.noGPUBackend(index: n) }
    try probe(n)
  }

  /// Lets `check()` accept a GPU that `probe` opens (the GPU module installs one that loads
  /// the CUDA libraries and the kernels); without a probe `check()` refuses every GPU.
  public static func installGPUProbe(_ probe: @escaping GPUProbe) {
    gpuProbe.withLock { $0 = probe }
  }

  /// The backend that runs ops for this device.
  public func backend() throws(DeviceError) -> any Backend {
    try check()
    return CPUBackend.shared
  }

  /// How many NVIDIA GPUs the driver exposes (0 where there is no driver).
  public static func cudaDeviceCount() -> Int { DeviceNodes.count() }
}

/// Asking for a device this process cannot use.
public enum DeviceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// No NVIDIA driver or device node exists.
  case noCUDADevice
  /// The GPU index is past the devices present.
  case noSuchGPU(index: Int, available: Int)
  /// A GPU exists but Tabby has no GPU backend yet.
  case noGPUBackend(index: Int)
  /// A GPU exists but a CUDA library is missing; `remedy` says what to install.
  case missingLibrary(index: Int, library: String, remedy: String)
  /// The driver refused to open the GPU (the message names the call).
  case driverFailure(index: Int, message: String)

  public var description: String {
    switch self {
    case .noCUDADevice:
      "no CUDA device found on this machine — use ctx(cpu)"
    case .noSuchGPU(let index, let available):
      "gpu(\(index)) does not exist: this machine has \(available) CUDA device(s) — use gpu(0)…gpu(\(available - 1)) or ctx(cpu)"
    case .noGPUBackend(let index):
      "CUDA device gpu(\(index)) is present but this build of Tabby has no GPU backend yet — use ctx(cpu)"
    case .missingLibrary(let index, let library, let remedy):
      "CUDA device gpu(\(index)) is present but \(library) could not be loaded — \(remedy) (or set TABBY_CUDA_LIBS to its directory), or use ctx(cpu)"
    case .driverFailure(let index, let message):
      "CUDA device gpu(\(index)) could not be opened: \(message) — use ctx(cpu)"
    }
  }
}
