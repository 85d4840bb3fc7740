import Dispatch
import Tensor

/// Splits 0..<count into one contiguous chunk per engine thread (`Threads.current`, the same
/// budget OpenBLAS uses; the two never run at once, since steps run one after another).
/// Small jobs stay on the calling thread.
func parallelChunks(_ count: Int, grain: Int = 16_384, _ body: (Range<Int>) -> Void) {
  let threads = min(Threads.current, max(1, count / max(grain, 1)))
  if threads <= 1 {
    body(0..<count)
    return
  }
  let per = (count + threads - 1) / threads
  withoutActuallyEscaping(body) { body in
    // The chunks are disjoint and the call returns only when all are done, so handing the
    // (non-Sendable) body to the workers is safe.
    let shared = UncheckedSendable(body)
    DispatchQueue.concurrentPerform(iterations: threads) { t in
      let lo = t * per
      let hi = min(count, lo + per)
      if lo < hi { shared.value(lo..<hi) }
    }
  }
}

struct UncheckedSendable<T>: @unchecked Sendable {
  let value: T
  init(_ value: T) { self.value = value }
}
