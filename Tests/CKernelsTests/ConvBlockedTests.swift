import CKernels
import Testing

/// ck_conv_blocked against ck_conv_gemm's arithmetic, bit for bit (the same sums in the same
/// order, the same epilogue): random small-map layers with odd sizes, one-sided pads, strides 1–2,
/// dilation, kernels 1–5, channel counts off the 32-channel blocks, depths over one K block,
/// residuals, each activation, outputs wider than one 14-column segment, and a batch
/// written into a wider (concatenated) output.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConvBlockedTests {
  struct Layer: CustomStringConvertible {
    var c = 1, h = 1, w = 1, m = 1, k = (3, 3), s = (1, 1), d = (1, 1), pad = (0, 0), padEnd = (0, 0)
    var act = CK_ACT_NONE, residual = false, images = 1
    var outH: Int { (h + pad.0 + padEnd.0 - d.0 * (k.0 - 1) - 1) / s.0 + 1 }
    var outW: Int { (w + pad.1 + padEnd.1 - d.1 * (k.1 - 1) - 1) / s.1 + 1 }
    var depth: Int { c * k.0 * k.1 }
    var description: String {
      "\(images)×\(c)×\(h)×\(w)→\(m) k\(k) s\(s) d\(d) p\(pad)/\(padEnd) act \(act) residual \(residual)"
    }
  }

  static func layers() -> [Layer] {
    var state: UInt64 = 23
    func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % n
    }
    var layers = [
      Layer(c: 48, h: 13, w: 13, m: 192, pad: (1, 1), padEnd: (1, 1), act: CK_ACT_RELU),  // SqueezeNet's fire6
      Layer(c: 64, h: 13, w: 13, m: 256, pad: (1, 1), padEnd: (1, 1), act: CK_ACT_RELU, images: 3),  // fire9
      Layer(c: 40, h: 14, w: 14, m: 72, s: (2, 2), pad: (1, 1), padEnd: (1, 1), residual: true),  // a downsampling
      Layer(c: 30, h: 7, w: 7, m: 32, pad: (1, 1), padEnd: (1, 1), act: CK_ACT_CLIP, residual: true, images: 2),
      Layer(c: 5, h: 9, w: 40, m: 33, pad: (1, 1), padEnd: (1, 1)),  // three column segments
    ]
    while layers.count < 40 {
      var l = Layer(c: 1 + next(40), h: 1 + next(16), w: 1 + next(20), m: 1 + next(70), act: next(3))
      l.k = (1 + next(5), 1 + next(5))
      l.s = (1 + next(2), 1 + next(2))
      l.d = (1 + next(2), 1 + next(2))
      l.pad = (next(l.k.0), next(l.k.1))
      l.padEnd = (next(l.k.0), next(l.k.1))
      (l.residual, l.images) = (next(3) == 0, 1 + next(3))
      if l.outH >= 1, l.outW >= 1 { layers.append(l) }
    }
    return layers
  }

  @Test func equalsTheGemmsArithmeticBitForBit() throws {
    try #require(ck_gemm_cpu_level() >= CK_LEVEL_AVX512, "the blocked kernel is AVX-512 only")
    // The layers take 1, 2 and 5 threads in turn (tasks split across threads' claims).
    for (n, l) in Self.layers().enumerated() {
      ck_set_threads(Int32([1, 2, 5][n % 3]))
      check(l, seed: UInt64(3 * n))
    }
    ck_set_threads(2)
  }

  /// The layer's output as channels 3..<3+m of an output of m + 5 channels (as a Concat's),
  /// every float outside them left untouched, against `reference`.
  func check(_ l: Layer, seed: UInt64) {
    let plane = l.outH * l.outW, total = l.m + 5
    let x = GemmTests.values(l.images * l.c * l.h * l.w, seed: seed + 1)
    let wt = GemmTests.values(l.m * l.depth, seed: seed + 2)
    let bias = GemmTests.values(l.m, seed: seed + 3)
    let residual = GemmTests.values(l.images * l.m * plane, seed: seed + 4)
    let want = reference(l, x: x, weights: wt, bias: bias, residual: l.residual ? residual : nil, channels: total)
    var got = [Float](repeating: .nan, count: l.images * total * plane)
    var packed = [Float](repeating: .nan, count: ck_conv_blocked_packed_count(l.m, l.depth))
    ck_conv_blocked_pack(l.m, l.depth, wt, &packed)
    bias.withUnsafeBufferPointer { bp in
      residual.withUnsafeBufferPointer { rp in
        x.withUnsafeBufferPointer { xp in
          var ep = ck_epilogue()
          (ep.bias, ep.activation, ep.clip_lo, ep.clip_hi) = (bp.baseAddress, Int32(l.act), -0.5, 0.75)
          if l.residual { (ep.residual, ep.residual_ld) = (rp.baseAddress, plane) }
          var source = ck_conv_source(
            x: xp.baseAddress, channels: l.c, height: l.h, width: l.w, kernel_h: l.k.0, kernel_w: l.k.1,
            stride_h: l.s.0, stride_w: l.s.1, pad_top: l.pad.0, pad_left: l.pad.1, dilation_h: l.d.0,
            dilation_w: l.d.1, out_h: l.outH, out_w: l.outW)
          var batch = ck_batch(
            count: l.images, x_stride: l.c * l.h * l.w, c_stride: total * plane, residual_stride: l.m * plane)
          #expect(ck_conv_blocked_usable(l.m, &source, &ep) == 1, "\(l)")
          got.withUnsafeMutableBufferPointer { gp in
            #expect(ck_conv_blocked(l.m, packed, &source, &batch, gp.baseAddress! + 3 * plane, plane, &ep) == 0)
          }
        }
      }
    }
    let bad = got.indices.first { got[$0].bitPattern != want[$0].bitPattern }
    #expect(bad == nil, "\(l): at \(bad ?? 0): \(bad.map { got[$0] } ?? 0) vs \(bad.map { want[$0] } ?? 0)")
  }

  /// ck_conv_gemm's arithmetic, one output at a time (its AVX-512 path; the test does not
  /// call it, since other suites force the gemm's level while they run): the depth in K
  /// blocks of at most 256, each a product then fused multiply-adds in (channel, ky, kx)
  /// order, the blocks' sums added in turn; then bias, residual, and ReLU or Clip as MAXPS
  /// and MINPS compute them. Channels 3..<3+m of `channels`; NaN elsewhere.
  func reference(_ l: Layer, x: [Float], weights: [Float], bias: [Float], residual: [Float]?, channels: Int)
    -> [Float]
  {
    let plane = l.outH * l.outW, taps = l.k.0 * l.k.1
    let blocks = (l.depth + 255) / 256, kc = (l.depth + blocks - 1) / blocks
    var y = [Float](repeating: .nan, count: l.images * channels * plane)
    for n in 0..<l.images {
      for co in 0..<l.m {
        for oy in 0..<l.outH {
          for ox in 0..<l.outW {
            var sum: Float = 0
            for pc in stride(from: 0, to: l.depth, by: kc) {
              var acc: Float = 0
              for p in pc..<min(pc + kc, l.depth) {
                let (ci, ky, kx) = (p / taps, p % taps / l.k.1, p % l.k.1)
                let iy = oy * l.s.0 - l.pad.0 + ky * l.d.0, ix = ox * l.s.1 - l.pad.1 + kx * l.d.1
                let inside = iy >= 0 && iy < l.h && ix >= 0 && ix < l.w
                let v = inside ? x[((n * l.c + ci) * l.h + iy) * l.w + ix] : 0
                let w = weights[co * l.depth + p]
                acc = p == pc ? w * v : acc.addingProduct(w, v)
              }
              sum = pc == 0 ? acc : acc + sum
            }
            var v = sum + bias[co]
            if let residual { v = v + residual[(n * l.m + co) * plane + oy * l.outW + ox] }
            if l.act == CK_ACT_RELU { v = v > 0 ? v : 0 }
            if l.act == CK_ACT_CLIP {
              v = v > -0.5 ? v : -0.5
              v = v < 0.75 ? v : 0.75
            }
            y[(n * channels + 3 + co) * plane + oy * l.outW + ox] = v
          }
        }
      }
    }
    return y
  }

  @Test func refusesWhatItDoesNotCompute() {
    var source = ck_conv_source(
      x: nil, channels: 8, height: 9, width: 9, kernel_h: 3, kernel_w: 3, stride_h: 3, stride_w: 3, pad_top: 1,
      pad_left: 1, dilation_h: 1, dilation_w: 1, out_h: 3, out_w: 3)
    var ep = ck_epilogue()
    #expect(ck_conv_blocked_usable(16, &source, &ep) == 0, "stride 3")
    (source.stride_h, source.stride_w, source.out_h, source.out_w) = (1, 1, 9, 9)
    ep.fake_quant = 1
    #expect(ck_conv_blocked_usable(16, &source, &ep) == 0, "fake quantization")
    // Asked anyway, it refuses without reading the weights or writing the output.
    var out = [Float](repeating: 7, count: 16 * 81)
    #expect(ck_conv_blocked(16, [], &source, nil, &out, 81, &ep) == -1)
    #expect(out.allSatisfy { $0 == 7 })
    ep.fake_quant = 0
    #expect(ck_conv_blocked_usable(0, &source, &ep) == 0, "no outputs")
  }
}
