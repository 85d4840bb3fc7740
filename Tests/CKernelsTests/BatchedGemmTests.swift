import CKernels
import Testing

/// Images stacked as the columns of one gemm: every image's output (written into a wider
/// NCHW buffer, as a Concat's) must match the plain loops, with the epilogue's bias and
/// per-image residual, when blocks straddle two images, for every kernel family.
@Suite(.serialized, .timeLimit(.minutes(2))) struct BatchedGemmTests {
  struct Case: CustomStringConvertible, Sendable {
    let images: Int, m: Int, plane: Int, k: Int
    var description: String { "\(images)× \(m)×\(plane)×\(k)" }
  }

  static let cases: [Case] = [
    .init(images: 3, m: 13, plane: 49, k: 20), .init(images: 5, m: 24, plane: 9, k: 300),
    .init(images: 2, m: 100, plane: 1, k: 7), .init(images: 4, m: 7, plane: 100, k: 33),
  ]

  /// Image i's C_i = A · B_i + bias + residual_i, clipped, from plain loops.
  static func reference(_ c: Case, _ a: [Float], _ x: [Float], _ bias: [Float], _ residual: [Float]) -> [Float] {
    var y = [Float](repeating: 0, count: c.images * c.m * c.plane)
    for i in 0..<c.images {
      for r in 0..<c.m {
        for t in 0..<c.plane {
          var s: Double = 0
          for p in 0..<c.k { s += Double(a[r * c.k + p]) * Double(x[(i * c.k + p) * c.plane + t]) }
          let at = (i * c.m + r) * c.plane + t
          y[at] = min(max(Float(s) + bias[r] + residual[at], -0.5), 0.75)
        }
      }
    }
    return y
  }

  @Test(arguments: cases, GemmTests.levels)
  func stackedImagesMatchPlainLoops(_ c: Case, level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let a = GemmTests.values(c.m * c.k, seed: 11), x = GemmTests.values(c.images * c.k * c.plane, seed: 12)
    let bias = GemmTests.values(c.m, seed: 13), residual = GemmTests.values(c.images * c.m * c.plane, seed: 14)
    var packed = [Float](repeating: 0, count: ck_gemm_packed_a_count(c.m, c.k))
    ck_gemm_pack_a(c.m, c.k, a, c.k, &packed)
    // The output is channels [2, 2 + m) of a buffer of m + 3 channels; the rest stays NaN.
    let total = c.m + 3
    let want = Self.reference(c, a, x, bias, residual)
    for threads: Int32 in [1, 2] {
      ck_set_threads(threads)
      var y = [Float](repeating: .nan, count: c.images * total * c.plane)
      bias.withUnsafeBufferPointer { bp in
        residual.withUnsafeBufferPointer { rp in
          var ep = ck_epilogue()
          (ep.bias, ep.residual, ep.residual_ld) = (bp.baseAddress, rp.baseAddress, c.plane)
          ep.activation = Int32(CK_ACT_CLIP)
          (ep.clip_lo, ep.clip_hi) = (-0.5, 0.75)
          var batch = ck_batch(
            count: c.images, x_stride: c.k * c.plane, c_stride: total * c.plane, residual_stride: c.m * c.plane)
          y.withUnsafeMutableBufferPointer { yp in
            let status = ck_gemm_batched(
              c.m, c.plane, c.k, packed, &batch, x, c.plane, yp.baseAddress! + 2 * c.plane, c.plane, &ep)
            #expect(status == 0)
          }
        }
      }
      let tolerance = Float(c.k) * 1e-6 + 1e-6
      for i in 0..<c.images {
        for ch in 0..<total {
          let got = y[(i * total + ch) * c.plane..<(i * total + ch + 1) * c.plane]
          if ch < 2 || ch >= 2 + c.m {
            #expect(got.allSatisfy { $0.isNaN }, "\(c): channel \(ch) of image \(i) was written")
            continue
          }
          let expected = want[(i * c.m + ch - 2) * c.plane..<(i * c.m + ch - 1) * c.plane]
          #expect(zip(got, expected).allSatisfy { abs($0 - $1) <= tolerance }, "\(c) threads \(threads): image \(i)")
        }
      }
    }
    ck_set_threads(2)
  }

  /// A stacked convolution (padding, stride 2, 7×7 → 4×4 outputs: blocks straddle images)
  /// against the same convolution run image by image.
  @Test(arguments: GemmTests.levels)
  func stackedConvolutionMatchesOneImageAtATime(level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let (images, ch, h, w, out, kk) = (3, 5, 7, 7, 20, 3)
    let (outH, outW) = ((h + 2 - kk) / 2 + 1, (w + 2 - kk) / 2 + 1)
    let k = ch * kk * kk, plane = outH * outW
    let x = GemmTests.values(images * ch * h * w, seed: 21), wt = GemmTests.values(out * k, seed: 22)
    var packed = [Float](repeating: 0, count: ck_gemm_packed_a_count(out, k))
    ck_gemm_pack_a(out, k, wt, k, &packed)
    var single = [Float](repeating: .nan, count: images * out * plane)
    var stacked = single
    x.withUnsafeBufferPointer { xp in
      var s = ck_conv_source(
        x: xp.baseAddress, channels: ch, height: h, width: w, kernel_h: kk, kernel_w: kk, stride_h: 2, stride_w: 2,
        pad_top: 1, pad_left: 1, dilation_h: 1, dilation_w: 1, out_h: outH, out_w: outW)
      for i in 0..<images {
        s.x = xp.baseAddress! + i * ch * h * w
        single.withUnsafeMutableBufferPointer { _ = ck_conv_gemm(out, packed, &s, $0.baseAddress! + i * out * plane, plane, nil) }
      }
      s.x = xp.baseAddress
      var batch = ck_batch(count: images, x_stride: ch * h * w, c_stride: out * plane, residual_stride: 0)
      #expect(ck_conv_gemm_batched(out, packed, &s, &batch, &stacked, plane, nil) == 0)
    }
    let tolerance = Float(k) * 1e-6 + 1e-6
    #expect(zip(single, stacked).allSatisfy { abs($0 - $1) <= tolerance }, "level \(level)")
  }
}
