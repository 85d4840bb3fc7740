import Tensor
import Testing

@testable import ModelIO

/// MaxPool's sliding-window plan against the definition (windows clipped to the input),
/// over kernels, strides, pads and ceil mode.
@Suite struct MaxPoolTests {
  struct Case: CustomStringConvertible, Sendable {
    let h: Int, w: Int, k: [Int], s: [Int], pads: [Int], ceil: Bool
    var description: String { "\(h)×\(w) k\(k) s\(s) p\(pads) ceil \(ceil)" }
  }

  static let cases = [
    Case(h: 11, w: 11, k: [3, 3], s: [2, 2], pads: [0, 0, 0, 0], ceil: true),
    Case(h: 12, w: 9, k: [3, 3], s: [2, 2], pads: [1, 1, 1, 1], ceil: false),
    Case(h: 7, w: 10, k: [2, 3], s: [1, 3], pads: [0, 2, 1, 0], ceil: true),
    Case(h: 5, w: 5, k: [5, 5], s: [1, 1], pads: [2, 2, 2, 2], ceil: false),
    Case(h: 1, w: 6, k: [1, 2], s: [1, 2], pads: [0, 0, 0, 0], ceil: false),
  ]

  @Test(arguments: cases)
  func matchesDefinition(_ c: Case) throws {
    var rng = SplitMix(seed: 11)
    let channels = 3
    let x = (0..<(channels * c.h * c.w)).map { _ in Float.random(in: -1...1, using: &rng) }
    let node = Node(op: "MaxPool", name: "m", inputs: ["x"], outputs: ["y"], attributes: [
      "kernel_shape": .ints(c.k), "strides": .ints(c.s), "pads": .ints(c.pads), "ceil_mode": .int(c.ceil ? 1 : 0),
    ])
    let y = try OperatorTests.run(node, input: [1, channels, c.h, c.w], values: x)
    let (oh, ow) = (y.shape[2], y.shape[3])
    for ch in 0..<channels {
      for oy in 0..<oh {
        for ox in 0..<ow {
          var m = -Float.infinity
          for i in 0..<c.k[0] {
            for j in 0..<c.k[1] {
              let (iy, ix) = (oy * c.s[0] - c.pads[0] + i, ox * c.s[1] - c.pads[1] + j)
              if iy >= 0, iy < c.h, ix >= 0, ix < c.w { m = max(m, x[(ch * c.h + iy) * c.w + ix]) }
            }
          }
          #expect(y.scalars[(ch * oh + oy) * ow + ox] == m, "\(c) [\(ch), \(oy), \(ox)]")
        }
      }
    }
  }
}
