import Testing

@testable import Tensor

@Suite struct BLASCoreTests {
  @Test func fallbackCoresAreReplacedByTheCPUsVectorLevel() {
    #expect(BLASCore.replacement(current: "Prescott", vectorLevel: 3) == "SkylakeX")
    #expect(BLASCore.replacement(current: "Prescott", vectorLevel: 2) == "Haswell")
    #expect(BLASCore.replacement(current: "Core2", vectorLevel: 1) == "Sandybridge")
    #expect(BLASCore.replacement(current: "Prescott", vectorLevel: 0) == nil)
  }

  @Test func aRecognisedCoreIsKept() {
    for core in ["Haswell", "SkylakeX", "Zen", "SapphireRapids"] {
      #expect(BLASCore.replacement(current: core, vectorLevel: 3) == nil)
    }
  }

  /// On a CPU with AVX or better and Debian's OpenBLAS, gemms run on vector kernels, never on
  /// the SSE3 fallback 0.3.21 picks for newer Xeons (the constructor replaced it before main).
  @Test(.enabled(if: BLASCore.cpuVectorLevel > 0 && BLASCore.name != "none", "needs x86 with AVX and OpenBLAS"))
  func gemmsRunOnTheCPUsVectorKernels() {
    var c: [Float] = [0]
    CPUBackend.shared.gemm(
      transA: false, transB: false, m: 1, n: 1, k: 1, alpha: 1, a: [2], lda: 1, b: [3], ldb: 1,
      beta: 0, c: &c, ldc: 1)
    #expect(c == [6])
    let level = BLASCore.cpuVectorLevel
    #expect(BLASCore.replacement(current: BLASCore.name, vectorLevel: level) == nil, "OpenBLAS runs \(BLASCore.name)")
  }
}
