import Tensor
import Testing

@testable import ModelIO

/// The fused 3×3 depthwise kernel (CKernels) against a naive loop, on both its AVX2 and
/// portable paths: odd plane sizes, strides 1 and 2, both padding styles, every epilogue.
@Suite struct DepthwiseTests {
  struct Shape: CustomStringConvertible, Sendable {
    let batch: Int, channels: Int, height: Int, width: Int
    var description: String { "\(batch)×\(channels)×\(height)×\(width)" }
  }

  enum Epilogue: String, CaseIterable, Sendable {
    case none, bias, relu, clip, quantize, clipQuantize, reluQuantizeInt8, leakyQuantize

    var activation: UnaryOp? {
      switch self {
      case .relu, .reluQuantizeInt8: .relu
      case .clip, .clipQuantize: .clip(min: 0, max: 6)
      case .leakyQuantize: .leakyRelu(alpha: 0.1)
      default: nil
      }
    }

    /// [scale, zeroPoint, lo, hi] as the graph rewrite makes them.
    var fakeQuant: [Float]? {
      switch self {
      case .quantize, .leakyQuantize: [0.05, 128, 0, 255]
      case .clipQuantize: [6.0 / 255, 0, 0, 255]
      case .reluQuantizeInt8: [0.03, -5, -128, 127]
      default: nil
      }
    }
  }

  static let shapes = [
    Shape(batch: 1, channels: 3, height: 7, width: 7), Shape(batch: 2, channels: 2, height: 5, width: 9),
    Shape(batch: 1, channels: 2, height: 1, width: 1), Shape(batch: 3, channels: 2, height: 2, width: 3),
    Shape(batch: 1, channels: 2, height: 14, width: 14), Shape(batch: 1, channels: 1, height: 4, width: 12),
    Shape(batch: 2, channels: 1, height: 9, width: 4), Shape(batch: 1, channels: 2, height: 3, width: 17),
    Shape(batch: 1, channels: 2, height: 12, width: 2), Shape(batch: 1, channels: 1, height: 11, width: 29),
  ]

  /// (stride, padding before, padding after): ONNX's symmetric 1 and TensorFlow's SAME at stride 2.
  static let geometries = [(1, 1, 1), (2, 1, 1), (2, 0, 1), (1, 0, 0)]

  struct Case: CustomStringConvertible, Sendable {
    let shape: Shape, stride: Int, before: Int, after: Int
    var description: String { "\(shape) s\(stride) pad \(before)/\(after)" }
    var outH: Int { (shape.height + before + after - 3) / stride + 1 }
    var outW: Int { (shape.width + before + after - 3) / stride + 1 }
  }

  static let cases: [Case] = shapes.flatMap { s in
    geometries.compactMap { g in
      let c = Case(shape: s, stride: g.0, before: g.1, after: g.2)
      return c.outH > 0 && c.outW > 0 ? c : nil
    }
  }

  static func random(_ count: Int, _ rng: inout SplitMix, scale: Float = 1) -> [Float] {
    (0..<count).map { _ in Float.random(in: -scale...scale, using: &rng) }
  }

  static func kernel(_ c: Case, _ e: Epilogue, weights: [Float], bias: [Float], portable: Bool) -> Depthwise3x3 {
    Depthwise3x3(
      channels: c.shape.channels, height: c.shape.height, width: c.shape.width, stride: c.stride, padTop: c.before,
      padLeft: c.before, outH: c.outH, outW: c.outW, weights: weights, bias: bias, activation: e.activation,
      fakeQuant: e.fakeQuant, forcePortable: portable)
  }

