import CKernels
import Testing

/// ck_sgd_update: the shards' pieces summed in order inside the update give, on every path
/// and length, the bits of summing them first and then applying the scalar rule (what the
/// Swift optimiser did), so training does not depend on the CPU or on how pieces arrive.
@Suite(.timeLimit(.minutes(1))) struct SGDUpdateTests {
  static func reference(
    _ w: inout [Float], _ v: inout [Float], _ pieces: [[Float]], lr: Float, mu: Float, wd: Float
  ) {
    for i in w.indices {
      var g = pieces[0][i]
      for p in pieces.dropFirst() { g += p[i] }
      v[i] = mu * v[i] - lr * (g + wd * w[i])
      w[i] += v[i]
    }
  }

  @Test(arguments: GemmTests.levels)
  func matchesSummingFirst(level: Int32) {
    // Rates far from training's, so every product's rounding shows in the sums (an FMA would).
    let (lr, mu, wd): (Float, Float, Float) = (0.537, 0.9, 0.373)
    for parts in 1...3 {
      for n in [1, 7, 8, 15, 16, 17, 1003] {
        let seed = UInt64(parts * 100 + n)
        let pieces = (0..<parts).map { s in GemmTests.values(n, seed: seed + UInt64(s)).map { $0 * 0.731 + 1e-3 } }
        var (w, v) = (GemmTests.values(n, seed: seed + 50).map { $0 * 1.37 }, GemmTests.values(n, seed: seed + 60))
        var (rw, rv) = (w, v)
        for _ in 0..<2 {
          Self.reference(&rw, &rv, pieces, lr: lr, mu: mu, wd: wd)
          pieces.withPointers { ck_sgd_update(n, &w, &v, $0, Int32(parts), lr, mu, wd, level) }
        }
        #expect(w.map(\.bitPattern) == rw.map(\.bitPattern), "level \(level) parts \(parts) n \(n): weights")
        #expect(v.map(\.bitPattern) == rv.map(\.bitPattern), "level \(level) parts \(parts) n \(n): velocity")
      }
    }
  }
}

extension Array where Element == [Float] {
  /// Runs `body` with a pointer to each inner array's elements, in order.
  func withPointers<R>(_ body: ([UnsafePointer<Float>?]) -> R) -> R {
    func nest(_ i: Int, _ pointers: [UnsafePointer<Float>?]) -> R {
      guard i < count else { return body(pointers) }
      return self[i].withUnsafeBufferPointer { nest(i + 1, pointers + [$0.baseAddress]) }
    }
    return nest(0, [])
  }
}
