import Datasets
import Tensor
import Testing

@testable import NN

/// A strategy that records what the loop asks of it: the loop (batches, schedule, stop,
/// history, the end call) is checked without any arithmetic.
final class RecordingStrategy: TrainingStrategy {
  var batches: [[Int]] = []
  var rates: [Float] = []
  var epochsBegun = 0
  var ended: [Bool] = []
  var failAt: Int?
  let optimizer: any Optimizer

  init(_ optimizer: any Optimizer, failAt: Int? = nil) {
    self.optimizer = optimizer
    self.failAt = failAt
  }

  func beginEpoch() { epochsBegun += 1 }

  func step(_ data: LabeledImages, _ indices: ArraySlice<Int>, shouldStop: () -> Bool) throws -> TrainingStepResult {
    if batches.count == failAt { throw TensorError("step \(batches.count) failed") }
    batches.append(Array(indices))
    rates.append(optimizer.learningRate)
    // Loss 1 per image, the first image of each batch correct.
    return TrainingStepResult(lossSum: Double(indices.count), correct: 1)
  }

  func testAccuracy(on test: LabeledImages) throws -> Double? { 0.25 }
  func end(failed: Bool) throws { ended.append(failed) }
}

@Suite struct TrainingLoopTests {
  static let data = try! LabeledImages(
    pixels: [UInt8](repeating: 7, count: 10 * 4), labels: (0..<10).map { UInt8($0 % 2) }, imageShape: [1, 2, 2])

  @Test func theLoopWalksTheSeededBatchesWithTheScheduleAndKeepsTheHistory() throws {
    let optimizer = SGD(learningRate: 1)
    let strategy = RecordingStrategy(optimizer)
    var reports: [TrainingProgress] = []
    let history = try train(
      with: strategy, on: Self.data, test: Self.data, epochs: 2, batchSize: 4, optimizer: optimizer, seed: 3,
      schedule: StepSchedule(base: 1, stepEpochs: 1, factor: 0.5), progressInterval: 1e9,
      progress: { reports.append($0) })
    let expected = (0..<2).flatMap { trainingBatches(Self.data, size: 4, seed: 3, epoch: $0).map(Array.init) }
    #expect(strategy.batches == expected)
    #expect(strategy.rates == [1, 1, 1, 0.5, 0.5, 0.5])
    #expect(strategy.epochsBegun == 2 && strategy.ended == [false])
    #expect(history.epochs.map(\.images) == [10, 10] && !history.stopped)
    #expect(history.epochs.allSatisfy { $0.loss == 1 && $0.trainAccuracy == 0.3 && $0.testAccuracy == 0.25 })
    #expect(reports.map(\.epochEnded) == [true, true], "only the epoch ends at this progress interval")
  }

  @Test func aStopBetweenBatchesKeepsThePartialEpoch() throws {
    let optimizer = SGD()
    let strategy = RecordingStrategy(optimizer)
    var asked = 0
    let history = try train(
      with: strategy, on: Self.data, epochs: 3, batchSize: 3, optimizer: optimizer,
      shouldStop: {
        asked += 1
        return asked > 5
      })
    #expect(strategy.batches.count == 5)
    #expect(history.stopped && history.epochs.map(\.images) == [10, 3])
    #expect(strategy.ended == [false])
  }

  @Test func aFailedStepEndsTheStrategyAsFailedAndThrows() throws {
    let optimizer = SGD()
    let strategy = RecordingStrategy(optimizer, failAt: 2)
    #expect(throws: TensorError.self) {
      _ = try train(with: strategy, on: Self.data, epochs: 1, batchSize: 4, optimizer: optimizer)
    }
    #expect(strategy.ended == [true])
  }
}
