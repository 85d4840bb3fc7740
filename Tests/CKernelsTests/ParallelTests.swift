import CKernels
import Glibc
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

  /// Each thread starts at the front of its own contiguous part (two threads, 64 tasks: the
  /// caller's is 0..<32, the worker's 32..<64) and takes from the end of another's: so a
  /// thread that ran any task of its own part ran that part's first task. (Which thread ends
  /// up with how much depends on the scheduler; this holds whatever it does.)
  @Test func eachThreadStartsAtTheFrontOfItsPart() {
    ck_set_threads(2)
    let tasks = 64
    let ran = UnsafeMutablePointer<pthread_t>.allocate(capacity: tasks)
    defer { ran.deallocate() }
    var checked = 0, poolHelped = 0
    for _ in 0..<2000 where poolHelped < 200 {
      for t in 0..<tasks { ran[t] = 0 }
      ck_set_threads(2)
      let threadsBefore = ck_threads()
      ck_parallel_for(tasks, { context, t in
        // A little work per task, so both threads are inside the loop together.
        var x = UInt64(t)
        for _ in 0..<2000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        if x == 42 { print("") }
        context!.assumingMemoryBound(to: pthread_t.self)[t] = pthread_self()
      }, ran)
      // Another suite may set the thread count meanwhile (and back); only calls that began
      // and ended with two threads are checked.
      guard threadsBefore == 2, ck_threads() == 2 else { continue }
      checked += 1
      let me = pthread_self()
      let callerRanOwnPart = (0..<32).contains { pthread_equal(ran[$0], me) != 0 }
      #expect(!callerRanOwnPart || pthread_equal(ran[0], me) != 0, "the caller did not start at task 0")
      let worker = (32..<64).first { pthread_equal(ran[$0], me) == 0 }
      if let worker {
        poolHelped += 1
        #expect(pthread_equal(ran[32], ran[worker]) != 0, "the worker did not start at task 32")
      }
    }
    #expect(checked > 0 && poolHelped > 0, "the worker never ran a task of its part")
  }
}
