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
  // One place of parallelism: shards of each batch on our own threads with single-threaded
  // BLAS while training; BLAS threads again for evaluation.
  let threadCount = max(1, threads ?? Threads.current)
  keepFreedMemory()
  let shards = min(threadCount, batchSize)
  defer { Threads.set(threadCount) }
  guard epochs >= 1, batchSize >= 1, data.count > 0 else {
    throw TensorError("train: need epochs ≥ 1, batch size ≥ 1 and a non-empty data set")
  }
  if let comm {
    try DataParallel.checkAgreement(
      [("training images", data.count), ("batch size", batchSize), ("epochs", epochs)], over: comm)
    try DataParallel.broadcastParameters(model.parameters, over: comm)
  }
  let ranks = comm?.size ?? 1
  var history = TrainingHistory()
  let runStart = monotonicSeconds()
  var imagesDone = 0
  // epochs comes from a cell or a flag: the run's image count must be countable.
  let (totalImages, tooMany) = epochs.multipliedReportingOverflow(by: data.count)
  guard !tooMany else {
    throw TensorError(
      "train: \(Sizes.grouped(epochs)) epochs × \(Sizes.grouped(data.count)) images is more "
        + "than can be counted; ask for fewer epochs")
  }
  for epoch in 0..<epochs {
    let batches = trainingBatches(data, size: batchSize * ranks, seed: seed, epoch: epoch)
    var record = EpochRecord(epoch: epoch + 1, loss: 0, trainAccuracy: 0, seconds: 0, images: 0)
    var (lossSum, correct) = (0.0, 0)
    let start = monotonicSeconds()
    var lastReport = start
    model.isTraining = true
    Threads.set(shards > 1 ? 1 : threadCount)
    for (b, indices) in batches.enumerated() {
      // Ranks vote on stopping inside the step's collective, so none is left waiting in it.
      if comm == nil, shouldStop() {
        history.stopped = true
        break
      }
      if let schedule {
        optimizer.learningRate = schedule.rate(
          epoch: epoch, fraction: Double(b) / Double(batches.count))
      }
      var step: (lossSum: Double, correct: Int)
      if let comm {
        let local = DataParallel.shard(indices, rank: comm.rank, ranks: ranks)
        step = local.isEmpty ? (0, 0) : try trainStep(model, data: data, indices: local, shards: shards)
        let totals = try DataParallel.reduceStep(
          model.parameters, localImages: local.count, globalImages: indices.count,
          lossSum: step.lossSum, correct: step.correct, stop: shouldStop(), over: comm)
        step = (totals.lossSum, totals.correct)
        history.stopped = totals.stop
      } else {
        step = try trainStep(model, data: data, indices: indices, shards: shards)
      }
      optimizer.update(model.parameters)
      lossSum += step.lossSum
      correct += step.correct
      record.images += indices.count
      imagesDone += indices.count
      let now = monotonicSeconds()
      if now - lastReport >= progressInterval {
        lastReport = now
        let rate = Double(record.images) / max(now - start, 1e-9)
        progress(
          TrainingProgress(
            epoch: epoch + 1, epochs: epochs, batch: b + 1, batches: batches.count,
            imagesPerSecond: rate,
            loss: lossSum / Double(record.images),
            accuracy: Double(correct) / Double(record.images),
            etaSeconds: Double(totalImages - imagesDone)
              / max(Double(imagesDone) / (now - runStart), 1e-9),
            epochEnded: false))
      }
      if history.stopped { break }
    }
    record.seconds = monotonicSeconds() - start
    record.loss = lossSum / Double(max(record.images, 1))
    record.trainAccuracy = Double(correct) / Double(max(record.images, 1))
    if history.stopped {
      if record.images > 0 { history.epochs.append(record) }
      break
    }
    // Weights are identical on every rank: only rank 0 evaluates (the others wait in the next step).
    if let test, (comm?.rank ?? 0) == 0 {
      record.testAccuracy = try evaluate(model, on: test, threads: threadCount).accuracy
    }
    history.epochs.append(record)
    let elapsed = monotonicSeconds() - runStart
    progress(
      TrainingProgress(
        epoch: epoch + 1, epochs: epochs, batch: batches.count, batches: batches.count,
        imagesPerSecond: record.imagesPerSecond, loss: record.loss, accuracy: record.trainAccuracy,
        etaSeconds: elapsed / Double(epoch + 1) * Double(epochs - epoch - 1), epochEnded: true,
        testAccuracy: record.testAccuracy))
  }
  model.isTraining = false
  return history
}

