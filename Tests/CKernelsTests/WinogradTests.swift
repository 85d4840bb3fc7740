import CKernels
import Testing

/// ck_winograd_conv (F(2×2,3×3) and F(4×4,3×3) on the packed gemm) against a direct
/// convolution in double precision: odd map sizes, pads 0 and 1 (and one-sided), channel
/// counts that fill no vector or panel, stacked images, the fused epilogue, every kernel level.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WinogradTests {
  struct Case: CustomStringConvertible, Sendable {
    let images: Int, c: Int, h: Int, w: Int, out: Int
    let padTop: Int, padLeft: Int, padBottom: Int, padRight: Int
    init(images: Int = 1, c: Int, h: Int, w: Int, out: Int, pad: Int, padEnd: Int? = nil) {
      (self.images, self.c, self.h, self.w, self.out) = (images, c, h, w, out)
      (padTop, padLeft, padBottom, padRight) = (pad, pad, padEnd ?? pad, padEnd ?? pad)
    }
    var outH: Int { h + padTop + padBottom - 2 }
    var outW: Int { w + padLeft + padRight - 2 }
    var description: String { "\(images)×\(c)×\(h)×\(w)→\(out) pad \(padTop)/\(padBottom) out \(outH)×\(outW)" }
  }

  static let cases: [Case] = [
    Case(c: 5, h: 7, w: 9, out: 7, pad: 1),
    Case(c: 3, h: 7, w: 9, out: 13, pad: 0),
    Case(images: 3, c: 19, h: 9, w: 7, out: 33, pad: 1),
    Case(images: 3, c: 4, h: 11, w: 13, out: 6, pad: 0),
    Case(c: 2, h: 6, w: 10, out: 5, pad: 1, padEnd: 0),
    // More than 16 tiles per row (several vector groups, a short last one) and many rows.
    Case(c: 17, h: 37, w: 70, out: 20, pad: 1),
    Case(c: 1, h: 3, w: 3, out: 1, pad: 0),
    // Many images: they run in parts of about 1024 tiles.
    Case(images: 70, c: 3, h: 8, w: 8, out: 4, pad: 1),
  ]

  /// The convolution in double, and Σ|x·w| per output (the scale rounding errors grow with).
  static func direct(_ t: Case, _ x: [Float], _ wt: [Float]) -> (y: [Double], scale: [Double]) {
    let plane = t.outH * t.outW
    var y = [Double](repeating: 0, count: t.images * t.out * plane), scale = y
    for n in 0..<t.images {
      for o in 0..<t.out {
        for oy in 0..<t.outH {
          for ox in 0..<t.outW {
            var (s, a) = (0.0, 0.0)
            for c in 0..<t.c {
              for ki in 0..<3 {
                for kj in 0..<3 {
                  let (iy, ix) = (oy - t.padTop + ki, ox - t.padLeft + kj)
                  guard iy >= 0, iy < t.h, ix >= 0, ix < t.w else { continue }
                  let p = Double(x[((n * t.c + c) * t.h + iy) * t.w + ix]) * Double(wt[((o * t.c + c) * 3 + ki) * 3 + kj])
                  (s, a) = (s + p, a + abs(p))
                }
              }
            }
            (y[(n * t.out + o) * plane + oy * t.outW + ox], scale[(n * t.out + o) * plane + oy * t.outW + ox]) = (s, a)
          }
        }
      }
    }
    return (y, scale)
  }

  /// Winograd's error bound grows with the transforms' norms: F(2,3)'s matrices hold only 0,
  /// ±1 and ±½, F(4,3)'s entries up to 8 and 1/24. Five times the worst error measured on
  /// layers of 5 to 512 channels (about 1·ε and 12·ε of Σ|x·w|), with ε = 2⁻²³; a direct
  /// sum's own bound is k·ε for k terms, so this is no looser than the direct path's tests.
  static func tolerance(tile: Int32) -> Double { (tile == 2 ? 5 : 64) * Double(Float.ulpOfOne) }

  @Test(arguments: cases, GemmTests.levels)
  func matchesDirectConvolution(_ t: Case, level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let x = GemmTests.values(t.images * t.c * t.h * t.w, seed: 11), wt = GemmTests.values(t.out * t.c * 9, seed: 12)
    let bias = GemmTests.values(t.out, seed: 13)
    let plane = t.outH * t.outW
    let residual = GemmTests.values(t.images * t.out * plane, seed: 14)
    let (want, scale) = Self.direct(t, x, wt)
    for tile: Int32 in [2, 4] {
      var packed = [Float](repeating: .nan, count: ck_winograd_packed_count(tile, t.out, t.c))
      ck_winograd_pack_weights(tile, t.out, t.c, wt, &packed)
      for threads: Int32 in [1, 2] {
        ck_set_threads(threads)
        // No epilogue, bias and relu (rows written as whole vectors where they fit the plane),
        // and bias, residual and relu (rows written exactly).
        for (fused, shortcut) in [(false, false), (true, false), (true, true)] {
          let y = run(t, tile: tile, packed: packed, x: x, bias: fused ? bias : nil, residual: shortcut ? residual : nil)
          var worst = 0.0
          for i in 0..<y.count {
            let c = i / plane % t.out
            let r = shortcut ? Double(residual[i]) : 0
            var v = want[i]
            if fused { v = max(v + Double(bias[c]) + r, 0) }
            worst = max(worst, abs(Double(y[i]) - v) / (scale[i] + 1 + abs(r)))
          }
          #expect(worst <= Self.tolerance(tile: tile), "\(t) F\(tile) \(threads) threads bias \(fused) residual \(shortcut): \(worst)")
        }
      }
    }
    ck_set_threads(2)
  }

  /// One call over all images; with `bias`, the epilogue adds it and `residual` (if given), then relu.
  func run(_ t: Case, tile: Int32, packed: [Float], x: [Float], bias: [Float]?, residual: [Float]?) -> [Float] {
    let plane = t.outH * t.outW
    var y = [Float](repeating: .nan, count: t.images * t.out * plane)
    var batch = ck_batch(
      count: t.images, x_stride: t.c * t.h * t.w, c_stride: t.out * plane, residual_stride: t.out * plane)
    let status = x.withUnsafeBufferPointer { xp in
      var s = ck_conv_source(
        x: xp.baseAddress, channels: t.c, height: t.h, width: t.w, kernel_h: 3, kernel_w: 3, stride_h: 1,
        stride_w: 1, pad_top: t.padTop, pad_left: t.padLeft, dilation_h: 1, dilation_w: 1, out_h: t.outH,
        out_w: t.outW)
      guard let bias else { return ck_winograd_conv(tile, t.out, packed, &s, &batch, &y, plane, nil) }
      return bias.withUnsafeBufferPointer { bp in
        (residual ?? []).withUnsafeBufferPointer { rp in
          var ep = ck_epilogue()
          (ep.bias, ep.residual_ld, ep.activation) = (bp.baseAddress, plane, Int32(CK_ACT_RELU))
          ep.residual = residual == nil ? nil : rp.baseAddress
          return ck_winograd_conv(tile, t.out, packed, &s, &batch, &y, plane, &ep)
        }
      }
    }
    #expect(status == 0)
    return y
  }

  /// Geometries it does not compute are refused, not miscomputed.
  @Test func refusesOtherGeometries() {
    var y = [Float](repeating: 0, count: 16)
    let packed = [Float](repeating: 0, count: 64)
    var s = ck_conv_source(
      x: nil, channels: 1, height: 6, width: 6, kernel_h: 3, kernel_w: 3, stride_h: 2, stride_w: 2, pad_top: 0,
      pad_left: 0, dilation_h: 1, dilation_w: 1, out_h: 2, out_w: 2)
    #expect(ck_winograd_conv(2, 1, packed, &s, nil, &y, 4, nil) == -2)
    s.stride_h = 1
    s.stride_w = 1
    #expect(ck_winograd_conv(3, 1, packed, &s, nil, &y, 4, nil) == -2)
  }
}
