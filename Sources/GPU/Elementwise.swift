import Tensor

/// The training ops on one device: each allocates its outputs on the device and launches
/// the kernels of tabby_kernels.cu (and cuBLAS for the matrix products). Shapes follow the
/// CPU engine (NCHW, row-major), and so do the results, to float rounding.
public struct DeviceOps: Sendable {
  /// The device the ops run on.
  public let device: any ComputeDevice

  /// Ops on `device`.
  public init(device: any ComputeDevice) { self.device = device }

  /// An uninitialised tensor.
  public func empty(_ shape: [Int], _ purpose: String) throws(GPUError) -> DeviceTensor {
    try DeviceTensor(device: device, shape: shape, purpose: purpose)
  }

  /// A tensor filled with `value`.
  public func full(_ shape: [Int], _ value: Float, _ purpose: String) throws(GPUError) -> DeviceTensor {
    let t = try empty(shape, purpose)
    try device.launch(.fill, count: t.count, [.int(t.count), .float(value), .buffer(t.buffer)])
    return t
  }

  /// Copies a host tensor to the device.
  public func upload(_ t: Tensor, _ purpose: String) throws(GPUError) -> DeviceTensor {
    try DeviceTensor(t, on: device, purpose: purpose)
  }
}

/// The elementwise functions the kernels know, with their parameters.
public enum DeviceUnary: Sendable, Equatable {
  case relu, tanh, sigmoid, exp, negate, square, sqrt
  case clip(min: Float, max: Float)
  case leakyRelu(alpha: Float)
  case scale(Float)

  /// The op code and the two parameters tk_unary takes (the TK_* codes of the source).
  var code: (Int, Float, Float) {
    switch self {
    case .relu: (0, 0, 0)
    case .tanh: (1, 0, 0)
    case .sigmoid: (2, 0, 0)
    case .clip(let lo, let hi): (3, lo, hi)
    case .leakyRelu(let a): (4, a, 0)
    case .exp: (5, 0, 0)
    case .negate: (6, 0, 0)
    case .square: (7, 0, 0)
    case .sqrt: (8, 0, 0)
    case .scale(let a): (9, a, 0)
    }
  }

  /// The device op for one of the CPU backend's unary ops.
  public init(_ op: UnaryOp) {
    switch op {
    case .relu: self = .relu
    case .relu6: self = .clip(min: 0, max: 6)
    case .tanh: self = .tanh
    case .sigmoid: self = .sigmoid
    case .exp: self = .exp
    case .negate: self = .negate
    case .square: self = .square
    case .sqrt: self = .sqrt
    case .clip(let lo, let hi): self = .clip(min: lo, max: hi)
    case .leakyRelu(let a): self = .leakyRelu(alpha: a)
    }
  }
}

/// Binary ops with numpy broadcasting.
public enum DeviceBinary: Int, Sendable {
  case add = 0, sub, mul, div, max, min
}

extension DeviceOps {
  /// y = f(x).
  public func unary(_ op: DeviceUnary, _ x: DeviceTensor) throws(GPUError) -> DeviceTensor {
    let y = try empty(x.shape, "unary output \(x.shape)")
    let (code, a, b) = op.code
    try device.launch(
      .unary, count: x.count,
      [.int(x.count), .int(code), .float(a), .float(b), .buffer(x.buffer), .buffer(y.buffer)])
    return y
  }

  /// dx = dy·f′, from the op's input x and output y.
  public func unaryBackward(
    _ op: DeviceUnary, x: DeviceTensor, y: DeviceTensor, dy: DeviceTensor
  ) throws(GPUError) -> DeviceTensor {
    let dx = try empty(x.shape, "unary gradient \(x.shape)")
    let (code, a, b) = op.code
    try device.launch(
      .unaryBackward, count: x.count,
      [
        .int(x.count), .int(code), .float(a), .float(b), .buffer(x.buffer), .buffer(y.buffer),
        .buffer(dy.buffer), .buffer(dx.buffer),
      ])
    return dx
  }

