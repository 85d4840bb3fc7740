import Tensor

/// The one collective data-parallel training needs: an element-wise sum over every process
/// taking part, in place. Implemented over MPI by the `Distributed` module and over threads
/// by `InProcessGroup` (tests); NN itself knows nothing of MPI.
public protocol Communicator: AnyObject {
  /// This process's index, 0..<size; rank 0 owns the initial weights.
  var rank: Int { get }
  /// The number of processes.
  var size: Int { get }
  /// Replaces `buffer` on every rank by the element-wise sum over all ranks; every rank must
  /// receive bitwise the same result (MPI_Allreduce with MPI_SUM gives this).
  func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws
  /// Called once the setup collectives (agreement, broadcast) are done and steps begin: what
  /// a communicator times from here is training's, not the ranks' start-up skew.
  func trainingBegins()
}

extension Communicator {
  public func trainingBegins() {}
}

/// Data-parallel pieces of `train`: sharding a global batch, one fused gradient buffer per
/// step, and the stop vote that keeps ranks from leaving a collective one-sided.
enum DataParallel {
  /// Rank `rank`'s contiguous part of a global batch: equal parts when the batch divides,
  /// otherwise parts differing by at most one (possibly empty on a short last batch).
  static func shard(_ batch: ArraySlice<Int>, rank: Int, ranks: Int) -> ArraySlice<Int> {
    let n = batch.count
    let lower = batch.startIndex + rank * n / ranks
    let upper = batch.startIndex + (rank + 1) * n / ranks
    return batch[lower..<upper]
  }

  /// Copies every parameter of rank 0 to all ranks (a sum where the others contribute zeros,
  /// which is exact), so all ranks start from the same weights whatever their seeds.
  static func broadcastParameters(_ parameters: [Parameter], over comm: any Communicator) throws {
    var fused = [Float](repeating: 0, count: parameters.reduce(0) { $0 + $1.value.count })
    if comm.rank == 0 { pack(parameters.map { $0.value }, into: &fused, scale: 1) }
    try fused.withUnsafeMutableBufferPointer { try comm.allReduceSum($0) }
    var offset = 0
    for p in parameters {
      var value = p.value
      value.withUnsafeMutableBufferPointer { v in
        for i in 0..<v.count { v[i] = fused[offset + i] }
      }
      p.value = value
      offset += value.count
    }
  }

  /// Checks that every rank runs the same schedule: different data sizes, batch sizes or
  /// epoch counts would leave some rank waiting alone in a collective. Each rank writes its
  /// values into its own slot (exact for counts below 2^24), so all ranks see all values.
  static func checkAgreement(
    _ named: [(String, Int)], over comm: any Communicator
  ) throws {
    let k = named.count
    var table = [Float](repeating: 0, count: k * comm.size)
    for (i, (_, v)) in named.enumerated() { table[comm.rank * k + i] = Float(v) }
    try table.withUnsafeMutableBufferPointer { try comm.allReduceSum($0) }
    for (i, (name, mine)) in named.enumerated() {
      for r in 0..<comm.size where table[r * k + i] != Float(mine) {
        throw TensorError(
          "data-parallel training: rank \(r) has \(name) \(Int(table[r * k + i])) but rank \(comm.rank) has \(mine); every rank must train on the same data with the same settings"
        )
      }
    }
  }

  /// What a step's collective returns besides the gradients.
  struct StepTotals: Equatable {
    var lossSum: Double, correct: Int, stop: Bool
  }

  /// Turns each rank's mean gradient over its shard into the global batch's mean gradient
  /// (Σ shareᵣ · gᵣ with shareᵣ = its images / the global batch's) through ONE allreduce of a
  /// fused buffer that also carries the loss sum, the correct count and the stop vote.
  static func reduceStep(
    _ parameters: [Parameter], localImages: Int, globalImages: Int, lossSum: Double, correct: Int,
    stop: Bool, over comm: any Communicator
  ) throws -> StepTotals {
    let trainable = parameters.filter(\.isTrainable)
    let gradientCount = trainable.reduce(0) { $0 + $1.value.count }
    var fused = [Float](repeating: 0, count: gradientCount + 3)
    let share = Float(localImages) / Float(max(globalImages, 1))
    pack(
      trainable.map { $0.variable.grad ?? Tensor(shape: $0.value.shape, repeating: 0) },
      into: &fused, scale: share)
    fused[gradientCount] = Float(lossSum)
    fused[gradientCount + 1] = Float(correct)
    fused[gradientCount + 2] = stop ? 1 : 0
    try fused.withUnsafeMutableBufferPointer { try comm.allReduceSum($0) }
    var offset = 0
    for p in trainable {
      let count = p.value.count
      p.variable.grad = try Tensor(
        shape: p.value.shape, scalars: Array(fused[offset..<offset + count]))
      offset += count
    }
    return StepTotals(
      lossSum: Double(fused[gradientCount]), correct: Int(fused[gradientCount + 1].rounded()),
      stop: fused[gradientCount + 2] > 0)
  }

  /// Concatenates tensors into `fused`, each element multiplied by `scale`.
  static func pack(_ tensors: [Tensor], into fused: inout [Float], scale: Float) {
    var offset = 0
    fused.withUnsafeMutableBufferPointer { f in
      for t in tensors {
        t.withUnsafeBufferPointer { src in
          for i in 0..<src.count { f[offset + i] = scale == 1 ? src[i] : src[i] * scale }
        }
        offset += t.count
      }
    }
  }
}

/// FNV-1a over the bytes of every parameter, in order: equal on two ranks exactly when their
/// weights are bitwise equal (up to a 2⁻⁶⁴ collision).
public func parameterChecksum(_ model: Sequential) -> UInt64 {
  var hash: UInt64 = 0xcbf2_9ce4_8422_2325
  for p in model.parameters {
    p.value.withUnsafeBufferPointer { values in
      UnsafeRawBufferPointer(values).forEach { byte in
        hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
      }
    }
  }
  return hash
}

extension TrainingProgress {
  /// A report rebuilt outside `train` (from a worker process's progress line).
  public init(
    reportedEpoch epoch: Int, of epochs: Int, batch: Int, of batches: Int, imagesPerSecond: Double,
    loss: Double, accuracy: Double, etaSeconds: Double, testAccuracy: Double?
  ) {
    self.init(
      epoch: epoch, epochs: epochs, batch: batch, batches: batches,
      imagesPerSecond: imagesPerSecond,
      loss: loss, accuracy: accuracy, etaSeconds: etaSeconds, epochEnded: testAccuracy != nil,
      testAccuracy: testAccuracy)
  }
}

extension EpochRecord {
  /// A record rebuilt outside `train` (from a worker process's JSON result).
  public init(
    reportedEpoch epoch: Int, loss: Double, trainAccuracy: Double, testAccuracy: Double?,
    seconds: Double, images: Int
  ) {
    self.init(
      epoch: epoch, loss: loss, trainAccuracy: trainAccuracy, testAccuracy: testAccuracy,
      seconds: seconds, images: images)
  }
}

extension TrainingHistory {
  /// A history rebuilt outside `train`.
  public init(reportedEpochs epochs: [EpochRecord], stopped: Bool) {
    self.init()
    self.epochs = epochs
    self.stopped = stopped
  }
}
