import TestSupport
import Testing

@testable import Tensor

@Test func reshapeSharesStorageAndInfers() throws {
  let x = randomTensor([2, 3, 4], seed: 30)
  let y = try x.reshaped([6, -1])
  #expect(y.shape == [6, 4])
  #expect(y.sharesStorage(with: x))
  #expect(throws: TensorError.self) { try x.reshaped([5, -1]) }
  #expect(throws: TensorError.self) { try x.reshaped([-1, -1]) }
  #expect(try x.flattened().shape == [2, 12])
}

@Test func copyOnWriteLeavesOriginalIntact() {
  let x = Tensor(shape: [3], repeating: 1)
  var y = x
  y.withUnsafeMutableBufferPointer { $0[0] = 5 }
  #expect(x.scalars == [1, 1, 1])
  #expect(y.scalars == [5, 1, 1])
  #expect(throws: TensorError.self) { try Tensor(shape: [2, 2], scalars: [1, 2, 3]) }
}

@Test(arguments: [[0, 1, 2], [2, 0, 1], [1, 2, 0], [2, 1, 0]])
func transposeMatchesIndexMap(_ perm: [Int]) throws {
  let x = randomTensor([2, 3, 4], seed: 31)
  let y = try x.transposed(perm)
  #expect(y.shape == perm.map { x.shape[$0] })
  for i in 0..<x.count {
    let idx = [i / 12, (i / 4) % 3, i % 4]
    #expect(y.scalars[flat(perm.map { idx[$0] }, y.shape)] == x.scalars[i])
  }
  #expect(throws: TensorError.self) { try x.transposed([0, 0, 1]) }
}

/// Permutations the blocked transpose takes (a 2-D swap after merging axes that move
/// together: Xᵀ, NCHW ↔ NHWC) and ones it leaves to the strided copy, on sizes with ragged
/// 16 × 16 tiles, against the index map.
@Test(arguments: [
  ([37, 21], [1, 0]), ([2, 5, 3, 19], [0, 2, 3, 1]), ([2, 3, 19, 5], [0, 3, 1, 2]),
  ([3, 17, 18], [0, 2, 1]), ([4, 3, 5, 2], [2, 3, 0, 1]), ([2, 3, 4, 5], [1, 0, 3, 2]),
  // Few columns (NHWC images to NCHW): 3, 2 and 4 channels, and rows enough to split.
  ([2, 7, 9, 3], [0, 3, 1, 2]), ([1, 130, 129, 3], [0, 3, 1, 2]), ([3, 40, 2], [0, 2, 1]), ([5, 4], [1, 0]),
])
func transposeOfLargerTensorsMatchesIndexMap(_ shape: [Int], _ perm: [Int]) throws {
  let x = randomTensor(shape, seed: 32)
  let y = try x.transposed(perm)
  #expect(y.shape == perm.map { shape[$0] })
  var mismatches = 0
  for i in 0..<x.count {
    var idx = [Int](repeating: 0, count: shape.count)
    var rest = i
    for a in shape.indices.reversed() { (idx[a], rest) = (rest % shape[a], rest / shape[a]) }
    if y.scalars[flat(perm.map { idx[$0] }, y.shape)] != x.scalars[i] { mismatches += 1 }
  }
  #expect(mismatches == 0)
}

@Test(arguments: [0, 1, 2])
func concatThenSplitRoundTrips(_ axis: Int) throws {
  var sa = [2, 3, 4]
  var sb = [2, 3, 4]
  sb[axis] = 2
  let a = randomTensor(sa, seed: 32)
  let b = randomTensor(sb, seed: 33)
  let y = try Tensor.concat([a, b], axis: axis)
  sa[axis] += 2
  #expect(y.shape == sa)
  for i in 0..<y.count {
    let idx = Tensor.strides(of: sa).enumerated().map { (i / $0.element) % sa[$0.offset] }
    var src = idx
    let fromA = idx[axis] < a.shape[axis]
    if !fromA { src[axis] -= a.shape[axis] }
    #expect(y.scalars[i] == (fromA ? a.scalars[flat(src, a.shape)] : b.scalars[flat(src, b.shape)]))
  }
  let parts = try y.split(sizes: [a.shape[axis], 2], axis: axis)
  #expect(parts[0].scalars == a.scalars && parts[1].scalars == b.scalars)
  #expect(throws: TensorError.self) {
    try Tensor.concat([a, Tensor(zeros: [1, 1, 1])], axis: axis)
  }
}
