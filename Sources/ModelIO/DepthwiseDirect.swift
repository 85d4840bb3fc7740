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
/// Each plane is copied once into a zero-padded scratch plane, so no tap needs a bounds
/// check; `ck_dw_direct_plane` then holds each block's sums in vector registers over all taps
/// (column strides above 2 take a plain row loop). Planes are split over the engine's threads.
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

  private var height: Int { geometry.height }
  private var width: Int { geometry.width }
  private var kernelH: Int { geometry.kernelH }
  private var kernelW: Int { geometry.kernelW }
  private var strideH: Int { geometry.strideH }
  private var strideW: Int { geometry.strideW }
  private var padTop: Int { geometry.padTop }
  private var padLeft: Int { geometry.padLeft }
  private var outH: Int { geometry.outH }
  private var outW: Int { geometry.outW }

  /// The scratch plane: every input row and column any output reads.
  private var paddedH: Int { (outH - 1) * strideH + kernelH }
  private var paddedW: Int { (outW - 1) * strideW + kernelW }

  func callAsFunction(_ x: Tensor, batch: Int) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, channels, outH, outW])
    let plane = outH * outW
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(batch * channels, grain: max(1, 4096 / max(plane * kernelH * kernelW / 8, 1))) { planes in
          // The padded plane, then room for its even and odd columns (stride 2).
          let padded = paddedH * paddedW
          var scratch = [Float](repeating: 0, count: padded + paddedH * (paddedW + 1))
          scratch.withUnsafeMutableBufferPointer { s in
            for p in planes {
              let out = yb + p * plane
              convolve(xb + p * height * width, channel: p % channels, scratch: s.baseAddress!, into: out)
              if let activation { applyActivation(activation, out, plane) }
              if let q = fakeQuant { fakeQuantize(out, plane, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3]) }
            }
          }
        }
      }
    }
    return y
  }

  /// One channel plane: pad into `scratch`, then accumulate each tap over each output row.
  private func convolve(
    _ x: UnsafePointer<Float>, channel c: Int, scratch s: UnsafeMutablePointer<Float>, into out: UnsafeMutablePointer<Float>
  ) {
    let (ph, pw) = (paddedH, paddedW)
    s.update(repeating: 0, count: ph * pw)
    // Input rows and columns that land inside the scratch plane.
    let rows = max(0, min(height, ph - padTop))
    let cols = max(0, min(width, pw - padLeft))
    for r in 0..<rows {
      (s + (r + padTop) * pw + padLeft).update(from: x + r * width, count: cols)
    }
    weights.withUnsafeBufferPointer { wp in
      let w = wp.baseAddress! + c * kernelH * kernelW
      if strideW <= 2 {
        // Sums held in vector registers over all taps (CKernels/dw_direct.c).
        ck_dw_direct_plane(s, ph, pw, w, kernelH, kernelW, strideH, strideW, bias[c], out, outH, outW, s + ph * pw)
        return
      }
      let b = bias[c]
      for oy in 0..<outH {
        let row = out + oy * outW
        row.update(repeating: b, count: outW)
        for ky in 0..<kernelH {
          let src = s + (oy * strideH + ky) * pw
          for kx in 0..<kernelW {
            let v = w[ky * kernelW + kx]
            let tap = src + kx
            for ox in 0..<outW { row[ox] += v * tap[ox * strideW] }
          }
        }
      }
    }
  }
}
