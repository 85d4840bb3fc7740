import CKernels

/// One SGD-with-momentum step (MXNet's rule: v = μ·v − lr·(g + wd·w); w += v) over
/// `count` floats, the gradient given as pieces whose sum in order is g (a training step's
/// shards): CKernels' `ck_sgd_update`, one pass on the CPU's widest vector unit that never
/// stores the sum, rounded at every operation as the scalar rule is (the same bits on any
/// CPU and any split of the range).
public func sgdMomentumStep(
  count: Int, weights: UnsafeMutablePointer<Float>, velocity: UnsafeMutablePointer<Float>,
  gradientPieces: [UnsafePointer<Float>], learningRate: Float, momentum: Float, weightDecay: Float
) {
  guard count > 0, !gradientPieces.isEmpty else { return }
  let pieces = gradientPieces.map { Optional($0) }
  ck_sgd_update(
    count, weights, velocity, pieces, Int32(pieces.count), learningRate, momentum, weightDecay, -1)
}

extension Tensor {
  /// Runs `body` with the base addresses of every tensor's buffer (each non-empty), in order.
  public static func withBaseAddresses<R>(
    _ tensors: [Tensor], _ body: ([UnsafePointer<Float>]) throws -> R
  ) rethrows -> R {
    func nest(_ i: Int, _ pointers: [UnsafePointer<Float>]) throws -> R {
      guard i < tensors.count else { return try body(pointers) }
      return try tensors[i].withUnsafeBufferPointer { try nest(i + 1, pointers + [$0.baseAddress!]) }
    }
    return try nest(0, [])
  }
}
