import Foundation

/// Dynamic batching: items that arrive within `delay` of the oldest waiting one run together
/// in one call of `run`, up to `maxBatch` items. Worker threads (one by default) call `run`,
/// so a blocking network run never holds a Swift concurrency thread; with several, each
/// takes the next batch while the others run theirs, and what waits is shared out among the
/// idle ones rather than taken whole by the first.
///
/// Each request's items are answered in order; a request whose items fail gets the error
/// `run` returned for them. Items that `canJoin` says differ (another input shape) wait
/// for a later batch.
public final class Batcher<Item: Sendable, Output: Sendable>: @unchecked Sendable {
  /// Thrown by `submit` when the queue holds `maxQueue` items already.
  public struct QueueFull: Error {}
  /// Thrown by `submit` after `stop`.
  public struct Stopped: Error {}

  /// The most items one run takes.
  public let maxBatch: Int
  /// How long the oldest waiting item waits for others.
  public let delay: Duration
  /// The most items waiting.
  public let maxQueue: Int
  /// Threads that run batches.
  public let workers: Int

  /// Answers a batch; told how many other batches were running when it was taken.
  private let run: @Sendable ([Item], Int) -> [Result<Output, any Error>]
  private let canJoin: @Sendable (Item, Item) -> Bool
  private let onBatch: @Sendable (Int, Duration) -> Void
  private let idle: (after: Duration, call: @Sendable () -> Void)?
  /// Batches being run now.
  private var running = 0
  /// Whether the front of the queue is what a fair share left (see `nextBatch`): it runs
  /// without waiting for the delay.
  private var shareLeft = false
  private let condition = NSCondition()
  private var queue: [Waiting] = []
  private var stopped = false
  private var finished = 0

  /// One item in the queue and the request it belongs to.
  private struct Waiting {
    var item: Item
    var request: Pending
    var slot: Int
    var arrival: ContinuousClock.Instant
  }

  /// A submitted request: its outputs fill in as batches finish.
  private final class Pending {
    var outputs: [Output?]
    var remaining: Int
    var failure: (any Error)?
    var continuation: CheckedContinuation<[Output], any Error>?
    init(count: Int) {
      outputs = Array(repeating: nil, count: count)
      remaining = count
    }
  }

  /// Makes a batcher and starts its worker thread.
  ///
  /// - Parameters:
  ///   - workers: threads that run batches, each one batch at a time.
  ///   - run: answers a batch, one result per item in order (called on a worker thread,
  ///     by several at once when `workers` > 1), and told how many other batches were
  ///     running when this one was taken.
  ///   - canJoin: whether two items may share a batch (same shape); default: always.
  ///   - onBatch: told each batch's size and run time (metrics).
  ///   - onIdle: called once a busy spell is over (`after` with nothing queued and no batch
  ///     running), on each worker thread that ran a batch in it: the server frees that
  ///     thread's kernel scratch and returns freed memory then.
  public init(
    maxBatch: Int, delay: Duration, maxQueue: Int, workers: Int = 1,
    canJoin: @escaping @Sendable (Item, Item) -> Bool = { _, _ in true },
    onBatch: @escaping @Sendable (Int, Duration) -> Void = { _, _ in },
    onIdle: (after: Duration, call: @Sendable () -> Void)? = nil,
    run: @escaping @Sendable (_ items: [Item], _ alongside: Int) -> [Result<Output, any Error>]
  ) {
    self.maxBatch = max(1, maxBatch)
    self.delay = max(.zero, delay)
    self.maxQueue = max(1, maxQueue)
    self.workers = max(1, workers)
    self.run = run
    self.canJoin = canJoin
    self.onBatch = onBatch
    self.idle = onIdle
    // The threads hold the batcher until `stop` ends their loops.
    for _ in 0..<self.workers {
      let thread = Thread { self.work() }
      thread.name = "tabby-batcher"
      thread.start()
    }
  }

  /// The same, with a `run` that needs only the items.
  public convenience init(
    maxBatch: Int, delay: Duration, maxQueue: Int, workers: Int = 1,
    canJoin: @escaping @Sendable (Item, Item) -> Bool = { _, _ in true },
    onBatch: @escaping @Sendable (Int, Duration) -> Void = { _, _ in },
    onIdle: (after: Duration, call: @Sendable () -> Void)? = nil,
    run: @escaping @Sendable ([Item]) -> [Result<Output, any Error>]
  ) {
    self.init(
      maxBatch: maxBatch, delay: delay, maxQueue: maxQueue, workers: workers, canJoin: canJoin,
      onBatch: onBatch, onIdle: onIdle, run: { items, _ in run(items) })
  }

  /// Items waiting now.
  public var depth: Int {
    condition.lock()
    defer { condition.unlock() }
    return queue.count
  }

