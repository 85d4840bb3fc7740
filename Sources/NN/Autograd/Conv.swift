import Tensor

/// y = f(conv2d(x, W) + b) over NCHW with groups = 1; keeps the im2col columns for backward.
public final class Conv2DFunction: Function {
  public let inputs: [Variable]
  let geometry: ConvGeometry
  let activation: Activation
  let columns: Tensor
  let output: Tensor

  init(_ inputs: [Variable], _ g: ConvGeometry, _ act: Activation, _ cols: Tensor, _ y: Tensor) {
    self.inputs = inputs
    geometry = g
    activation = act
    columns = cols
    output = y
  }

  /// Forward pass: one im2col and one sgemm over the whole batch, then bias and activation
  /// fused into the scatter to NCHW.
  public static func apply(
    _ x: Variable, weight: Variable, bias: Variable?, options: Conv2DOptions = .init(),
    activation: Activation = .identity
  ) throws -> Variable {
    guard options.groups == 1 else {
      throw TensorError("conv2d: training supports groups = 1 only (got \(options.groups))")
    }
    let (g, outShape) = try Tensor.conv2dGeometry(
      input: x.shape, weight: weight.shape, options: options)
    guard GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad) else {
      let y = try Tensor.conv2d(
        x.value, weight: weight.value, bias: bias?.value, options: options,
        activation: activation.unaryOp)
      return Variable(y)
    }
    let (n, cout, k, p) = (outShape[0], outShape[1], g.patchSize, g.outPlane)
    var cols = Tensor(uninitializedShape: [k, n * p])
    var tmp = Tensor(uninitializedShape: [cout, n * p])
    var y = Tensor(uninitializedShape: outShape)
    let backend = CPUBackend.shared
    cols.withUnsafeMutableBufferPointer { cp in
      x.value.withUnsafeBufferPointer { xp in
        backend.im2col(
          xp.baseAddress!, imageStride: x.value.count / max(n, 1), images: n, geometry: g,
          into: cp.baseAddress!)
      }
      tmp.withUnsafeMutableBufferPointer { tp in
        weight.value.withUnsafeBufferPointer { wp in
          backend.gemm(
            transA: false, transB: false, m: cout, n: n * p, k: k, alpha: 1, a: wp.baseAddress!,
            lda: k,
            b: cp.baseAddress!, ldb: n * p, beta: 0, c: tp.baseAddress!, ldc: n * p)
        }
      }
    }
    let biasValues = bias?.value.scalars
    y.withUnsafeMutableBufferPointer { yp in
      tmp.withUnsafeBufferPointer { tp in
        for oc in 0..<cout {
          let b = biasValues?[oc] ?? 0
          for i in 0..<n {
            let src = tp.baseAddress! + (oc * n + i) * p
            let dst = yp.baseAddress! + (i * cout + oc) * p
            for j in 0..<p { dst[j] = src[j] + b }
            activation.apply(dst, count: p)
          }
        }
      }
    }
    let ins = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, creator: Conv2DFunction(ins, g, activation, cols, y))
  }

  public func backward(_ gy: Tensor) throws -> [Tensor?] {
    let (n, cout) = (gy.shape[0], gy.shape[1])
    let (k, p) = (geometry.patchSize, geometry.outPlane)
    let backend = CPUBackend.shared
    // dT [Cout, N·P]: the activation's derivative fused with the NCHW → CN(HW) transpose.
    var dT = Tensor(uninitializedShape: [cout, n * p])
    dT.withUnsafeMutableBufferPointer { dp in
      gy.withUnsafeBufferPointer { gp in
        output.withUnsafeBufferPointer { yp in
          for i in 0..<n {
            for oc in 0..<cout {
              let off = (i * cout + oc) * p
              activation.backward(
                gp.baseAddress! + off, output: yp.baseAddress! + off,
                into: dp.baseAddress! + (oc * n + i) * p, count: p)
            }
          }
        }
      }
    }
    let w = inputs[1].value
    var dw = Tensor(uninitializedShape: w.shape)
    var dx: Tensor? = nil
    dT.withUnsafeBufferPointer { dp in
      columns.withUnsafeBufferPointer { cp in
        dw.withUnsafeMutableBufferPointer { dwp in
          backend.gemm(
            transA: false, transB: true, m: cout, n: k, k: n * p, alpha: 1, a: dp.baseAddress!,
            lda: n * p,
            b: cp.baseAddress!, ldb: n * p, beta: 0, c: dwp.baseAddress!, ldc: k)
        }
      }
      if inputs[0].requiresGrad {
        var dcols = Tensor(uninitializedShape: [k, n * p])
        dcols.withUnsafeMutableBufferPointer { dcp in
          w.withUnsafeBufferPointer { wp in
            backend.gemm(
              transA: true, transB: false, m: k, n: n * p, k: cout, alpha: 1, a: wp.baseAddress!,
              lda: k,
              b: dp.baseAddress!, ldb: n * p, beta: 0, c: dcp.baseAddress!, ldc: n * p)
          }
        }
        var d = Tensor(zeros: inputs[0].shape)
        let stride = d.count / max(n, 1)
        d.withUnsafeMutableBufferPointer { xp in
          dcols.withUnsafeBufferPointer { dcp in
            backend.col2im(
              dcp.baseAddress!, imageStride: stride, images: n, geometry: geometry,
              into: xp.baseAddress!)
          }
        }
        dx = d
      }
    }
    var result: [Tensor?] = [dx, dw]
    if inputs.count == 3 {
      var db = Tensor(uninitializedShape: [cout])
      db.withUnsafeMutableBufferPointer { dbp in
        dT.withUnsafeBufferPointer { dp in
          backend.reduceSum(
            dp.baseAddress!, outer: cout, axis: n * p, inner: 1, into: dbp.baseAddress!)
        }
      }
      result.append(db)
    }
    return result
  }
}
