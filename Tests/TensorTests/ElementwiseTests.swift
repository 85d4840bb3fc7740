import TestSupport
import Testing

@testable import Tensor

#if canImport(Glibc)
  import Glibc
#endif

let unaryCases: [(UnaryOp, @Sendable (Float) -> Float)] = [
  (.relu, { max($0, 0) }),
  (.relu6, { min(max($0, 0), 6) }),
  (.clip(min: -0.5, max: 2), { min(max($0, -0.5), 2) }),
  (.leakyRelu(alpha: 0.1), { $0 > 0 ? $0 : 0.1 * $0 }),
  (.tanh, { tanhf($0) }),
  (.sigmoid, { 1 / (1 + expf(-$0)) }),
]

@Test(arguments: unaryCases)
func unaryMatchesLibm(_ op: UnaryOp, _ f: @Sendable (Float) -> Float) {
  let x = randomTensor([4, 257], seed: 20, range: -9...9)
  let y = Tensor.unary(op, x)
  expectClose(y, try! Tensor(shape: x.shape, scalars: x.scalars.map(f)), tolerance: 2e-6)
}

@Test func fastTanhIsAccurateNearZeroAndSaturates() {
  for v: Float in [0, 1e-5, -3e-4, 0.01, 0.5, -2, 7.9, 20, -100] {
    #expect(abs(fastTanh(v) - tanhf(v)) <= 2e-7 + 2e-6 * abs(tanhf(v)))
  }
}

/// The buffer op (CKernels' vector ck_tanh) rounds exactly as the scalar fastTanh.
@Test func tanhOpIsFastTanhBitForBit() {
  let x = randomTensor([3, 333], seed: 22, range: -10...10)
  let y = Tensor.unary(.tanh, x)
  #expect(y.scalars.map(\.bitPattern) == x.scalars.map { fastTanh($0).bitPattern })
}

@Test(arguments: [0, 1, 2, -1])
func softmaxAlongAxis(_ axis: Int) throws {
  let x = randomTensor([2, 3, 4], seed: 21, range: -5...5)
  let y = try Tensor.softmax(x, axis: axis)
  let ly = try Tensor.logSoftmax(x, axis: axis)
  let ax = axis < 0 ? axis + 3 : axis
  let shape = x.shape
  for i in 0..<x.count {
    var idx = [i / 12, (i / 4) % 3, i % 4]
    var denom: Float = 0
    for a in 0..<shape[ax] {
      idx[ax] = a
      denom += expf(x.scalars[flat(idx, shape)])
    }
    #expect(abs(y.scalars[i] - expf(x.scalars[i]) / denom) < 1e-5)
    #expect(abs(ly.scalars[i] - (x.scalars[i] - logf(denom))) < 1e-4)
  }
  #expect(throws: TensorError.self) { try Tensor.softmax(x, axis: 3) }
}

@Test(arguments: [
  ([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 3, 4], [3, 1]), ([1, 3, 1], [2, 1, 4]),
  ([2, 1, 4, 5], [3, 1, 1]), ([5], []),
  // Large enough to be split over the threads: a squeeze-and-excitation scale, rows that
  // start mid-plane, and a same-shape sum.
  ([2, 24, 40, 41], [2, 24, 1, 1]), ([3, 7, 1000], [7, 1]), ([40_000], [40_000]),
  // Axes that merge (coalesced) and ones that do not: the smaller operand first, an outer
  // product, every axis of length 1, four axes left apart, and a scale over many short rows.
  ([1, 24, 1, 1], [2, 24, 40, 41]), ([6, 1], [1, 5]), ([1, 1], [1]), ([2, 3, 4, 5], [2, 1, 4, 1]),
  ([1, 300, 7, 7], [1, 300, 1, 1]),
])
func broadcastArithmeticMatchesNaive(_ sa: [Int], _ sb: [Int]) throws {
  let a = randomTensor(sa, seed: 22)
  let b = randomTensor(sb, seed: 23, range: 0.5...2)
  let shape = try Tensor.broadcastShape(sa, sb)
  for (op, f) in [
    (BinaryOp.add, { (x: Float, y: Float) -> Float in x + y }), (.sub, { $0 - $1 }),
    (.mul, { $0 * $1 }), (.div, { $0 / $1 }),
  ] as [(BinaryOp, (Float, Float) -> Float)] {
    let y = try Tensor.binary(op, a, b)
    #expect(y.shape == shape)
    let strides = Tensor.strides(of: shape)
    for i in 0..<y.count {
      let idx = strides.enumerated().map { (i / $0.element) % shape[$0.offset] }
      func pick(_ t: Tensor) -> Float {
        let off = shape.count - t.rank
        return t.scalars[
          flat(t.shape.indices.map { t.shape[$0] == 1 ? 0 : idx[$0 + off] }, t.shape)]
      }
      #expect(abs(y.scalars[i] - f(pick(a), pick(b))) < 1e-5)
    }
  }
}

@Test func broadcastRejectsIncompatibleShapes() {
  #expect(throws: TensorError.self) { try Tensor.add(Tensor(zeros: [2, 3]), Tensor(zeros: [4])) }
}
