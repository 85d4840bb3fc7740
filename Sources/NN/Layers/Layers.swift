import Datasets
import Tensor

/// Fully connected: y = f(x·Wᵀ + b), weight [out, in] as MXNet's FullyConnected.
public final class Dense: Layer {
  public let name: String
  public var kind: String { activation == .identity ? "Dense" : "Dense+\(activation)" }
  public let weight: Parameter
  public let bias: Parameter
  public let activation: Activation
  public var isTraining = true

  /// A dense layer with N(0, √(2/in)) weights and zero bias. Sizes come from cells and
  /// files, so they are checked before anything is allocated: a non-positive size is a
  /// `TensorError`, a layer larger than the machine's memory a `MemoryError`.
  public init(
    inputSize: Int, outputSize: Int, activation: Activation = .identity, name: String = "fc",
    seed: UInt64 = 0
  ) throws {
    self.name = name
    self.activation = activation
    weight = Parameter(
      name: name + "_weight",
      value: try initialWeights([outputSize, inputSize], fanIn: inputSize, seed: seed, name: name))
    bias = Parameter(name: name + "_bias", value: Tensor(zeros: [outputSize]))
  }

  public var parameters: [Parameter] { [weight, bias] }

  public func outputShape(for input: [Int]) throws -> [Int] {
    guard input.count >= 2, input[1...].reduce(1, *) == weight.value.shape[1] else {
      throw TensorError("\(name): input \(input) does not have \(weight.value.shape[1]) features")
    }
    return [input[0], weight.value.shape[0]]
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    try DenseFunction.apply(x, weight: weight.variable, bias: bias.variable, activation: activation)
  }
}

/// 2-D convolution over NCHW with an optional fused activation.
public final class Conv2D: Layer {
  public let name: String
  public var kind: String { activation == .identity ? "Conv2D" : "Conv2D+\(activation)" }
  public let weight: Parameter
  public let bias: Parameter
  public let options: Conv2DOptions
  public let activation: Activation
  public var isTraining = true

  /// A convolution with a square or rectangular kernel, weight [out, in, kh, kw]; sizes are
  /// checked as `Dense`'s are, before any allocation.
  public init(
    inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
    padding: (Int, Int) = (0, 0), activation: Activation = .identity, name: String = "conv",
    seed: UInt64 = 0
  ) throws {
    guard stride.0 > 0, stride.1 > 0, padding.0 >= 0, padding.1 >= 0,
      [outChannels, inChannels, kernelSize.0, kernelSize.1].allSatisfy({ $0 > 0 })
    else {
      throw TensorError("\(name): stride \(stride) and sizes must be positive and padding \(padding) not negative")
    }
    self.name = name
    self.activation = activation
    options = Conv2DOptions(
      stride: (stride.0, stride.1), pads: [padding.0, padding.1, padding.0, padding.1])
    let shape = [outChannels, inChannels, kernelSize.0, kernelSize.1]
    let fanIn = try Sizes.elementCount(Array(shape.dropFirst()), of: "\(name) kernel")
    weight = Parameter(
      name: name + "_weight",
      value: try initialWeights(
        shape, fanIn: fanIn, seed: seed, name: name)
    )
    bias = Parameter(name: name + "_bias", value: Tensor(zeros: [outChannels]))
  }

  public var parameters: [Parameter] { [weight, bias] }

  public func outputShape(for input: [Int]) throws -> [Int] {
    try Tensor.conv2dGeometry(input: input, weight: weight.value.shape, options: options).output
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    try Conv2DFunction.apply(
      x, weight: weight.variable, bias: bias.variable, options: options, activation: activation)
  }
}

extension Pool2DOptions {
  /// Windows of `poolSize` moved by `strides` (default: the pool size), as both pooling layers take them.
  init(poolSize: (Int, Int), strides: (Int, Int)?, ceilMode: Bool) {
    let s = strides ?? poolSize
    self.init(kernel: [poolSize.0, poolSize.1], stride: [s.0, s.1], ceilMode: ceilMode)
  }
}

/// The [N, C, H', W'] shape a pooling layer gives for an NCHW input.
func pooledShape(_ input: [Int], _ options: Pool2DOptions) throws -> [Int] {
  let (h, w) = try Tensor.poolOutputSize(input, options)
  return [input[0], input[1], h, w]
}