  /// The definition: bias, then the nine taps in kernel order with one rounding each
  /// (padding reads 0), then the Swift activation and fakeQuantize.
  static func naive(_ c: Case, _ e: Epilogue, _ x: [Float], weights: [Float], bias: [Float]) -> [Float] {
    let (h, w, ch) = (c.shape.height, c.shape.width, c.shape.channels)
    var y = [Float](repeating: 0, count: c.shape.batch * ch * c.outH * c.outW)
    for n in 0..<c.shape.batch {
      for k in 0..<ch {
        let plane = (n * ch + k)
        for oy in 0..<c.outH {
          for ox in 0..<c.outW {
            var v = bias[k]
            for t in 0..<9 {
              let (r, col) = (oy * c.stride - c.before + t / 3, ox * c.stride - c.before + t % 3)
              let input: Float = r >= 0 && r < h && col >= 0 && col < w ? x[plane * h * w + r * w + col] : 0
              v.addProduct(weights[k * 9 + t], input)
            }
            y[(plane * c.outH + oy) * c.outW + ox] = v
          }
        }
      }
    }
    y.withUnsafeMutableBufferPointer { p in
      if let a = e.activation { applyActivation(a, p.baseAddress!, p.count) }
      if let q = e.fakeQuant { fakeQuantize(p.baseAddress!, p.count, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3]) }
    }
    return y
  }

  static func check(_ c: Case, _ e: Epilogue, x: [Float], weights: [Float], bias: [Float]) throws {
    let expected = naive(c, e, x, weights: weights, bias: bias)
    let input = try Tensor(shape: [c.shape.batch, c.shape.channels, c.shape.height, c.shape.width], scalars: x)
    for portable in [false, true] {
      let y = kernel(c, e, weights: weights, bias: bias, portable: portable)(input, batch: c.shape.batch)
      #expect(y.shape == [c.shape.batch, c.shape.channels, c.outH, c.outW])
      let got = y.scalars
      let bad = got.indices.filter { i in
        if e.fakeQuant != nil { return got[i].bitPattern != expected[i].bitPattern }
        return !(abs(got[i] - expected[i]) <= 1e-5 * max(1, abs(expected[i])))
      }
      #expect(bad.isEmpty, "\(c) \(e) portable=\(portable): \(bad.count) outputs differ, first at \(bad.first ?? -1)")
    }
  }

  @Test(arguments: cases, Epilogue.allCases)
  func matchesNaiveLoop(_ c: Case, _ e: Epilogue) throws {
    var rng = SplitMix(seed: UInt64(c.shape.height * 131 + c.shape.width * 17 + c.stride))
    let x = Self.random(c.shape.batch * c.shape.channels * c.shape.height * c.shape.width, &rng, scale: 3)
    let weights = Self.random(c.shape.channels * 9, &rng)
    let bias = e == .none ? [Float](repeating: 0, count: c.shape.channels) : Self.random(c.shape.channels, &rng)
    try Self.check(c, e, x: x, weights: weights, bias: bias)
  }

  /// Inputs on the quantization grid's half steps, so that rounding meets exact ties (half
  /// to even), and non-finite inputs, which the clamps send to the bounds.
  @Test(arguments: [Epilogue.quantize, .clipQuantize, .reluQuantizeInt8])
  func tiesAndNonFiniteInputs(_ e: Epilogue) throws {
    let c = Case(shape: Shape(batch: 1, channels: 2, height: 9, width: 11), stride: 1, before: 1, after: 1)
    let s = e.fakeQuant![0]
    var x = (0..<(2 * 9 * 11)).map { i in (Float(i % 41) - 20 + 0.5) * s }
    x[13] = .nan
    x[120] = .infinity
    x[150] = -.infinity
    // The centre tap alone: each output is its input (plus a tie-making bias on channel 1).
    var weights = [Float](repeating: 0, count: 18)
    (weights[4], weights[13]) = (1, 1)
    try Self.check(c, e, x: x, weights: weights, bias: [0, s])
  }

  /// The run-time check finds AVX2 and FMA where the CPU lists them (else the tests above
  /// would compare the portable code with itself).
  @Test func detectsAVX2() throws {
    #if arch(x86_64) && os(Linux)
      let info = String(decoding: try Shared.bytes("/proc/cpuinfo"), as: UTF8.self)
      let flags = Set(info.split(separator: "\n").first { $0.hasPrefix("flags") }?.split(separator: " ") ?? [])
      #expect(Depthwise3x3.hasAVX2 == (flags.contains("avx2") && flags.contains("fma")))
    #else
      #expect(!Depthwise3x3.hasAVX2)
    #endif
  }
}
