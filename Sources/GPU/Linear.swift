import Tensor

/// What conv2dForward keeps for the backward pass.
public struct ConvSaved: @unchecked Sendable {
  /// The input's im2col matrix [patch, N·outPlane].
  public let columns: DeviceTensor
  /// The geometry used.
  public let geometry: ConvGeometry
  /// Batch size.
  public let images: Int
}

extension DeviceOps {
  /// Row-major C = alpha·op(A)·op(B) + beta·C, as the CPU backend's gemm. cuBLAS is
  /// column-major, where a row-major matrix reads as its transpose, so the call computes
  /// Cᵀ = op(B)ᵀ·op(A)ᵀ: the operands swap and m and n exchange.
  public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
    _ a: DeviceTensor, lda: Int, _ b: DeviceTensor, ldb: Int, beta: Float = 0,
    _ c: DeviceTensor, ldc: Int
  ) throws(GPUError) {
    try device.gemm(
      transA: transB, transB: transA, m: n, n: m, k: k, alpha: alpha, a: b.buffer.address,
      lda: ldb, b: a.buffer.address, ldb: lda, beta: beta, c: c.buffer.address, ldc: ldc)
  }

  /// y = x·Wᵀ + b for x [N, in], W [out, in] (MXNet's FullyConnected).
  public func denseForward(_ x: DeviceTensor, weight w: DeviceTensor, bias: DeviceTensor?) throws(GPUError)
    -> DeviceTensor
  {
    let (n, input, output) = (x.shape[0], x.count / max(x.shape[0], 1), w.shape[0])
    guard w.shape.count == 2, w.shape[1] == input else {
      throw .invalid("dense: input \(x.shape) vs weight \(w.shape)")
    }
    let y = try empty([n, output], "dense output [\(n), \(output)]")
    try gemm(transA: false, transB: true, m: n, n: output, k: input, x, lda: input, w, ldb: input, y, ldc: output)
    return try bias.map { (b) throws(GPUError) in try biasAdd(y, b) } ?? y
  }

  /// (dx, dW, db) of a dense layer from dy [N, out].
  public func denseBackward(_ x: DeviceTensor, weight w: DeviceTensor, dy: DeviceTensor) throws(GPUError)
    -> (DeviceTensor, DeviceTensor, DeviceTensor)
  {
    let (n, input, output) = (x.shape[0], w.shape[1], w.shape[0])
    let dx = try empty(x.shape, "dense input gradient \(x.shape)")
    try gemm(transA: false, transB: false, m: n, n: input, k: output, dy, lda: output, w, ldb: input, dx, ldc: input)
    let dw = try empty(w.shape, "dense weight gradient \(w.shape)")
    try gemm(transA: true, transB: false, m: output, n: input, k: n, dy, lda: output, x, ldb: input, dw, ldc: input)
    return (dx, dw, try sumAllButAxis1(dy))
  }

  /// Convolution by im2col + gemm (groups = 1), NCHW, with an optional bias.
  public func conv2dForward(
    _ x: DeviceTensor, weight w: DeviceTensor, bias: DeviceTensor?, options: Conv2DOptions
  ) throws(GPUError) -> (DeviceTensor, ConvSaved) {
    let geometry: ConvGeometry
    let outShape: [Int]
    do { (geometry, outShape) = try Tensor.conv2dGeometry(input: x.shape, weight: w.shape, options: options) } catch {
      throw .invalid("\(error)")
    }
    guard options.groups == 1 else { throw .invalid("conv2d: grouped convolution is not on the device yet") }
    let (images, cout, plane) = (x.shape[0], w.shape[0], geometry.outPlane)
    let cols = try im2col(x, geometry)
    let yc = try empty([cout, images * plane], "conv output \(outShape)")
    try gemm(
      transA: false, transB: false, m: cout, n: images * plane, k: geometry.patchSize, w,
      lda: geometry.patchSize, cols, ldb: images * plane, yc, ldc: images * plane)
    var y = try swap01(yc, cout, images, plane, shape: outShape)
    if let bias { y = try biasAdd(y, bias) }
    return (y, ConvSaved(columns: cols, geometry: geometry, images: images))
  }

  /// (dx, dW, db) of a convolution from dy [N, Cout, oh, ow].
  public func conv2dBackward(
    _ saved: ConvSaved, inputShape: [Int], weight w: DeviceTensor, dy: DeviceTensor
  ) throws(GPUError) -> (DeviceTensor, DeviceTensor, DeviceTensor) {
    let g = saved.geometry
    let (images, cout, plane, patch) = (saved.images, w.shape[0], g.outPlane, g.patchSize)
    let columns = images * plane
    let dyc = try swap01(dy, images, cout, plane, shape: [cout, columns])
    let dw = try empty(w.shape, "conv weight gradient \(w.shape)")
    try gemm(
      transA: false, transB: true, m: cout, n: patch, k: columns, dyc, lda: columns,
      saved.columns, ldb: columns, dw, ldc: patch)
    let dcols = try empty([patch, columns], "conv column gradient [\(patch), \(columns)]")
    try gemm(
      transA: true, transB: false, m: patch, n: columns, k: cout, w, lda: patch, dyc,
      ldb: columns, dcols, ldc: columns)
    let dx = try col2im(dcols, g, images: images, shape: inputShape)
    return (dx, dw, try sumAllButAxis1(dy))
  }

  func geometryArguments(_ g: ConvGeometry, images: Int) -> [KernelArgument] {
    [
      images, g.channels, g.height, g.width, g.kernelH, g.kernelW, g.strideH, g.strideW, g.padTop,
      g.padLeft, g.dilationH, g.dilationW, g.outH, g.outW,
    ].map { .int($0) }
  }

  /// The im2col matrix [patch, N·outPlane] (the CPU backend's layout).
  public func im2col(_ x: DeviceTensor, _ g: ConvGeometry) throws(GPUError) -> DeviceTensor {
    let images = x.shape[0]
    let cols = try empty([g.patchSize, images * g.outPlane], "im2col [\(g.patchSize), \(images * g.outPlane)]")
    try device.launch(
      .im2col, count: cols.count,
      geometryArguments(g, images: images) + [.buffer(x.buffer), .buffer(cols.buffer)])
    return cols
  }

  /// Folds columns back into images, summing overlaps.
  public func col2im(_ cols: DeviceTensor, _ g: ConvGeometry, images: Int, shape: [Int]) throws(GPUError)
    -> DeviceTensor
  {
    let x = try empty(shape, "col2im \(shape)")
    try device.launch(
      .col2im, count: x.count,
      geometryArguments(g, images: images) + [.buffer(cols.buffer), .buffer(x.buffer)])
    return x
  }
}