/// Max pooling.
public final class MaxPool2D: Layer {
  public let name: String
  public var kind: String { "MaxPool2D" }
  public let options: Pool2DOptions
  public var isTraining = true

  /// Pooling windows of `poolSize` moved by `strides` (default: the pool size).
  public init(
    poolSize: (Int, Int), strides: (Int, Int)? = nil, ceilMode: Bool = false, name: String = "pool"
  ) {
    self.name = name
    options = Pool2DOptions(poolSize: poolSize, strides: strides, ceilMode: ceilMode)
  }

  public var parameters: [Parameter] { [] }

  public func outputShape(for input: [Int]) throws -> [Int] {
    try pooledShape(input, options)
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    try MaxPool2DFunction.apply(x, options)
  }
}

/// Average pooling.
public final class AvgPool2D: Layer {
  public let name: String
  public var kind: String { "AvgPool2D" }
  public let options: Pool2DOptions
  public var isTraining = true

  /// Pooling windows of `poolSize` moved by `strides` (default: the pool size).
  public init(
    poolSize: (Int, Int), strides: (Int, Int)? = nil, ceilMode: Bool = false, name: String = "pool"
  ) {
    self.name = name
    options = Pool2DOptions(poolSize: poolSize, strides: strides, ceilMode: ceilMode)
  }

  public var parameters: [Parameter] { [] }

  public func outputShape(for input: [Int]) throws -> [Int] {
    try pooledShape(input, options)
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    try AvgPool2DFunction.apply(x, options)
  }
}

/// Global average pooling to [N, C, 1, 1].
public final class GlobalAvgPool2D: Layer {
  public let name: String
  public var kind: String { "GlobalAvgPool2D" }
  public var isTraining = true
  /// Creates the layer.
  public init(name: String = "gap") { self.name = name }
  public var parameters: [Parameter] { [] }
  public func outputShape(for input: [Int]) throws -> [Int] { [input[0], input[1], 1, 1] }
  public func callAsFunction(_ x: Variable) throws -> Variable {
    try GlobalAvgPoolFunction.apply(x)
  }
}

/// [N, ...] → [N, rest].
public final class Flatten: Layer {
  public let name: String
  public var kind: String { "Flatten" }
  public var isTraining = true
  /// Creates the layer.
  public init(name: String = "flatten") { self.name = name }
  public var parameters: [Parameter] { [] }
  public func outputShape(for input: [Int]) throws -> [Int] {
    [input[0], input[1...].reduce(1, *)]
  }
  public func callAsFunction(_ x: Variable) throws -> Variable { try ReshapeFunction.flatten(x) }
}

/// A standalone activation (MXNet's Activation op).
public final class ActivationLayer: Layer {
  public let name: String
  public var kind: String { "Activation(\(activation))" }
  public let activation: Activation
  public var isTraining = true
  /// Creates the layer.
  public init(_ activation: Activation, name: String = "act") {
    self.activation = activation
    self.name = name
  }
  public var parameters: [Parameter] { [] }
  public func outputShape(for input: [Int]) throws -> [Int] { input }
  public func callAsFunction(_ x: Variable) throws -> Variable {
    ActivationFunction.apply(x, activation)
  }
}

/// Inverted dropout, active only in training mode.
public final class Dropout: Layer {
  public let name: String
  public var kind: String { "Dropout(\(probability))" }
  public let probability: Float
  public var isTraining = true
  var rng: SplitMix64
  private let rngLock = Lock()

  /// Drops each element with `probability` during training.
  public init(probability: Float, name: String = "dropout", seed: UInt64 = 0) {
    self.name = name
    self.probability = probability
    rng = SplitMix64(seed: seed ^ fnv1a(name))
  }
  public var parameters: [Parameter] { [] }
  public func outputShape(for input: [Int]) throws -> [Int] { input }
  public func callAsFunction(_ x: Variable) throws -> Variable {
    guard isTraining && probability > 0 else { return x }
    return try rngLock.withLock {
      try DropoutFunction.apply(x, probability: probability, using: &rng)
    }
  }
}
