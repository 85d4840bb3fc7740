import Tensor

/// What a convolution (or any op whose store is fused) applies to each output as it stores
/// it, in ModelIO's order: bias per channel, residual, activation, fake quantization.
public struct DeviceEpilogue: @unchecked Sendable {
  /// Per-channel bias [C], or none.
  public var bias: DeviceTensor?
  /// A tensor of the output's shape added before the activation (ResNet's shortcut).
  public var residual: DeviceTensor?
  /// The activation, or none.
  public var activation: DeviceUnary?
  /// Per-tensor fake quantization: scale, zero point, lowest and highest code.
  public var fakeQuantization: (scale: Float, zeroPoint: Float, low: Float, high: Float)?

  /// An epilogue from its parts (all optional).
  public init(
    bias: DeviceTensor? = nil, residual: DeviceTensor? = nil, activation: DeviceUnary? = nil,
    fakeQuantization: (scale: Float, zeroPoint: Float, low: Float, high: Float)? = nil
  ) {
    (self.bias, self.residual, self.activation, self.fakeQuantization) = (bias, residual, activation, fakeQuantization)
  }
}

/// What tk_quantize does with each value.
public enum DeviceQuantization: Int, Sendable {
  /// A QuantizeLinear→DequantizeLinear pair: values snapped to the code grid.
  case fake = 0
  /// QuantizeLinear: the codes (as floats).
  case quantize = 1
  /// DequantizeLinear: codes to values.
  case dequantize = 2
}

extension DeviceOps {
  /// y = epilogue(x) for x [N, C, plane…] (or [C, N, plane] with `channelsFirst`, the
  /// layout of the convolution's gemm), written as [N, C, plane…] of `shape`.
  public func applyEpilogue(_ x: DeviceTensor, _ e: DeviceEpilogue, shape: [Int], channelsFirst: Bool) throws(GPUError)
    -> DeviceTensor
  {
    let (images, channels) = (shape[0], shape.count > 1 ? shape[1] : 1)
    let plane = Tensor.elementCount(shape) / max(images * channels, 1)
    if let b = e.bias, b.count != channels { throw .invalid("epilogue: bias \(b.shape) vs output \(shape)") }
    if let r = e.residual, r.shape != shape { throw .invalid("epilogue: residual \(r.shape) vs output \(shape)") }
    let y = try empty(shape, "output \(shape)")
    let (act, a, b) = e.activation?.code ?? (-1, 0, 0)
    let q = e.fakeQuantization
    let operand = { (t: DeviceTensor?) -> KernelArgument in t.map { .buffer($0.buffer) } ?? .null }
    let args: [KernelArgument] = [
      .int(y.count), .int(images), .int(channels), .int(plane), .int(channelsFirst ? 1 : 0), .buffer(x.buffer),
      operand(e.bias), operand(e.residual), .int(act), .float(a), .float(b), .int(q == nil ? 0 : 1),
      .float(q?.scale ?? 1), .float(q?.zeroPoint ?? 0), .float(q?.low ?? 0), .float(q?.high ?? 0), .buffer(y.buffer),
    ]
    try device.launch(.epilogue, count: y.count, args)
    return y
  }

  /// A 2-D convolution for inference, NCHW, with its store fused: im2col + gemm for one
  /// group, a direct kernel for grouped (depthwise) ones.
  public func conv2dInference(
    _ x: DeviceTensor, weight w: DeviceTensor, options: Conv2DOptions, epilogue: DeviceEpilogue
  ) throws(GPUError) -> DeviceTensor {
    let geometry: ConvGeometry
    let outShape: [Int]
    do { (geometry, outShape) = try Tensor.conv2dGeometry(input: x.shape, weight: w.shape, options: options) } catch {
      throw .invalid("\(error)")
    }
    let (images, cout, plane) = (x.shape[0], w.shape[0], geometry.outPlane)
    guard options.groups > 1 else {
      // A 1×1, stride-1, unpadded convolution reads its input as the column matrix itself
      // only for one image (the columns are [C, N·plane]); otherwise im2col builds it.
      let g = geometry
      let direct =
        images == 1 && g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && g.padTop == 0
        && g.padLeft == 0 && g.outH == g.height && g.outW == g.width
      let cols = direct ? try x.reshaped([g.patchSize, plane]) : try im2col(x, g)
      let yc = try empty([cout, images * plane], "conv output \(outShape)")
      try gemm(
        transA: false, transB: false, m: cout, n: images * plane, k: g.patchSize, w, lda: g.patchSize, cols,
        ldb: images * plane, yc, ldc: images * plane)
      return try applyEpilogue(yc, epilogue, shape: outShape, channelsFirst: images > 1)
    }
    let raw = try empty(outShape, "grouped conv output \(outShape)")
    let g = geometry
    let args: [KernelArgument] =
      [
        images, x.shape[1], g.height, g.width, cout, options.groups, g.kernelH, g.kernelW, g.strideH, g.strideW,
        g.padTop, g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW,
      ].map { .int($0) } + [.buffer(x.buffer), .buffer(w.buffer), .buffer(raw.buffer)]
    try device.launch(.convGrouped, count: raw.count, args)
    return try applyEpilogue(raw, epilogue, shape: outShape, channelsFirst: false)
  }

