// The engine's core value type. Public API of module Tensor (forward, no-grad ops):
//
//   Tensor        float32, row-major, contiguous; copy-on-write storage; cheap reshape.
//   Device        .cpu / .gpu(n); `Device.check()` throws DeviceError where unavailable.
//   Backend       the op vocabulary a device implements (gemm, im2col/col2im, elementwise,
//                 reductions); CPUBackend is the only one today.
//   Linear        gemm(_:_:c:transA:transB:alpha:beta:), matmul, dense(_:weight:bias:)
//   Conv          conv2d(_:weight:bias:options:) — NCHW, stride, asymmetric pads, dilation,
//                 groups (direct depthwise kernel)
//   Pooling       maxPool2D, avgPool2D (Pool2DOptions: kernel, stride, pads, ceil mode,
//                 count_include_pad), globalAvgPool2D
//   Activations   relu, relu6, clip, tanh, sigmoid, leakyRelu, softmax, logSoftmax (axis)
//   Norm          batchNormInference, batchNormTraining, lrn (across channels)
//   Arithmetic    add, sub, mul, div with numpy broadcasting (also + - * / operators)
//   Shape         reshaped, flatten, transposed(permutation), concat(_:axis:)
//   Threads       Threads.available (affinity + cgroup quota), Threads.set(_:)

/// Reference-counted float32 buffer owned by one device; Tensors share it until written.
public final class TensorStorage: @unchecked Sendable {
  /// Number of float32 elements.
  public let count: Int
  /// The device the memory lives on.
  public let device: Device
  @usableFromInline let pointer: UnsafeMutablePointer<Float>

  init(count: Int, device: Device = .cpu) {
    self.count = count
    self.device = device
    // 64-byte alignment keeps AVX loads in BLAS and our loops on whole cache lines.
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
  }

  deinit { UnsafeMutableRawPointer(pointer).deallocate() }

  @usableFromInline func copy() -> TensorStorage {
    let s = TensorStorage(count: count, device: device)
    s.pointer.update(from: pointer, count: count)
    return s
  }
}

/// A dense float32 tensor: a shape and a contiguous row-major buffer on a device.
public struct Tensor: Sendable {
  /// Dimensions, outermost first (NCHW for images).
  public private(set) var shape: [Int]
  @usableFromInline var storage: TensorStorage

  /// The device the tensor's memory lives on.
  public var device: Device { storage.device }
  /// Number of elements (product of the shape).
  public var count: Int { storage.count }
  /// Number of dimensions.
  public var rank: Int { shape.count }

  /// A tensor of the given shape whose contents are unspecified (the fast path for outputs).
  public init(uninitializedShape shape: [Int]) {
    self.shape = shape
    storage = TensorStorage(count: Tensor.elementCount(shape))
  }

  /// A tensor filled with zeros.
  public init(zeros shape: [Int]) {
    self.init(shape: shape, repeating: 0)
  }

  /// A tensor filled with one value.
  public init(shape: [Int], repeating value: Float) {
    self.init(uninitializedShape: shape)
    storage.pointer.initialize(repeating: value, count: storage.count)
  }

  /// A tensor from scalars in row-major order; the count must match the shape.
  public init(shape: [Int], scalars: [Float]) throws {
    guard shape.allSatisfy({ $0 >= 0 }) else {
      throw TensorError("Tensor: negative dimension in shape \(shape)")
    }
    let count: Int
    do { count = try Sizes.elementCount(shape, of: "tensor") } catch { throw TensorError("Tensor: \(error.message)") }
    guard count == scalars.count else {
      throw TensorError(
        "Tensor: shape \(shape) holds \(Tensor.elementCount(shape)) elements but \(scalars.count) were given"
      )
    }
    self.init(uninitializedShape: shape)
    scalars.withUnsafeBufferPointer {
      storage.pointer.update(from: $0.baseAddress!, count: $0.count)
    }
  }

  /// A rank-0 tensor holding one value.
  public init(scalar: Float) {
    self.init(shape: [], repeating: scalar)
  }

  init(shape: [Int], storage: TensorStorage) {
    self.shape = shape
    self.storage = storage
  }

  /// The elements in row-major order, copied into an Array.
  public var scalars: [Float] {
    Array(UnsafeBufferPointer(start: storage.pointer, count: count))
  }

  /// Reads the raw buffer without copying.
  @inlinable
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
  }

  /// Writes the raw buffer; copies it first if another tensor shares it (copy-on-write).
  @inlinable
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    if !isKnownUniquelyReferenced(&storage) { storage = storage.copy() }
    return try body(UnsafeMutableBufferPointer(start: storage.pointer, count: storage.count))
  }

  /// The element at a multi-index (for tests and small lookups, not inner loops).
  public subscript(index: Int...) -> Float {
    precondition(index.count == rank, "index rank \(index.count) != tensor rank \(rank)")
    var flat = 0
    for (i, d) in zip(index, shape) {
      precondition(i >= 0 && i < d, "index \(index) out of bounds for shape \(shape)")
      flat = flat * d + i
    }
    return storage.pointer[flat]
  }

  /// The same elements viewed with another shape (no copy); one dimension may be -1.
  public func reshaped(_ newShape: [Int]) throws -> Tensor {
    var dims = newShape
    let inferred = dims.indices.filter { dims[$0] == -1 }
    guard inferred.count <= 1, dims.allSatisfy({ $0 >= -1 }) else {
      throw TensorError("reshape: invalid target shape \(newShape)")
    }
    if let i = inferred.first {
      let others = dims.enumerated().filter { $0.offset != i }.map(\.element)
      let known = (try? Sizes.elementCount(others, of: "tensor")) ?? 0
      guard known > 0, count % known == 0 else {
        throw TensorError(
          "reshape: cannot infer -1 in \(newShape) for \(count) elements of \(shape)")
      }
      dims[i] = count / known
    }
    guard (try? Sizes.elementCount(dims, of: "tensor")) == count else {
      throw TensorError("reshape: cannot view shape \(shape) (\(count) elements) as \(newShape)")
    }
    return Tensor(shape: dims, storage: storage)
  }

  /// Collapses the dimensions from `axis` on into one (ONNX Flatten: the result is 2-D).
  public func flattened(axis: Int = 1) throws -> Tensor {
    guard axis >= 0 && axis <= rank else {
      throw TensorError("flatten: axis \(axis) out of range for rank \(rank)")
    }
    let outer = shape[..<axis].reduce(1, *)
    return try reshaped([outer, shape[axis...].reduce(1, *)])
  }

  /// The product of a shape's dimensions.
  public static func elementCount(_ shape: [Int]) -> Int { shape.reduce(1, *) }

  /// Whether two tensors share one buffer (a reshape of the other, or an unwritten copy).
  public func sharesStorage(with other: Tensor) -> Bool { storage === other.storage }

  /// Moves the tensor to a device; only the CPU exists today, so other devices throw.
  public func to(_ target: Device) throws -> Tensor {
    try target.check()
    return self
  }
}

/// A shape or argument problem in a tensor operation; the message names the op and the shapes.
public struct TensorError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, starting with the op's name.
  public let message: String
  /// Creates an error with a message.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

extension Tensor: CustomStringConvertible {
  public var description: String {
    let shown = scalars.prefix(8).map { String($0) }.joined(separator: ", ")
    return "Tensor(shape: \(shape), [\(shown)\(count > 8 ? ", …" : "")])"
  }
}
