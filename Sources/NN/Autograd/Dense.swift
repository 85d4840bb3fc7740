import Tensor

/// y = f(x·Wᵀ + b), x [N, in], W [out, in], b [out], with the activation fused.
public final class DenseFunction: Function {
  public let inputs: [Variable]
  let activation: Activation
  let output: Tensor

  init(_ inputs: [Variable], _ activation: Activation, _ output: Tensor) {
    self.inputs = inputs
    self.activation = activation
    self.output = output
  }

  /// Forward pass; `bias` may be nil.
  public static func apply(
    _ x: Variable, weight: Variable, bias: Variable?, activation: Activation = .identity
  ) throws -> Variable {
    var y = try Tensor.dense(x.value, weight: weight.value, bias: bias?.value)
    let n = y.count
    y.withUnsafeMutableBufferPointer { activation.apply($0.baseAddress!, count: n) }
    let ins = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, creator: DenseFunction(ins, activation, y))
  }

  public func backward(_ gy: Tensor) throws -> [Tensor?] {
    let x = inputs[0].value.rank == 2 ? inputs[0].value : try inputs[0].value.flattened()
    let w = inputs[1].value
    let (m, outF, inF) = (x.shape[0], w.shape[0], w.shape[1])
    var g = Tensor(uninitializedShape: gy.shape)
    g.withUnsafeMutableBufferPointer { gp in
      gy.withUnsafeBufferPointer { src in
        output.withUnsafeBufferPointer { yp in
          activation.backward(
            src.baseAddress!, output: yp.baseAddress!, into: gp.baseAddress!, count: gy.count)
        }
      }
    }
    let backend = CPUBackend.shared
    var dw = Tensor(uninitializedShape: w.shape)
    var dx: Tensor? = nil
    g.withUnsafeBufferPointer { gp in
      x.withUnsafeBufferPointer { xp in
        dw.withUnsafeMutableBufferPointer { dwp in
          backend.gemm(
            transA: true, transB: false, m: outF, n: inF, k: m, alpha: 1, a: gp.baseAddress!,
            lda: outF,
            b: xp.baseAddress!, ldb: inF, beta: 0, c: dwp.baseAddress!, ldc: inF)
        }
      }
      if inputs[0].requiresGrad {
        var d = Tensor(uninitializedShape: x.shape)
        d.withUnsafeMutableBufferPointer { dp in
          w.withUnsafeBufferPointer { wp in
            backend.gemm(
              transA: false, transB: false, m: m, n: inF, k: outF, alpha: 1, a: gp.baseAddress!,
              lda: outF, b: wp.baseAddress!, ldb: inF, beta: 0, c: dp.baseAddress!, ldc: inF)
          }
        }
        dx = try? d.reshaped(inputs[0].value.shape)
      }
    }
    var result: [Tensor?] = [dx, dw]
    if inputs.count == 3 {
      var db = Tensor(uninitializedShape: [outF])
      db.withUnsafeMutableBufferPointer { dbp in
        g.withUnsafeBufferPointer { gp in
          backend.reduceSum(gp.baseAddress!, outer: 1, axis: m, inner: outF, into: dbp.baseAddress!)
        }
      }
      result.append(db)
    }
    return result
  }
}

/// C = A·B for 2-D A [M, K] and B [K, N].
public final class MatMulFunction: Function {
  public let inputs: [Variable]
  init(_ a: Variable, _ b: Variable) { inputs = [a, b] }

  /// Forward pass.
  public static func apply(_ a: Variable, _ b: Variable) throws -> Variable {
    guard a.value.rank == 2, b.value.rank == 2 else {
      throw TensorError("matmul: autograd supports 2-D operands, got \(a.shape) and \(b.shape)")
    }
    return Variable(try Tensor.matmul(a.value, b.value), creator: MatMulFunction(a, b))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let (a, b) = (inputs[0].value, inputs[1].value)
    let da = inputs[0].requiresGrad ? try Tensor.gemm(g, b, transB: true) : nil
    let db = inputs[1].requiresGrad ? try Tensor.gemm(a, g, transA: true) : nil
    return [da, db]
  }
}
