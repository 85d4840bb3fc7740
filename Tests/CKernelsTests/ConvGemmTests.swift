import CKernels
import Testing

/// ck_conv_gemm packs the im2col matrix straight from the image: compare it with a direct
/// convolution for strides, paddings (also only on one side), dilations and kernel sizes.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConvGemmTests {
  struct Case: CustomStringConvertible, Sendable {
    let c: Int, h: Int, w: Int, out: Int, k: (Int, Int), stride: (Int, Int), pad: (Int, Int), dil: (Int, Int)
    let outH: Int, outW: Int
    init(c: Int, h: Int, w: Int, out: Int, k: (Int, Int), stride: (Int, Int) = (1, 1), pad: (Int, Int) = (0, 0),
      padEnd: (Int, Int)? = nil, dil: (Int, Int) = (1, 1))
    {
      (self.c, self.h, self.w, self.out, self.k, self.stride, self.pad, self.dil) = (c, h, w, out, k, stride, pad, dil)
      let end = padEnd ?? pad
      outH = (h + pad.0 + end.0 - ((k.0 - 1) * dil.0 + 1)) / stride.0 + 1
      outW = (w + pad.1 + end.1 - ((k.1 - 1) * dil.1 + 1)) / stride.1 + 1
    }
    var description: String { "\(c)×\(h)×\(w)→\(out) k\(k) s\(stride) p\(pad) d\(dil) out \(outH)×\(outW)" }
  }

  static let cases: [Case] = [
    Case(c: 3, h: 9, w: 11, out: 7, k: (3, 3), pad: (1, 1)),
    Case(c: 2, h: 15, w: 13, out: 8, k: (7, 7), stride: (2, 2), pad: (3, 3)),
    Case(c: 5, h: 7, w: 7, out: 13, k: (3, 3), stride: (2, 2), pad: (1, 1)),
    Case(c: 4, h: 8, w: 6, out: 6, k: (1, 1), stride: (2, 2)),
    Case(c: 3, h: 10, w: 10, out: 5, k: (3, 3), pad: (2, 2), dil: (2, 2)),
    Case(c: 2, h: 6, w: 9, out: 3, k: (2, 3), stride: (1, 2), pad: (0, 1), padEnd: (1, 0)),
    Case(c: 1, h: 1, w: 1, out: 2, k: (1, 1)),
    Case(c: 70, h: 5, w: 5, out: 9, k: (3, 3), pad: (1, 1)),
    // Few columns, many rows: B packed once and shared by the tasks.
    Case(c: 40, h: 7, w: 7, out: 100, k: (3, 3), pad: (1, 1)),
    Case(c: 8, h: 14, w: 13, out: 96, k: (3, 3), stride: (2, 2), pad: (1, 1)),
  ]

  static func direct(_ t: Case, _ x: [Float], _ wt: [Float]) -> [Float] {
    var y = [Float](repeating: 0, count: t.out * t.outH * t.outW)
    for o in 0..<t.out {
      for oy in 0..<t.outH {
        for ox in 0..<t.outW {
          var s: Double = 0
          for c in 0..<t.c {
            for ki in 0..<t.k.0 {
              for kj in 0..<t.k.1 {
                let iy = oy * t.stride.0 - t.pad.0 + ki * t.dil.0
                let ix = ox * t.stride.1 - t.pad.1 + kj * t.dil.1
                guard iy >= 0, iy < t.h, ix >= 0, ix < t.w else { continue }
                s += Double(x[(c * t.h + iy) * t.w + ix]) * Double(wt[((o * t.c + c) * t.k.0 + ki) * t.k.1 + kj])
              }
            }
          }
          y[(o * t.outH + oy) * t.outW + ox] = Float(s)
        }
      }
    }
    return y
  }

  @Test(arguments: cases, GemmTests.levels)
  func matchesDirectConvolution(_ t: Case, level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let k = t.c * t.k.0 * t.k.1
    let x = GemmTests.values(t.c * t.h * t.w, seed: 7), wt = GemmTests.values(t.out * k, seed: 8)
    var packed = [Float](repeating: 0, count: ck_gemm_packed_a_count(t.out, k))
    ck_gemm_pack_a(t.out, k, wt, k, &packed)
    let plane = t.outH * t.outW
    var y = [Float](repeating: .nan, count: t.out * plane)
    x.withUnsafeBufferPointer { xp in
      var s = ck_conv_source(
        x: xp.baseAddress, channels: t.c, height: t.h, width: t.w, kernel_h: t.k.0, kernel_w: t.k.1,
        stride_h: t.stride.0, stride_w: t.stride.1, pad_top: t.pad.0, pad_left: t.pad.1, dilation_h: t.dil.0,
        dilation_w: t.dil.1, out_h: t.outH, out_w: t.outW)
      for threads: Int32 in [1, 2] {
        ck_set_threads(threads)
        ck_conv_gemm(t.out, packed, &s, &y, plane, nil)
        let want = Self.direct(t, x, wt)
        let tolerance = Float(k) * 1e-6 + 1e-6
        #expect(zip(y, want).allSatisfy { abs($0 - $1) <= tolerance }, "\(t), \(threads) threads")
      }
    }
    ck_set_threads(2)
  }
}
