import Datasets
import Dispatch
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// A progress report from `train`, sent at a bounded rate and at every epoch's end.
public struct TrainingProgress: Sendable {
  /// 1-based epoch and its total.
  public var epoch: Int, epochs: Int
  /// 1-based batch within the epoch and the epoch's batch count.
  public var batch: Int, batches: Int
  /// Training throughput over this epoch so far.
  public var imagesPerSecond: Double
  /// Mean loss and accuracy over this epoch so far.
  public var loss: Double, accuracy: Double
  /// Estimated seconds left for the whole run.
  public var etaSeconds: Double
  /// Set on the report that closes an epoch (with its test accuracy when a test set is given).
  public var epochEnded: Bool
  public var testAccuracy: Double?
}

/// What one epoch did.
public struct EpochRecord: Sendable {
  public var epoch: Int
  public var loss: Double, trainAccuracy: Double
  public var testAccuracy: Double?
  /// Training time (evaluation excluded) and images trained.
  public var seconds: Double, images: Int
  public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }
}

/// Every finished (or partial, when stopped) epoch of a run.
public struct TrainingHistory: Sendable {
  public var epochs: [EpochRecord] = []
  /// True when `shouldStop` ended the run early; the weights are those of the last batch.
  public var stopped = false
}

/// Monotonic seconds.
public func monotonicSeconds() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Trains a classifier with softmax cross-entropy; deterministic for a seed.
/// `shouldStop` is checked between batches; stopping returns the partial history.
/// With `dataParallel`, `batchSize` is per rank: every rank walks the same global batches of
/// ranks × batchSize images, trains on its shard, and averages gradients through the
/// communicator once per step (DataParallel.swift), so all ranks keep identical weights.
public func train(
  _ model: Sequential, on data: LabeledImages, test: LabeledImages? = nil, epochs: Int,
  batchSize: Int,
  optimizer: any Optimizer, seed: UInt64 = 0, schedule: (any LearningRateSchedule)? = nil,
  progressInterval: Double = 0.5, threads: Int? = nil,
  progress: (TrainingProgress) -> Void = { _ in },
  shouldStop: () -> Bool = { false },
  dataParallel comm: (any Communicator)? = nil
) throws -> TrainingHistory {
  guard epochs >= 1, batchSize >= 1, data.count > 0 else {
    throw TensorError("train: need epochs ≥ 1, batch size ≥ 1 and a non-empty data set")
  }
  let cpu = try CPUTraining(
    model, data: data, optimizer: optimizer, batchSize: batchSize, epochs: epochs, threads: threads,
    dataParallel: comm)
  return try train(
    with: cpu, on: data, test: test, epochs: epochs, batchSize: batchSize * (comm?.size ?? 1),
    optimizer: optimizer, seed: seed, schedule: schedule, progressInterval: progressInterval,
    progress: progress, shouldStop: shouldStop)
}

/// The one training loop, whatever runs the steps (`CPUTraining` here, a GPU's trainer in
/// the GPU module): epochs of seeded batches of `batchSize`, the learning-rate schedule
/// applied before each step, progress at most every `progressInterval` seconds and at each
/// epoch's end, a stop between batches, the test accuracy after each epoch, and the history.
public func train(
  with strategy: any TrainingStrategy, on data: LabeledImages, test: LabeledImages? = nil, epochs: Int,
  batchSize: Int, optimizer: any Optimizer, seed: UInt64 = 0, schedule: (any LearningRateSchedule)? = nil,
  progressInterval: Double = 0.5, progress: (TrainingProgress) -> Void = { _ in },
  shouldStop: () -> Bool = { false }
) throws -> TrainingHistory {
  guard epochs >= 1, batchSize >= 1, data.count > 0 else {
    throw TensorError("train: need epochs ≥ 1, batch size ≥ 1 and a non-empty data set")
  }
  // epochs comes from a cell or a flag: the run's image count must be countable.
  let (totalImages, tooMany) = epochs.multipliedReportingOverflow(by: data.count)
  guard !tooMany else {
    throw TensorError(
      "train: \(Sizes.grouped(epochs)) epochs × \(Sizes.grouped(data.count)) images is more "
        + "than can be counted; ask for fewer epochs")
  }
  var run = TrainingRun(epochs: epochs, totalImages: totalImages, progressInterval: progressInterval)
  do {
    for epoch in 0..<epochs {
      let batches = trainingBatches(data, size: batchSize, seed: seed, epoch: epoch)
      strategy.beginEpoch()
      var record = try run.epoch(epoch, batches, strategy, data, optimizer, schedule, progress, shouldStop)
      if run.history.stopped {
        if record.images > 0 { run.history.epochs.append(record) }
        break
      }
      if let test { record.testAccuracy = try strategy.testAccuracy(on: test) }
      run.history.epochs.append(record)
      progress(run.endOfEpoch(record, batches: batches.count))
    }
  } catch {
    try? strategy.end(failed: true)
    throw error
  }
  try strategy.end(failed: false)
  return run.history
}

