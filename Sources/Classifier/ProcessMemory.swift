import Foundation
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Memory housekeeping for a long-running process such as `tabby serve`.
public enum ProcessMemory {
  /// Makes every thread allocate from glibc's one main heap (`M_ARENA_MAX` 1), and says
  /// whether it could. By default each thread that allocates under contention gets an arena
  /// of its own, and `malloc_trim` leaves pages resident in some of them: an idle
  /// `tabby serve` with SqueezeNet held 38.0 or 41.8 MiB from run to run, 44–48 MiB after 50
  /// requests; with one heap 37.6–37.8 and 38.6–38.7 MiB, at the same requests/s under
  /// `wrk -c8` (`bench/serve/idle_rss.sh`, bench/README.md). Call it before other threads
  /// start.
  @discardableResult
  public static func useOneHeap() -> Bool {
    #if canImport(Glibc)
      typealias Option = @convention(c) (Int32, Int32) -> Int32
      guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "mallopt") else { return false }
      let arenaMax: Int32 = -8  // M_ARENA_MAX in <malloc.h> (not in Glibc's Swift module)
      return unsafeBitCast(symbol, to: Option.self)(arenaMax, 1) == 1
    #else
      return false
    #endif
  }

  /// Frees the calling thread's kernel scratch (`Threads.releaseScratch`) and gives the
  /// kernel pool's workers a moment (at most 20 ms) to free theirs as they go to sleep, then
  /// hands the heap's free pages back to the system (glibc's `malloc_trim`), and says whether
  /// it could. Call it between runs, from a thread that is not running a network.
  ///
  /// Inference raises glibc's trim threshold so a run reuses the last run's freed
  /// activations instead of faulting in fresh pages (ModelIO's `mallocTunedForInference`);
  /// the price is that memory freed after loading a model (file bytes, unpacked weights)
  /// or after a burst of requests stays resident. A server calls this when a model has
  /// loaded and when a busy spell ends: the next request faults a few pages back in, once.
  @discardableResult
  public static func returnFreePages() -> Bool {
    Threads.releaseScratch()
    Threads.waitForIdlePool(milliseconds: 20)
    #if canImport(Glibc)
      // Looked up at run time: Glibc's Swift module does not include <malloc.h>.
      typealias Trim = @convention(c) (Int) -> Int32
      guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, "malloc_trim") else {
        return false
      }
      _ = unsafeBitCast(symbol, to: Trim.self)(0)
      return true
    #else
      return false
    #endif
  }
}
