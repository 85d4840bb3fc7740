import CDeviceKernels
import CUDADriver
import Synchronization
import Tensor

/// A real NVIDIA GPU: a thin one-to-one layer over the driver API and cuBLAS, with the
/// kernels compiled by NVRTC at first use (cached on disk by `KernelCache`).
public final class CUDADevice: ComputeDevice, @unchecked Sendable {
  public let name: String
  public let maxBlocks: Int
  /// The device's compute capability as 80, 90, ….
  public let architecture: Int
  /// Whether the kernel image came from the disk cache.
  public let kernelsFromCache: Bool
  let driver: Driver
  let cublas: CUBLAS
  let context: DriverHandle
  let functions: [Kernel: DriverHandle]
  /// Freed blocks by rounded size, reused before asking the driver: cuMemAlloc is slow and
  /// cuMemFree synchronises the device, and a training step frees and allocates the same
  /// sizes every batch.
  let pool = Mutex<[Int: [DeviceAddress]]>([:])
  let sizes = Mutex<[DeviceAddress: Int]>([:])
  /// The stream and pinned buffers of `beginCopy`, made at its first use.
  let copies = Mutex<CopyStream?>(nil)

  /// Opens GPU `index`: loads the libraries along `search`, retains the primary context,
  /// and loads the kernels. Errors say what to do: no driver or device → `noCUDADevice`,
  /// a bad index → how many there are, a missing library → the package to install.
  public init(
    index: Int, search: LibrarySearch = .fromEnvironment(), cache: KernelCache = .fromEnvironment()
  ) throws(GPUError) {
    let driver: Driver
    do {
      driver = try Driver(search: search)
      try driver.initialize()
    } catch { throw .unavailable(.noCUDADevice) }
    let count = (try? driver.deviceCount()) ?? 0
    guard count > 0 else { throw .unavailable(.noCUDADevice) }
    guard index >= 0 && index < count else {
      throw .unavailable(.noSuchGPU(index: index, available: count))
    }
    let nvrtc: NVRTC
    do throws(CUDALibraryError) {
      let device = try driver.device(index)
      let (major, minor) = try driver.computeCapability(device)
      architecture = major * 10 + minor
      context = try driver.retainPrimaryContext(device)
      cublas = try CUBLAS(search: search)
      nvrtc = try NVRTC(search: search)
    } catch { throw Self.unavailable(error, index: index) }
    let (image, cached) = try Self.kernelImage(cache: cache, arch: architecture, nvrtc: nvrtc)
    kernelsFromCache = cached
    var table: [Kernel: DriverHandle] = [:]
    do throws(CUDALibraryError) {
      let module = try driver.loadModule(image)
      for k in Kernel.allCases { table[k] = try driver.function(module, k.rawValue) }
    } catch { throw .call(error.description) }
    functions = table
    self.driver = driver
    name = "gpu(\(index)) sm_\(architecture)"
    maxBlocks = 65535
  }

  static func unavailable(_ error: CUDALibraryError, index: Int) -> GPUError {
    switch error {
    case .notFound(let library, let package, _):
      .unavailable(.missingLibrary(index: index, library: library, remedy: package))
    case .missingSymbol(let library, let symbol):
      .unavailable(
        .missingLibrary(index: index, library: library, remedy: "it lacks \(symbol); install the CUDA 12 or 13 libraries"))
    case .callFailed:
      .call(error.description)
    }
  }

  static func kernelImage(cache: KernelCache, arch: Int, nvrtc: NVRTC) throws(GPUError) -> ([UInt8], Bool) {
    do throws(CUDALibraryError) {
      let r = try cache.image(source: kernelSource, name: "tabby_kernels.cu", arch: arch, nvrtc: nvrtc)
      return (r.image, r.cached)
    } catch { throw .call("compiling the device kernels: \(error.description)") }
  }

  func call<T>(_ body: () throws(CUDALibraryError) -> T) throws(GPUError) -> T {
    do throws(CUDALibraryError) { return try body() } catch { throw .call(error.description) }
  }

