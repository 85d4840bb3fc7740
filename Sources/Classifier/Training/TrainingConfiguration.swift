import NN

/// How to train: the one set of defaults shared by `train()` in a cell and `tabby train`.
/// The same configuration, seed and thread count give bit-identical weights through either.
/// (The two entry points differ only where they say so: `tabby train` runs 5 epochs unless
/// told otherwise, a cell's `train()` 1.)
public struct TrainingConfiguration: Sendable, Equatable {
  /// The optimizers on offer.
  public enum OptimizerKind: String, Sendable, CaseIterable {
    /// SGD with MXNet's momentum and weight-decay rule.
    case sgd
    /// Adam with decoupled weight decay.
    case adam
  }

  /// How the learning rate changes over the run.
  public enum Schedule: String, Sendable, CaseIterable {
    /// Half a cosine from the base rate down to 0 over the run.
    case cosine
    /// ×0.1 every 10 epochs.
    case step
    /// The base rate throughout.
    case none
  }

  /// Passes over the training split.
  public var epochs = 1
  /// Images per optimizer step.
  public var batchSize = 64
  public var optimizer = OptimizerKind.sgd
  /// The base learning rate; nil: the optimizer's default (`defaultLearningRate(for:)`).
  public var learningRate: Double?
  /// SGD momentum (Adam ignores it).
  public var momentum = 0.9
  public var weightDecay = 1e-4
  public var schedule = Schedule.cosine
  /// Seeds the batch order (initial weights are seeded where a model is made).
  public var seed: UInt64 = 42
  /// Train on the first `limit` training images only (quick runs); nil: all.
  public var limit: Int?
  /// Test on the first `testLimit` test images only; nil: all.
  public var testLimit: Int?

  /// The defaults above.
  public init() {}

  /// 0.05 for SGD (MXNet train_mnist's), 0.001 for Adam.
  public static func defaultLearningRate(for optimizer: OptimizerKind) -> Double {
    optimizer == .adam ? 1e-3 : 0.05
  }

  /// The base learning rate in use: the one set, else the optimizer's default.
  public var effectiveLearningRate: Double {
    learningRate ?? Self.defaultLearningRate(for: optimizer)
  }

  /// Checks every count and rate before a run starts.
  public func validate() throws(ClassifierError) {
    guard epochs >= 1, batchSize >= 1 else {
      throw ClassifierError(.invalidArgument, "epochs and batch must be at least 1")
    }
    for (name, value) in [
      ("lr", effectiveLearningRate), ("momentum", momentum), ("wd", weightDecay),
    ] where !value.isFinite || value < 0 {
      throw ClassifierError(.invalidArgument, "\(name) must be a finite number ≥ 0, got \(value)")
    }
    if let limit, limit < 1 { throw ClassifierError(.invalidArgument, "limit must be at least 1") }
    if let testLimit, testLimit < 1 {
      throw ClassifierError(.invalidArgument, "test_limit must be at least 1")
    }
  }

  func makeOptimizer() -> any Optimizer {
    let rate = Float(effectiveLearningRate)
    switch optimizer {
    case .sgd:
      return SGD(learningRate: rate, momentum: Float(momentum), weightDecay: Float(weightDecay))
    case .adam: return Adam(learningRate: rate, weightDecay: Float(weightDecay))
    }
  }

  func makeSchedule() -> (any LearningRateSchedule)? {
    let rate = Float(effectiveLearningRate)
    switch schedule {
    case .cosine: return CosineSchedule(base: rate, epochs: epochs)
    case .step: return StepSchedule(base: rate, stepEpochs: 10)
    case .none: return nil
    }
  }
}