/// The loop's running totals and its reports.
struct TrainingRun {
  let epochs: Int, totalImages: Int, progressInterval: Double
  let runStart = monotonicSeconds()
  var imagesDone = 0
  var history = TrainingHistory()

  /// One epoch's batches; sets `history.stopped` when asked to stop between two batches.
  mutating func epoch(
    _ epoch: Int, _ batches: [ArraySlice<Int>], _ strategy: any TrainingStrategy, _ data: LabeledImages,
    _ optimizer: any Optimizer, _ schedule: (any LearningRateSchedule)?, _ progress: (TrainingProgress) -> Void,
    _ shouldStop: () -> Bool
  ) throws -> EpochRecord {
    var record = EpochRecord(epoch: epoch + 1, loss: 0, trainAccuracy: 0, seconds: 0, images: 0)
    var (lossSum, correct) = (0.0, 0)
    let start = monotonicSeconds()
    var lastReport = start
    for (b, indices) in batches.enumerated() {
      // Ranks vote on stopping inside the step's collective, so none is left waiting in it.
      if !strategy.stopsCollectively, shouldStop() {
        history.stopped = true
        break
      }
      if let schedule {
        optimizer.learningRate = schedule.rate(epoch: epoch, fraction: Double(b) / Double(batches.count))
      }
      if b + 1 < batches.count { try strategy.prefetch(data, batches[b + 1]) }
      let step = try strategy.step(data, indices, shouldStop: shouldStop)
      lossSum += step.lossSum
      correct += step.correct
      record.images += indices.count
      imagesDone += indices.count
      if step.stop { history.stopped = true }
      let now = monotonicSeconds()
      if now - lastReport >= progressInterval {
        lastReport = now
        progress(
          TrainingProgress(
            epoch: epoch + 1, epochs: epochs, batch: b + 1, batches: batches.count,
            imagesPerSecond: Double(record.images) / max(now - start, 1e-9),
            loss: lossSum / Double(record.images), accuracy: Double(correct) / Double(record.images),
            etaSeconds: Double(totalImages - imagesDone) / max(Double(imagesDone) / (now - runStart), 1e-9),
            epochEnded: false))
      }
      if history.stopped { break }
    }
    record.seconds = monotonicSeconds() - start
    record.loss = lossSum / Double(max(record.images, 1))
    record.trainAccuracy = Double(correct) / Double(max(record.images, 1))
    return record
  }

  /// The report that closes an epoch (with its test accuracy when there is a test set).
  func endOfEpoch(_ record: EpochRecord, batches: Int) -> TrainingProgress {
    let elapsed = monotonicSeconds() - runStart
    return TrainingProgress(
      epoch: record.epoch, epochs: epochs, batch: batches, batches: batches,
      imagesPerSecond: record.imagesPerSecond, loss: record.loss, accuracy: record.trainAccuracy,
      etaSeconds: elapsed / Double(record.epoch) * Double(epochs - record.epoch), epochEnded: true,
      testAccuracy: record.testAccuracy)
  }
}
