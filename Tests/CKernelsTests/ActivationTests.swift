import CKernels
import Foundation
import Testing

/// ck_sigmoid and ck_silu at every code path against double precision, over the range where
/// the exp matters, the clamps at both ends, and lengths off the vector widths.
@Suite(.timeLimit(.minutes(1))) struct ActivationTests {
  static let inputs: [Float] = {
    var v = GemmTests.values(4001, seed: 31).map { $0 * 30 }
    v += [0, -0.0, 1e-3, -1e-3, 87, -87, 88, -88, 89, -89, 100, -100, 1e10, -1e10, 16.5, -16.5]
    return v
  }()

  @Test(arguments: GemmTests.levels)
  func matchDoublePrecision(level: Int32) {
    let x = Self.inputs
    var s = [Float](repeating: .nan, count: x.count), y = s
    ck_sigmoid(x, &s, x.count, level)
    ck_silu(x, &y, x.count, level)
    for i in x.indices {
      let sig = 1 / (1 + exp(-Double(x[i])))
      // 3 ulp relative, or absolutely tiny where the true value is below float's normals.
      let okS = abs(Double(s[i]) - sig) <= 3 * Double(Float.ulpOfOne) * sig + 1e-37
      let okY = abs(Double(y[i]) - Double(x[i]) * sig) <= 3 * Double(Float.ulpOfOne) * abs(Double(x[i]) * sig) + 1e-35
      #expect(okS && okY, "level \(level) x \(x[i]): σ \(s[i]) vs \(sig), silu \(y[i]) vs \(Double(x[i]) * sig)")
      if !(okS && okY) { break }
    }
  }

  /// ck_tanh: within a few ulp of tanh near zero, the identity below 0.0004, ±1 past the
  /// clamp, NaN through, and the same bits on every path (training must not depend on the CPU).
  @Test func tanhIsAccurateAndTheSameOnEveryPath() {
    var x = Self.inputs.map { $0 / 3 }
    x += [3e-4, -3e-4, 5e-4, 7.9, -7.9, 7.95, -7.95, .infinity, -.infinity, .nan]
    var reference = [Float](repeating: 0, count: x.count)
    ck_tanh(x, &reference, x.count, 0)
    for i in x.indices where !x[i].isNaN {
      let t = tanh(Double(x[i]))
      let ok = abs(Double(reference[i]) - t) <= 2e-7 + 2e-6 * abs(t)
      #expect(ok, "x \(x[i]): \(reference[i]) vs \(t)")
      if !ok { break }
    }
    #expect(reference.last!.isNaN)
    for level in GemmTests.levels where level != 0 {
      var y = [Float](repeating: 0, count: x.count)
      ck_tanh(x, &y, x.count, level)
      #expect(y.map(\.bitPattern) == reference.map(\.bitPattern), "level \(level)")
      // In place, and a length off the vector width.
      var z = Array(x.prefix(21))
      z.withUnsafeMutableBufferPointer { ck_tanh($0.baseAddress, $0.baseAddress, 21, level) }
      #expect(z.map(\.bitPattern) == reference.prefix(21).map(\.bitPattern), "level \(level) in place")
    }
  }
}