  /// Queues `items` as one request and waits for all their outputs.
  public func submit(_ items: [Item]) async throws -> [Output] {
    guard !items.isEmpty else { return [] }
    let request = Pending(count: items.count)
    return try await withCheckedThrowingContinuation { continuation in
      condition.lock()
      defer { condition.unlock() }
      if stopped { return continuation.resume(throwing: Stopped()) }
      if queue.count + items.count > maxQueue { return continuation.resume(throwing: QueueFull()) }
      request.continuation = continuation
      let now = ContinuousClock.now
      for (slot, item) in items.enumerated() {
        queue.append(Waiting(item: item, request: request, slot: slot, arrival: now))
      }
      condition.broadcast()
    }
  }

  /// Refuses new items, answers those queued, then ends the workers; returns when they have.
  public func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    while finished < workers { condition.wait() }
    condition.unlock()
  }

  /// The worker loop: wait for items, give late-comers until the oldest one's deadline,
  /// run one batch, answer it.
  private func work() {
    // Whether this worker ran a batch since it last told `onIdle`.
    var ranSinceIdle = false
    while let (batch, alongside) = nextBatch(ranSinceIdle: &ranSinceIdle) {
      let start = ContinuousClock.now
      let results = run(batch.map(\.item), alongside)
      let elapsed = ContinuousClock.now - start
      onBatch(batch.count, elapsed)
      complete(batch, results)
    }
    condition.lock()
    finished += 1
    condition.broadcast()
    condition.unlock()
  }

  /// Takes the next batch and counts the batches already running, or nil when stopped and empty.
  private func nextBatch(ranSinceIdle: inout Bool) -> (batch: [Waiting], alongside: Int)? {
    condition.lock()
    defer { condition.unlock() }
    // Another worker may take what this one waited for: then wait for more.
    while true {
      while queue.isEmpty {
        if stopped { return nil }
        waitForItems(ranSinceIdle: &ranSinceIdle)
      }
      let deadline = queue[0].arrival + delay
      while !stopped, !queue.isEmpty, !shareLeft, joinable() < maxBatch, ContinuousClock.now < deadline {
        let left = deadline - ContinuousClock.now
        _ = condition.wait(until: Date(timeIntervalSinceNow: max(0, Self.seconds(left))))
      }
      if !queue.isEmpty { break }
    }
    ranSinceIdle = true
    let alongside = running
    // With other workers waiting, this one takes its fair share and leaves them the rest:
    // on a CPU each worker runs its batch on one core, image by image, so a burst taken
    // whole by one worker would keep the other cores idle while it works through it.
    let idleOthers = workers - running - 1
    let ready = min(maxBatch, joinable())
    let limit = idleOthers > 0 ? min(ready, (ready + idleOthers) / (idleOthers + 1)) : maxBatch
    running += 1
    var taken: [Waiting] = []
    var kept: [Waiting] = []
    for waiting in queue {
      if taken.count < limit, taken.isEmpty || canJoin(taken[0].item, waiting.item) {
        taken.append(waiting)
      } else {
        kept.append(waiting)
      }
    }
    queue = kept
    // What the share left is a batch closed already: the waiting workers take it now.
    shareLeft = limit < ready
    if shareLeft { condition.broadcast() }
    return (taken, alongside)
  }

  /// Waits (holding the lock on return) for a signal; after a batch, at most the idle time,
  /// and if nothing came by then and no batch is running, tells `onIdle` once, with the
  /// lock released.
  private func waitForItems(ranSinceIdle: inout Bool) {
    guard let idle, ranSinceIdle else { return condition.wait() }
    if condition.wait(until: Date(timeIntervalSinceNow: Self.seconds(idle.after))) { return }
    guard queue.isEmpty, running == 0, !stopped else { return }
    ranSinceIdle = false
    condition.unlock()
    idle.call()
    condition.lock()
  }

  private static func seconds(_ d: Duration) -> Double {
    Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
  }

  /// Items that could join the oldest one's batch now.
  private func joinable() -> Int {
    guard let first = queue.first else { return 0 }
    return queue.lazy.filter { self.canJoin(first.item, $0.item) }.count
  }

  /// Hands each output to its request; a request resumes when its last item is answered.
  private func complete(_ batch: [Waiting], _ results: [Result<Output, any Error>]) {
    var ready: [(CheckedContinuation<[Output], any Error>, Result<[Output], any Error>)] = []
    condition.lock()
    running -= 1
    for (index, waiting) in batch.enumerated() {
      let request = waiting.request
      let result: Result<Output, any Error> =
        index < results.count ? results[index] : .failure(ServeError(500, "the batch returned too few results"))
      switch result {
      case .success(let output): request.outputs[waiting.slot] = output
      case .failure(let error): request.failure = request.failure ?? error
      }
      request.remaining -= 1
      if request.remaining == 0, let continuation = request.continuation {
        request.continuation = nil
        let answer: Result<[Output], any Error> =
          request.failure.map { .failure($0) } ?? .success(request.outputs.map { $0! })
        ready.append((continuation, answer))
      }
    }
    condition.unlock()
    for (continuation, answer) in ready { continuation.resume(with: answer) }
  }
}
