import CKernels
import Testing

/// The pool must run every task exactly once, also right after its workers start and when
/// calls come back to back (the pattern that once lost a job handed to a starting worker).
@Suite(.serialized, .timeLimit(.minutes(1))) struct ParallelTests {
  @Test(arguments: [1, 2, 3, 8])
  func everyTaskRunsOnce(threads: Int32) {
    ck_set_threads(threads)
    defer { ck_set_threads(2) }
    let tasks = 257
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: tasks)
    defer { counts.deallocate() }
    for round in 0..<200 {
      counts.initialize(repeating: 0, count: tasks)
      ck_parallel_for(tasks, { context, t in
        context!.assumingMemoryBound(to: Int.self)[t] += 1
      }, counts)
      let wrong = (0..<tasks).filter { counts[$0] != 1 }
      #expect(wrong.isEmpty, "round \(round): tasks \(wrong.prefix(5)) ran \(wrong.prefix(5).map { counts[$0] }) times")
      if !wrong.isEmpty { return }
    }
  }

  /// Short loops back to back on more threads than CPUs: most workers are not running when
  /// a loop is posted, so the submitter usually takes the job back from them (the path a
  /// busy machine takes) and must still see every task run once, and no job run twice.
  @Test func takenBackJobsRunOnce() {
    ck_set_threads(8)
    defer { ck_set_threads(2) }
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: 3)
    defer { counts.deallocate() }
    for round in 0..<5000 {
      counts.initialize(repeating: 0, count: 3)
      ck_parallel_for(3, { context, t in
        let c = context!.assumingMemoryBound(to: Int.self)
        c[t] += 1
      }, counts)
      if (0..<3).contains(where: { counts[$0] != 1 }) {
        Issue.record("round \(round): counts \((0..<3).map { counts[$0] })")
        return
      }
    }
  }

  /// A loop started from inside a task runs on the calling thread instead of deadlocking.
  @Test func nestedLoopsRunSerially() {
    ck_set_threads(2)
    let outer = 6, inner = 5
    let counts = UnsafeMutablePointer<Int>.allocate(capacity: outer * inner)
    defer { counts.deallocate() }
    counts.initialize(repeating: 0, count: outer * inner)
    ck_parallel_for(outer, { context, t in
      var slot = (context!.assumingMemoryBound(to: Int.self), t)
      withUnsafeMutablePointer(to: &slot) { p in
        ck_parallel_for(5, { c, u in
          let (base, t) = c!.assumingMemoryBound(to: (UnsafeMutablePointer<Int>, Int).self).pointee
          base[t * 5 + u] += 1
        }, p)
      }
    }, counts)
    #expect((0..<outer * inner).allSatisfy { counts[$0] == 1 })
  }
}
