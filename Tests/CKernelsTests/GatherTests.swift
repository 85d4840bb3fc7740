import CKernels
import Testing

/// ck_gather_bytes: rows picked by index (repeated, out of order, the last row) as scaled
/// floats, on every path and at lengths off the vector widths, equal bit for bit to the
/// scalar `Float(byte) * scale`.
@Suite(.timeLimit(.minutes(1))) struct GatherTests {
  @Test(arguments: GemmTests.levels)
  func rowsComeOutScaledInTheirOrder(level: Int32) {
    let scale: Float = 1 / 255
    for length in [1, 7, 8, 15, 16, 17, 784] {
      let rowCount = 9
      let src = (0..<(rowCount * length)).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ length) }
      let rows = [8, 0, 3, 3, 7, 1, 8]
      var dst = [Float](repeating: .nan, count: rows.count * length)
      ck_gather_bytes(src, length, rows, rows.count, scale, &dst, level)
      let expected = rows.flatMap { r in (0..<length).map { Float(src[r * length + $0]) * scale } }
      #expect(dst.map(\.bitPattern) == expected.map(\.bitPattern), "level \(level) length \(length)")
    }
  }
}
