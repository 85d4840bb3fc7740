import Datasets
import Foundation
import Tensor
import Testing

@testable import NN

/// N ranks as N threads of this process: `allReduceSum` waits for every rank's buffer, sums
/// them in rank order (so every rank receives bitwise the same result) and hands it back.
final class InProcessGroup: @unchecked Sendable {
  let size: Int
  private let condition = NSCondition()
  private var buffers: [[Float]?]
  private var result: [Float] = []
  private var generation = 0
  private(set) var calls = 0

  init(size: Int) {
    self.size = size
    buffers = Array(repeating: nil, count: size)
  }

  func member(_ rank: Int) -> Member { Member(group: self, rank: rank) }

  func reduce(_ buffer: UnsafeMutableBufferPointer<Float>, rank: Int) throws {
    condition.lock()
    defer { condition.unlock() }
    let myGeneration = generation
    buffers[rank] = Array(buffer)
    if buffers.allSatisfy({ $0 != nil }) {
      var sum = buffers[0]!
      for r in 1..<size {
        guard buffers[r]!.count == sum.count else { throw TensorError("ranks disagree on size") }
        for i in 0..<sum.count { sum[i] += buffers[r]![i] }
      }
      result = sum
      buffers = Array(repeating: nil, count: size)
      generation += 1
      calls += 1
      condition.broadcast()
    } else {
      // Bounded: a test that loses a rank fails instead of hanging.
      let deadline = Date().addingTimeInterval(60)
      while generation == myGeneration {
        guard condition.wait(until: deadline) else { throw TensorError("allreduce timed out") }
      }
    }
    for i in 0..<buffer.count { buffer[i] = result[i] }
  }

  final class Member: Communicator {
    let group: InProcessGroup
    let rank: Int
    var size: Int { group.size }
    init(group: InProcessGroup, rank: Int) {
      self.group = group
      self.rank = rank
    }
    func allReduceSum(_ buffer: UnsafeMutableBufferPointer<Float>) throws {
      try group.reduce(buffer, rank: rank)
    }
  }
}

/// Runs `body(rank)` on `ranks` threads of their own (Dispatch could run fewer at once and
/// deadlock the barrier) and returns the results in rank order.
func onThreads<T>(_ ranks: Int, _ body: @escaping @Sendable (Int) throws -> T) throws -> [T] {
  let results = ResultBox<T>(count: ranks)
  let done = DispatchGroup()
  for r in 0..<ranks {
    done.enter()
    let thread = Thread {
      results.set(r, Result { try body(r) })
      done.leave()
    }
    thread.stackSize = 8 << 20
    thread.start()
  }
  guard done.wait(timeout: .now() + 120) == .success else { throw TensorError("ranks timed out") }
  return try (0..<ranks).map { try results.get($0).get() }
}

final class ResultBox<T>: @unchecked Sendable {
  private var slots: [Result<T, any Error>?]
  private let lock = NSLock()
  init(count: Int) { slots = Array(repeating: nil, count: count) }
  func set(_ i: Int, _ r: Result<T, any Error>) { lock.withLock { slots[i] = r } }
  func get(_ i: Int) -> Result<T, any Error> {
    lock.withLock { slots[i] } ?? .failure(TensorError("no result"))
  }
}

@Test(arguments: [(10, 1), (64, 2), (64, 4), (7, 4), (2, 4), (0, 3)])
func shardsCoverTheBatchInOrder(_ n: Int, _ ranks: Int) {
  let batch = Array(100..<(100 + n))[...]
  let parts = (0..<ranks).map { DataParallel.shard(batch, rank: $0, ranks: ranks) }
  #expect(parts.flatMap { Array($0) } == Array(batch))
  let sizes = parts.map(\.count)
  #expect((sizes.max() ?? 0) - (sizes.min() ?? 0) <= 1)
}

@Test func reduceStepWeighsEachRankByItsShare() throws {
  // Rank 0 saw 3 images with mean gradient 1, rank 1 one image with mean gradient 5:
  // the global mean is (3·1 + 1·5) / 4 = 2; loss sums and correct counts add up.
  let group = InProcessGroup(size: 2)
  let out = try onThreads(2) { rank -> ([Float], DataParallel.StepTotals) in
    let p = Parameter(name: "w", value: Tensor(shape: [2], repeating: 0))
    let stat = Parameter(name: "s", value: Tensor(shape: [1], repeating: 7), trainable: false)
    p.variable.grad = Tensor(shape: [2], repeating: rank == 0 ? 1 : 5)
    let totals = try DataParallel.reduceStep(
      [p, stat], localImages: rank == 0 ? 3 : 1, globalImages: 4, lossSum: Double(rank + 1),
      correct: 2, stop: rank == 1, over: group.member(rank))
    return (p.variable.grad!.scalars, totals)
  }
  for (grad, totals) in out {
    #expect(grad == [2, 2])
    #expect(totals == .init(lossSum: 3, correct: 4, stop: true))
  }
  #expect(group.calls == 1)
}

