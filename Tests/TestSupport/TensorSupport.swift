import Datasets
import Tensor
import Testing

/// The engine's SplitMix64 under the name the tests use, so every test sees the same numbers.
public typealias SeededRNG = SplitMix64

extension SplitMix64 {
  /// A generator from `seed` (tests write `SeededRNG(7)`).
  public init(_ seed: UInt64) { self.init(seed: seed) }

  /// A number in 0..<n (0 when n < 1), for choosing among n cases.
  public mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// A tensor of `shape` with values drawn uniformly from `range`, the same for the same seed.
public func randomTensor(_ shape: [Int], seed: UInt64, range: ClosedRange<Float> = -1...1)
  -> Tensor
{
  var rng = SeededRNG(seed)
  let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: range, using: &rng) }
  return try! Tensor(shape: shape, scalars: values)
}

/// Compares shapes first, then every element within an absolute + relative tolerance.
public func expectClose(
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
public func flat(_ idx: [Int], _ shape: [Int]) -> Int {
  zip(idx, shape).reduce(0) { $0 * $1.1 + $1.0 }
}