  /// Sizes round up to 512 bytes (small) or 1/16 of their power of two, so a pool entry
  /// fits the next request of about the same size.
  static func rounded(_ bytes: Int) -> Int {
    let b = max(bytes, 4)
    if b <= 1 << 16 { return (b + 511) & ~511 }
    let step = (1 << (Int.bitWidth - b.leadingZeroBitCount - 1)) / 16
    return (b + step - 1) / step * step
  }

  public func allocate(bytes: Int, purpose: String) throws(GPUError) -> DeviceAddress {
    let size = Self.rounded(bytes)
    if let reused = pool.withLock({ $0[size]?.popLast() }) { return reused }
    try current()
    var address: DeviceAddress
    do throws(CUDALibraryError) { address = try driver.allocate(size) } catch {
      guard case .callFailed(_, let code, _) = error, code == Driver.outOfMemory else {
        throw .call(error.description)
      }
      // Give the pooled blocks back to the driver and try once more.
      for a in pool.withLock({ p in defer { p = [:] }; return p.values.flatMap { $0 } }) { driver.free(a) }
      do throws(CUDALibraryError) { address = try driver.allocate(size) } catch {
        throw .outOfMemory(allocation: purpose, bytes: bytes, device: name)
      }
    }
    sizes.withLock { $0[address] = size }
    return address
  }

  public func free(_ address: DeviceAddress) {
    guard let size = sizes.withLock({ $0[address] }) else { return }
    pool.withLock { $0[size, default: []].append(address) }
  }

  /// Makes the context current on the calling thread (the kernel runs cells on several).
  func current() throws(GPUError) {
    try call { () throws(CUDALibraryError) in try driver.makeCurrent(context) }
  }

  public func copy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int) throws(GPUError) {
    try current()
    try call { () throws(CUDALibraryError) in try driver.copy(to: to, from: from, bytes: bytes) }
  }

  public func copy(to: UnsafeMutableRawPointer, from: DeviceAddress, bytes: Int) throws(GPUError) {
    try current()
    try call { () throws(CUDALibraryError) in try driver.copy(to: to, from: from, bytes: bytes) }
  }

  public func copy(to: DeviceAddress, from: DeviceAddress, bytes: Int) throws(GPUError) {
    try current()
    try call { () throws(CUDALibraryError) in try driver.copy(to: to, from: from, bytes: bytes) }
  }

  public func launch(
    _ kernel: Kernel, grid: UInt32, block: UInt32,
    arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  ) throws(GPUError) {
    let f = functions[kernel]!
    try current()
    try call { () throws(CUDALibraryError) in
      try driver.launch(f, grid: (grid, 1, 1), block: (block, 1, 1), arguments: arguments)
    }
  }

  public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: DeviceAddress, lda: Int,
    b: DeviceAddress, ldb: Int, beta: Float, c: DeviceAddress, ldc: Int
  ) throws(GPUError) {
    try current()
    try call { () throws(CUDALibraryError) in
      try cublas.gemm(
        transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b,
        ldb: ldb, beta: beta, c: c, ldc: ldc)
    }
  }

  public func synchronize() throws(GPUError) {
    try current()
    try call { () throws(CUDALibraryError) in try driver.synchronize() }
  }
}

/// The kernels' CUDA source text (embedded at build time).
public let kernelSource = String(cString: tabby_kernel_source_text())

/// The opened GPUs of this process, so a context and the kernels load once per device.
public enum GPUs {
  static let opened = Mutex<[Int: CUDADevice]>([:])

  /// GPU `index`, opened on first use with the environment's library search and cache.
  public static func device(_ index: Int) throws(GPUError) -> CUDADevice {
    if let d = opened.withLock({ $0[index] }) { return d }
    let d = try CUDADevice(index: index)
    opened.withLock { $0[index] = d }
    return d
  }

  /// Makes `Device.check()` open the GPU (libraries, context, kernels) instead of refusing:
  /// the session's placement code calls this once at start-up.
  public static func install() {
    Device.installGPUProbe { (index) throws(DeviceError) in
      do throws(GPUError) { _ = try GPUs.device(index) } catch {
        if case .unavailable(let e) = error { throw e }
        throw DeviceError.driverFailure(index: index, message: error.description)
      }
    }
  }
}
