/// Options of a 2-D convolution (ONNX Conv / MXNet Convolution attributes).
public struct Conv2DOptions: Sendable, Equatable {
  /// Vertical and horizontal stride.
  public var stride: (h: Int, w: Int)
  /// Padding [top, left, bottom, right] (ONNX order is [top, left, bottom, right] too).
  public var pads: [Int]
  /// Vertical and horizontal dilation.
  public var dilation: (h: Int, w: Int)
  /// Channel groups (groups == channels is depthwise).
  public var groups: Int

  /// Creates options; symmetric padding is `pads: [p, p, p, p]`.
  public init(
    stride: (h: Int, w: Int) = (1, 1), pads: [Int] = [0, 0, 0, 0],
    dilation: (h: Int, w: Int) = (1, 1), groups: Int = 1
  ) {
    self.stride = stride
    self.pads = pads
    self.dilation = dilation
    self.groups = groups
  }

  public static func == (a: Conv2DOptions, b: Conv2DOptions) -> Bool {
    a.stride == b.stride && a.pads == b.pads && a.dilation == b.dilation && a.groups == b.groups
  }
}

/// Columns budget for inference im2col (floats); larger batches are done in chunks.
let im2colBudget = 1 << 20

extension Tensor {
  /// Validates a convolution and returns its per-group geometry and output shape.
  public static func conv2dGeometry(
    input: [Int], weight: [Int], options o: Conv2DOptions
  ) throws -> (ConvGeometry, output: [Int]) {
    guard input.count == 4, weight.count == 4 else {
      throw TensorError("conv2d: input \(input) and weight \(weight) must be 4-D (NCHW, OIHW)")
    }
    let (n, c, h, w) = (input[0], input[1], input[2], input[3])
    let (cout, cg, kh, kw) = (weight[0], weight[1], weight[2], weight[3])
    guard o.groups >= 1, c % o.groups == 0, cout % o.groups == 0, c / o.groups == cg else {
      throw TensorError(
        "conv2d: input has \(c) channels, weight \(weight) expects \(cg) per group × \(o.groups) groups"
      )
    }
    guard o.pads.count == 4, o.pads.allSatisfy({ $0 >= 0 }), o.stride.h > 0, o.stride.w > 0,
      o.dilation.h > 0, o.dilation.w > 0
    else {
      throw TensorError(
        "conv2d: invalid stride \(o.stride), pads \(o.pads) or dilation \(o.dilation)")
    }
    let effH = (kh - 1) * o.dilation.h + 1
    let effW = (kw - 1) * o.dilation.w + 1
    let padH = h + o.pads[0] + o.pads[2]
    let padW = w + o.pads[1] + o.pads[3]
    guard padH >= effH, padW >= effW else {
      throw TensorError(
        "conv2d: kernel \(kh)×\(kw) (dilated \(effH)×\(effW)) exceeds padded input \(padH)×\(padW)")
    }
    let g = ConvGeometry(
      channels: cg, height: h, width: w, kernelH: kh, kernelW: kw,
      strideH: o.stride.h, strideW: o.stride.w, padTop: o.pads[0], padLeft: o.pads[1],
      dilationH: o.dilation.h, dilationW: o.dilation.w,
      outH: (padH - effH) / o.stride.h + 1, outW: (padW - effW) / o.stride.w + 1)
    return (g, [n, cout, g.outH, g.outW])
  }

  /// 2-D convolution, NCHW input, OIHW weight, optional bias [O] and fused activation.
  public static func conv2d(
    _ x: Tensor, weight: Tensor, bias: Tensor? = nil, options: Conv2DOptions = .init(),
    activation: UnaryOp? = nil
  ) throws -> Tensor {
    let (g, outShape) = try conv2dGeometry(input: x.shape, weight: weight.shape, options: options)
    if let bias, bias.count != outShape[1] {
      throw TensorError("conv2d: bias \(bias.shape) does not match \(outShape[1]) output channels")
    }
    var y = Tensor(uninitializedShape: outShape)
    let depthwise = g.channels == 1 && options.groups > 1
    let biasValues = bias?.scalars
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        weight.withUnsafeBufferPointer { wp in
          if depthwise {
            depthwiseConv(
              xp.baseAddress!, wp.baseAddress!, g, outShape, options.groups, yp.baseAddress!)
          } else {
            gemmConv(
              xp.baseAddress!, wp.baseAddress!, g, outShape, options.groups, yp.baseAddress!,
              bias: biasValues)
          }
        }
      }
      // The gemm path already added the bias.
      finishChannels(yp.baseAddress!, outShape, bias: depthwise ? bias : nil, activation: activation)
    }
    return y
  }

  /// Adds a per-channel bias and applies an activation in place over NCHW (or [N, C]).
  static func finishChannels(
    _ y: UnsafeMutablePointer<Float>, _ shape: [Int], bias: Tensor?, activation: UnaryOp?
  ) {
    let (n, c) = (shape[0], shape[1])
    let plane = shape[2...].reduce(1, *)
    if let bias {
      bias.withUnsafeBufferPointer { bp in
        for i in 0..<n {
          for ch in 0..<c {
            let row = y + (i * c + ch) * plane
            let b = bp[ch]
            for j in 0..<plane { row[j] += b }
          }
        }
      }
    }
    if let activation { CPUBackend.shared.unary(activation, y, y, count: n * c * plane) }
  }
}

