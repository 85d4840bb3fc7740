import Tensor

/// Window geometry of a 2-D pooling, as the kernels take it.
struct PoolGeometry {
  var planes: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, ph: Int, pw: Int
  var phEnd: Int, pwEnd: Int, oh: Int, ow: Int

  init(_ shape: [Int], _ o: Pool2DOptions) throws(GPUError) {
    let (oh, ow): (Int, Int)
    do { (oh, ow) = try Tensor.poolOutputSize(shape, o) } catch { throw .invalid("\(error)") }
    (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3])
    (kh, kw, sh, sw) = (o.kernel[0], o.kernel[1], o.stride[0], o.stride[1])
    (ph, pw, phEnd, pwEnd) = (o.pads[0], o.pads[1], o.pads[2], o.pads[3])
    (self.oh, self.ow) = (oh, ow)
  }

  var window: [KernelArgument] { [planes, h, w, kh, kw, sh, sw, ph, pw].map { .int($0) } }
}

extension DeviceOps {
  /// Max pooling; also returns each output's argmax (an offset in its input plane).
  public func maxPoolForward(_ x: DeviceTensor, _ o: Pool2DOptions) throws(GPUError) -> (DeviceTensor, DeviceBuffer) {
    let g = try PoolGeometry(x.shape, o)
    let y = try empty([x.shape[0], x.shape[1], g.oh, g.ow], "max-pool output")
    let argmax = try DeviceBuffer(device: device, count: y.count, purpose: "max-pool indices")
    try device.launch(
      .maxPool, count: y.count,
      g.window + [.int(g.oh), .int(g.ow), .buffer(x.buffer), .buffer(y.buffer), .buffer(argmax)])
    return (y, argmax)
  }

  /// dx of max pooling: each input gathers dy from the windows it won.
  public func maxPoolBackward(
    inputShape: [Int], _ o: Pool2DOptions, argmax: DeviceBuffer, dy: DeviceTensor
  ) throws(GPUError) -> DeviceTensor {
    let g = try PoolGeometry(inputShape, o)
    let dx = try empty(inputShape, "max-pool gradient \(inputShape)")
    try device.launch(
      .maxPoolBackward, count: dx.count,
      g.window + [.int(g.oh), .int(g.ow), .buffer(dy.buffer), .buffer(argmax), .buffer(dx.buffer)])
    return dx
  }

  /// Average pooling (count_include_pad per the options).
  public func avgPoolForward(_ x: DeviceTensor, _ o: Pool2DOptions) throws(GPUError) -> DeviceTensor {
    let g = try PoolGeometry(x.shape, o)
    let y = try empty([x.shape[0], x.shape[1], g.oh, g.ow], "average-pool output")
    let tail: [KernelArgument] = [
      .int(g.phEnd), .int(g.pwEnd), .int(o.countIncludePad ? 1 : 0), .int(g.oh), .int(g.ow),
      .buffer(x.buffer), .buffer(y.buffer),
    ]
    try device.launch(.avgPool, count: y.count, g.window + tail)
    return y
  }

  /// dx of average pooling.
  public func avgPoolBackward(inputShape: [Int], _ o: Pool2DOptions, dy: DeviceTensor) throws(GPUError)
    -> DeviceTensor
  {
    let g = try PoolGeometry(inputShape, o)
    let dx = try empty(inputShape, "average-pool gradient \(inputShape)")
    let tail: [KernelArgument] = [
      .int(g.phEnd), .int(g.pwEnd), .int(o.countIncludePad ? 1 : 0), .int(g.oh), .int(g.ow),
      .buffer(dy.buffer), .buffer(dx.buffer),
    ]
    try device.launch(.avgPoolBackward, count: dx.count, g.window + tail)
    return dx
  }
}