  /// y = a ∘ b with numpy broadcasting (up to rank 4).
  public func binary(_ op: DeviceBinary, _ a: DeviceTensor, _ b: DeviceTensor) throws(GPUError) -> DeviceTensor {
    let shape: [Int]
    do { shape = try Tensor.broadcastShape(a.shape, b.shape) } catch {
      throw .invalid("\(op): cannot broadcast \(a.shape) with \(b.shape)")
    }
    guard shape.count <= 4 else { throw .invalid("\(op): rank \(shape.count) is past 4") }
    let out = Array(repeating: 1, count: 4 - shape.count) + shape
    let y = try empty(shape, "\(op) output \(shape)")
    let (sa, sb) = (broadcastStrides(a.shape, out), broadcastStrides(b.shape, out))
    let args: [KernelArgument] =
      [.int(y.count), .int(op.rawValue), .int(out[1]), .int(out[2]), .int(out[3])]
      + sa.map { .int($0) } + sb.map { .int($0) } + [.buffer(a.buffer), .buffer(b.buffer), .buffer(y.buffer)]
    try device.launch(.binary, count: y.count, args)
    return y
  }

  /// Strides of `shape` read as the 4-D `out`, 0 along broadcast dimensions.
  func broadcastStrides(_ shape: [Int], _ out: [Int]) -> [Int] {
    let padded = Array(repeating: 1, count: 4 - shape.count) + shape
    var strides = [Int](repeating: 0, count: 4)
    var s = 1
    for d in (0..<4).reversed() {
      strides[d] = padded[d] == 1 && out[d] != 1 ? 0 : s
      s *= padded[d]
    }
    return strides
  }

  /// y = x + bias along axis 1 (a conv's channels or a dense layer's features).
  public func biasAdd(_ x: DeviceTensor, _ bias: DeviceTensor) throws(GPUError) -> DeviceTensor {
    guard x.shape.count >= 2, bias.count == x.shape[1] else {
      throw .invalid("biasAdd: bias \(bias.shape) vs input \(x.shape)")
    }
    let y = try empty(x.shape, "bias output \(x.shape)")
    let inner = x.shape[2...].reduce(1, *)
    try device.launch(
      .biasAdd, count: x.count,
      [.int(x.count), .int(bias.count), .int(inner), .buffer(x.buffer), .buffer(bias.buffer), .buffer(y.buffer)])
    return y
  }

  /// Σ over every axis but 1: the bias gradient of a conv or dense layer.
  public func sumAllButAxis1(_ dy: DeviceTensor) throws(GPUError) -> DeviceTensor {
    let c = dy.shape[1]
    let db = try empty([c], "bias gradient [\(c)]")
    try device.launch(
      .reduceOuterInner, count: c,
      [
        .int(dy.shape[0]), .int(c), .int(dy.shape[2...].reduce(1, *)), .float(0),
        .buffer(dy.buffer), .buffer(db.buffer),
      ])
    return db
  }

  /// out[o, i] = Σ_a x[o, a, i] for x viewed as [outer, axis, inner].
  public func reduceSum(_ x: DeviceTensor, outer: Int, axis: Int, inner: Int) throws(GPUError) -> DeviceTensor {
    guard outer * axis * inner == x.count else { throw .invalid("reduceSum: \(x.shape) vs view") }
    let y = try empty([outer, inner], "sum [\(outer), \(inner)]")
    try device.launch(
      .reduceAxis, count: outer * inner,
      [.int(outer), .int(axis), .int(inner), .buffer(x.buffer), .buffer(y.buffer)])
    return y
  }

  /// y[q, p, r] = x[p, q, r].
  public func swap01(_ x: DeviceTensor, _ p: Int, _ q: Int, _ r: Int, shape: [Int]) throws(GPUError) -> DeviceTensor {
    let y = try empty(shape, "transpose \(shape)")
    try device.launch(.swap01, count: x.count, [.int(p), .int(q), .int(r), .buffer(x.buffer), .buffer(y.buffer)])
    return y
  }
}
