import CKernels
import Testing

/// ck_conv_direct at every code path against ck_conv_gemm (the im2col path it replaces for
/// first layers) on random few-channel layers with odd sizes, one-sided pads, strides 1–3,
/// kernels 1–7, channel counts off the four-channel blocks, and each fused activation.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConvDirectTests {
  struct Layer: CustomStringConvertible {
    var c = 3, h = 1, w = 1, m = 1, k = (1, 1), s = (1, 1), pad = (0, 0), padEnd = (0, 0), act = CK_ACT_NONE
    var outH: Int { (h + pad.0 + padEnd.0 - k.0) / s.0 + 1 }
    var outW: Int { (w + pad.1 + padEnd.1 - k.1) / s.1 + 1 }
    var description: String { "\(c)×\(h)×\(w)→\(m) k\(k) s\(s) p\(pad)/\(padEnd) act \(act)" }
    func source(_ x: UnsafePointer<Float>?) -> ck_conv_source {
      ck_conv_source(
        x: x, channels: c, height: h, width: w, kernel_h: k.0, kernel_w: k.1, stride_h: s.0, stride_w: s.1,
        pad_top: pad.0, pad_left: pad.1, dilation_h: 1, dilation_w: 1, out_h: outH, out_w: outW)
    }
    /// The layer's source over `x` and its epilogue: `bias`, its activation, Clip to [-0.5, 0.75].
    func withArguments(_ x: [Float], bias: [Float], _ body: (inout ck_conv_source, inout ck_epilogue) -> Void) {
      bias.withUnsafeBufferPointer { bp in
        var ep = ck_epilogue()
        (ep.bias, ep.activation, ep.clip_lo, ep.clip_hi) = (bp.baseAddress, Int32(act), -0.5, 0.75)
        x.withUnsafeBufferPointer { xp in
          var source = self.source(xp.baseAddress)
          body(&source, &ep)
        }
      }
    }
  }

  static func layers() -> [Layer] {
    var state: UInt64 = 7
    func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % n
    }
    var layers = [
      Layer(c: 3, h: 224, w: 224, m: 64, k: (3, 3), s: (2, 2), act: CK_ACT_RELU),  // SqueezeNet 1.1
      Layer(c: 3, h: 64, w: 61, m: 64, k: (7, 7), s: (2, 2), pad: (3, 3), padEnd: (3, 3)),  // ResNet's
      Layer(c: 3, h: 45, w: 47, m: 32, k: (3, 3), s: (2, 2), pad: (0, 0), padEnd: (1, 1), act: CK_ACT_CLIP),  // MobileNetV2
    ]
    while layers.count < 40 {
      var l = Layer(c: 1 + next(4), h: 1 + next(30), w: 1 + next(60), m: 1 + next(20), act: Int(next(3)))
      l.k = (1 + next(7), 1 + next(7))
      l.s = (1 + next(3), 1 + next(3))
      l.pad = (next(l.k.0), next(l.k.1))
      l.padEnd = (next(l.k.0), next(l.k.1))
      if l.h + l.pad.0 + l.padEnd.0 >= l.k.0, l.w + l.pad.1 + l.padEnd.1 >= l.k.1 { layers.append(l) }
    }
    return layers
  }

  @Test(arguments: GemmTests.levels)
  func matchesConvGemm(level: Int32) {
    ck_set_threads(2)
    for (n, l) in Self.layers().enumerated() {
      let x = GemmTests.values(l.c * l.h * l.w, seed: UInt64(2 * n + 1))
      let wt = GemmTests.values(l.m * l.c * l.k.0 * l.k.1, seed: UInt64(2 * n + 2))
      let bias = GemmTests.values(l.m, seed: UInt64(n + 100))
      let plane = l.outH * l.outW
      var want = [Float](repeating: .nan, count: l.m * plane), got = want
      l.withArguments(x, bias: bias) { source, ep in
        #expect(ck_conv_direct_usable(l.m, &source, &ep) == (ck_gemm_cpu_level() >= CK_LEVEL_AVX512 ? 1 : 0), "\(l)")
        var packed = [Float](repeating: 0, count: ck_gemm_packed_a_count(l.m, l.c * l.k.0 * l.k.1))
        ck_gemm_pack_a(l.m, l.c * l.k.0 * l.k.1, wt, l.c * l.k.0 * l.k.1, &packed)
        #expect(ck_conv_gemm(l.m, packed, &source, &want, plane, &ep) == 0)
        #expect(ck_conv_direct(l.m, wt, &source, &got, plane, &ep, level) == 0)
      }
      let bad = got.indices.first { !(abs(got[$0] - want[$0]) <= 1e-5 * (1 + abs(want[$0])) * Float(l.c * l.k.0)) }
      #expect(bad == nil, "\(l) level \(level): at \(bad ?? 0): \(bad.map { got[$0] } ?? 0) vs \(bad.map { want[$0] } ?? 0)")
    }
  }

  /// The fused convolution + max pooling equals the convolution then ck_maxpool2d, bit for
  /// bit, at every level and thread count: pooling windows of 1–4 at strides 1–3 with pads,
  /// ceil-mode edges, bands that end mid-window, channel counts off the four-channel blocks.
  @Test(arguments: GemmTests.levels)
  func fusedMaxPoolEqualsConvThenPool(level: Int32) {
    var state: UInt64 = 11
    func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % n
    }
    for (n, l) in Self.layers().prefix(24).enumerated() {
      let (k, s) = (n < 2 ? (3, 3) : (1 + next(4), 1 + next(4)), n < 2 ? (2, 2) : (1 + next(3), 1 + next(3)))
      let pads = n == 1 ? (1, 1) : (next(k.0), next(k.1))
      guard l.outH + 2 * pads.0 >= k.0, l.outW + 2 * pads.1 >= k.1 else { continue }
      let ceil = n % 2 == 1
      func outSize(_ size: Int, _ k: Int, _ s: Int, _ p: Int) -> Int {
        let span = size + 2 * p - k
        var o = (ceil ? (span + s - 1) / s : span / s) + 1
        if ceil && (o - 1) * s >= size + p { o -= 1 }
        return o
      }
      var pool = ck_maxpool_params(
        planes: l.m, height: l.outH, width: l.outW, out_height: outSize(l.outH, k.0, s.0, pads.0),
        out_width: outSize(l.outW, k.1, s.1, pads.1), kernel_h: k.0, kernel_w: k.1, stride_h: s.0, stride_w: s.1,
        pad_top: pads.0, pad_left: pads.1)
      let x = GemmTests.values(l.c * l.h * l.w, seed: UInt64(3 * n + 1))
      let wt = GemmTests.values(l.m * l.c * l.k.0 * l.k.1, seed: UInt64(3 * n + 2))
      let bias = GemmTests.values(l.m, seed: UInt64(n + 200))
      let outPlane = pool.out_height * pool.out_width
      for threads in [1, 2] {
        ck_set_threads(Int32(threads))
        var conv = [Float](repeating: .nan, count: l.m * l.outH * l.outW)
        var want = [Float](repeating: .nan, count: l.m * outPlane), got = want
        l.withArguments(x, bias: bias) { source, ep in
          #expect(ck_conv_direct(l.m, wt, &source, &conv, l.outH * l.outW, &ep, level) == 0)
          #expect(ck_maxpool2d(&pool, conv, &want, level) == 0)
          #expect(ck_conv_direct_maxpool(l.m, wt, &source, &ep, &pool, &got, level) == 0)
        }
        #expect(got.map(\.bitPattern) == want.map(\.bitPattern), "\(l) pool k\(k) s\(s) p\(pads) ceil \(ceil), level \(level), \(threads) threads")
      }
    }
    ck_set_threads(2)
    // A pooling over another size than the convolution's output is refused.
    var source = Layer(c: 3, h: 8, w: 8, m: 4, k: (3, 3)).source(nil)
    var pool = ck_maxpool_params(
      planes: 4, height: 5, width: 6, out_height: 2, out_width: 2, kernel_h: 3, kernel_w: 3, stride_h: 2, stride_w: 2,
      pad_top: 0, pad_left: 0)
    var y = [Float](repeating: 0, count: 16)
    #expect(ck_conv_direct_maxpool(4, [Float](repeating: 0, count: 108), &source, nil, &pool, &y, level) == -1)
  }

  @Test func declinesWhatItDoesNotRun() {
    var source = Layer(c: 5, h: 8, w: 8, m: 4, k: (3, 3)).source(nil)
    #expect(ck_conv_direct_usable(4, &source, nil) == 0)
    source.channels = 3
    source.dilation_w = 2
    #expect(ck_conv_direct_usable(4, &source, nil) == 0)
    source.dilation_w = 1
    var ep = ck_epilogue()
    ep.fake_quant = 1
    #expect(ck_conv_direct_usable(4, &source, &ep) == 0)
  }
}
