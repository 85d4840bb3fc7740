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
  /// Fused fake quantization [scale, zeroPoint, lo, hi], applied after the activation.
  var fakeQuant: [Float]? = nil

  func callAsFunction(_ x: Tensor, batch: Int) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, channels, outH, outW])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        weights.withUnsafeBufferPointer { wp in
          let (xb, wb, yb) = (xp.baseAddress!, wp.baseAddress!, yp.baseAddress!)
          // Planes are independent: split them over the engine's threads.
          parallelChunks(batch * channels, grain: 1) { planes in
            for plane in planes {
              let c = plane % channels
              let out = yb + plane * outH * outW
              run(xb + plane * height * width, wb + c * 9, bias[c], out)
              finish(out, outH * outW)
            }
          }
        }
      }
    }
    return y
  }

  private func finish(_ p: UnsafeMutablePointer<Float>, _ count: Int) {
    if let activation { applyActivation(activation, p, count) }
    if let q = fakeQuant { fakeQuantize(p, count, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3]) }
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
          // Four outputs at a time with explicit SIMD (unaligned loads), then the tail.
          var ox = inner.lowerBound
          let (v0, v1, v2) = (SIMD4<Float>(repeating: w0), SIMD4<Float>(repeating: w1), SIMD4<Float>(repeating: w2))
          let (v3, v4, v5) = (SIMD4<Float>(repeating: w3), SIMD4<Float>(repeating: w4), SIMD4<Float>(repeating: w5))
          let (v6, v7, v8) = (SIMD4<Float>(repeating: w6), SIMD4<Float>(repeating: w7), SIMD4<Float>(repeating: w8))
          let vb = SIMD4<Float>(repeating: b)
          while ox + 4 <= inner.upperBound {
            @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD4<Float> {
              UnsafeRawPointer(p).loadUnaligned(as: SIMD4<Float>.self)
            }
            var s = vb + v0 * load(r0 + ox) + v1 * load(r0 + ox + 1) + v2 * load(r0 + ox + 2)
            s += v3 * load(r1 + ox) + v4 * load(r1 + ox + 1) + v5 * load(r1 + ox + 2)
            s = s + v6 * load(r2 + ox) + v7 * load(r2 + ox + 1) + v8 * load(r2 + ox + 2)
            UnsafeMutableRawPointer(out + ox).storeBytes(of: s, as: SIMD4<Float>.self)
            ox += 4
          }
          while ox < inner.upperBound {
            var s = b + w0 * r0[ox] + w1 * r0[ox &+ 1] + w2 * r0[ox &+ 2]
            s += w3 * r1[ox] + w4 * r1[ox &+ 1] + w5 * r1[ox &+ 2]
            out[ox] = s + w6 * r2[ox] + w7 * r2[ox &+ 1] + w8 * r2[ox &+ 2]
            ox += 1
          }
        } else if stride == 2 {
          strideTwoRow(r0, r1, r2, w, b, inner, out)
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

  /// The interior of one output row at stride 2: four outputs from two 8-wide loads per input
  /// row (even lanes are the left taps, odd lanes the middle ones), then the scalar tail.
  /// The vector loop stops one output early so its second load (up to 2·ox+9) stays in the row.
  @inline(__always)
  private func strideTwoRow(
    _ r0: UnsafePointer<Float>, _ r1: UnsafePointer<Float>, _ r2: UnsafePointer<Float>,
    _ w: UnsafePointer<Float>, _ b: Float, _ inner: Range<Int>, _ out: UnsafeMutablePointer<Float>
  ) {
    @inline(__always) func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
      UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }
    @inline(__always) func splat(_ k: Int) -> SIMD4<Float> { SIMD4<Float>(repeating: w[k]) }
    let (v0, v1, v2, v3, v4, v5, v6, v7, v8) = (splat(0), splat(1), splat(2), splat(3), splat(4), splat(5), splat(6), splat(7), splat(8))
    let vb = SIMD4<Float>(repeating: b)
    var ox = inner.lowerBound
    while ox + 5 <= inner.upperBound {
      let i = ox &* 2
      let (a0, c0) = (load(r0 + i), load(r0 + i + 2))
      let (a1, c1) = (load(r1 + i), load(r1 + i + 2))
      let (a2, c2) = (load(r2 + i), load(r2 + i + 2))
      var s = vb + v0 * a0.evenHalf + v1 * a0.oddHalf + v2 * c0.evenHalf
      s += v3 * a1.evenHalf + v4 * a1.oddHalf + v5 * c1.evenHalf
      s = s + v6 * a2.evenHalf + v7 * a2.oddHalf + v8 * c2.evenHalf
      UnsafeMutableRawPointer(out + ox).storeBytes(of: s, as: SIMD4<Float>.self)
      ox += 4
    }
    let (w0, w1, w2, w3, w4, w5, w6, w7, w8) = (w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], w[8])
    while ox < inner.upperBound {
      let i = ox &* 2
      var s = b + w0 * r0[i] + w1 * r0[i &+ 1] + w2 * r0[i &+ 2]
      s += w3 * r1[i] + w4 * r1[i &+ 1] + w5 * r1[i &+ 2]
      out[ox] = s + w6 * r2[i] + w7 * r2[i &+ 1] + w8 * r2[i &+ 2]
      ox += 1
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
