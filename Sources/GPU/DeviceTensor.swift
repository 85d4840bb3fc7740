import Tensor

/// One device allocation of 4-byte elements (float32, or int32 labels and indices),
/// freed when the last reference goes.
public final class DeviceBuffer: @unchecked Sendable {
  /// The device holding it.
  public let device: any ComputeDevice
  /// Its address.
  public let address: DeviceAddress
  /// Number of 4-byte elements.
  public let count: Int

  /// Allocates `count` elements; `purpose` names the allocation in an out-of-memory error.
  public init(device: any ComputeDevice, count: Int, purpose: String) throws(GPUError) {
    guard count >= 0, count < Int(Int32.max) else {
      throw .invalid("\(purpose): \(count) elements is past the device layer's 2^31 limit")
    }
    self.device = device
    self.count = count
    address = try device.allocate(bytes: count * 4, purpose: purpose)
  }

  deinit { device.free(address) }
}

/// A float32 tensor in device memory: a shape and a buffer (contiguous, row-major).
public struct DeviceTensor: @unchecked Sendable {
  /// Dimensions, outermost first.
  public var shape: [Int]
  /// The memory.
  public let buffer: DeviceBuffer
  /// Number of elements.
  public var count: Int { buffer.count }

  /// A tensor over an existing buffer (the element counts must agree).
  public init(shape: [Int], buffer: DeviceBuffer) {
    precondition(Tensor.elementCount(shape) == buffer.count, "DeviceTensor: shape vs buffer")
    self.shape = shape
    self.buffer = buffer
  }

  /// An uninitialised tensor on `device`.
  public init(device: any ComputeDevice, shape: [Int], purpose: String) throws(GPUError) {
    self.shape = shape
    buffer = try DeviceBuffer(device: device, count: Tensor.elementCount(shape), purpose: purpose)
  }

  /// Copies a host tensor to the device.
  public init(_ t: Tensor, on device: any ComputeDevice, purpose: String) throws(GPUError) {
    try self.init(device: device, shape: t.shape, purpose: purpose)
    let (dst, bytes) = (buffer.address, t.count * 4)
    let failure = t.withUnsafeBufferPointer { p in
      attempt { () throws(GPUError) in
        if let base = p.baseAddress { try device.copy(to: dst, from: base, bytes: bytes) }
      }
    }
    if let failure { throw failure }
  }

  /// The same memory viewed with another shape (no copy).
  public func reshaped(_ newShape: [Int]) throws(GPUError) -> DeviceTensor {
    guard Tensor.elementCount(newShape) == count else {
      throw .invalid("reshape: cannot view \(shape) as \(newShape)")
    }
    return DeviceTensor(shape: newShape, buffer: buffer)
  }

  /// Copies the tensor back to the host.
  public func host() throws(GPUError) -> Tensor {
    var t = Tensor(zeros: shape)
    let (src, bytes, device) = (buffer.address, count * 4, buffer.device)
    let failure = t.withUnsafeMutableBufferPointer { p in
      attempt { () throws(GPUError) in
        if let base = p.baseAddress { try device.copy(to: base, from: src, bytes: bytes) }
      }
    }
    if let failure { throw failure }
    return t
  }
}

/// Int32 values (labels) copied to a device buffer.
public func deviceInts(_ values: [Int32], on device: any ComputeDevice, purpose: String)
  throws(GPUError) -> DeviceBuffer
{
  let b = try DeviceBuffer(device: device, count: values.count, purpose: purpose)
  let failure = values.withUnsafeBytes { raw in
    attempt { () throws(GPUError) in
      if let base = raw.baseAddress { try device.copy(to: b.address, from: base, bytes: raw.count) }
    }
  }
  if let failure { throw failure }
  return b
}

/// Int32 values copied back from a device buffer.
public func hostInts(_ b: DeviceBuffer) throws(GPUError) -> [Int32] {
  var values = [Int32](repeating: 0, count: b.count)
  let failure = values.withUnsafeMutableBytes { raw in
    attempt { () throws(GPUError) in
      if let base = raw.baseAddress { try b.device.copy(to: base, from: b.address, bytes: raw.count) }
    }
  }
  if let failure { throw failure }
  return values
}

/// Runs a typed-throwing body inside a non-throwing closure (the buffer accessors rethrow
/// untyped errors), returning its error.
func attempt(_ body: () throws(GPUError) -> Void) -> GPUError? {
  do {
    try body()
    return nil
  } catch { return error }
}
