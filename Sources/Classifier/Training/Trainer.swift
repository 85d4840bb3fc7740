import NN

/// Runs a training configuration on a model: the one training orchestration, used by a
/// cell's `train()` and by `tabby train`.
public struct Trainer {
  /// What to run.
  public var configuration: TrainingConfiguration
  /// Where it runs (device and thread budget).
  public let context: ComputeContext

  /// A trainer for `configuration` on `context`.
  public init(_ configuration: TrainingConfiguration, context: ComputeContext) {
    self.configuration = configuration
    self.context = context
  }

  /// Trains `model` on `train` (its first `configuration.limit` images), evaluating on
  /// `test` after each epoch; `shouldStop` is polled between batches, and stopping returns
  /// the partial history with the weights reached. With `ranks` (a process of an mpirun job)
  /// `batchSize` is per rank and gradients are averaged across ranks each step. On a GPU
  /// context the same run goes through `DeviceTraining` (same batches, schedule, reports).
  public func train(
    _ model: TrainableModel, on train: ImageSet, test: ImageSet? = nil,
    progressInterval: Double = 0.5, progress: (TrainingProgress) -> Void = { _ in },
    shouldStop: () -> Bool = { false }, ranks: TrainingRanks? = nil
  ) throws -> TrainingHistory {
    let c = configuration
    try c.validate()
    let trainSet = c.limit.map { train.prefix($0) } ?? train
    let testSet = test.map { t in c.testLimit.map { t.prefix($0) } ?? t }
    return try context.place(
      cpu: { threads in
        try NN.train(
          model.network, on: trainSet.images, test: testSet?.images, epochs: c.epochs,
          batchSize: c.batchSize, optimizer: c.makeOptimizer(), seed: c.seed,
          schedule: c.makeSchedule(), progressInterval: progressInterval, threads: threads,
          progress: progress, shouldStop: shouldStop, dataParallel: ranks?.communicator)
      },
      gpu: { device, _ in
        guard ranks == nil else {
          throw DeviceFailure.unsupported("data-parallel training over mpirun", on: context.device)
        }
        return try DeviceTraining.run(
          model.network, on: trainSet.images, test: testSet?.images, configuration: c, device: device,
          progressInterval: progressInterval, progress: progress, shouldStop: shouldStop)
      })
  }
}
