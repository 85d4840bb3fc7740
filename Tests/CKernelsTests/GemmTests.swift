import CKernels
import Testing

/// ck_gemm against a plain triple loop, over shapes that hit every edge: rows not a multiple
/// of the 6-row panel, columns not a multiple of 16, depths around the 256-deep blocks, the
/// whole epilogue, one and several threads, and every kernel family (portable, AVX2,
/// AVX-512; a family this CPU lacks runs as the best one it has).
@Suite(.serialized, .timeLimit(.minutes(2))) struct GemmTests {
  struct Case: CustomStringConvertible, Sendable {
    let m: Int, n: Int, k: Int
    var description: String { "\(m)×\(n)×\(k)" }
  }

  static let shapes: [Case] = [
    .init(m: 1, n: 1, k: 1), .init(m: 6, n: 16, k: 8), .init(m: 7, n: 17, k: 3), .init(m: 5, n: 15, k: 257),
    .init(m: 13, n: 49, k: 256), .init(m: 64, n: 100, k: 300), .init(m: 100, n: 1, k: 600), .init(m: 2, n: 700, k: 27),
    .init(m: 200, n: 49, k: 530), .init(m: 97, n: 64, k: 40), .init(m: 12, n: 32, k: 5), .init(m: 25, n: 33, k: 70),
    .init(m: 18, n: 31, k: 513), .init(m: 130, n: 300, k: 64),
    // Tiled by the balance model rather than the halving rule (see tilesShareTheWorkEvenly).
    .init(m: 192, n: 169, k: 48), .init(m: 48, n: 169, k: 256), .init(m: 160, n: 49, k: 576),
  ]

  /// The kernel families the tests run: portable, AVX2, AVX-512.
  static let levels: [Int32] = [Int32(CK_LEVEL_PORTABLE), Int32(CK_LEVEL_AVX2), Int32(CK_LEVEL_AVX512)]

  /// Deterministic values in [-1, 1).
  static func values(_ count: Int, seed: UInt64) -> [Float] {
    var s = seed
    return (0..<count).map { _ in
      s = s &* 6364136223846793005 &+ 1442695040888963407
      return Float(Int64(bitPattern: s >> 11) % 2000) / 1000 - 1
    }
  }

  static func reference(_ c: Case, _ a: [Float], _ b: [Float], bias: [Float]?, residual: [Float]?, clip: (Float, Float)?) -> [Float] {
    var y = [Float](repeating: 0, count: c.m * c.n)
    for i in 0..<c.m {
      for j in 0..<c.n {
        var s: Double = 0
        for p in 0..<c.k { s += Double(a[i * c.k + p]) * Double(b[p * c.n + j]) }
        var v = Float(s) + (bias?[i] ?? 0) + (residual?[i * c.n + j] ?? 0)
        if let (lo, hi) = clip { v = min(max(v, lo), hi) }
        y[i * c.n + j] = v
      }
    }
    return y
  }

  static func run(_ c: Case, _ a: [Float], _ b: [Float], ep: ck_epilogue?) -> [Float] {
    var packed = [Float](repeating: .nan, count: ck_gemm_packed_a_count(c.m, c.k))
    ck_gemm_pack_a(c.m, c.k, a, c.k, &packed)
    // A guard band after C catches writes past the end.
    var out = [Float](repeating: .nan, count: c.m * c.n + 64)
    if var ep { ck_gemm(c.m, c.n, c.k, packed, b, c.n, &out, c.n, &ep) } else { ck_gemm(c.m, c.n, c.k, packed, b, c.n, &out, c.n, nil) }
    #expect(out[(c.m * c.n)...].allSatisfy { $0.isNaN }, "\(c): wrote past the end of C")
    return Array(out[..<(c.m * c.n)])
  }

  @Test(arguments: shapes, levels)
  func matchesPlainLoops(_ c: Case, level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let a = Self.values(c.m * c.k, seed: 1), b = Self.values(c.k * c.n, seed: 2)
    let bias = Self.values(c.m, seed: 3), residual = Self.values(c.m * c.n, seed: 4)
    for threads: Int32 in [1, 2, 3] {
      ck_set_threads(threads)
      let plain = Self.run(c, a, b, ep: nil)
      let expected = Self.reference(c, a, b, bias: nil, residual: nil, clip: nil)
      let tolerance = Float(c.k) * 1e-6 + 1e-6
      #expect(zip(plain, expected).allSatisfy { abs($0 - $1) <= tolerance }, "\(c) threads \(threads): plain product")

      bias.withUnsafeBufferPointer { bp in
        residual.withUnsafeBufferPointer { rp in
          var ep = ck_epilogue()
          ep.bias = bp.baseAddress
          ep.residual = rp.baseAddress
          ep.residual_ld = c.n
          ep.activation = Int32(CK_ACT_CLIP)
          (ep.clip_lo, ep.clip_hi) = (-0.5, 0.75)
          let fused = Self.run(c, a, b, ep: ep)
          let want = Self.reference(c, a, b, bias: bias, residual: residual, clip: (-0.5, 0.75))
          #expect(zip(fused, want).allSatisfy { abs($0 - $1) <= tolerance }, "\(c) threads \(threads): fused epilogue")
        }
      }
    }
    ck_set_threads(2)
  }

  /// Relu, and fake quantization bit for bit as the engine's Swift definition rounds it.
  @Test(arguments: levels)
  func reluAndFakeQuantization(level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let c = Case(m: 15, n: 40, k: 20)
    let a = Self.values(c.m * c.k, seed: 5), b = Self.values(c.k * c.n, seed: 6)
    let raw = Self.run(c, a, b, ep: nil)
    var ep = ck_epilogue()
    ep.activation = Int32(CK_ACT_RELU)
    ep.fake_quant = 1
    (ep.fq_scale, ep.fq_zero, ep.fq_lo, ep.fq_hi) = (0.0235, 3, 0, 255)
    let quantized = Self.run(c, a, b, ep: ep)
    for (q, r) in zip(quantized, raw) {
      let v = max(r, 0) / 0.0235
      let code = min(max(v.rounded(.toNearestOrEven) + 3, 0), 255)
      #expect(q == (code - 3) * 0.0235, "\(r) → \(q)")
    }
    #expect(Set(quantized).count > 5, "the test data spans several codes")
  }

  /// Values on and next to every half-integer multiple of the scale, where rounding the
  /// quotient decides the code: the kernel must agree bit for bit with the engine's rule.
  @Test(arguments: [0.0235, 0.1, 1.0 / 3, 1.0 / 127.5, 6.0 / 255, 1e-30] as [Float], levels)
  func fakeQuantizationTiesAreExact(scale: Float, level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    var values: [Float] = []
    for n in -300...300 {
      let tie = (Float(n) + 0.5) * scale
      values += [tie, tie.nextUp, tie.nextDown, tie.nextUp.nextUp, tie.nextDown.nextDown, Float(n) * scale]
    }
    values += [.infinity, -.infinity, .nan, 0, -0.0, 1e30, -1e30]
    let c = Case(m: 1, n: values.count, k: 1)
    var ep = ck_epilogue()
    ep.fake_quant = 1
    (ep.fq_scale, ep.fq_zero, ep.fq_lo, ep.fq_hi) = (scale, 7, 0, 255)
    let got = Self.run(c, [1], values, ep: ep)
    for (v, q) in zip(values, got) {
      // NaN saturates to the low end, as the engine's fakeQuantize clamps it.
      let code = v.isNaN ? 0 : min(max((v / scale).rounded(.toNearestOrEven) + 7, 0), 255)
      let want = (code - 7) * scale
      #expect(q.bitPattern == want.bitPattern, "\(v) with scale \(scale): \(q), want \(want)")
    }
  }

  /// One column (a dense layer on one image, which AVX-512 runs as a gemv) is bit for bit
  /// that column of a wider gemm (the same image inside a batch), epilogue included, at
  /// depths on both sides of the 256-deep blocks and on one and two threads.
  @Test(arguments: [(1, 1), (7, 255), (13, 256), (100, 257), (1000, 1280)], levels)
  func oneColumnEqualsThatColumnOfAWiderGemm(_ shape: (Int, Int), level: Int32) {
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let (m, k) = shape
    let a = Self.values(m * k, seed: 41), x = Self.values(k, seed: 42), other = Self.values(k, seed: 43)
    let wide = zip(x, other).flatMap { [$0, $1] }  // x as column 0 of a k×2 B
    var ep = ck_epilogue()
    let bias = Self.values(m, seed: 44)
    let previous = ck_threads()
    defer { ck_set_threads(previous) }
    bias.withUnsafeBufferPointer { bp in
      ep.bias = bp.baseAddress
      ep.activation = Int32(CK_ACT_RELU)
      for threads: Int32 in [1, 2] {
        ck_set_threads(threads)
        let one = Self.run(Case(m: m, n: 1, k: k), a, x, ep: ep)
        let two = Self.run(Case(m: m, n: 2, k: k), a, wide, ep: ep)
        let differing = (0..<m).filter { one[$0].bitPattern != two[2 * $0].bitPattern }
        #expect(differing.isEmpty, "\(m)×\(k), \(threads) threads: rows \(differing.prefix(5)) differ")
      }
    }
  }

  /// On two threads each thread's own tasks (ck_parallel_for's contiguous halves) hold the
  /// same work, where halving the columns gave MobileNetV2's 196 columns tiles of 128 and 68
  /// (one thread 35 % longer). Work: a task's live rows × live 16-column panels.
  @Test(arguments: [Case(m: 576, n: 196, k: 96), Case(m: 384, n: 196, k: 64), Case(m: 192, n: 169, k: 48)])
  func tilesShareTheWorkEvenly(_ c: Case) {
    ck_gemm_force_level(Int32(CK_LEVEL_AVX512))
    defer { ck_gemm_force_level(-1) }
    var rows = 0, cols = 0
    ck_gemm_tiles(c.m, c.n, c.k, 2, &rows, &cols)
    #expect(rows > 0 && cols > 0 && cols % 16 == 0, "\(c): tiles \(rows)×\(cols)")
    let rowTiles = (c.m + rows - 1) / rows, colTiles = (c.n + cols - 1) / cols
    let work = (0..<(rowTiles * colTiles)).map { t in
      let (r, col) = (t % rowTiles, t / rowTiles)
      return min(rows, c.m - r * rows) * ((min(cols, c.n - col * cols) + 15) / 16)
    }
    let half = work.count / 2
    var (emptyRows, emptyCols) = (-1, -1)
    ck_gemm_tiles(0, c.n, c.k, 2, &emptyRows, &emptyCols)
    #expect(emptyRows == 0 && emptyCols == 0)
    let shares = [work[..<half].reduce(0, +), work[half...].reduce(0, +)]
    #expect(work.count >= 2 && shares.max()! * 10 <= shares.min()! * 11, "\(c): tiles \(rows)×\(cols), shares \(shares)")
  }

  /// Packing from Aᵀ as stored (a Linear layer's [inputs, outputs]) lays out exactly the
  /// panels that packing A itself does, padding included.
  @Test(arguments: shapes)
  func packingFromTheTransposeMatches(_ c: Case) {
    let a = (0..<(c.m * c.k)).map { Float($0 % 97) - 48.5 }
    let at = (0..<(c.k * c.m)).map { a[($0 % c.m) * c.k + $0 / c.m] }
    let count = ck_gemm_packed_a_count(c.m, c.k)
    var direct = [Float](repeating: .nan, count: count), transposed = [Float](repeating: .nan, count: count)
    ck_gemm_pack_a(c.m, c.k, a, c.k, &direct)
    ck_gemm_pack_a_transposed(c.m, c.k, at, c.m, &transposed)
    #expect(direct.map(\.bitPattern) == transposed.map(\.bitPattern), "\(c)")
  }

  /// Packing A lays out each 6-row panel depth by depth, zeros below the last row, from rows
  /// with a stride wider than the depth; the same on every level (AVX2 transposes 8×8 blocks)
  /// and thread count (runs of panels on the pool), and nothing past the panels is written.
  @Test(arguments: [(1, 1), (5, 8), (6, 8), (6, 9), (7, 16), (12, 16), (13, 17), (97, 25), (600, 96), (3136, 40)], levels)
  func packingAMatchesTheElementLoop(_ size: (Int, Int), level: Int32) {
    let (m, k) = size
    ck_gemm_force_level(level)
    defer { ck_gemm_force_level(-1) }
    let previous = ck_threads()
    defer { ck_set_threads(previous) }
    let lda = k + 3
    let a = (0..<(m * lda)).map { Float($0 % 89) - 44.25 }
    let count = ck_gemm_packed_a_count(m, k)
    var expected = [Float](repeating: 0, count: count)
    for i0 in stride(from: 0, to: m, by: 6) {
      for p in 0..<k {
        for r in 0..<6 where i0 + r < m { expected[i0 * k + p * 6 + r] = a[(i0 + r) * lda + p] }
      }
    }
    for threads: Int32 in [1, 2] {
      ck_set_threads(threads)
      var packed = [Float](repeating: .nan, count: count + 16)
      ck_gemm_pack_a(m, k, a, lda, &packed)
      #expect(packed[..<count].map(\.bitPattern) == expected.map(\.bitPattern), "\(m)×\(k), \(threads) threads")
      #expect(packed[count...].allSatisfy { $0.isNaN }, "\(m)×\(k): wrote past the panels")
    }
  }

  @Test func theCPUCheckAgreesWithTheForcedSwitch() {
    ck_gemm_force_portable(1)
    #expect(ck_gemm_uses_avx2() == 0)
    #expect(ck_gemm_level() == Int32(CK_LEVEL_PORTABLE))
    ck_gemm_force_portable(0)
    #expect(ck_gemm_level() == ck_gemm_cpu_level())
    for level in Self.levels {
      ck_gemm_force_level(level)
      #expect(ck_gemm_level() == min(level, ck_gemm_cpu_level()))
    }
    ck_gemm_force_level(-1)
  }
}
