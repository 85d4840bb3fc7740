import Datasets
import Tensor

/// What one training step reports: the batch's summed loss (mean × images), how many of
/// its images the forward pass classified correctly, and whether the ranks voted to stop.
public struct TrainingStepResult: Sendable {
  public var lossSum: Double
  public var correct: Int
  public var stop: Bool

  /// A step's result (`stop` only from a strategy that votes on stopping).
  public init(lossSum: Double, correct: Int, stop: Bool = false) {
    (self.lossSum, self.correct, self.stop) = (lossSum, correct, stop)
  }
}

/// How `train(with:)` runs each batch — forward, softmax cross-entropy, backward and the
/// optimiser's update — and evaluates after each epoch. The loop (batches, schedule,
/// progress, stop, history) is `train`'s alone; a strategy is where the work runs: the CPU
/// engine (`CPUTraining`) or a GPU (GPU's `DeviceTrainer`).
public protocol TrainingStrategy: AnyObject {
  /// Whether `step` decides stopping (ranks vote inside their collective), so the loop does
  /// not poll `shouldStop` itself.
  var stopsCollectively: Bool { get }
  /// Before each epoch's first batch.
  func beginEpoch()
  /// Called before `step` with the batch after it, so a device can copy it meanwhile.
  func prefetch(_ data: LabeledImages, _ indices: ArraySlice<Int>) throws
  /// One batch (indices into `data`): forward, backward, update.
  func step(_ data: LabeledImages, _ indices: ArraySlice<Int>, shouldStop: () -> Bool) throws -> TrainingStepResult
  /// The test accuracy after an epoch; nil where this process does not evaluate.
  func testAccuracy(on test: LabeledImages) throws -> Double?
  /// After the run (`failed` when it ends by an error; the weights then are best effort).
  func end(failed: Bool) throws
}

extension TrainingStrategy {
  public var stopsCollectively: Bool { false }
  public func beginEpoch() {}
  public func prefetch(_ data: LabeledImages, _ indices: ArraySlice<Int>) throws {}
  public func end(failed: Bool) throws {}
}

/// Training on the CPU engine: shards of each batch on our own threads with single-threaded
/// BLAS while training (one place of parallelism), BLAS threads again for evaluation; with a
/// communicator, the shard of this rank and gradients averaged across ranks each step.
public final class CPUTraining: TrainingStrategy {
  let model: Sequential
  let optimizer: any Optimizer
  let comm: (any Communicator)?
  let threadCount: Int
  let shards: Int
  /// The kernel pool's threads while training: the shard count, but no more than the CPUs
  /// this process may use; its workers spin between jobs, and more of them than CPUs would
  /// spin against each other (the shards, fixed by `threadCount`, are then shared out).
  let poolThreads: Int

  /// Prepares `model` for training on this process's CPUs (and ranks, with `dataParallel`).
  public init(
    _ model: Sequential, data: LabeledImages, optimizer: any Optimizer, batchSize: Int, epochs: Int,
    threads: Int? = nil, dataParallel comm: (any Communicator)? = nil
  ) throws {
    (self.model, self.optimizer, self.comm) = (model, optimizer, comm)
    threadCount = max(1, threads ?? Threads.current)
    poolThreads = min(threadCount, Threads.available)
    shards = min(threadCount, batchSize)
    keepFreedMemory()
    if let comm {
      try DataParallel.checkAgreement(
        [("training images", data.count), ("batch size", batchSize), ("epochs", epochs)], over: comm)
      try DataParallel.broadcastParameters(model.parameters, over: comm)
      comm.trainingBegins()
    }
  }

  public var stopsCollectively: Bool { comm != nil }

  public func beginEpoch() {
    model.isTraining = true
    if shards > 1 { Threads.setForShards(poolThreads) } else { Threads.set(threadCount) }
  }

  public func step(_ data: LabeledImages, _ indices: ArraySlice<Int>, shouldStop: () -> Bool) throws
    -> TrainingStepResult
  {
    if let comm {
      let local = DataParallel.shard(indices, rank: comm.rank, ranks: comm.size)
      var mine =
        local.isEmpty
        ? ShardedStep(parameterCount: model.parameters.count)
        : try trainStep(model, data: data, indices: local, shards: shards)
      // The ranks exchange whole gradients: this rank's pieces are summed first.
      sumShardGradients(model.parameters, &mine.gradients, threads: poolThreads)
      let totals = try DataParallel.reduceStep(
        model.parameters, localImages: local.count, globalImages: indices.count,
        lossSum: mine.lossSum, correct: mine.correct, stop: shouldStop(), over: comm)
      optimizer.update(model.parameters, threads: poolThreads)
      return TrainingStepResult(lossSum: totals.lossSum, correct: totals.correct, stop: totals.stop)
    }
    var mine = try trainStep(model, data: data, indices: indices, shards: shards)
    optimizer.update(model.parameters, shardGradients: &mine.gradients, threads: poolThreads)
    return TrainingStepResult(lossSum: mine.lossSum, correct: mine.correct)
  }

