#if canImport(Glibc)
  import Glibc
#endif

/// Elementwise activations and softmax.
extension Tensor {
  /// f applied to every element.
  public static func unary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
    var y = Tensor(uninitializedShape: x.shape)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        CPUBackend.shared.unary(op, xp.baseAddress!, yp.baseAddress!, count: x.count)
      }
    }
    return y
  }

  /// max(x, 0).
  public static func relu(_ x: Tensor) -> Tensor { unary(.relu, x) }
  /// min(max(x, 0), 6).
  public static func relu6(_ x: Tensor) -> Tensor { unary(.relu6, x) }
  /// min(max(x, lo), hi).
  public static func clip(_ x: Tensor, min lo: Float, max hi: Float) -> Tensor {
    unary(.clip(min: lo, max: hi), x)
  }
  /// Hyperbolic tangent.
  public static func tanh(_ x: Tensor) -> Tensor { unary(.tanh, x) }
  /// Logistic sigmoid.
  public static func sigmoid(_ x: Tensor) -> Tensor { unary(.sigmoid, x) }
  /// x for x > 0, alpha·x otherwise.
  public static func leakyRelu(_ x: Tensor, alpha: Float = 0.01) -> Tensor {
    unary(.leakyRelu(alpha: alpha), x)
  }

  /// Splits a shape around an axis into (outer, axis length, inner).
  static func axisSplit(_ shape: [Int], _ axis: Int, _ op: String) throws -> (Int, Int, Int) {
    let ax = axis < 0 ? axis + shape.count : axis
    guard ax >= 0 && ax < shape.count else {
      throw TensorError("\(op): axis \(axis) out of range for shape \(shape)")
    }
    return (shape[..<ax].reduce(1, *), shape[ax], shape[(ax + 1)...].reduce(1, *))
  }

  /// Softmax along an axis (max-subtracted).
  public static func softmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    try softmaxImpl(x, axis: axis, log: false)
  }

  /// log(softmax(x)) along an axis, computed stably.
  public static func logSoftmax(_ x: Tensor, axis: Int = -1) throws -> Tensor {
    try softmaxImpl(x, axis: axis, log: true)
  }

  static func softmaxImpl(_ x: Tensor, axis: Int, log: Bool) throws -> Tensor {
    let (outer, n, inner) = try axisSplit(x.shape, axis, log ? "logSoftmax" : "softmax")
    var y = Tensor(uninitializedShape: x.shape)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        for o in 0..<outer {
          for i in 0..<inner {
            let base = o * n * inner + i
            var m = -Float.infinity
            for a in 0..<n { m = Swift.max(m, xp[base + a * inner]) }
            var s: Float = 0
            for a in 0..<n {
              let e = expf(xp[base + a * inner] - m)
              yp[base + a * inner] = e
              s += e
            }
            if log {
              let ls = logf(s) + m
              for a in 0..<n { yp[base + a * inner] = xp[base + a * inner] - ls }
            } else {
              let r = 1 / s
              for a in 0..<n { yp[base + a * inner] *= r }
            }
          }
        }
      }
    }
    return y
  }
}
