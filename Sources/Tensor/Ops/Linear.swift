/// Matrix products: ONNX Gemm, MatMul and MXNet FullyConnected.
extension Tensor {
  /// Y = alpha·op(A)·op(B) + beta·C (ONNX Gemm); C broadcasts to [M, N].
  public static func gemm(
    _ a: Tensor, _ b: Tensor, c: Tensor? = nil, transA: Bool = false, transB: Bool = false,
    alpha: Float = 1, beta: Float = 1
  ) throws -> Tensor {
    guard a.rank == 2, b.rank == 2 else {
      throw TensorError("gemm: A \(a.shape) and B \(b.shape) must both be 2-D")
    }
    let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else {
      throw TensorError(
        "gemm: inner dimensions differ: op(A) is [\(m), \(k)], op(B) is [\(kb), \(n)]")
    }
    var y: Tensor
    var betaUsed: Float = 0
    if let c, beta != 0 {
      y = try c.broadcast(to: [m, n])
      betaUsed = beta
    } else {
      y = Tensor(uninitializedShape: [m, n])
    }
    y.withUnsafeMutableBufferPointer { yp in
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          CPUBackend.shared.gemm(
            transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha,
            a: ap.baseAddress!, lda: a.shape[1], b: bp.baseAddress!, ldb: b.shape[1],
            beta: betaUsed, c: yp.baseAddress!, ldc: n)
        }
      }
    }
    return y
  }

  /// Matrix product with numpy semantics for rank ≥ 2: [..., M, K] × [..., K, N]; batch
  /// dimensions broadcast, and a 1-D operand is treated as a vector.
  public static func matmul(_ a: Tensor, _ b: Tensor) throws -> Tensor {
    if a.rank == 1 {
      let r = try matmul(a.reshaped([1, a.count]), b)
      return try r.reshaped(Array(r.shape.dropLast(2)) + [r.shape.last!])
    }
    if b.rank == 1 {
      let r = try matmul(a, b.reshaped([b.count, 1]))
      return try r.reshaped(Array(r.shape.dropLast()))
    }
    guard a.rank >= 2, b.rank >= 2 else {
      throw TensorError("matmul: operands \(a.shape) and \(b.shape) must have rank ≥ 1")
    }
    let (m, k) = (a.shape[a.rank - 2], a.shape[a.rank - 1])
    let (kb, n) = (b.shape[b.rank - 2], b.shape[b.rank - 1])
    guard k == kb else {
      throw TensorError("matmul: inner dimensions differ: \(a.shape) × \(b.shape)")
    }
    let batchShape = try broadcastShape(Array(a.shape.dropLast(2)), Array(b.shape.dropLast(2)))
    let batch = elementCount(batchShape)
    let ab = try a.broadcast(to: batchShape + [m, k])
    let bb = try b.broadcast(to: batchShape + [k, n])
    var y = Tensor(uninitializedShape: batchShape + [m, n])
    y.withUnsafeMutableBufferPointer { yp in
      ab.withUnsafeBufferPointer { ap in
        bb.withUnsafeBufferPointer { bp in
          for i in 0..<batch {
            CPUBackend.shared.gemm(
              transA: false, transB: false, m: m, n: n, k: k, alpha: 1,
              a: ap.baseAddress! + i * m * k, lda: k, b: bp.baseAddress! + i * k * n, ldb: n,
              beta: 0, c: yp.baseAddress! + i * m * n, ldc: n)
          }
        }
      }
    }
    return y
  }

  /// MXNet FullyConnected: y = x·Wᵀ + b with x [N, in] (higher ranks flattened), W [out, in].
  public static func dense(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) throws -> Tensor {
    let x2 = x.rank == 2 ? x : try x.flattened(axis: 1)
    guard weight.rank == 2, weight.shape[1] == x2.shape[1] else {
      throw TensorError(
        "dense: input \(x.shape) has \(x2.shape[1]) features but weight is \(weight.shape)")
    }
    if let bias, bias.count != weight.shape[0] {
      throw TensorError("dense: bias \(bias.shape) does not match \(weight.shape[0]) outputs")
    }
    let (m, n, k) = (x2.shape[0], weight.shape[0], x2.shape[1])
    var y = Tensor(uninitializedShape: [m, n])
    y.withUnsafeMutableBufferPointer { yp in
      let yb = yp.baseAddress!
      if let bias {
        bias.withUnsafeBufferPointer { bp in
          for r in 0..<m { (yb + r * n).update(from: bp.baseAddress!, count: n) }
        }
      }
      x2.withUnsafeBufferPointer { xp in
        weight.withUnsafeBufferPointer { wp in
          CPUBackend.shared.gemm(
            transA: false, transB: true, m: m, n: n, k: k, alpha: 1,
            a: xp.baseAddress!, lda: k, b: wp.baseAddress!, ldb: k,
            beta: bias == nil ? 0 : 1, c: yb, ldc: n)
        }
      }
    }
    return y
  }
}
