import CKernels
import Testing

/// ck_transpose at every level and thread count moves each value to its transposed place:
/// shapes around the 8 × 8 blocks and the 256-row bands, single rows and columns, batches.
@Suite(.serialized) struct TransposeTests {
  @Test(arguments: GemmTests.levels)
  func movesEveryValue(level: Int32) {
    let shapes = [(1, 1, 1), (1, 8, 8), (2, 7, 9), (1, 96, 3136), (3, 3136, 96), (1, 300, 17), (2, 5, 1001), (1, 1, 40), (1, 40, 1), (4, 257, 33)]
    for threads: Int32 in [1, 2] {
      ck_set_threads(threads)
      for (batch, rows, cols) in shapes {
        // Distinct values (the index), so a misplaced one cannot go unnoticed.
        let x = (0..<(batch * rows * cols)).map { Float($0) }
        var y = [Float](repeating: -1, count: x.count)
        ck_transpose(x, batch, rows, cols, &y, level)
        let bad = (0..<x.count).first { i in
          let (b, r, c) = (i / (rows * cols), i / cols % rows, i % cols)
          return y[b * rows * cols + c * rows + r] != x[i]
        }
        #expect(bad == nil, "\(batch)×\(rows)×\(cols), level \(level), \(threads) threads: value \(bad ?? 0)")
      }
    }
    ck_set_threads(2)
  }
}
