import CKernels

/// glibc's malloc tuning for an engine that allocates and frees buffers of a few MB on every
/// run or step: by default glibc maps and unmaps each one (above its 128 KiB mmap threshold),
/// faulting in fresh pages every time. Buffers under `mmapAbove` bytes come from the heap
/// instead, and up to `trimAbove` bytes of a heap's free top stay resident for the next
/// run; `arenas` > 0 caps glibc's per-thread arenas (each keeps its own freed buffers).
public func keepFreedBuffers(mmapAbove: Int, trimAbove: Int, arenas: Int = 0) {
  ck_heap_tune(mmapAbove, trimAbove, Int32(arenas))
}
