import Tensor
import TestSupport
import Testing

@testable import NN

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