/// im2col + one sgemm per group and chunk of images, scattered into NCHW, plus the bias.
/// For one image the output planes are first filled with the bias and the gemm accumulates
/// onto them (beta 1), which also spares OpenBLAS its separate pass zeroing C for beta 0.
func gemmConv(
  _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry, _ outShape: [Int],
  _ groups: Int, _ y: UnsafeMutablePointer<Float>, bias: [Float]? = nil
) {
  let backend = CPUBackend.shared
  let (n, cout) = (outShape[0], outShape[1])
  let coutG = cout / groups
  let k = g.patchSize
  let p = g.outPlane
  let imageStride = groups * g.channels * g.height * g.width
  let pointwise = g.isPointwise
  let chunk = max(1, min(n, im2colBudget / max(1, k * p)))
  let cols = UnsafeMutablePointer<Float>.allocate(
    capacity: pointwise && chunk == 1 ? 1 : k * chunk * p)
  let tmp = UnsafeMutablePointer<Float>.allocate(capacity: chunk == 1 ? 1 : coutG * chunk * p)
  defer {
    cols.deallocate()
    tmp.deallocate()
  }
  var start = 0
  while start < n {
    let count = min(chunk, n - start)
    for gi in 0..<groups {
      let xg = x + start * imageStride + gi * g.channels * g.height * g.width
      let wg = w + gi * coutG * k
      if count == 1 {
        // One image: the gemm writes straight into the output planes.
        let b: UnsafePointer<Float>
        if pointwise {
          b = xg
        } else {
          backend.im2col(xg, imageStride: imageStride, images: 1, geometry: g, into: cols)
          b = UnsafePointer(cols)
        }
        let c = y + (start * cout + gi * coutG) * p
        if let bias {
          for oc in 0..<coutG { (c + oc * p).initialize(repeating: bias[gi * coutG + oc], count: p) }
        }
        backend.gemm(
          transA: false, transB: false, m: coutG, n: p, k: k, alpha: 1, a: wg, lda: k,
          b: b, ldb: p, beta: bias == nil ? 0 : 1, c: c, ldc: p)
        continue
      }
      backend.im2col(xg, imageStride: imageStride, images: count, geometry: g, into: cols)
      backend.gemm(
        transA: false, transB: false, m: coutG, n: count * p, k: k, alpha: 1, a: wg, lda: k,
        b: cols, ldb: count * p, beta: 0, c: tmp, ldc: count * p)
      for oc in 0..<coutG {
        let bv = bias?[gi * coutG + oc] ?? 0
        for i in 0..<count {
          let (dst, src) = (y + ((start + i) * cout + gi * coutG + oc) * p, tmp + (oc * count + i) * p)
          for j in 0..<p { dst[j] = src[j] + bv }
        }
      }
    }
    start += count
  }
}

/// Direct kernel for one input channel per group (depthwise, channel multiplier allowed).
func depthwiseConv(
  _ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ g: ConvGeometry, _ outShape: [Int],
  _ groups: Int, _ y: UnsafeMutablePointer<Float>
) {
  let (n, cout) = (outShape[0], outShape[1])
  let multiplier = cout / groups
  let (kh, kw, p) = (g.kernelH, g.kernelW, g.outPlane)
  let inPlane = g.height * g.width
  for i in 0..<n {
    for oc in 0..<cout {
      let plane = x + (i * groups + oc / multiplier) * inPlane
      let out = y + (i * cout + oc) * p
      out.initialize(repeating: 0, count: p)
      for ki in 0..<kh {
        for kj in 0..<kw {
          let wv = w[(oc * kh + ki) * kw + kj]
          let xOffset = kj * g.dilationW - g.padLeft
          let lo = xOffset >= 0 ? 0 : min(g.outW, (-xOffset + g.strideW - 1) / g.strideW)
          let hi = max(lo, min(g.outW, (g.width - xOffset + g.strideW - 1) / g.strideW))
          for oy in 0..<g.outH {
            let iy = oy * g.strideH - g.padTop + ki * g.dilationH
            if iy < 0 || iy >= g.height { continue }
            let src = plane + iy * g.width + xOffset
            let dst = out + oy * g.outW
            if g.strideW == 1 {
              for ox in lo..<hi { dst[ox] += wv * src[ox] }
            } else {
              for ox in lo..<hi { dst[ox] += wv * src[ox * g.strideW] }
            }
          }
        }
      }
    }
  }
}
