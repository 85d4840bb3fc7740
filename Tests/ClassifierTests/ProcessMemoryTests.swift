import Foundation
import ModelIO
import Testing

@testable import Classifier

#if canImport(Glibc)
  import Glibc
#endif

/// What a thread frees last under inference's malloc tuning sits at its arena's top, which
/// glibc's malloc_trim leaves resident outside the main arena (a model loader's, a batch
/// worker's): `returnFreePages` must hand it back on that thread. Serialized: a trim lowers
/// the process's trim threshold for a moment, which would trim the other test's heap early.
@Suite(.serialized) struct ProcessMemoryTests {
  /// The process's resident anonymous memory in KiB (/proc/self/status).
  static func anonKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
    for line in status.split(separator: "\n") where line.hasPrefix("RssAnon:") {
      return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? -1
    }
    return -1
  }

  /// Allocates `blocks` blocks of 64 KiB (below any mmap threshold, so from the calling
  /// thread's arena), touches them, and frees them newest first, so they merge into the
  /// arena's top chunk; returns how many it got.
  static func touchAndFreeAtTheTop(blocks: Int) -> Int {
    // Reserved first: the array growing among the blocks would keep them from the top.
    var pointers: [UnsafeMutableRawPointer] = []
    pointers.reserveCapacity(blocks)
    for _ in 0..<blocks {
      guard let p = malloc(64 << 10) else { break }
      memset(p, 1, 64 << 10)
      pointers.append(p)
    }
    for p in pointers.reversed() { free(p) }
    return pointers.count
  }

  @Test func freedTopOfAThreadsHeapIsHandedBack() {
    let mib = 16
    let blocks = mib * 16  // 64 KiB each
    let results = ThreadResults()
    let thread = Thread {
      // Inference's tuning on (trim threshold 64 MiB), this thread's arena in use.
      returnFreeHeapPages()
      let before = Self.anonKiB()
      let allocated = Self.touchAndFreeAtTheTop(blocks: blocks)
      let afterFree = Self.anonKiB()
      ProcessMemory.returnFreePages()
      let afterTrim = Self.anonKiB()
      results.set(before: before, afterFree: afterFree, afterTrim: afterTrim, allocated: allocated)
    }
    thread.start()
    let values = results.wait()
    #expect(values.allocated == blocks)
    #expect(values.before > 0)
    // The scenario: freed, the pages stay resident (the trim threshold keeps them for reuse).
    #expect(values.afterFree - values.before >= (mib - 4) * 1024, "\(values)")
    // Trimmed: most of them go back.
    #expect(values.afterFree - values.afterTrim >= (mib - 4) * 1024, "\(values)")
  }
}

extension ProcessMemoryTests {
  /// A thread that marked itself (a request's, in the runtime's pool) has its arena top
  /// handed back by another thread's `returnFreePages` (the batch worker's, at idle).
  /// (Without the mark this fails unless glibc, past its arena limit in a busy test process,
  /// gives both threads one arena: then the trimmer's own probe trims it; 3 runs in 4 here.)
  @Test func markedThreadsHeapIsHandedBackByAnother() {
    let mib = 16
    let blocks = mib * 16
    let freed = DispatchSemaphore(value: 0)
    let trimmed = DispatchSemaphore(value: 0)
    let results = ThreadResults()
    // Tuning on (trim threshold 64 MiB) before anything is freed.
    returnFreeHeapPages()
    let marked = Thread {
      ProcessMemory.noteThread()
      results.allocated = Self.touchAndFreeAtTheTop(blocks: blocks)
      freed.signal()
      // Alive until the other thread has trimmed, so no later thread reuses this arena.
      trimmed.wait()
    }
    let before = Self.anonKiB()
    marked.start()
    freed.wait()
    let afterFree = Self.anonKiB()
    let trimmer = Thread {
      ProcessMemory.returnFreePages()
      results.set(before: before, afterFree: afterFree, afterTrim: Self.anonKiB(), allocated: results.allocated)
    }
    trimmer.start()
    let values = results.wait()
    trimmed.signal()
    #expect(values.allocated == blocks)
    #expect(values.afterFree - values.before >= (mib - 4) * 1024, "\(values)")
    #expect(values.afterFree - values.afterTrim >= (mib - 4) * 1024, "\(values)")
  }
}

/// Hands a thread's measurements to the test.
private final class ThreadResults: @unchecked Sendable {
  struct Values { var before = 0, afterFree = 0, afterTrim = 0, allocated = 0 }
  private let done = DispatchSemaphore(value: 0)
  private var values = Values()
  var allocated = 0

  func set(before: Int, afterFree: Int, afterTrim: Int, allocated: Int) {
    values = Values(before: before, afterFree: afterFree, afterTrim: afterTrim, allocated: allocated)
    done.signal()
  }

  func wait() -> Values {
    done.wait()
    return values
  }
}
