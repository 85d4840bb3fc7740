import Tensor

/// Batch norm over the batch's statistics (training) with learnable scale γ and shift β.
public final class BatchNormFunction: Function {
  public let inputs: [Variable]
  let statistics: BatchNormStatistics

  init(_ inputs: [Variable], _ stats: BatchNormStatistics) {
    self.inputs = inputs
    statistics = stats
  }

  /// Forward pass; returns the output and the batch statistics (for running averages).
  public static func apply(
    _ x: Variable, scale: Variable, bias: Variable, epsilon: Float
  ) throws -> (Variable, BatchNormStatistics) {
    let (y, stats) = try Tensor.batchNormTraining(
      x.value, scale: scale.value, bias: bias.value, epsilon: epsilon)
    return (Variable(y, creator: BatchNormFunction([x, scale, bias], stats)), stats)
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let x = inputs[0].value
    let gamma = inputs[1].value.scalars
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / max(n * c, 1)
    let m = Float(n * plane)
    var dgamma = [Float](repeating: 0, count: c)
    var dbeta = dgamma
    var dx = Tensor(uninitializedShape: x.shape)
    x.withUnsafeBufferPointer { xp in
      g.withUnsafeBufferPointer { gp in
        dx.withUnsafeMutableBufferPointer { dp in
          for ch in 0..<c {
            let (mean, inv) = (statistics.mean[ch], statistics.invStd[ch])
            var sg: Float = 0
            var sgx: Float = 0
            for i in 0..<n {
              let off = (i * c + ch) * plane
              for j in 0..<plane {
                sg += gp[off + j]
                sgx += gp[off + j] * (xp[off + j] - mean) * inv
              }
            }
            dgamma[ch] = sgx
            dbeta[ch] = sg
            let k = gamma[ch] * inv / m
            for i in 0..<n {
              let off = (i * c + ch) * plane
              for j in 0..<plane {
                let xhat = (xp[off + j] - mean) * inv
                dp[off + j] = k * (m * gp[off + j] - sg - xhat * sgx)
              }
            }
          }
        }
      }
    }
    return [
      dx, try Tensor(shape: inputs[1].shape, scalars: dgamma),
      try Tensor(shape: inputs[2].shape, scalars: dbeta),
    ]
  }
}
