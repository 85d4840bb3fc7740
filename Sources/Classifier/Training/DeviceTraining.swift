import Datasets
import GPU
import NN
import Tensor

/// Training on a GPU context: NN.train's loop — the same batches in the same order, the
/// learning-rate schedule applied before each step, progress at a bounded rate and at each
/// epoch's end, a stop between batches, test accuracy after each epoch — with every step and
/// evaluation run on the device by `DeviceTrainer`. The weights come back to the host at the
/// end, also when stopped or failed, so save, evaluate and a CPU context see what the device
/// reached, as they see what NN.train reached.
final class DeviceTraining {
  let trainer: DeviceTrainer
  let network: Sequential
  let optimizer: any Optimizer
  let schedule: (any LearningRateSchedule)?
  let configuration: TrainingConfiguration
  let data: LabeledImages
  let progressInterval: Double
  let runStart = monotonicSeconds()
  var imagesDone = 0
  let totalImages: Int
  var stopped = false

  init(
    _ network: Sequential, on data: LabeledImages, configuration: TrainingConfiguration,
    device: any GPU.ComputeDevice, progressInterval: Double
  ) throws {
    let (total, overflow) = configuration.epochs.multipliedReportingOverflow(by: data.count)
    guard !overflow, data.count > 0 else {
      throw ClassifierError(
        .invalidArgument, "train: \(configuration.epochs) epochs of \(data.count) images cannot be run")
    }
    optimizer = configuration.makeOptimizer()
    schedule = configuration.makeSchedule()
    trainer = try DeviceTrainer(model: network, optimizer: optimizer, device: device)
    self.network = network
    self.configuration = configuration
    self.data = data
    self.progressInterval = progressInterval
    totalImages = total
  }

  /// Runs every epoch (evaluating on `test` after each), then copies the weights back.
  func run(
    test: LabeledImages?, progress: (TrainingProgress) -> Void, shouldStop: () -> Bool
  ) throws -> TrainingHistory {
    var history = TrainingHistory(reportedEpochs: [], stopped: false)
    network.isTraining = true
    defer { network.isTraining = false }
    do {
      for epoch in 0..<configuration.epochs {
        var record = try train(epoch: epoch, progress: progress, shouldStop: shouldStop)
        if stopped {
          if record.images > 0 { history.epochs.append(record) }
          break
        }
        if let test {
          record.testAccuracy = try NN.evaluate(on: test) { x in try trainer.logits(images: x) }.accuracy
        }
        history.epochs.append(record)
        progress(endOfEpoch(record))
      }
    } catch {
      // The weights reached so far, as a failed CPU run leaves them (best effort: the device
      // may be what failed).
      try? trainer.copyWeightsToHost()
      throw error
    }
    history.stopped = stopped
    try trainer.copyWeightsToHost()
    return history
  }

  /// One epoch's batches; sets `stopped` when `shouldStop` says so between two batches.
  func train(epoch: Int, progress: (TrainingProgress) -> Void, shouldStop: () -> Bool) throws
    -> EpochRecord
  {
    let batches = trainingBatches(data, size: configuration.batchSize, seed: configuration.seed, epoch: epoch)
    var record = EpochRecord(
      reportedEpoch: epoch + 1, loss: 0, trainAccuracy: 0, testAccuracy: nil, seconds: 0, images: 0)
    var (lossSum, correct) = (0.0, 0)
    let start = monotonicSeconds()
    var lastReport = start
    for (b, indices) in batches.enumerated() {
      if shouldStop() {
        stopped = true
        break
      }
      if let schedule {
        optimizer.learningRate = schedule.rate(epoch: epoch, fraction: Double(b) / Double(batches.count))
      }
      let (images, labels) = data.batch(indices)
      let step = try trainer.step(images: images, labels: labels)
      lossSum += Double(step.loss) * Double(indices.count)
      correct += step.correct
      record.images += indices.count
      imagesDone += indices.count
      let now = monotonicSeconds()
      if now - lastReport >= progressInterval {
        lastReport = now
        let rate = Double(record.images) / max(now - start, 1e-9)
        progress(
          TrainingProgress(
            epoch: epoch + 1, of: configuration.epochs, batch: b + 1, of: batches.count,
            imagesPerSecond: rate, loss: lossSum / Double(record.images),
            accuracy: Double(correct) / Double(record.images),
            etaSeconds: Double(totalImages - imagesDone) / max(Double(imagesDone) / (now - runStart), 1e-9),
            epochEnded: false, testAccuracy: nil))
      }
    }
    record.seconds = monotonicSeconds() - start
    record.loss = lossSum / Double(max(record.images, 1))
    record.trainAccuracy = Double(correct) / Double(max(record.images, 1))
    return record
  }

  /// The report that closes an epoch (with its test accuracy when there is a test set).
  func endOfEpoch(_ record: EpochRecord) -> TrainingProgress {
    let (epoch, epochs) = (record.epoch, configuration.epochs)
    let batches = (data.count + configuration.batchSize - 1) / configuration.batchSize
    let elapsed = monotonicSeconds() - runStart
    return TrainingProgress(
      epoch: epoch, of: epochs, batch: batches, of: batches, imagesPerSecond: record.imagesPerSecond,
      loss: record.loss, accuracy: record.trainAccuracy,
      etaSeconds: elapsed / Double(epoch) * Double(epochs - epoch), epochEnded: true,
      testAccuracy: record.testAccuracy)
  }
}

extension TrainableModel {
  /// The network's weights on `device`, for inference there (`DeviceTrainer.logits`: running
  /// batch-norm statistics, no dropout). Uploaded per call: a LeNet's weights are ~1.7 MB.
  func onDevice(_ device: any GPU.ComputeDevice) throws(GPUError) -> DeviceTrainer {
    try DeviceTrainer(model: network, optimizer: SGD(), device: device)
  }
}
