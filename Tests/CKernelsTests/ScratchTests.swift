import CKernels
import Foundation
import Synchronization
import Testing

/// The kernels' per-thread scratch (ck_scratch.h): a thread's buffers go when it asks and
/// when it exits, and a convolution after a release gives the same answer, bit for bit.
/// Counts are per thread, or only ever growing, so other suites running meanwhile in this
/// process cannot disturb them.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ScratchTests {
  /// Two images of a 20×22 map, 19 → 24 channels: Winograd F(4,3) keeps its V and M (some
  /// 36 × 43 × 60 floats) on the calling thread.
  static let shape = WinogradTests.Case(images: 2, c: 19, h: 20, w: 22, out: 24, pad: 1)

  /// The convolution on the calling thread alone, so all of its scratch is this thread's.
  static func convolve() -> [Float] {
    let t = shape
    let x = GemmTests.values(t.images * t.c * t.h * t.w, seed: 21), wt = GemmTests.values(t.out * t.c * 9, seed: 22)
    var packed = [Float](repeating: .nan, count: ck_winograd_packed_count(4, t.out, t.c))
    ck_winograd_pack_weights(4, t.out, t.c, wt, &packed)
    let was = ck_set_serial(1)
    defer { ck_set_serial(was) }
    return WinogradTests().run(t, tile: 4, packed: packed, x: x, bias: nil, residual: nil)
  }

  @Test func releaseFreesThisThreadsBuffersAndChangesNoAnswer() {
    ck_release_thread_scratch()
    #expect(ck_thread_scratch_bytes() == 0)
    let first = Self.convolve()
    let held = ck_thread_scratch_bytes()
    let tiles = 5 * 6 * Self.shape.images
    #expect(held >= 36 * (Self.shape.c + Self.shape.out) * tiles * 4, "held \(held) bytes")
    ck_release_thread_scratch()
    #expect(ck_thread_scratch_bytes() == 0)
    let second = Self.convolve()
    #expect(first.elementsEqual(second) { $0.bitPattern == $1.bitPattern })
    #expect(ck_thread_scratch_bytes() == held)
    ck_release_thread_scratch()
  }

  @Test func aThreadThatExitsFreesItsBuffers() {
    let before = ck_scratch_freed_at_exit_bytes()
    let held = Mutex<Int>(0)
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      _ = Self.convolve()
      held.withLock { $0 = ck_thread_scratch_bytes() }
      done.signal()
    }
    thread.start()
    #expect(done.wait(timeout: .now() + 30) == .success)
    let grew = held.withLock { $0 }
    #expect(grew > 0)
    // The release runs as the thread finishes, just after the signal: wait for it, bounded.
    var freed = 0
    for _ in 0..<400 {
      freed = ck_scratch_freed_at_exit_bytes() - before
      if freed >= grew { break }
      usleep(5_000)
    }
    #expect(freed >= grew, "freed \(freed) of \(grew) bytes at exit")
  }

  /// After a loop on the pool, its workers go to sleep (3 ms after their last job) and say so.
  @Test func poolWorkersFallAsleepAfterALoop() {
    ck_set_threads(2)
    let t = Self.shape
    let x = GemmTests.values(t.images * t.c * t.h * t.w, seed: 23), wt = GemmTests.values(t.out * t.c * 9, seed: 24)
    var packed = [Float](repeating: .nan, count: ck_winograd_packed_count(4, t.out, t.c))
    ck_winograd_pack_weights(4, t.out, t.c, wt, &packed)
    _ = WinogradTests().run(t, tile: 4, packed: packed, x: x, bias: nil, residual: nil)
    #expect(ck_pool_wait_asleep(5000) == 1)
    ck_release_thread_scratch()
  }
}
