import Tensor

/// A direct 3×3 depthwise convolution (one filter per channel, dilation 1) with the bias and
/// activation fused: the interior is computed without bounds checks, only the border pays
/// for padding. MobileNet-style nets spend a large share of their time here.
struct Depthwise3x3 {
  let channels: Int, height: Int, width: Int
  let stride: Int, padTop: Int, padLeft: Int
  let outH: Int, outW: Int
  /// Weights [C, 9] and bias [C].
  let weights: [Float]
  let bias: [Float]
  let activation: UnaryOp?

  func callAsFunction(_ x: Tensor, batch: Int) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, channels, outH, outW])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        weights.withUnsafeBufferPointer { wp in
          for n in 0..<batch {
            for c in 0..<channels {
              let plane = (n * channels + c)
              run(xp.baseAddress! + plane * height * width, wp.baseAddress! + c * 9, bias[c], yp.baseAddress! + plane * outH * outW)
            }
          }
        }
      }
      if let activation {
        CPUBackend.shared.unary(activation, yp.baseAddress!, yp.baseAddress!, count: yp.count)
      }
    }
    return y
  }

  /// Output columns whose 3-wide window lies inside the row.
  private var interior: Range<Int> {
    let lo = (padLeft + stride - 1) / stride
    let hi = width - 3 + padLeft >= 0 ? (width - 3 + padLeft) / stride + 1 : 0
    return min(lo, outW)..<max(min(lo, outW), min(hi, outW))
  }

  @inline(__always)
  private func run(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: Float, _ y: UnsafeMutablePointer<Float>) {
    let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8])
    let inner = interior
    for oy in 0..<outH {
      let iy = oy * stride - padTop
      let out = y + oy * outW
      if iy >= 0 && iy + 2 < height {
        let r0 = x + iy * width - padLeft
        let r1 = r0 + width
        let r2 = r1 + width
        if stride == 1 {
          // Wrapping index arithmetic: no overflow traps, so the loop vectorises.
          for ox in inner {
            var s = b + w0 * r0[ox] + w1 * r0[ox &+ 1] + w2 * r0[ox &+ 2]
            s += w3 * r1[ox] + w4 * r1[ox &+ 1] + w5 * r1[ox &+ 2]
            out[ox] = s + w6 * r2[ox] + w7 * r2[ox &+ 1] + w8 * r2[ox &+ 2]
          }
        } else {
          for ox in inner {
            let i = ox &* stride
            var s = b + w0 * r0[i] + w1 * r0[i &+ 1] + w2 * r0[i &+ 2]
            s += w3 * r1[i] + w4 * r1[i &+ 1] + w5 * r1[i &+ 2]
            out[ox] = s + w6 * r2[i] + w7 * r2[i &+ 1] + w8 * r2[i &+ 2]
          }
        }
        for ox in 0..<inner.lowerBound { out[ox] = border(x, w, b, iy, ox) }
        for ox in inner.upperBound..<outW { out[ox] = border(x, w, b, iy, ox) }
      } else {
        for ox in 0..<outW { out[ox] = border(x, w, b, iy, ox) }
      }
    }
  }

  /// One output with bounds checks, adding the taps in the interior's order.
  @inline(__always)
  private func border(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, _ b: Float, _ iy: Int, _ ox: Int) -> Float {
    let ix = ox * stride - padLeft
    var s = b
    for ki in 0..<3 {
      let r = iy + ki
      guard r >= 0 && r < height else { continue }
      for kj in 0..<3 {
        let c = ix + kj
        if c >= 0 && c < width { s += w[ki * 3 + kj] * x[r * width + c] }
      }
    }
    return s
  }
}
