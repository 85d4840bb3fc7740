import CKernels
import Testing

/// ck_gemv_s8 against the float product of the dequantized weights, with and without an
/// epilogue, both kernels, lengths around the 16-wide vector steps.
@Suite(.serialized, .timeLimit(.minutes(1))) struct GemvTests {
  @Test(arguments: [1, 15, 16, 17, 100, 1280], [false, true])
  func matchesDequantizedProduct(k: Int, portable: Bool) {
    ck_gemm_force_portable(portable ? 1 : 0)
    defer { ck_gemm_force_portable(0) }
    let m = 131
    var state: UInt64 = 3
    func next() -> Int {
      state = state &* 6364136223846793005 &+ 1442695040888963407
      return Int(state >> 33)
    }
    let q = (0..<(m * k)).map { _ in Int8(truncatingIfNeeded: next() % 256 - 128) }
    let x = GemmTests.values(k, seed: 12)
    let scale = (0..<m).map { Float(1 + $0 % 7) / 512 }, zero = (0..<m).map { Float($0 % 3 - 1) }
    let bias = GemmTests.values(m, seed: 13)
    ck_set_threads(2)
    var y = [Float](repeating: .nan, count: m)
    bias.withUnsafeBufferPointer { bp in
      var ep = ck_epilogue()
      ep.bias = bp.baseAddress
      ep.activation = Int32(CK_ACT_RELU)
      ck_gemv_s8(m, k, q, scale, zero, x, &y, &ep)
    }
    for o in 0..<m {
      var s: Double = 0
      for i in 0..<k { s += Double((Float(q[o * k + i]) - zero[o]) * scale[o]) * Double(x[i]) }
      let want = max(Float(s) + bias[o], 0)
      #expect(abs(y[o] - want) <= 1e-4 * (1 + abs(want)), "row \(o): \(y[o]) vs \(want)")
    }
  }
}
