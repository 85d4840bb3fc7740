import Foundation
import ModelIO
import Tensor

/// Memory housekeeping for a long-running process such as `tabby serve`.
public enum ProcessMemory {
  /// Frees the calling thread's kernel scratch (`Threads.releaseScratch`) and gives the
  /// kernel pool's workers a moment (at most 20 ms) to free theirs as they go to sleep, then
  /// hands the heap's free pages back to the system (glibc's `malloc_trim`, then the free top
  /// of the calling thread's own arena and of those `noteThread` marked, which `malloc_trim`
  /// leaves resident), and says whether it could. Call it between runs, from a thread that is
  /// not running a network: the thread that loaded a model or ran batches.
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
    // malloc_trim, then the free arena tops it leaves resident (the loader's, a worker's, a
    // marked request thread's).
    returnFreeHeapPages()
    return true
  }

  /// Marks the calling thread's heap for the next `returnFreePages`: a thread the caller does
  /// not own that allocates and frees large buffers (the async runtime's, decoding a
  /// request's image). Cheap; call it on every request.
  public static func noteThread() { markThisThreadsHeap() }
}
