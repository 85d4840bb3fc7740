import CKernels
import Tensor

extension Planner {
  /// A depthwise convolution (one filter per channel, dilation 1) as a direct step:
  /// `Depthwise3x3` for 3×3 kernels with equal strides, `DepthwiseDirect` otherwise.
  /// False (nothing bound) when the convolution is not depthwise.
  mutating func lowerDepthwise(
    _ node: Node, input: Int, batch: Int, _ g: ConvGeometry, groups: Int, weights w: HostArray, bias: [Float]?,
    activation: UnaryOp?, fakeQuant: [Float]?
  ) throws(ModelLoadError) -> Bool {
    guard groups > 1, g.channels == 1, w.shape[0] == groups, g.dilationH == 1, g.dilationW == 1 else { return false }
    let bias = bias ?? Array(repeating: 0, count: groups)
    if g.kernelH == 3 && g.kernelW == 3 && g.strideH == g.strideW {
      let dw = Depthwise3x3(
        channels: groups, height: g.height, width: g.width, stride: g.strideH, padTop: g.padTop, padLeft: g.padLeft,
        outH: g.outH, outW: g.outW, weights: w.floats(), bias: bias, activation: activation, fakeQuant: fakeQuant)
      if try fuseExpansion(node, input: input, batch: batch, dw) { return true }
      try bind(node, [batch, groups, g.outH, g.outW], inputs: [input], kind: "Conv(depthwise)") { dw($0[0], batch: batch) }
    } else {
      let dw = DepthwiseDirect(
        geometry: g, channels: groups, weights: w.floats(), bias: bias, activation: activation, fakeQuant: fakeQuant)
      try bind(node, [batch, groups, g.outH, g.outW], inputs: [input], kind: "Conv(depthwise \(g.kernelH)×\(g.kernelW))") {
        dw($0[0], batch: batch)
      }
    }
    return true
  }
}

/// A direct depthwise convolution of any kernel size and stride (one filter per channel,
/// dilation 1) for what `Depthwise3x3` does not cover: EfficientNet's 5×5, ConvNeXt's 7×7.
/// `ck_dw_direct_plane` (CKernels/dw_direct.c) copies each plane once into a zero-padded
/// scratch plane, so no tap needs a bounds check, then holds each block's sums in vector
/// registers over all taps. Planes are split over the engine's threads.
/// (As a grouped gemm each channel would be a 1-row product: far slower.)
struct DepthwiseDirect: @unchecked Sendable {
  /// One group's geometry (one channel in, one out); `channels` counts the groups.
  let geometry: ConvGeometry
  let channels: Int
  /// Weights [C, kernelH·kernelW] and bias [C].
  let weights: [Float]
  let bias: [Float]
  let activation: UnaryOp?
  /// Fake quantization [scale, zeroPoint, lo, hi], applied after the activation.
  var fakeQuant: [Float]? = nil

  private var kernelH: Int { geometry.kernelH }
  private var kernelW: Int { geometry.kernelW }
  private var outH: Int { geometry.outH }
  private var outW: Int { geometry.outW }

  func callAsFunction(_ x: Tensor, batch: Int) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, channels, outH, outW])
    let g = geometry
    let plane = outH * outW
    // Narrow maps go sixteen channels at a time (ck_dw_direct_channels16), others plane by plane.
    let group = ck_dw_direct_channels16_usable(outW) != 0 ? 16 : 1
    let groups = (channels + group - 1) / group
    let scratchCount =
      group == 16
      ? ck_dw_direct_channels16_scratch_count(kernelH, kernelW, g.strideH, g.strideW, outH, outW)
      : ck_dw_direct_scratch_count(kernelH, kernelW, g.strideH, g.strideW, outH, outW)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        weights.withUnsafeBufferPointer { wp in
          bias.withUnsafeBufferPointer { bp in
            let (xb, yb, wb, bb) = (xp.baseAddress!, yp.baseAddress!, wp.baseAddress!, bp.baseAddress!)
            let grain = max(1, 4096 / max(group * plane * kernelH * kernelW / 8, 1))
            parallelChunks(batch * groups, grain: grain) { chunk in
              // The kernels write every float of scratch they read.
              var scratch = [Float](unsafeUninitializedCapacity: scratchCount) { $1 = scratchCount }
              scratch.withUnsafeMutableBufferPointer { s in
                for t in chunk {
                  let (n, c0) = (t / groups, t % groups * group)
                  let count = min(group, channels - c0)
                  let first = n * channels + c0
                  let input = xb + first * g.height * g.width
                  let (filters, out) = (wb + c0 * kernelH * kernelW, yb + first * plane)
                  // (Plane by plane calls the plane kernel itself: its scratch is the smaller.)
                  if group == 16 {
                    ck_dw_direct_channels16(
                      input, count, g.height, g.width, g.padTop, g.padLeft, filters, kernelH, kernelW, g.strideH,
                      g.strideW, bb + c0, out, outH, outW, s.baseAddress!)
                  } else {
                    ck_dw_direct_plane(
                      input, g.height, g.width, g.padTop, g.padLeft, filters, kernelH, kernelW, g.strideH, g.strideW,
                      bb[c0], out, outH, outW, s.baseAddress!)
                  }
                  if let activation { applyActivation(activation, out, count * plane) }
                  if let q = fakeQuant {
                    fakeQuantize(out, count * plane, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3])
                  }
                }
              }
            }
          }
        }
      }
    }
    return y
  }
}