/// Per-batch tensors of a few MB are allocated and freed every step; by default glibc maps
/// and unmaps them each time, paying page faults on every batch. Keeping them in the heap
/// (mmap only above 32 MiB, trim only above 64 MiB free) removes that cost.
/// (mallopt is looked up at run time: Glibc's Swift module does not include <malloc.h>.)
func keepFreedMemory() {
  typealias Fn = @convention(c) (Int32, Int32) -> Int32
  guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "mallopt") else { return }
  let mallopt = unsafeBitCast(sym, to: Fn.self)
  // M_TRIM_THRESHOLD, M_MMAP_THRESHOLD, M_ARENA_MAX from <malloc.h>.
  let (trimThreshold, mmapThreshold, arenaMax): (Int32, Int32, Int32) = (-1, -3, -8)
  _ = mallopt(mmapThreshold, 32 << 20)
  _ = mallopt(trimThreshold, 64 << 20)
  // Shards run on whichever pool threads Dispatch picks; one arena per thread would each
  // keep a batch's worth of freed buffers, so the arenas are capped.
  _ = mallopt(arenaMax, 2)
}

/// Forward and backward over one batch split into shards run in parallel; the parameter
/// gradients are summed in shard order, so results do not depend on thread timing.
func trainStep(
  _ model: Sequential, data: LabeledImages, indices: ArraySlice<Int>, shards: Int
) throws -> (lossSum: Double, correct: Int) {
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
  if parts == 1 {
    run(0)
  } else {
    DispatchQueue.concurrentPerform(iterations: parts) { run($0) }
  }
  var lossSum = 0.0
  var correct = 0
  var sinks: [GradientSink] = []
  for s in 0..<parts {
    let (sink, l, c) = try results.get(s).get()
    sinks.append(sink)
    lossSum += l
    correct += c
  }
  for p in model.parameters where p.isTrainable {
    var total: Tensor? = nil
    for sink in sinks {
      guard let g = sink.gradient(for: p.variable) else { continue }
      if var t = total {
        total = nil
        t.withUnsafeMutableBufferPointer { tp in
          g.withUnsafeBufferPointer { gp in for i in 0..<tp.count { tp[i] += gp[i] } }
        }
        total = t
      } else {
        total = g
      }
    }
    p.variable.grad = total
  }
  return (lossSum, correct)
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

func countCorrect(_ logits: Tensor, _ labels: [Int32]) -> Int {
  let classes = logits.shape[1]
  return logits.withUnsafeBufferPointer { p in
    labels.enumerated().reduce(0) { acc, item in
      acc + (argmax(p.baseAddress! + item.offset * classes, classes) == Int(item.element) ? 1 : 0)
    }
  }
}

@inline(__always)
func argmax(_ p: UnsafePointer<Float>, _ n: Int) -> Int {
  var best = 0
  for j in 1..<max(n, 1) where p[j] > p[best] { best = j }
  return best
}

/// Accuracy, per-class accuracy and the confusion matrix of a classifier on a data set.
public struct Evaluation: Sendable {
  /// Fraction classified correctly.
  public var accuracy: Double
  /// Per true class: fraction of its images classified correctly (0 where a class is absent).
  public var perClassAccuracy: [Double]
  /// confusion[true][predicted] counts.
  public var confusion: [[Int]]
}

/// Evaluates in inference mode (no graph, running statistics) in batches, spread over
/// `threads` threads of our own (BLAS single-threaded meanwhile).
public func evaluate(
  _ model: Sequential, on data: LabeledImages, batchSize: Int = 100, threads: Int? = nil
) throws -> Evaluation {
  let wasTraining = model.isTraining
  model.isTraining = false
  defer { model.isTraining = wasTraining }
  let k = data.classCount
  let batches = data.batches(size: batchSize)
  let blasThreads = Threads.current
  let parts = max(1, min(threads ?? blasThreads, batches.count))
  if parts > 1 { Threads.set(1) }
  defer { if parts > 1 { Threads.set(blasThreads) } }
  let results = EvaluationParts(count: parts)
  let work = UncheckedBox(model)
  @Sendable func run(_ part: Int) {
    do {
      var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
      // GradMode is task-local: worker threads must switch recording off themselves.
      try withoutGradient {
        for b in stride(from: part, to: batches.count, by: parts) {
          let (images, labels) = data.batch(batches[b])
          let logits = try work.value(Variable(images)).value
          let classes = logits.shape[1]
          logits.withUnsafeBufferPointer { p in
            for (i, l) in labels.enumerated() {
              confusion[Int(l)][min(argmax(p.baseAddress! + i * classes, classes), k - 1)] += 1
            }
          }
        }
      }
      results.set(part, .success(confusion))
    } catch {
      results.set(part, .failure(error))
    }
  }
  if parts == 1 {
    run(0)
  } else {
    DispatchQueue.concurrentPerform(iterations: parts) { run($0) }
  }
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
  for part in 0..<parts {
    let c = try results.get(part).get()
    for i in 0..<k { for j in 0..<k { confusion[i][j] += c[i][j] } }
  }
  return Evaluation(confusion: confusion, count: data.count)
}

/// One confusion matrix per evaluation thread.
final class EvaluationParts: @unchecked Sendable {
  private var slots: [Result<[[Int]], any Error>?]
  private let lock = Lock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ r: Result<[[Int]], any Error>) { lock.withLock { slots[i] = r } }
  func get(_ i: Int) -> Result<[[Int]], any Error> {
    lock.withLock { slots[i] } ?? .failure(TensorError("evaluate: a thread produced no result"))
  }
}
