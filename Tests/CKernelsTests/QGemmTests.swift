import CKernels
import Testing

/// The int8 kernels against naive integer loops and onnxruntime's requantization formula,
/// on every path this CPU runs (portable, AVX2, VNNI forced), random sizes and zero points.
@Suite(.serialized, .timeLimit(.minutes(2))) struct QGemmTests {
  struct Rng {
    var state: UInt64
    mutating func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % n
    }
  }

  static let paths: [Int32] = [Int32(CK_Q_PORTABLE), Int32(CK_Q_AVX2), Int32(CK_Q_VNNI)]

  /// MLAS's requantization of one accumulator, written independently of the C.
  static func requant(_ acc: Int, scale: Float, zero: Float, lo: Float = 0, hi: Float = 255) -> Float {
    let f = min(max(Float(Int32(acc)) * scale, lo - zero), hi - zero)
    return f.rounded(.toNearestOrEven) + zero
  }

  /// Weights packed as ck_qgemm takes them (uint8 codes shifted into int8), with the bias
  /// folding in the zero-point terms; the buffers live as long as `body`.
  static func withWeights<R>(
    _ wu: [UInt8], n: Int, k: Int, wz: [Int], xz: Int, bias: [Int], scale: [Float], zero: Float, dequantize: Bool,
    outScale: Float, _ body: (inout ck_qweights, inout ck_requant) -> R
  ) -> R {
    let kq = (k + 3) / 4 * 4, nq = (n + 15) / 16 * 16
    var w = [Int8](repeating: 0, count: n * kq), wt = [Int8](repeating: 0, count: kq * nq)
    var folded = bias
    for o in 0..<n {
      for i in 0..<k {
        let v = Int8(Int(wu[o * k + i]) - 128)
        w[o * kq + i] = v
        wt[((i / 4) * nq + o) * 4 + i % 4] = v
        folded[o] += -xz * Int(v) + xz * (wz[o] - 128)
      }
    }
    let w16 = w.map { Int16($0) }
    let wzero = wz.map { Int32($0 - 128) }, b32 = folded.map { Int32($0) }
    return w.withUnsafeBufferPointer { wp in
      w16.withUnsafeBufferPointer { w16p in
        wt.withUnsafeBufferPointer { wtp in
          wzero.withUnsafeBufferPointer { zp in
            b32.withUnsafeBufferPointer { bp in
              scale.withUnsafeBufferPointer { sp in
                var weights = ck_qweights(
                  n: n, k: k, kq: kq, w: wp.baseAddress, w16: w16p.baseAddress, wt: wtp.baseAddress, wzero: zp.baseAddress)
                var rq = ck_requant(
                  bias: bp.baseAddress, scale: sp.baseAddress, zero: zero, lo: 0, hi: 255, out_scale: outScale,
                  dequantize: dequantize ? 1 : 0)
                return body(&weights, &rq)
              }
            }
          }
        }
      }
    }
  }

  @Test(arguments: paths, [false, true])
  func pointwiseMatchesIntegerReference(path: Int32, valuesIn: Bool) {
    guard ck_q_supported(path) != 0 else { return }
    ck_set_threads(2)
    var rng = Rng(state: UInt64(path) * 97 + (valuesIn ? 5 : 0))
    for _ in 0..<12 {
      let (n, k, pixels) = (1 + rng.next(90), 1 + rng.next(150), 1 + rng.next(140))
      let xz = rng.next(256), zero = Float(rng.next(256)), xs = Float(1 + rng.next(50)) / 1000
      let x = (0..<(k * pixels)).map { _ in rng.next(256) }
      let wu = (0..<(n * k)).map { _ in UInt8(rng.next(256)) }
      let wz = (0..<n).map { _ in rng.next(256) }
      let bias = (0..<n).map { _ in rng.next(40_000) - 20_000 }
      let scale = (0..<n).map { _ in Float(1 + rng.next(400)) / 100_000 }
      let input = x.map { valuesIn ? Float($0 - xz) * xs : Float($0) }
      let pp = (pixels + 31) / 32 * 32
      var a = [UInt8](repeating: 0, count: (k + 3) / 4 * 4 * pp), asum = [Int32](repeating: 0, count: pp)
      ck_qpack_rows(input, pixels, k, pixels, pp, valuesIn ? xs : 0, Float(xz), &a, &asum)
      var y = [Float](repeating: .nan, count: n * pixels)
      Self.withWeights(wu, n: n, k: k, wz: wz, xz: xz, bias: bias, scale: scale, zero: zero, dequantize: false, outScale: 1) {
        ck_qgemm(&$0, a, asum, pixels, pp, &y, pixels, &$1, path)
      }
      for o in 0..<n {
        for p in 0..<pixels {
          var acc = bias[o]
          for i in 0..<k { acc += (x[i * pixels + p] - xz) * (Int(wu[o * k + i]) - wz[o]) }
          let want = Self.requant(acc, scale: scale[o], zero: zero)
          #expect(y[o * pixels + p] == want, "path \(path) n \(n) k \(k) pixels \(pixels): [\(o), \(p)]")
          if y[o * pixels + p] != want { return }
        }
      }
    }
  }

  @Test(arguments: paths)
  func im2colConvolutionMatchesReference(path: Int32) {
    guard ck_q_supported(path) != 0 else { return }
    ck_set_threads(2)
    var rng = Rng(state: 11 + UInt64(path))
    for _ in 0..<8 {
      let (c, h, w, n) = (1 + rng.next(6), 3 + rng.next(12), 3 + rng.next(12), 1 + rng.next(20))
      let (kh, kw, s, pad) = (1 + rng.next(3), 1 + rng.next(3), 1 + rng.next(2), rng.next(2))
      let oh = (h + 2 * pad - kh) / s + 1, ow = (w + 2 * pad - kw) / s + 1
      let k = c * kh * kw, pixels = oh * ow, pp = (pixels + 31) / 32 * 32
      let xz = rng.next(256), zero = Float(rng.next(256))
      let x = (0..<(c * h * w)).map { _ in rng.next(256) }
      let wu = (0..<(n * k)).map { _ in UInt8(rng.next(256)) }
      let wz = (0..<n).map { _ in rng.next(256) }
      let bias = (0..<n).map { _ in rng.next(2000) - 1000 }
      let scale = (0..<n).map { _ in Float(1 + rng.next(400)) / 10_000 }
      var a = [UInt8](repeating: 0, count: (k + 3) / 4 * 4 * pp), asum = [Int32](repeating: 0, count: pp)
      ck_qpack_im2col(x.map(Float.init), c, h, w, kh, kw, s, s, pad, pad, 1, 1, oh, ow, pp, 0, Float(xz), &a, &asum)
      var y = [Float](repeating: .nan, count: n * pixels)
      let outScale: Float = 0.25
      Self.withWeights(wu, n: n, k: k, wz: wz, xz: xz, bias: bias, scale: scale, zero: zero, dequantize: true, outScale: outScale) {
        ck_qgemm(&$0, a, asum, pixels, pp, &y, pixels, &$1, path)
      }
      for o in 0..<n {
        for p in 0..<pixels {
          var acc = bias[o]
          for ci in 0..<c {
            for i in 0..<kh {
              for j in 0..<kw {
                let iy = (p / ow) * s + i - pad, ix = (p % ow) * s + j - pad
                let v = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[(ci * h + iy) * w + ix] : xz
                acc += (v - xz) * (Int(wu[o * k + (ci * kh + i) * kw + j]) - wz[o])
              }
            }
          }
          let want = (Self.requant(acc, scale: scale[o], zero: zero) - zero) * outScale
          #expect(y[o * pixels + p] == want, "path \(path) [\(o), \(p)] of \(n)×\(oh)×\(ow), kernel \(kh)×\(kw)")
          if y[o * pixels + p] != want { return }
        }
      }
    }
  }
}

