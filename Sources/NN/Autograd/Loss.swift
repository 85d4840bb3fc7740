import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Mean softmax cross-entropy of logits [N, C] against integer labels.
public final class SoftmaxCrossEntropyFunction: Function {
  public let inputs: [Variable]
  let probabilities: Tensor
  let labels: [Int32]

  init(_ logits: Variable, _ p: Tensor, _ labels: [Int32]) {
    inputs = [logits]
    probabilities = p
    self.labels = labels
  }

  /// Forward pass; the result is a scalar and `probabilities` the softmax (for accuracy).
  public static func apply(_ logits: Variable, labels: [Int32]) throws -> Variable {
    guard logits.value.rank == 2, logits.shape[0] == labels.count else {
      throw TensorError("softmaxCrossEntropy: logits \(logits.shape) vs \(labels.count) labels")
    }
    let classes = logits.shape[1]
    guard labels.allSatisfy({ $0 >= 0 && Int($0) < classes }) else {
      throw TensorError("softmaxCrossEntropy: a label is outside 0..<\(classes)")
    }
    let p = try Tensor.softmax(logits.value, axis: 1)
    var loss = 0.0
    p.withUnsafeBufferPointer { pp in
      for (i, l) in labels.enumerated() {
        loss -= Double(logf(max(pp[i * classes + Int(l)], 1e-30)))
      }
    }
    let value = Tensor(scalar: Float(loss / Double(max(labels.count, 1))))
    return Variable(value, creator: SoftmaxCrossEntropyFunction(logits, p, labels))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let classes = probabilities.shape[1]
    let scale = g.scalars[0] / Float(max(labels.count, 1))
    var d = probabilities
    d.withUnsafeMutableBufferPointer { dp in
      for (i, l) in labels.enumerated() { dp[i * classes + Int(l)] -= 1 }
      for i in 0..<dp.count { dp[i] *= scale }
    }
    return [d]
  }
}

/// Softmax or log-softmax along an axis.
public final class SoftmaxFunction: Function {
  public let inputs: [Variable]
  let output: Tensor
  let axis: Int
  let log: Bool

  init(_ x: Variable, _ y: Tensor, _ axis: Int, _ log: Bool) {
    inputs = [x]
    output = y
    self.axis = axis
    self.log = log
  }

  /// Forward pass.
  public static func apply(_ x: Variable, axis: Int = -1, log: Bool = false) throws -> Variable {
    let y =
      log ? try Tensor.logSoftmax(x.value, axis: axis) : try Tensor.softmax(x.value, axis: axis)
    return Variable(y, creator: SoftmaxFunction(x, y, axis, log))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let s = output.shape
    let ax = axis < 0 ? axis + s.count : axis
    let (outer, n, inner) = (s[..<ax].reduce(1, *), s[ax], s[(ax + 1)...].reduce(1, *))
    var d = Tensor(uninitializedShape: s)
    d.withUnsafeMutableBufferPointer { dp in
      g.withUnsafeBufferPointer { gp in
        output.withUnsafeBufferPointer { yp in
          for o in 0..<outer {
            for i in 0..<inner {
              let base = o * n * inner + i
              var dot: Float = 0
              for a in 0..<n { dot += gp[base + a * inner] * (log ? 1 : yp[base + a * inner]) }
              for a in 0..<n {
                let j = base + a * inner
                dp[j] = log ? gp[j] - expf(yp[j]) * dot : yp[j] * (gp[j] - dot)
              }
            }
          }
        }
      }
    }
    return [d]
  }
}
