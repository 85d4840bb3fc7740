import CKernels
import Tensor
import Testing

@testable import ModelIO

/// PackedConv's Winograd path (both tile sizes) against its direct packed gemm on the same
/// layer: odd sizes, batches of 1 and 3, pads 0 and 1, bias, the fused shortcut, relu and clip,
/// and writing into a wider (Concat's) output; every kernel level.
@Suite(.serialized) struct WinogradConvTests {
  struct Case: CustomStringConvertible, Sendable {
    let batch: Int, cin: Int, cout: Int, h: Int, w: Int, pads: [Int]
    var activation: UnaryOp? = .relu
    var description: String { "n\(batch) \(cin)→\(cout) \(h)×\(w) p\(pads) \(String(describing: activation))" }
  }

  static let cases = [
    Case(batch: 1, cin: 5, cout: 7, h: 7, w: 9, pads: [1, 1, 1, 1]),
    Case(batch: 3, cin: 19, cout: 13, h: 9, w: 7, pads: [0, 0, 0, 0], activation: .clip(min: -0.5, max: 0.5)),
    Case(batch: 3, cin: 3, cout: 33, h: 15, w: 22, pads: [1, 1, 1, 1], activation: nil),
    Case(batch: 1, cin: 70, cout: 9, h: 5, w: 5, pads: [1, 0, 0, 1]),
  ]

  static let levels: [Int32] = [Int32(CK_LEVEL_PORTABLE), Int32(CK_LEVEL_AVX2), Int32(CK_LEVEL_AVX512)]

  @Test(arguments: cases, levels)
  func matchesTheDirectPath(_ c: Case, level: Int32) throws {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    var rng = SplitMix(seed: 31)
    let shape = [c.batch, c.cin, c.h, c.w]
    let x = try Tensor(shape: shape, scalars: PackedConvTests.random(shape.reduce(1, *), &rng))
    let weights = PackedConvTests.random(c.cout * c.cin * 9, &rng), bias = PackedConvTests.random(c.cout, &rng)
    let (g, outShape) = try Tensor.conv2dGeometry(
      input: shape, weight: [c.cout, c.cin, 3, 3], options: Conv2DOptions(pads: c.pads))
    let residual = try Tensor(shape: outShape, scalars: PackedConvTests.random(outShape.reduce(1, *), &rng))
    func conv(_ tile: Int) -> PackedConv {
      weights.withUnsafeBufferPointer {
        PackedConv(
          weights: $0, geometry: g, groups: 1, outShape: outShape, bias: bias, activation: c.activation,
          fakeQuant: nil, winogradTile: tile)
      }
    }
    let direct = conv(0)
    #expect(direct.winograd == 0)
    let want = try direct(x, residual: residual)
    // Σ|x·w| ≤ 9·cin here (|x|, |w| ≤ 1): F(4,3)'s error stays within 64·ε of it
    // (WinogradTests), the direct path's (the same sum in another order) within a few ε.
    let tolerance = Float(9 * c.cin) * 80 * Float.ulpOfOne
    for tile in [2, 4] {
      let wino = conv(tile)
      #expect(wino.winograd == tile)
      let y = try wino(x, residual: residual)
      #expect(y.shape == want.shape)
      #expect(zip(y.scalars, want.scalars).allSatisfy { abs($0 - $1) <= tolerance }, "\(c) F\(tile)")
      // Into channels [2, 2 + cout) of a Concat's output of cout + 3 channels.
      let total = c.cout + 3, plane = outShape[2] * outShape[3]
      var wide = [Float](repeating: 7, count: c.batch * total * plane)
      let ok = wide.withUnsafeMutableBufferPointer {
        wino.run(x, residual: residual, into: $0.baseAddress!, channels: total, offset: 2)
      }
      #expect(ok)
      var inside = true, outside = true
      for n in 0..<c.batch {
        for ch in 0..<total {
          for p in 0..<plane {
            let v = wide[(n * total + ch) * plane + p]
            if ch < 2 || ch >= 2 + c.cout {
              outside = outside && v == 7
            } else {
              inside = inside && abs(v - want.scalars[(n * c.cout + ch - 2) * plane + p]) <= tolerance
            }
          }
        }
      }
      #expect(inside && outside, "\(c) F\(tile) into a Concat's output")
    }
  }

  /// Only one-group, stride-1, undilated 3×3 convolutions take the Winograd path.
  @Test func onlyEligibleGeometriesUseIt() throws {
    let weights = [Float](repeating: 0.5, count: 4 * 4 * 9)
    for (stride, dilation, groups, eligible) in [(1, 1, 1, true), (2, 1, 1, false), (1, 2, 1, false), (1, 1, 2, false)] {
      let (g, outShape) = try Tensor.conv2dGeometry(
        input: [1, 4, 12, 12], weight: [4, 4 / groups, 3, 3],
        options: Conv2DOptions(stride: (stride, stride), pads: [1, 1, 1, 1], dilation: (dilation, dilation), groups: groups))
      #expect(WinogradRule.eligible(g, groups: groups) == eligible)
      let conv = weights.withUnsafeBufferPointer {
        PackedConv(
          weights: $0, geometry: g, groups: groups, outShape: outShape, bias: nil, activation: nil, fakeQuant: nil,
          winogradTile: 4)
      }
      #expect((conv.winograd == 4) == eligible)
    }
  }
}
