import CKernels

extension Tensor {
  /// Rows of bytes picked by index as floats times `scale`, row r of the result being row
  /// `rows[r]` of `bytes` (each `rowLength` long): CKernels' `ck_gather_bytes`, which
  /// prefetches the rows ahead (a shuffled batch's images lie anywhere in a large dataset).
  /// Each element is `Float(byte) * scale`, one rounding, on every CPU. `shape` must hold
  /// rows.count × rowLength elements; every index must lie inside `bytes`.
  public init(
    gatheringRows rows: UnsafeBufferPointer<Int>, of bytes: UnsafeBufferPointer<UInt8>, rowLength: Int,
    scale: Float, shape: [Int]
  ) {
    precondition(
      Tensor.elementCount(shape) == rows.count * rowLength, "shape \(shape) for \(rows.count) rows of \(rowLength)")
    precondition(
      rows.allSatisfy { $0 >= 0 && ($0 + 1) * rowLength <= bytes.count }, "a row index outside the bytes")
    self.init(uninitializedShape: shape)
    guard rowLength > 0, !rows.isEmpty else { return }
    withUnsafeMutableBufferPointer { dst in
      ck_gather_bytes(bytes.baseAddress, rowLength, rows.baseAddress, rows.count, scale, dst.baseAddress, -1)
    }
  }
}