@Test func broadcastGivesEveryRankRankZerosWeights() throws {
  let group = InProcessGroup(size: 3)
  let sums = try onThreads(3) { rank -> UInt64 in
    let model = Models.lenet(seed: UInt64(10 + rank))
    try DataParallel.broadcastParameters(model.parameters, over: group.member(rank))
    return parameterChecksum(model)
  }
  #expect(sums == Array(repeating: parameterChecksum(Models.lenet(seed: 10)), count: 3))
  #expect(parameterChecksum(Models.lenet(seed: 11)) != sums[0])
}

/// 256 deterministic 28×28 gray images with labels 0…9: the data-parallel arithmetic needs
/// MNIST's shape, not its pictures, so these tests run without ../shared.
func syntheticDigits(count: Int = 256) throws -> LabeledImages {
  let pixels = (0..<(count * 784)).map { i in UInt8(truncatingIfNeeded: (i &* 2_654_435_761) >> 13) }
  return try LabeledImages(pixels: pixels, labels: (0..<count).map { UInt8($0 % 10) }, imageShape: [1, 28, 28])
}

/// N ranks × batch B/N follow 1 rank × batch B: same global batches, same mean gradient up to
/// float summation order; and the ranks stay bitwise identical.
@Test(arguments: [2, 4])
func ranksTrainLikeOneProcessWithTheGlobalBatch(_ ranks: Int) throws {
  let data = try syntheticDigits().prefix(256)
  @Sendable func run(_ comm: (any Communicator)?, batch: Int, seed: UInt64) throws -> Sequential {
    let model = Models.mlp(seed: seed)
    _ = try train(
      model, on: data, epochs: 1, batchSize: batch, optimizer: SGD(learningRate: 0.05), seed: 9,
      threads: 1, dataParallel: comm)
    return model
  }
  let single = try run(nil, batch: 32, seed: 1)
  let group = InProcessGroup(size: ranks)
  // Other ranks start from other seeds: the broadcast must replace their weights.
  let models = try onThreads(ranks) { rank in
    UncheckedBox(try run(group.member(rank), batch: 32 / ranks, seed: UInt64(1 + rank)))
  }.map(\.value)
  #expect(group.calls == 2 + 256 / 32)  // agreement, broadcast, one fused allreduce per step
  #expect(Set(models.map(parameterChecksum)).count == 1)
  for (a, b) in zip(single.parameters, models[0].parameters) {
    let worst = zip(a.value.scalars, b.value.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(worst < 1e-4, "\(a.name) differs by \(worst)")
  }
  #expect(parameterChecksum(single) != parameterChecksum(Models.mlp(seed: 1)))
}

@Test func oneRanksStopVoteStopsEveryRankAtTheSameStep() throws {
  let data = try syntheticDigits().prefix(256)
  let group = InProcessGroup(size: 2)
  let histories = try onThreads(2) { rank -> (Int, Bool, UInt64) in
    let model = Models.mlp(seed: 1)
    var asked = 0
    let h = try train(
      model, on: data, epochs: 3, batchSize: 16, optimizer: SGD(), threads: 1,
      shouldStop: {
        asked += 1
        return rank == 1 && asked >= 3
      }, dataParallel: group.member(rank))
    return (h.epochs.reduce(0) { $0 + $1.images }, h.stopped, parameterChecksum(model))
  }
  #expect(histories[0].0 == 3 * 32 && histories[1].0 == 3 * 32)
  #expect(histories.allSatisfy { $0.1 })
  #expect(histories[0].2 == histories[1].2)
}

@Test func ranksWithDifferentDataStopWithAnErrorNamingTheRank() throws {
  let group = InProcessGroup(size: 2)
  let data = try syntheticDigits()
  let errors = try onThreads(2) { rank -> String in
    do {
      _ = try train(
        Models.mlp(seed: 1), on: data.prefix(rank == 0 ? 64 : 63), epochs: 1, batchSize: 16,
        optimizer: SGD(), threads: 1, dataParallel: group.member(rank))
      return "no error"
    } catch {
      return "\(error)"
    }
  }
  #expect(errors[0].contains("rank 1 has training images 63"))
  #expect(errors[1].contains("rank 0 has training images 64"))
}
