import Testing

@testable import Classifier

@Suite struct ScoresTests {
  /// Naive softmax in Double, the reference.
  func naiveSoftmax(_ x: [Float]) -> [Double] {
    let e = x.map { exp(Double($0)) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
  }

  @Test(arguments: [[1, 2, 3], [0, 0, 0, 0], [-5, 10, 2.5, 7], [88, 89, 90]] as [[Float]])
  func softmaxMatchesNaive(logits: [Float]) {
    let got = Scores.softmax(logits[...])
    let want = naiveSoftmax(logits)
    #expect(got.count == want.count)
    for (g, w) in zip(got, want) { #expect(abs(Double(g) - w) < 1e-6) }
  }

  @Test func softmaxOfHugeLogitsStaysFinite() {
    let got = Scores.softmax([1000, 999, -1000][...])
    #expect(got.allSatisfy { $0.isFinite })
    #expect(abs(got.reduce(0, +) - 1) < 1e-6)
  }

  @Test(arguments: [
    ([0.1, 0.2, 0.7], true), ([0.5, 0.6], false), ([1.5, -0.5], false), ([2, 3, 4], false),
    ([0.25, 0.25, 0.25, 0.2461], true),
  ] as [([Float], Bool)])
  func distributionDetection(values: [Float], expected: Bool) {
    #expect(Scores.isDistribution(values[...], tolerance: 0.02) == expected)
  }

  @Test(arguments: [1, 3, 5, 10])
  func topKMatchesSorting(k: Int) {
    var generator = SystemRandomNumberGenerator()
    let values = (0..<200).map { _ in Float.random(in: 0..<1, using: &generator) }
    let got = Scores.top(values, k: k)
    let want = values.enumerated().sorted { $0.element > $1.element }.prefix(k)
    #expect(got.map(\.index) == want.map(\.offset))
    #expect(got.map(\.probability) == want.map(\.element))
  }

  @Test func topKTiesGoToTheLowerIndexAndKIsClamped() {
    let got = Scores.top([0.2, 0.5, 0.5, 0.1], k: 10)
    #expect(got.map(\.index) == [1, 2, 0, 3])
    #expect(Scores.top([0.2], k: 0).isEmpty)
  }
}

#if canImport(Glibc)
  import Glibc
#endif
