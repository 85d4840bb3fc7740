import Tensor
import Testing

@testable import ModelIO

/// Gemm with constant weights runs on the packed dense step: every combination of
/// transposes, alpha/beta and batch sizes must match the plain definition.
@Suite struct DenseTests {
  struct Case: CustomStringConvertible, Sendable {
    let batch: Int, transA: Bool, transB: Bool, bias: Bool
    var description: String { "batch \(batch) transA \(transA) transB \(transB) bias \(bias)" }
  }

  static let cases = [1, 3].flatMap { b in
    [false, true].flatMap { ta in [false, true].flatMap { tb in [false, true].map { Case(batch: b, transA: ta, transB: tb, bias: $0) } } }
  }

  @Test(arguments: cases)
  func matchesDefinition(_ c: Case) throws {
    let (k, n) = (7, 11)
    var rng = SplitMix(seed: 9)
    let a = (0..<(c.batch * k)).map { _ in Float.random(in: -1...1, using: &rng) }
    let w = (0..<(k * n)).map { _ in Float.random(in: -1...1, using: &rng) }
    let bias = (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
    let (alpha, beta): (Float, Float) = (0.5, 2)
    var inits = ["w": HostArray(shape: c.transB ? [n, k] : [k, n], floats: w)]
    if c.bias { inits["c"] = HostArray(shape: [n], floats: bias) }
    let node = Node(
      op: "Gemm", name: "g", inputs: c.bias ? ["x", "w", "c"] : ["x", "w"], outputs: ["y"],
      attributes: ["transA": .int(c.transA ? 1 : 0), "transB": .int(c.transB ? 1 : 0), "alpha": .float(alpha), "beta": .float(beta)])
    let y = try OperatorTests.run(node, input: c.transA ? [k, c.batch] : [c.batch, k], values: a, initializers: inits)
    #expect(y.shape == [c.batch, n])
    for i in 0..<c.batch {
      for j in 0..<n {
        var s: Float = 0
        for p in 0..<k {
          let av = c.transA ? a[p * c.batch + i] : a[i * k + p]
          let wv = c.transB ? w[j * k + p] : w[p * n + j]
          s += av * wv
        }
        let want = alpha * s + (c.bias ? beta * bias[j] : 0)
        #expect(abs(y.scalars[i * n + j] - want) < 1e-5, "\(c) [\(i), \(j)]")
      }
    }
  }
}
