import Tensor
import Testing

@testable import NN

/// Deterministic generator (SplitMix64) so every test sees the same numbers.
struct SeededRNG: RandomNumberGenerator {
  var state: UInt64
  init(_ seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

func randomTensor(_ shape: [Int], seed: UInt64, range: ClosedRange<Float> = -1...1) -> Tensor {
  var rng = SeededRNG(seed)
  let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &rng) }
  return try! Tensor(shape: shape, scalars: values)
}

/// Compares shapes first, then every element within an absolute + relative tolerance.
func expectClose(
  _ a: Tensor, _ b: Tensor, tolerance: Float = 1e-4,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  #expect(a.shape == b.shape, "shapes differ", sourceLocation: sourceLocation)
  guard a.shape == b.shape else { return }
  let (x, y) = (a.scalars, b.scalars)
  var worst: Float = 0
  var at = 0
  for i in x.indices {
    let err = abs(x[i] - y[i]) / (1 + abs(y[i]))
    if !(err <= worst) {
      worst = err
      at = i
    }
  }
  #expect(
    worst <= tolerance, "max error \(worst) at \(at): \(x[at]) vs \(y[at])",
    sourceLocation: sourceLocation)
}

/// Flat index of a multi-index in a row-major shape.
func flat(_ idx: [Int], _ shape: [Int]) -> Int {
  zip(idx, shape).reduce(0) { $0 * $1.1 + $1.0 }
}

/// Checks every input's analytic gradient of Σ f(inputs)·R against central differences.
func checkGradients(
  _ inputs: [Tensor], eps: Float = 1e-2, tolerance: Float = 2e-2,
  sourceLocation: SourceLocation = #_sourceLocation,
  _ f: ([Variable]) throws -> Variable
) throws {
  let vars = inputs.map { Variable($0, requiresGrad: true) }
  let y = try f(vars)
  let r = randomTensor(y.shape, seed: 99)
  try y.backward(seed: r)
  func objective(_ xs: [Tensor]) throws -> Double {
    let out = try withoutGradient { try f(xs.map { Variable($0, requiresGrad: true) }) }
    return zip(out.value.scalars, r.scalars).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  for (k, x) in inputs.enumerated() {
    guard let g = vars[k].grad else {
      Issue.record("input \(k) got no gradient", sourceLocation: sourceLocation)
      continue
    }
    #expect(g.shape == x.shape, sourceLocation: sourceLocation)
    for i in 0..<x.count {
      var plus = inputs
      var minus = inputs
      plus[k].withUnsafeMutableBufferPointer { $0[i] += eps }
      minus[k].withUnsafeMutableBufferPointer { $0[i] -= eps }
      let numeric = Float((try objective(plus) - objective(minus)) / Double(2 * eps))
      let analytic = g.scalars[i]
      let err = abs(numeric - analytic) / max(1, abs(numeric))
      if err > tolerance {
        Issue.record(
          "input \(k)[\(i)]: analytic \(analytic) vs numeric \(numeric)",
          sourceLocation: sourceLocation)
        return
      }
    }
  }
}
