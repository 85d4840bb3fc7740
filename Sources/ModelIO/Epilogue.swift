import Tensor

/// An activation the kernels cannot fuse (leaky relu, …) and the fake quantization after it,
/// applied to a convolution's output in one pass per channel plane, the planes split over the
/// engine's threads.
struct ConvEpilogue: Sendable {
  let activation: UnaryOp?
  let fakeQuant: [Float]?

  func apply(_ y: inout Tensor) {
    let planes = y.shape[0] * y.shape[1]
    let plane = y.count / max(planes, 1)
    y.withUnsafeMutableBufferPointer { p in
      let base = p.baseAddress!
      parallelChunks(planes, grain: max(1, 16_384 / max(plane, 1))) { range in
        for k in range {
          let row = base + k * plane
          if let activation { applyActivation(activation, row, plane) }
          if let q = fakeQuant { fakeQuantize(row, plane, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3]) }
        }
      }
    }
  }
}

/// The cheap activations inline (vectorisable selects); the others through the backend.
@inline(__always) func applyActivation(_ op: UnaryOp, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
  switch op {
  case .relu: for i in 0..<n { p[i] = p[i] > 0 ? p[i] : 0 }
  case .clip(let lo, let hi): for i in 0..<n { p[i] = clamp(p[i], lo, hi) }
  default: CPUBackend.shared.unary(op, p, p, count: n)
  }
}
