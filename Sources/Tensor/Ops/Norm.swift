#if canImport(Glibc)
  import Glibc
#endif

/// Batch statistics of a training-mode batch norm, kept for the backward pass.
public struct BatchNormStatistics: Sendable {
  /// Per-channel batch mean.
  public var mean: [Float]
  /// Per-channel biased batch variance.
  public var variance: [Float]
  /// Per-channel 1 / sqrt(variance + eps).
  public var invStd: [Float]
}

extension Tensor {
  /// Checks [N, C, ...] input against per-channel parameters.
  static func channelCheck(_ x: Tensor, _ params: [Tensor], _ op: String) throws -> (Int, Int, Int)
  {
    guard x.rank >= 2 else { throw TensorError("\(op): input \(x.shape) needs a channel axis") }
    let c = x.shape[1]
    for p in params where p.count != c {
      throw TensorError("\(op): parameter \(p.shape) does not match \(c) channels of \(x.shape)")
    }
    return (x.shape[0], c, x.shape[2...].reduce(1, *))
  }

  /// Applies y = a[c]·x + b[c] over [N, C, ...].
  /// y = a[c]·x + b[c] for every element of channel c (axis 1), planes split over the engine's
  /// threads; `finish`, when given, then runs over each finished plane (an inference plan's
  /// fused activation).
  public static func channelAffine(
    _ x: Tensor, a: [Float], b: [Float], finish: ((UnsafeMutablePointer<Float>, Int) -> Void)? = nil
  ) -> Tensor {
    let (n, c) = (x.shape[0], x.shape[1])
    let plane = x.count / Swift.max(n * c, 1)
    var y = Tensor(uninitializedShape: x.shape)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (src, dst) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(n * c, grain: Swift.max(1, 16_384 / Swift.max(plane, 1))) { planes in
          for p in planes {
            let (s, t) = (a[p % c], b[p % c])
            let (from, to) = (src + p * plane, dst + p * plane)
            for j in 0..<plane { to[j] = from[j] * s + t }
            finish?(to, plane)
          }
        }
      }
    }
    return y
  }

  /// Batch norm with running statistics (inference): scale·(x − mean)/√(var + eps) + bias.
  public static func batchNormInference(
    _ x: Tensor, scale: Tensor, bias: Tensor, mean: Tensor, variance: Tensor, epsilon: Float = 1e-5
  ) throws -> Tensor {
    _ = try channelCheck(x, [scale, bias, mean, variance], "batchNorm")
    let (s, b, m, v) = (scale.scalars, bias.scalars, mean.scalars, variance.scalars)
    let a = (0..<s.count).map { s[$0] / (v[$0] + epsilon).squareRoot() }
    let shift = (0..<s.count).map { b[$0] - m[$0] * a[$0] }
    return channelAffine(x, a: a, b: shift)
  }

  /// Batch norm over the batch's own statistics (training); returns them for the backward
  /// pass and for updating running averages.
  public static func batchNormTraining(
    _ x: Tensor, scale: Tensor, bias: Tensor, epsilon: Float = 1e-5
  ) throws -> (output: Tensor, statistics: BatchNormStatistics) {
    let (n, c, plane) = try channelCheck(x, [scale, bias], "batchNorm")
    var mean = [Float](repeating: 0, count: c)
    var variance = mean
    x.withUnsafeBufferPointer { xp in
      for ch in 0..<c {
        var s = 0.0
        var s2 = 0.0
        for i in 0..<n {
          let off = (i * c + ch) * plane
          for j in 0..<plane {
            let v = Double(xp[off + j])
            s += v
            s2 += v * v
          }
        }
        let count = Double(Swift.max(n * plane, 1))
        mean[ch] = Float(s / count)
        variance[ch] = Float(Swift.max(s2 / count - (s / count) * (s / count), 0))
      }
    }
    let invStd = variance.map { 1 / ($0 + epsilon).squareRoot() }
    let (sc, b) = (scale.scalars, bias.scalars)
    let a = (0..<c).map { sc[$0] * invStd[$0] }
    let shift = (0..<c).map { b[$0] - mean[$0] * a[$0] }
    return (
      channelAffine(x, a: a, b: shift),
      BatchNormStatistics(mean: mean, variance: variance, invStd: invStd)
    )
  }

  /// Local response normalisation across channels (ONNX LRN, MXNet LRN with knorm = bias):
  /// y = x / (bias + alpha/size · Σ x²)^beta over channels [c − ⌊(size−1)/2⌋, c + ⌈(size−1)/2⌉].
  public static func lrn(
    _ x: Tensor, size: Int, alpha: Float = 1e-4, beta: Float = 0.75, bias: Float = 1
  ) throws -> Tensor {
    guard x.rank >= 3, size >= 1 else {
      throw TensorError("lrn: input \(x.shape) must be NCHW and size \(size) ≥ 1")
    }
    let (n, c, plane) = (x.shape[0], x.shape[1], x.shape[2...].reduce(1, *))
    let before = (size - 1) / 2
    let after = size - 1 - before
    var y = Tensor(uninitializedShape: x.shape)
    var sums = [Float](repeating: 0, count: plane)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        for i in 0..<n {
          for ch in 0..<c {
            for j in 0..<plane { sums[j] = 0 }
            for k in Swift.max(0, ch - before)...Swift.min(c - 1, ch + after) {
              let off = (i * c + k) * plane
              for j in 0..<plane { sums[j] += xp[off + j] * xp[off + j] }
            }
            let off = (i * c + ch) * plane
            for j in 0..<plane {
              yp[off + j] = xp[off + j] / powf(bias + alpha / Float(size) * sums[j], beta)
            }
          }
        }
      }
    }
    return y
  }
}