/// ck_depthwise3x3's requantizing epilogue (the int8 path's depthwise on centred codes), AVX2
/// and portable, against integer loops and the requantization formula.
@Suite(.serialized) struct DepthwiseRequantTests {
  @Test(arguments: [1, 2], [false, true])
  func matchesIntegerReference(stride: Int, portable: Bool) {
    var rng = QGemmTests.Rng(state: UInt64(stride * 7 + (portable ? 1 : 0)))
    let (c, h, w) = (5, 9 + stride, 13)
    let (oh, ow) = ((h + 1 - 3) / stride + 1, (w + 1 - 3) / stride + 1)  // pads: top/left 0, bottom/right 1
    let zx = rng.next(256)
    let x = (0..<(c * h * w)).map { _ in rng.next(256) }
    let wts = (0..<(c * 9)).map { _ in rng.next(511) - 255 }
    let bias = (0..<c).map { _ in rng.next(20_000) - 10_000 }
    let scale = (0..<c).map { _ in Float(1 + rng.next(300)) / 100_000 }
    let zero: Float = 17
    var p = ck_depthwise_params()
    (p.channels, p.height, p.width, p.out_height, p.out_width) = (c, h, w, oh, ow)
    (p.stride, p.pad_top, p.pad_left, p.force_portable) = (Int32(stride), 0, 0, portable ? 1 : 0)
    (p.requant, p.requant_zero, p.requant_lo, p.requant_hi) = (1, zero, 0, 255)
    let centred = x.map { Float($0 - zx) }, wf = wts.map(Float.init), bf = bias.map(Float.init)
    var y = [Float](repeating: .nan, count: c * oh * ow)
    wf.withUnsafeBufferPointer { wp in
      bf.withUnsafeBufferPointer { bp in
        scale.withUnsafeBufferPointer { sp in
          (p.weights, p.bias, p.requant_scale) = (wp.baseAddress, bp.baseAddress, sp.baseAddress)
          ck_depthwise3x3(&p, centred, &y, 0, c)
        }
      }
    }
    for ch in 0..<c {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var acc = bias[ch]
          for i in 0..<3 {
            for j in 0..<3 {
              let (iy, ix) = (oy * stride + i, ox * stride + j)
              if iy < h && ix < w { acc += (x[(ch * h + iy) * w + ix] - zx) * wts[ch * 9 + i * 3 + j] }
            }
          }
          let want = QGemmTests.requant(acc, scale: scale[ch], zero: zero)
          #expect(y[(ch * oh + oy) * ow + ox] == want, "stride \(stride) portable \(portable) [\(ch), \(oy), \(ox)]")
        }
      }
    }
  }
}