  /// Per-tensor quantization of a (+ b, of the same shape): see `DeviceQuantization`.
  public func quantize(
    _ mode: DeviceQuantization, _ a: DeviceTensor, plus b: DeviceTensor? = nil, scale: Float, zeroPoint: Float,
    low: Float, high: Float
  ) throws(GPUError) -> DeviceTensor {
    if let b, b.shape != a.shape { throw .invalid("quantize: \(a.shape) plus \(b.shape)") }
    let y = try empty(a.shape, "quantized \(a.shape)")
    try device.launch(
      .quantize, count: a.count,
      [
        .int(a.count), .int(mode.rawValue), .float(scale), .float(zeroPoint), .float(low), .float(high),
        .buffer(a.buffer), b.map { .buffer($0.buffer) } ?? .null, .buffer(y.buffer),
      ])
    return y
  }

  /// Softmax over the last axis of x viewed as [rows, cols].
  public func softmax(_ x: DeviceTensor, rows: Int, cols: Int) throws(GPUError) -> DeviceTensor {
    guard rows * cols == x.count else { throw .invalid("softmax: \(x.shape) is not [\(rows), \(cols)]") }
    let y = try empty(x.shape, "softmax \(x.shape)")
    try device.launch(.softmax, count: rows, [.int(rows), .int(cols), .buffer(x.buffer), .buffer(y.buffer)])
    return y
  }

  /// The parts joined along `axis` (they agree on every other axis).
  public func concat(_ parts: [DeviceTensor], axis: Int, shape: [Int]) throws(GPUError) -> DeviceTensor {
    let y = try empty(shape, "concat \(shape)")
    let outer = shape[..<axis].reduce(1, *)
    let total = shape[axis...].reduce(1, *)
    var offset = 0
    for p in parts {
      let inner = p.shape[axis...].reduce(1, *)
      guard p.count == outer * inner, offset + inner <= total else {
        throw .invalid("concat: part \(p.shape) does not fit \(shape) along axis \(axis)")
      }
      try device.launch(
        .copySlab, count: p.count,
        [.int(outer), .int(inner), .int(total), .int(offset), .buffer(p.buffer), .buffer(y.buffer)])
      offset += inner
    }
    return y
  }

  /// x with its axes permuted (rank ≤ 4), dequantized on the way when `dequantize` is given.
  public func permute(_ x: DeviceTensor, _ perm: [Int], dequantize: (scale: Float, zeroPoint: Float)? = nil)
    throws(GPUError) -> DeviceTensor
  {
    guard perm.count == x.shape.count, perm.count <= 4, Set(perm) == Set(0..<perm.count) else {
      throw .invalid("permute: \(perm) of \(x.shape) (rank 4 at most)")
    }
    var strides = [Int](repeating: 1, count: x.shape.count)
    for d in stride(from: x.shape.count - 2, through: 0, by: -1) { strides[d] = strides[d + 1] * x.shape[d + 1] }
    let pad = 4 - perm.count
    let out = Array(repeating: 1, count: pad) + perm.map { x.shape[$0] }
    let read = Array(repeating: 0, count: pad) + perm.map { strides[$0] }
    let y = try empty(Array(out[pad...]), "transpose \(perm)")
    let args: [KernelArgument] =
      [.int(y.count), .int(out[1]), .int(out[2]), .int(out[3])] + read.map { .int($0) } + [
        .int(dequantize == nil ? 0 : 1), .float(dequantize?.scale ?? 1), .float(dequantize?.zeroPoint ?? 0),
        .buffer(x.buffer), .buffer(y.buffer),
      ]
    try device.launch(.permute, count: y.count, args)
    return y
  }

  /// Max pooling without the indices training keeps (scratch for them, pooled by the device).
  public func maxPoolInference(_ x: DeviceTensor, _ o: Pool2DOptions) throws(GPUError) -> DeviceTensor {
    try maxPoolForward(x, o).0
  }

  /// Inference batch norm: y = γ·(x − mean)·invStd + β per channel of axis 1.
  public func batchNormInference(
    _ x: DeviceTensor, mean: DeviceTensor, invStd: DeviceTensor, scale: DeviceTensor, bias: DeviceTensor
  ) throws(GPUError) -> DeviceTensor {
    let c = x.shape[1]
    let inner = x.count / max(x.shape[0] * c, 1)
    let y = try empty(x.shape, "batch-norm output \(x.shape)")
    try device.launch(
      .batchNorm, count: x.count,
      [
        .int(x.count), .int(c), .int(inner), .buffer(x.buffer), .buffer(mean.buffer), .buffer(invStd.buffer),
        .buffer(scale.buffer), .buffer(bias.buffer), .buffer(y.buffer),
      ])
    return y
  }
}
