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
    // The batch runs as soon as the 8th item joins; the long delay only gives slow-starting
    // tasks on a loaded machine time to arrive.
    let batcher = doubler(log, maxBatch: 8, delay: .seconds(10))
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

  @Test func severalWorkersRunBatchesSideBySideAndAnswerEachItemOnce() async throws {
    let inside = Mutex((now: 0, most: 0))
    let sizes = BatchLog()
    let batcher = Batcher<Int, Int>(maxBatch: 2, delay: .zero, maxQueue: 100, workers: 3) { items in
      sizes.record(items.count)
      inside.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
      Thread.sleep(forTimeInterval: 0.05)
      inside.withLock { $0.now -= 1 }
      return items.map { .success($0 * 2) }
    }
    let answers = try await withThrowingTaskGroup(of: (Int, [Int]).self) { group in
      for i in 0..<12 { group.addTask { (i, try await batcher.submit([i])) } }
      var all: [Int: [Int]] = [:]
      for try await (i, answer) in group { all[i] = answer }
      return all
    }
    batcher.stop()
    #expect(answers.count == 12)
    for (i, answer) in answers { #expect(answer == [i * 2]) }
    #expect(sizes.all.reduce(0, +) == 12)
    #expect(!sizes.all.contains(0))
    #expect(sizes.all.allSatisfy { $0 <= 2 })
    // Twelve items in batches of at most two take six 50 ms runs: more than one at a time.
    #expect(inside.withLock { $0.most } > 1)
    #expect(inside.withLock { $0.most } <= 3)
  }

  @Test func idleWorkersShareWhatWaits() async throws {
    // Eight items at once and two workers: each takes four and they run side by side
    // (taken whole by one worker, the other would idle through a batch of eight). The long
    // delay must not hold back the half left behind.
    let inside = Mutex((now: 0, most: 0))
    let sizes = BatchLog()
    let batcher = Batcher<Int, Int>(maxBatch: 8, delay: .seconds(10), maxQueue: 100, workers: 2) { items in
      sizes.record(items.count)
      inside.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
      Thread.sleep(forTimeInterval: 0.2)
      inside.withLock { $0.now -= 1 }
      return items.map { .success($0 * 2) }
    }
    defer { batcher.stop() }
    let start = ContinuousClock.now
    #expect(try await batcher.submit(Array(0..<8)) == (0..<8).map { $0 * 2 })
    #expect(ContinuousClock.now - start < .seconds(5))
    #expect(sizes.all == [4, 4])
    #expect(inside.withLock { $0.most } == 2)
  }

  @Test func zeroDelayRunsAtOnce() async throws {
    let ranAt = Mutex<ContinuousClock.Instant?>(nil)
    let batcher = Batcher<Int, Int>(maxBatch: 8, delay: .zero, maxQueue: 100) { items in
      ranAt.withLock { $0 = $0 ?? .now }
      return items.map { .success($0 * 2) }
    }
    defer { batcher.stop() }
    let submitted = ContinuousClock.now
    #expect(try await batcher.submit([21]) == [42])
    // Timed on the worker thread when the batch starts, not when this task resumes: under a
    // parallel `swift test` other suites may fill the cooperative pool and resume the test
    // seconds late, but a lone item must not wait for company (7 more items never come).
    let ran = try #require(ranAt.withLock { $0 })
    #expect(ran - submitted < .seconds(2))
  }

  @Test func fullQueueRefusesAtOnce() async throws {
    // The worker holds item 1 until the gate opens, so the queue's state is not a matter of
    // timing.
    let log = BatchLog()
    let gate = DispatchSemaphore(value: 0)
    let batcher = Batcher<Int, Int>(maxBatch: 1, delay: .zero, maxQueue: 2) { items in
      log.record(items.count)
      gate.wait()
      return items.map { .success($0 * 2) }
    }
    defer {
      for _ in 0..<3 { gate.signal() }
      batcher.stop()
    }
    let first = Task { try await batcher.submit([1]) }
    try #require(await eventually { log.all.count == 1 })  // the worker now runs item 1
    let second = Task { try await batcher.submit([2, 3]) }  // fills the queue
    try #require(await eventually { batcher.depth == 2 })
    await #expect(throws: Batcher<Int, Int>.QueueFull.self) { try await batcher.submit([4]) }
    for _ in 0..<3 { gate.signal() }
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

  @Test func idleIsToldOnceAfterABusySpell() async throws {
    let idles = Mutex(0)
    let batcher = Batcher<Int, Int>(
      maxBatch: 8, delay: .zero, maxQueue: 100,
      onIdle: (after: .milliseconds(100), call: { idles.withLock { $0 += 1 } })
    ) { items in items.map { .success($0) } }
    defer { batcher.stop() }
    try await Task.sleep(for: .milliseconds(300))
    #expect(idles.withLock { $0 } == 0, "no batch has run yet: nothing to hand back")
    #expect(try await batcher.submit([1]) == [1])
    try #require(await eventually { idles.withLock { $0 } == 1 })
    try await Task.sleep(for: .milliseconds(300))
    #expect(idles.withLock { $0 } == 1, "told once per busy spell, not every interval")
    #expect(try await batcher.submit([3]) == [3])
    try #require(await eventually { idles.withLock { $0 } == 2 })
  }

  /// Each worker that ran a batch is told on its own thread (where its kernel scratch lives),
  /// and only once no batch is running.
  @Test func idleIsToldOnEveryWorkerThatRan() async throws {
    let running = Mutex(0)
    let told = Mutex<(threads: Set<UInt>, whileRunning: Int)>(([], 0))
    let batcher = Batcher<Int, Int>(
      maxBatch: 1, delay: .zero, maxQueue: 100, workers: 2,
      onIdle: (
        after: .milliseconds(100),
        call: {
          let busy = running.withLock { $0 }
          told.withLock {
            $0.threads.insert(UInt(pthread_self()))
            if busy > 0 { $0.whileRunning += 1 }
          }
        })
    ) { items in
      running.withLock { $0 += 1 }
      // Long enough that the second item is taken by the other worker.
      Thread.sleep(forTimeInterval: 0.3)
      running.withLock { $0 -= 1 }
      return items.map { .success($0) }
    }
    defer { batcher.stop() }
    async let first = batcher.submit([1])
    async let second = batcher.submit([2])
    #expect(try await [first, second] == [[1], [2]])
    try #require(await eventually { told.withLock { $0.threads.count } == 2 })
    try await Task.sleep(for: .milliseconds(300))
    #expect(told.withLock { $0.threads.count } == 2, "once per worker, not every interval")
    #expect(told.withLock { $0.whileRunning } == 0)
  }

  @Test func stopAnswersWhatIsQueuedThenRefuses() async throws {
    let log = BatchLog()
    let batcher = doubler(log, maxBatch: 1, delay: .zero, pause: 0.05)
    let pending = Task { try await batcher.submit([1, 2, 3]) }
    try #require(await eventually { log.all.count >= 1 })  // queued and running
    batcher.stop()
    #expect(try await pending.value == [2, 4, 6])
    await #expect(throws: Batcher<Int, Int>.Stopped.self) { try await batcher.submit([1]) }
  }
}

/// Whether `condition` holds within `limit`, polled every 10 ms; for tests that must wait for
/// another thread's progress without betting on how fast a loaded machine makes it.
func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
  let deadline = ContinuousClock.now + limit
  while ContinuousClock.now < deadline {
    if condition() { return true }
    try? await Task.sleep(for: .milliseconds(10))
  }
  return condition()
}
