import CKernels
import Testing

@testable import Tensor

/// parallelTasks, which runs training's shards on the kernel pool: every index exactly once
/// whatever the pool's size, and a task's own parallel loops (the kernels a shard calls)
/// finish on its thread instead of waiting for the busy pool.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ParallelTasksTests {
  @Test(arguments: [1, 2, 3] as [Int32])
  func everyIndexRunsOnceAndNestedLoopsFinish(poolThreads: Int32) {
    let was = ck_threads()
    ck_set_threads(poolThreads)
    defer { ck_set_threads(was) }
    for count in [0, 1, 2, 7, 100] {
      // One slot per index, written only by the task of that index (and its nested loop,
      // which runs on the task's thread).
      let runs = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
      let nested = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(count, 1))
      defer {
        runs.deallocate()
        nested.deallocate()
      }
      _ = runs.initialize(from: repeatElement(0, count: runs.count))
      _ = nested.initialize(from: repeatElement(0, count: nested.count))
      parallelTasks(count) { i in
        runs[i] += 1
        parallelChunks(40_000, grain: 1_000) { range in nested[i] += range.count }
      }
      #expect(Array(runs.prefix(count)) == [Int](repeating: 1, count: count), "count \(count)")
      #expect(Array(nested.prefix(count)) == [Int](repeating: 40_000, count: count), "count \(count)")
    }
  }
}
