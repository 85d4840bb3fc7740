import Foundation
import Synchronization
import Testing
@testable import ModelServer

/// Records every batch the batcher runs.
final class BatchLog: Sendable {
  let sizes = Mutex<[Int]>([])
  func record(_ n: Int) { sizes.withLock { $0.append(n) } }
  var all: [Int] { sizes.withLock { $0 } }
}

@Suite struct BatcherTests {
  /// Doubles each item; records batch sizes.
  func doubler(_ log: BatchLog, maxBatch: Int, delay: Duration, maxQueue: Int = 100, pause: Double = 0)
    -> Batcher<Int, Int>
  {
    Batcher(maxBatch: maxBatch, delay: delay, maxQueue: maxQueue) { items in
      log.record(items.count)
      if pause > 0 { Thread.sleep(forTimeInterval: pause) }
      return items.map { .success($0 * 2) }
    }
  }

  @Test func requestsWithinTheDelayShareOneBatch() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 8, delay: .milliseconds(300))
    defer { batcher.stop() }
    let answers = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
      for i in 0..<8 { group.addTask { (i, try await batcher.submit([i])) } }
      var all: [Int: [Int]] = [:]
      for try await (i, answer) in group { all[i] = answer }
      return all
    }
    #expect(answers.count == 8)
    for (i, answer) in answers { #expect(answer == [i * 2]) }
    #expect(log.all == [8])
  }

  @Test func batchesNeverExceedMaxBatch() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 3, delay: .milliseconds(50))
    defer { batcher.stop() }
    let out = try await batcher.submit(Array(0..<10))
    #expect(out == (0..<10).map { $0 * 2 })
    #expect(log.all.allSatisfy { $0 <= 3 })
    #expect(log.all.reduce(0, +) == 10)
  }

  @Test func zeroDelayRunsAtOnce() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 8, delay: .zero)
    defer { batcher.stop() }
    let start = ContinuousClock.now
    #expect(try await batcher.submit([21]) == [42])
    #expect(ContinuousClock.now - start < .seconds(1))
  }

  @Test func fullQueueRefusesAtOnce() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 1, delay: .zero, maxQueue: 2, pause: 0.3)
    defer { batcher.stop() }
    let first = Task { try await batcher.submit([1]) }
    try await Task.sleep(for: .milliseconds(50))  // the worker now runs item 1
    let second = Task { try await batcher.submit([2, 3]) }  // fills the queue
    try await Task.sleep(for: .milliseconds(50))
    await #expect(throws: Batcher<Int, Int>.QueueFull.self) { try await batcher.submit([4]) }
    #expect(try await first.value == [2])
    #expect(try await second.value == [4, 6])
  }

  @Test func itemsThatCannotJoinWaitForTheirOwnBatch() async throws {
    let log = BatchLog()
    let batcher = Batcher<Int, Int>(
      maxBatch: 8, delay: .milliseconds(200), maxQueue: 100, canJoin: { $0 % 2 == $1 % 2 }
    ) { items in
      log.record(items.count)
      #expect(Set(items.map { $0 % 2 }).count == 1)
      return items.map { .success($0) }
    }
    defer { batcher.stop() }
    async let a = batcher.submit([1, 2, 3, 4])
    #expect(try await a == [1, 2, 3, 4])
    #expect(log.all.sorted() == [2, 2])
  }

  @Test func failuresReachOnlyTheirRequest() async throws {
    struct Odd: Error {}
    let batcher = Batcher<Int, Int>(maxBatch: 8, delay: .milliseconds(100), maxQueue: 100) { items in
      items.map { $0 % 2 == 0 ? .success($0) : .failure(Odd()) }
    }
    defer { batcher.stop() }
    let good = Task { try await batcher.submit([2]) }
    let bad = Task { try await batcher.submit([3]) }
    #expect(try await good.value == [2])
    await #expect(throws: Odd.self) { try await bad.value }
  }

  @Test func stopAnswersWhatIsQueuedThenRefuses() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 1, delay: .zero, pause: 0.05)
    let pending = Task { try await batcher.submit([1, 2, 3]) }
    try await Task.sleep(for: .milliseconds(20))
    batcher.stop()
    #expect(try await pending.value == [2, 4, 6])
    await #expect(throws: Batcher<Int, Int>.Stopped.self) { try await batcher.submit([1]) }
  }
}
