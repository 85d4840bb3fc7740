import CKernels

/// Splits 0..<count into contiguous chunks for the engine's threads (`Threads.current`, the same
/// budget OpenBLAS uses; the two never run at once, since steps run one after another) and
/// runs them on CKernels' spinning pool. Small jobs stay on the calling thread.
public func parallelChunks(_ count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
  let threads = min(Threads.current, max(1, count / max(grain, 1)))
  if threads <= 1 {
    body(0..<count)
    return
  }
  // Up to four chunks per thread, handed out as threads come free: on a shared machine a
  // thread that starts late (descheduled, or still waking) then does less, instead of the
  // others waiting for its fixed share.
  let chunks = min(threads * 4, max(threads, count / max(grain, 1)))
  let per = (count + chunks - 1) / chunks
  withoutActuallyEscaping(body) { body in
    // The chunks are disjoint and the call returns only when all are done, so handing the
    // body to the pool's threads through a pointer is safe.
    var job = ChunkJob(body: body, count: count, per: per)
    withUnsafeMutablePointer(to: &job) { p in
      ck_parallel_for((count + per - 1) / per, { context, t in
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

/// Runs body(i) for i in 0..<count, each index a task, on CKernels' pool (its own thread
/// count, which `Threads.setForShards` sets apart from OpenBLAS's), returning when all are
/// done. Like Dispatch's concurrentPerform, but on the pool's workers, which spin a few
/// milliseconds between jobs: training's steps come back every fraction of a millisecond
/// for a small net, and waking a parked thread each time cost more than the work. The
/// kernels a task calls run serially on its thread.
public func parallelTasks(_ count: Int, _ body: (Int) -> Void) {
  if count <= 1 {
    if count == 1 { body(0) }
    return
  }
  withoutActuallyEscaping(body) { body in
    // ck_parallel_for returns only when every task is done, so the body outlives them all.
    var job = TaskJob(body: body)
    withUnsafeMutablePointer(to: &job) { p in
      ck_parallel_for(count, { context, t in
        context!.assumingMemoryBound(to: TaskJob.self).pointee.body(t)
      }, p)
    }
  }
}

private struct TaskJob {
  let body: (Int) -> Void
}
