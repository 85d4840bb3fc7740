import CUDADriver
import Tensor

/// A device address; on the host-emulated device it is a host pointer's bit pattern.
public typealias DeviceAddress = CUDADriver.DeviceAddress

/// The small interface every device implements, one call per vendor call: `CUDADevice`
/// maps it one-to-one onto the driver and cuBLAS, `HostDevice` runs the same kernel
/// sources on the CPU (the way SwiftNIO tests channels on an embedded event loop).
public protocol ComputeDevice: AnyObject, Sendable {
  /// A name for messages ("gpu(0) NVIDIA H200 sm_90", "host-emulated").
  var name: String { get }
  /// The most blocks one launch uses (kernels are grid-stride, so any count covers the data).
  var maxBlocks: Int { get }
  /// Allocates `bytes` of device memory; `purpose` names it in an out-of-memory error.
  func allocate(bytes: Int, purpose: String) throws(GPUError) -> DeviceAddress
  /// Frees an allocation (from deinit: never fails).
  func free(_ address: DeviceAddress)
  /// Host → device.
  func copy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int) throws(GPUError)
  /// Device → host (waits for the work queued before it).
  func copy(to: UnsafeMutableRawPointer, from: DeviceAddress, bytes: Int) throws(GPUError)
  /// Device → device.
  func copy(to: DeviceAddress, from: DeviceAddress, bytes: Int) throws(GPUError)
  /// Launches a kernel; `arguments` points at each argument's value (cuLaunchKernel's packing).
  func launch(
    _ kernel: Kernel, grid: UInt32, block: UInt32,
    arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>) throws(GPUError)
  /// cuBLAS SGEMM, column-major: C = alpha·op(A)·op(B) + beta·C.
  func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: DeviceAddress, lda: Int,
    b: DeviceAddress, ldb: Int, beta: Float, c: DeviceAddress, ldc: Int) throws(GPUError)
  /// Waits for all queued work.
  func synchronize() throws(GPUError)
  /// Host → device that overlaps the work queued around it (the next training batch while
  /// this one computes), through staging buffer `slot` (0 or 1, used in turn). `from` may
  /// be reused on return; `to` holds the data only for work queued after `awaitCopy(slot:)`.
  func beginCopy(to: DeviceAddress, from: UnsafeRawPointer, bytes: Int, slot: Int) throws(GPUError)
  /// Queues the work that follows behind staging buffer `slot`'s last copy.
  func awaitCopy(slot: Int) throws(GPUError)
}

/// A device failure, typed so the kernel can say `MemoryError` or `DeviceError`.
public enum GPUError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The device is not usable (no driver, no device, a library missing, a bad index).
  case unavailable(DeviceError)
  /// Device memory ran out while allocating `allocation`.
  case outOfMemory(allocation: String, bytes: Int, device: String)
  /// A driver, cuBLAS or NVRTC call failed.
  case call(String)
  /// An argument the device layer cannot take (a size past 2^31, a shape mismatch).
  case invalid(String)

  /// The Python-style error name the kernel shows.
  public var ename: String {
    switch self {
    case .outOfMemory: "MemoryError"
    case .unavailable: "DeviceError"
    case .call, .invalid: "RuntimeError"
    }
  }

  public var description: String {
    switch self {
    case .unavailable(let e): e.description
    case .outOfMemory(let what, let bytes, let device):
      "out of device memory on \(device) allocating \(what) (\(formatBytes(bytes))) — use a smaller batch or ctx(cpu)"
    case .call(let message): message
    case .invalid(let message): message
    }
  }
}

func formatBytes(_ n: Int) -> String {
  n >= 1 << 20 ? "\(n >> 20) MiB" : n >= 1 << 10 ? "\(n >> 10) KiB" : "\(n) bytes"
}

/// Every kernel in kernels/tabby_kernels.cu, by its exported name.
public enum Kernel: String, CaseIterable, Sendable {
  case fill = "tk_fill"
  case unary = "tk_unary"
  case unaryBackward = "tk_unary_backward"
  case binary = "tk_binary"
  case biasAdd = "tk_bias_add"
  case reduceOuterInner = "tk_reduce_outer_inner"
  case reduceAxis = "tk_reduce_axis"
  case swap01 = "tk_swap01"
  case im2col = "tk_im2col"
  case col2im = "tk_col2im"
  case maxPool = "tk_maxpool"
  case maxPoolBackward = "tk_maxpool_backward"
  case avgPool = "tk_avgpool"
  case avgPoolBackward = "tk_avgpool_backward"
  case softmaxCrossEntropy = "tk_softmax_xent"
  case softmaxCrossEntropyBackward = "tk_softmax_xent_backward"
  case batchNormStatistics = "tk_batchnorm_stats"
  case batchNorm = "tk_batchnorm"
  case batchNormBackwardReduce = "tk_batchnorm_backward_reduce"
  case batchNormBackward = "tk_batchnorm_backward"
  case dropout = "tk_dropout"
  case sgd = "tk_sgd"
  case adam = "tk_adam"
  case quantize = "tk_quantize"
  case epilogue = "tk_epilogue"
  case convGrouped = "tk_conv_grouped"
  case softmax = "tk_softmax"
  case copySlab = "tk_copy_slab"
  case permute = "tk_permute"
}

/// One kernel argument, packed as cuLaunchKernel expects (a pointer to each value).
public enum KernelArgument {
  case int(Int)
  case float(Float)
  case uint(UInt32)
  case buffer(DeviceBuffer)
  /// A null pointer (an optional operand left out: a bias, a residual).
  case null
}

extension ComputeDevice {
  /// Threads per block for every launch.
  static var threadsPerBlock: Int { 256 }

  /// Launches `kernel` over `count` work items with the arguments packed in order.
  public func launch(_ kernel: Kernel, count: Int, _ arguments: [KernelArgument]) throws(GPUError) {
    guard count > 0 else { return }
    guard count <= Int(Int32.max) else {
      throw .invalid("\(kernel.rawValue): \(count) elements is past the device layer's 2^31 limit")
    }
    let slots = UnsafeMutableRawPointer.allocate(byteCount: 8 * arguments.count, alignment: 8)
    defer { slots.deallocate() }
    let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: arguments.count)
    defer { pointers.deallocate() }
    for (i, argument) in arguments.enumerated() {
      let slot = slots + 8 * i
      switch argument {
      case .int(let v):
        guard let narrow = Int32(exactly: v) else {
          throw .invalid("\(kernel.rawValue): argument \(i) = \(v) does not fit in 32 bits")
        }
        slot.storeBytes(of: narrow, as: Int32.self)
      case .float(let v): slot.storeBytes(of: v, as: Float.self)
      case .uint(let v): slot.storeBytes(of: v, as: UInt32.self)
      case .buffer(let b): slot.storeBytes(of: b.address, as: UInt64.self)
      case .null: slot.storeBytes(of: 0, as: UInt64.self)
      }
      pointers[i] = slot
    }
    let t = Self.threadsPerBlock
    let blocks = min((count + t - 1) / t, maxBlocks)
    try launch(kernel, grid: UInt32(blocks), block: UInt32(t), arguments: pointers)
  }
}
