import TestSupport
import Testing

@testable import Tensor

func naiveMatmul(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int) -> [Float] {
  var c = [Float](repeating: 0, count: m * n)
  for i in 0..<m {
    for j in 0..<n { for p in 0..<k { c[i * n + j] += a[i * k + p] * b[p * n + j] } }
  }
  return c
}

@Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
func gemmHonoursTransposes(_ flags: (Bool, Bool)) throws {
  let (m, n, k) = (5, 4, 3)
  let a = randomTensor(flags.0 ? [k, m] : [m, k], seed: 10)
  let b = randomTensor(flags.1 ? [n, k] : [k, n], seed: 11)
  let c = randomTensor([n], seed: 12)
  let y = try Tensor.gemm(a, b, c: c, transA: flags.0, transB: flags.1, alpha: 0.5, beta: 2)
  let at = flags.0 ? try a.transposed() : a
  let bt = flags.1 ? try b.transposed() : b
  let ref = naiveMatmul(at.scalars, bt.scalars, m: m, n: n, k: k).enumerated().map {
    0.5 * $0.element + 2 * c.scalars[$0.offset % n]
  }
  expectClose(y, try Tensor(shape: [m, n], scalars: ref))
}

@Test func denseIsXWtPlusBias() throws {
  let x = randomTensor([6, 2, 2, 2], seed: 13)
  let w = randomTensor([3, 8], seed: 14)
  let b = randomTensor([3], seed: 15)
  let y = try Tensor.dense(x, weight: w, bias: b)
  var ref = naiveMatmul(x.scalars, try w.transposed().scalars, m: 6, n: 3, k: 8)
  for i in ref.indices { ref[i] += b.scalars[i % 3] }
  expectClose(y, try Tensor(shape: [6, 3], scalars: ref))
  #expect(throws: TensorError.self) { try Tensor.dense(x, weight: Tensor(zeros: [3, 7])) }
}

@Test func matmulBroadcastsBatch() throws {
  let a = randomTensor([2, 3, 4], seed: 16)
  let b = randomTensor([4, 5], seed: 17)
  let y = try Tensor.matmul(a, b)
  #expect(y.shape == [2, 3, 5])
  for i in 0..<2 {
    let ref = naiveMatmul(Array(a.scalars[(i * 12)..<(i * 12 + 12)]), b.scalars, m: 3, n: 5, k: 4)
    #expect(zip(y.scalars[(i * 15)..<(i * 15 + 15)], ref).allSatisfy { abs($0 - $1) < 1e-5 })
  }
  #expect(throws: TensorError.self) { try Tensor.matmul(a, Tensor(zeros: [3, 5])) }
}
