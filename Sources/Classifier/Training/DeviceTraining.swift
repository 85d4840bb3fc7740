import Datasets
import GPU
import NN
import Tensor

/// Training on a GPU context: NN's one training loop (`NN.train(with:)`: the same batches in
/// the same order, the schedule, progress, the stop between batches, test accuracy after
/// each epoch) with `DeviceTrainer` as the strategy that runs each step on the device.
enum DeviceTraining {
  /// Trains `network` on `device` as `configuration` says; the weights come back to the host.
  static func run(
    _ network: Sequential, on data: LabeledImages, test: LabeledImages?, configuration c: TrainingConfiguration,
    device: any GPU.ComputeDevice, progressInterval: Double, progress: (TrainingProgress) -> Void,
    shouldStop: () -> Bool
  ) throws -> TrainingHistory {
    let optimizer = c.makeOptimizer()
    let trainer = try DeviceTrainer(model: network, optimizer: optimizer, device: device)
    return try NN.train(
      with: trainer, on: data, test: test, epochs: c.epochs, batchSize: c.batchSize, optimizer: optimizer,
      seed: c.seed, schedule: c.makeSchedule(), progressInterval: progressInterval, progress: progress,
      shouldStop: shouldStop)
  }
}

extension TrainableModel {
  /// The network's weights on `device`, for inference there (`DeviceTrainer.logits`: running
  /// batch-norm statistics, no dropout). Uploaded per call: a LeNet's weights are ~1.7 MB.
  func onDevice(_ device: any GPU.ComputeDevice) throws(GPUError) -> DeviceTrainer {
    try DeviceTrainer(model: network, optimizer: SGD(), device: device)
  }
}