  /// Weights are identical on every rank: only rank 0 evaluates (the others wait in the next step).
  public func testAccuracy(on test: LabeledImages) throws -> Double? {
    guard (comm?.rank ?? 0) == 0 else { return nil }
    return try evaluate(model, on: test, threads: threadCount).accuracy
  }

  public func end(failed: Bool) throws {
    model.isTraining = false
    Threads.set(threadCount)
  }
}

/// Per-batch tensors of a few MB are allocated and freed every step; by default glibc maps
/// and unmaps them each time, paying page faults on every batch. Keeping them in the heap
/// (mmap only above 32 MiB, trim only above 64 MiB free) removes that cost.
func keepFreedMemory() {
  // Shards run on the kernel pool's threads (evaluation's on Dispatch's); one arena per
  // thread would each keep a batch's worth of freed buffers, so the arenas are capped.
  keepFreedBuffers(mmapAbove: 32 << 20, trimAbove: 64 << 20, arenas: 2)
}

/// Forward and backward over one batch split into shards run in parallel; each parameter's
/// gradient comes back in pieces in shard order (the optimiser sums them in that order), so
/// results do not depend on thread timing.
func trainStep(
  _ model: Sequential, data: LabeledImages, indices: ArraySlice<Int>, shards: Int
) throws -> ShardedStep {
  let n = indices.count
  let parts = min(shards, n)
  let bounds = (0...parts).map { indices.startIndex + $0 * n / parts }
  let results = ShardResults(count: parts)
  let work = UncheckedBox(model)
  @Sendable func run(_ s: Int) {
    do {
      let slice = indices[bounds[s]..<bounds[s + 1]]
      let (images, labels) = data.batch(slice)
      let logits = try work.value(Variable(images))
      let loss = try SoftmaxCrossEntropyFunction.apply(logits, labels: labels)
      let sink = GradientSink()
      // Each shard's mean loss is weighted by its share of the batch: the sum is the batch mean.
      try loss.backward(seed: Tensor(scalar: Float(labels.count) / Float(n)), leafGradients: sink)
      results.set(
        s,
        .success(
          (
            sink, Double(loss.value.scalars[0]) * Double(labels.count),
            countCorrect(logits.value, labels)
          )))
    } catch {
      results.set(s, .failure(error))
    }
  }
  parallelTasks(parts) { run($0) }
  var step = ShardedStep(parameterCount: 0)
  var sinks: [GradientSink] = []
  for s in 0..<parts {
    let (sink, l, c) = try results.get(s).get()
    sinks.append(sink)
    step.lossSum += l
    step.correct += c
  }
  // Taken out of the sinks, each piece's only holder is the step.
  step.gradients = model.parameters.map { p in
    p.isTrainable ? sinks.compactMap { $0.takeGradient(for: p.variable) } : []
  }
  return step
}

/// What one batch's shards produced: the summed loss, the correct count, and each
/// parameter's gradient in pieces, one per shard in shard order (`Optimizer.update(_:shardGradients:threads:)`).
struct ShardedStep {
  var lossSum = 0.0
  var correct = 0
  var gradients: [[Tensor]]

  /// A step with no images: no pieces for any of `parameterCount` parameters.
  init(parameterCount: Int) { gradients = Array(repeating: [], count: parameterCount) }
}

/// Lets shards share the model: they only read parameters and write their own results.
struct UncheckedBox<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}

/// One slot per shard, written by that shard's thread only.
final class ShardResults: @unchecked Sendable {
  typealias Outcome = Result<(GradientSink, Double, Int), any Error>
  private var slots: [Outcome?]
  private let lock = Lock()
  init(count: Int) { slots = [Outcome?](repeating: nil, count: count) }
  func set(_ i: Int, _ r: Outcome) { lock.withLock { slots[i] = r } }
  func get(_ i: Int) -> Outcome {
    lock.withLock { slots[i] } ?? .failure(TensorError("train: a shard produced no result"))
  }
}

