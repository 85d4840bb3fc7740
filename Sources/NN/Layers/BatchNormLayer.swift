import Tensor

/// Batch normalisation over channels (MXNet BatchNorm: gamma, beta, moving_mean, moving_var).
public final class BatchNorm: Layer {
  public let name: String
  public var kind: String { "BatchNorm" }
  public let scale: Parameter
  public let offset: Parameter
  public let runningMean: Parameter
  public let runningVariance: Parameter
  /// Running statistics keep `momentum` of the old value per batch (MXNet's convention).
  public let momentum: Float
  public let epsilon: Float
  public var isTraining = true
  /// Data-parallel shards update the running statistics one at a time.
  private let statisticsLock = Lock()

  /// A batch norm over `featureCount` channels.
  public init(featureCount: Int, momentum: Float = 0.9, epsilon: Float = 1e-5, name: String = "bn")
  {
    self.name = name
    self.momentum = momentum
    self.epsilon = epsilon
    scale = Parameter(name: name + "_gamma", value: Tensor(shape: [featureCount], repeating: 1))
    offset = Parameter(name: name + "_beta", value: Tensor(zeros: [featureCount]))
    runningMean = Parameter(
      name: name + "_moving_mean", value: Tensor(zeros: [featureCount]), trainable: false)
    runningVariance = Parameter(
      name: name + "_moving_var", value: Tensor(shape: [featureCount], repeating: 1),
      trainable: false)
  }

  public var parameters: [Parameter] { [scale, offset, runningMean, runningVariance] }

  public func outputShape(for input: [Int]) throws -> [Int] {
    guard input.count >= 2, input[1] == scale.value.count else {
      throw TensorError("\(name): input \(input) does not have \(scale.value.count) channels")
    }
    return input
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    guard isTraining else {
      let y = try Tensor.batchNormInference(
        x.value, scale: scale.value, bias: offset.value, mean: runningMean.value,
        variance: runningVariance.value, epsilon: epsilon)
      return Variable(y)
    }
    let (y, stats) = try BatchNormFunction.apply(
      x, scale: scale.variable, bias: offset.variable, epsilon: epsilon)
    let m = momentum
    try statisticsLock.withLock { try updateRunning(stats, m) }
    return y
  }

  private func updateRunning(_ stats: BatchNormStatistics, _ m: Float) throws {
    runningMean.value = try Tensor(
      shape: [stats.mean.count],
      scalars: zip(runningMean.value.scalars, stats.mean).map { m * $0 + (1 - m) * $1 })
    runningVariance.value = try Tensor(
      shape: [stats.variance.count],
      scalars: zip(runningVariance.value.scalars, stats.variance).map { m * $0 + (1 - m) * $1 })
  }
}

/// Layers applied in order.
public final class Sequential: Layer {
  public let name: String
  public var kind: String { "Sequential" }
  public let layers: [any Layer]

  /// A chain of layers.
  public init(name: String = "model", _ layers: [any Layer]) {
    self.name = name
    self.layers = layers
  }

  public var isTraining: Bool {
    get { layers.first?.isTraining ?? true }
    set { for l in layers { l.isTraining = newValue } }
  }

  public var parameters: [Parameter] { layers.flatMap(\.parameters) }

  public func outputShape(for input: [Int]) throws -> [Int] {
    try layers.reduce(input) { try $1.outputShape(for: $0) }
  }

  public func callAsFunction(_ x: Variable) throws -> Variable {
    try layers.reduce(x) { try $1($0) }
  }

  /// One row per layer: name, kind, output shape and parameter count.
  public func summary(inputShape: [Int]) throws -> [LayerInfo] {
    var shape = inputShape
    return try layers.map { layer in
      shape = try layer.outputShape(for: shape)
      return LayerInfo(
        name: layer.name, kind: layer.kind, outputShape: shape,
        parameterCount: layer.parameters.reduce(0) { $0 + $1.value.count })
    }
  }

  /// The parameter with an MXNet-style name, if any.
  public func parameter(named n: String) -> Parameter? { parameters.first { $0.name == n } }
}
