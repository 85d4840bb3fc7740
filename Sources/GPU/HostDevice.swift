import CDeviceKernels
import Synchronization
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// The emulated device: "device memory" is host memory, launches run the kernels' C build
/// (host_kernels.c) block by block and thread by thread, and gemm is the column-major
/// cuBLAS call done by OpenBLAS. Everything above it — placement, transfers, argument
/// packing, gemm transposes — is the code a real GPU runs.
public final class HostDevice: ComputeDevice {
  public let name: String
  /// Few blocks: each emulated thread is a C call, and grid-stride loops still get
  /// exercised with more than one block.
  public let maxBlocks: Int
  let memoryLimit: Int?
  let used = Mutex<[DeviceAddress: Int]>([:])
  /// Copies begun but not yet awaited, by staging slot: their bytes, not yet in "device" memory.
  let pendingCopies = Mutex<[Int: (DeviceAddress, [UInt8])]>([:])
  let indices: [Kernel: Int32]

  /// An emulated device; `memoryLimit` (bytes) makes allocations fail like a full GPU.
  public init(memoryLimit: Int? = nil, maxBlocks: Int = 2) {
    name = "host-emulated device"
    self.memoryLimit = memoryLimit
    self.maxBlocks = maxBlocks
    var table: [Kernel: Int32] = [:]
    for k in Kernel.allCases { table[k] = tabby_host_kernel_index(k.rawValue) }
    indices = table
  }

  /// Bytes currently allocated.
  public var bytesInUse: Int { used.withLock { $0.values.reduce(0, +) } }

  public func allocate(bytes: Int, purpose: String) throws(GPUError) -> DeviceAddress {
    let limit = memoryLimit
    let fits = used.withLock { $0.values.reduce(0, +) + bytes <= (limit ?? Int.max) }
    guard fits, let p = malloc(max(bytes, 4)) else {
      throw .outOfMemory(allocation: purpose, bytes: bytes, device: name)
    }
    let address = DeviceAddress(UInt(bitPattern: p))
    used.withLock { $0[address] = bytes }
    return address
  }

  public func free(_ address: DeviceAddress) {
    used.withLock { _ = $0.removeValue(forKey: address) }
    Glibc.free(UnsafeMutableRawPointer(bitPattern: UInt(address)))
  }

  func pointer(_ a: DeviceAddress) -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(bitPattern: UInt(a))!
  }

  public func copy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int) throws(GPUError) {
    if bytes > 0 { memcpy(pointer(to), from, bytes) }
  }

  public func copy(to: UnsafeMutableRawPointer, from: DeviceAddress, bytes: Int) throws(GPUError) {
    if bytes > 0 { memcpy(to, pointer(from), bytes) }
  }

  public func copy(to: DeviceAddress, from: DeviceAddress, bytes: Int) throws(GPUError) {
    if bytes > 0 { memmove(pointer(to), pointer(from), bytes) }
  }

  public func launch(
    _ kernel: Kernel, grid: UInt32, block: UInt32,
    arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  ) throws(GPUError) {
    guard let index = indices[kernel], index >= 0,
      tabby_host_launch(index, grid, 1, 1, block, 1, 1, arguments) == 0
    else { throw .call("host launch of \(kernel.rawValue) failed (grid \(grid), block \(block))") }
  }

  /// cuBLAS's column-major C = op(A)·op(B) is the row-major Cᵀ = op(B)ᵀ·op(A)ᵀ, so
  /// OpenBLAS (through the CPU backend) gets the operands swapped and the sizes exchanged.
  public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: DeviceAddress, lda: Int,
    b: DeviceAddress, ldb: Int, beta: Float, c: DeviceAddress, ldc: Int
  ) throws(GPUError) {
    let f = { (x: DeviceAddress) in self.pointer(x).assumingMemoryBound(to: Float.self) }
    CPUBackend.shared.gemm(
      transA: transB, transB: transA, m: n, n: m, k: k, alpha: alpha, a: f(b), lda: ldb,
      b: f(a), ldb: lda, beta: beta, c: f(c), ldc: ldc)
  }

  public func synchronize() throws(GPUError) {}
}

/// The emulated asynchronous copy keeps the real one's contract strict: `beginCopy` only
/// stages the bytes, and device memory changes at `awaitCopy`, so code that reads a batch
/// before awaiting its copy sees stale data in the tests, as it could on a GPU.
extension HostDevice {
  public func beginCopy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int, slot: Int) throws(GPUError) {
    let staged = Array(UnsafeRawBufferPointer(start: from, count: bytes))
    pendingCopies.withLock { $0[slot & 1] = (to, staged) }
  }

  public func awaitCopy(slot: Int) throws(GPUError) {
    guard let (to, staged) = pendingCopies.withLock({ p in p.removeValue(forKey: slot & 1) }) else { return }
    staged.withUnsafeBytes { b in
      if let base = b.baseAddress, let dst = UnsafeMutableRawPointer(bitPattern: UInt(to)) {
        dst.copyMemory(from: base, byteCount: b.count)
      }
    }
  }
}
