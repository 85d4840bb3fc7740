import CKernels

/// Splits 0..<count into one contiguous chunk per engine thread (`Threads.current`, the same
/// budget OpenBLAS uses; the two never run at once, since steps run one after another) and
/// runs them on CKernels' spinning pool. Small jobs stay on the calling thread.
public func parallelChunks(_ count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
  let threads = min(Threads.current, max(1, count / max(grain, 1)))
  if threads <= 1 {
    body(0..<count)
    return
  }
  let per = (count + threads - 1) / threads
  withoutActuallyEscaping(body) { body in
    // The chunks are disjoint and the call returns only when all are done, so handing the
    // body to the pool's threads through a pointer is safe.
    var job = ChunkJob(body: body, count: count, per: per)
    withUnsafeMutablePointer(to: &job) { p in
      ck_parallel_for(threads, { context, t in
        let job = context!.assumingMemoryBound(to: ChunkJob.self).pointee
        let lo = t * job.per
        let hi = min(job.count, lo + job.per)
        if lo < hi { job.body(lo..<hi) }
      }, p)
    }
  }
}

private struct ChunkJob {
  let body: (Range<Int>) -> Void
  let count: Int
  let per: Int
}
