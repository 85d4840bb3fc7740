import Tensor

/// y = f(conv2d(x, W) + b) over NCHW with groups = 1. The forward gemm packs its panels
/// straight from the images (CPUBackend.convForwardPacked), so the unfolded input is only
/// made in backward, as rows the weight gradient's gemm reads in place.
public final class Conv2DFunction: Function {
  public let inputs: [Variable]
  let geometry: ConvGeometry
  let activation: Activation
  let output: Tensor

  init(_ inputs: [Variable], _ g: ConvGeometry, _ act: Activation, _ y: Tensor) {
    self.inputs = inputs
    geometry = g
    activation = act
    output = y
  }

  /// Forward pass: one packed gemm over the whole batch with the bias in its epilogue, then
  /// the activation over the NCHW output.
  public static func apply(
    _ x: Variable, weight: Variable, bias: Variable?, options: Conv2DOptions = .init(),
    activation: Activation = .identity
  ) throws -> Variable {
    guard options.groups == 1 else {
      throw TensorError("conv2d: training supports groups = 1 only (got \(options.groups))")
    }
    let (g, outShape) = try Tensor.conv2dGeometry(
      input: x.shape, weight: weight.shape, options: options)
    if let bias, bias.value.count != outShape[1] {
      throw TensorError("conv2d: bias \(bias.shape) does not match \(outShape[1]) output channels")
    }
    guard GradMode.isEnabled && (x.requiresGrad || weight.requiresGrad) else {
      let y = try Tensor.conv2d(
        x.value, weight: weight.value, bias: bias?.value, options: options,
        activation: activation.unaryOp)
      return Variable(y)
    }
    var y = Tensor(uninitializedShape: outShape)
    let biasValue = bias?.value
    try y.withUnsafeMutableBufferPointer { yp in
      try x.value.withUnsafeBufferPointer { xp in
        try weight.value.withUnsafeBufferPointer { wp in
          func run(_ b: UnsafePointer<Float>?) throws {
            try CPUBackend.shared.convForwardPacked(
              xp.baseAddress!, images: outShape[0], weight: wp.baseAddress!, outputs: outShape[1], bias: b,
              geometry: g, into: yp.baseAddress!)
          }
          if let biasValue { try biasValue.withUnsafeBufferPointer { try run($0.baseAddress) } } else { try run(nil) }
        }
      }
      activation.apply(yp.baseAddress!, count: yp.count)
    }
    let ins = [x, weight] + (bias.map { [$0] } ?? [])
    return Variable(y, creator: Conv2DFunction(ins, g, activation, y))
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
    // dW = dT · colsᵀ: the columns made here as rows (one per output position), so the
    // packed gemm reads them in place as its B.
    let x = inputs[0].value
    var rows = Tensor(uninitializedShape: [n * p, k])
    rows.withUnsafeMutableBufferPointer { rp in
      x.withUnsafeBufferPointer { xp in
        backend.im2rows(
          xp.baseAddress!, imageStride: x.count / max(n, 1), images: n, geometry: geometry,
          into: rp.baseAddress!)
      }
    }
    let w = inputs[1].value
    var dw = Tensor(uninitializedShape: w.shape)
    var dx: Tensor? = nil
    try dT.withUnsafeBufferPointer { dp in
      try rows.withUnsafeBufferPointer { rp in
        try dw.withUnsafeMutableBufferPointer { dwp in
          try backend.packedGemm(m: cout, n: k, k: n * p, a: dp.baseAddress!, b: rp.baseAddress!, c: dwp.baseAddress!)
        }
      }
      if inputs[0].requiresGrad {
        var dcols = Tensor(uninitializedShape: [k, n * p])
        try dcols.withUnsafeMutableBufferPointer { dcp in
          try w.withUnsafeBufferPointer { wp in
            try backend.packedGemm(
              m: k, n: n * p, k: cout, a: wp.baseAddress!, transposedA: true, b: dp.baseAddress!, c: dcp.baseAddress!)
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
