import CKernels
import Testing

/// ck_maxpool2d at every code path against the definition (the max over each window's
/// valid inputs, -inf for a window wholly in the padding), over random shapes with odd
/// sizes, pads and ceil mode, and the paths against each other on NaNs and signed zeros.
@Suite(.timeLimit(.minutes(1))) struct MaxPoolKernelTests {
  struct Layer: CustomStringConvertible {
    var planes = 1, h = 1, w = 1, k = (1, 1), s = (1, 1), pad = (0, 0, 0, 0), ceil = false
    var description: String { "\(planes)×\(h)×\(w) k\(k) s\(s) p\(pad) ceil \(ceil)" }

    /// The output size as ONNX defines it (ceil mode drops a last window that starts in the
    /// end padding, as MXNet's pooling_convention='full' does).
    func out(_ n: Int, _ k: Int, _ s: Int, _ lo: Int, _ hi: Int) -> Int {
      let span = n + lo + hi - k
      var o = (ceil ? (span + s - 1) / s : span / s) + 1
      if ceil && (o - 1) * s >= n + lo { o -= 1 }
      return o
    }
    var oh: Int { out(h, k.0, s.0, pad.0, pad.2) }
    var ow: Int { out(w, k.1, s.1, pad.1, pad.3) }
    var params: ck_maxpool_params {
      ck_maxpool_params(
        planes: planes, height: h, width: w, out_height: oh, out_width: ow, kernel_h: k.0, kernel_w: k.1,
        stride_h: s.0, stride_w: s.1, pad_top: pad.0, pad_left: pad.1)
    }

    func reference(_ x: [Float]) -> [Float] {
      var y: [Float] = []
      for p in 0..<planes {
        for oy in 0..<oh {
          for ox in 0..<ow {
            var m = -Float.infinity
            for i in 0..<k.0 {
              for j in 0..<k.1 {
                let (iy, ix) = (oy * s.0 - pad.0 + i, ox * s.1 - pad.1 + j)
                if iy >= 0, iy < h, ix >= 0, ix < w { m = max(m, x[(p * h + iy) * w + ix]) }
              }
            }
            y.append(m)
          }
        }
      }
      return y
    }
  }

  static func run(_ layer: Layer, _ x: [Float], level: Int32) -> [Float] {
    var y = [Float](repeating: .nan, count: layer.planes * layer.oh * layer.ow)
    var params = layer.params
    #expect(ck_maxpool2d(&params, x, &y, level) == 0)
    return y
  }

  static func randomLayers(count: Int) -> [Layer] {
    var state: UInt64 = 99
    func next(_ n: Int) -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33) % n
    }
    var layers = [
      Layer(planes: 5, h: 111, w: 111, k: (3, 3), s: (2, 2), ceil: true),  // SqueezeNet's pool0
      Layer(planes: 3, h: 112, w: 112, k: (3, 3), s: (2, 2), pad: (1, 1, 1, 1)),  // ResNet's
      Layer(planes: 4, h: 14, w: 13, k: (3, 3), s: (1, 1), pad: (1, 1, 1, 1)),
      Layer(planes: 2, h: 9, w: 40, k: (2, 2), s: (2, 2)),
      // SqueezeNet's pool2 (13 outputs: one partial block) and exactly one full block of 16.
      Layer(planes: 3, h: 27, w: 27, k: (3, 3), s: (2, 2), ceil: true),
      Layer(planes: 2, h: 5, w: 33, k: (3, 3), s: (2, 2)),
    ]
    while layers.count < count {
      var l = Layer(planes: 1 + next(6), h: 1 + next(40), w: 1 + next(70), ceil: next(2) == 1)
      l.k = (1 + next(4), 1 + next(4))
      l.s = (1 + next(3), 1 + next(3))
      l.pad = (next(l.k.0), next(l.k.1), next(l.k.0), next(l.k.1))
      if l.h + l.pad.0 + l.pad.2 >= l.k.0, l.w + l.pad.1 + l.pad.3 >= l.k.1 { layers.append(l) }
    }
    return layers
  }

  @Test(arguments: [Int32(CK_LEVEL_PORTABLE), Int32(CK_LEVEL_AVX2), Int32(CK_LEVEL_AVX512)])
  func matchesDefinition(level: Int32) {
    ck_set_threads(2)
    for (n, layer) in Self.randomLayers(count: 120).enumerated() {
      let x = GemmTests.values(layer.planes * layer.h * layer.w, seed: UInt64(n + 1))
      let y = Self.run(layer, x, level: level)
      let want = layer.reference(x)
      let bad = y.indices.first { y[$0] != want[$0] }
      #expect(bad == nil, "\(layer) level \(level): at \(bad ?? 0) \(bad.map { y[$0] } ?? 0) vs \(bad.map { want[$0] } ?? 0)")
    }
  }

  @Test func pathsAgreeBitForBitOnNaNAndZeros() {
    let layer = Layer(planes: 3, h: 23, w: 37, k: (3, 3), s: (2, 2), pad: (1, 1, 1, 1), ceil: true)
    let specials: [Float] = [.nan, 0, -0.0, 1, -1, .infinity, -.infinity]
    var x = GemmTests.values(layer.planes * layer.h * layer.w, seed: 5)
    for i in stride(from: 0, to: x.count, by: 3) { x[i] = specials[(i / 3) % specials.count] }
    let portable = Self.run(layer, x, level: Int32(CK_LEVEL_PORTABLE)).map(\.bitPattern)
    for level in [Int32(CK_LEVEL_AVX2), Int32(CK_LEVEL_AVX512)] {
      #expect(Self.run(layer, x, level: level).map(\.bitPattern) == portable, "level \(level)")
    }
  }
}
