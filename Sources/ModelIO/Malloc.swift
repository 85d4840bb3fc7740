import CKernels
import Tensor

/// The trim threshold inference runs under: a heap's free top stays resident up to this size.
let inferenceTrimThreshold = 64 << 20

/// Keeps glibc from returning inference buffers to the kernel between runs: activations are
/// a few MB each, above the default mmap threshold, so each run would otherwise map and
/// fault in fresh pages for every intermediate. Raising the mmap and trim thresholds (as
/// training does) lets the freed buffers be reused from the heap. Done once per process.
let mallocTunedForInference: Void = keepFreedBuffers(mmapAbove: 32 << 20, trimAbove: inferenceTrimThreshold)

/// Hands the heap's free pages back to the system: glibc's `malloc_trim`, then the free top
/// of the calling thread's malloc arena and of those marked by `markThisThreadsHeap`, which
/// `malloc_trim` leaves resident in every arena but the main one (CKernels' heap.c), keeping
/// inference's trim threshold. Call it on a thread that loaded a model or ran batches, once
/// it is idle.
public func returnFreeHeapPages() {
  _ = mallocTunedForInference
  ck_heap_return_free_pages(inferenceTrimThreshold)
}

/// Marks the calling thread's malloc arena for the next `returnFreeHeapPages`: for a thread the
/// caller does not own (the async runtime's, handling a request). Cheap after the first
/// call between two trims.
public func markThisThreadsHeap() { ck_heap_mark_thread_arena() }
