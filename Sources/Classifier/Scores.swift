/// One class in a top-k list.
public struct ClassScore: Equatable, Sendable {
  /// 0-based position in the label list (background already dropped), or the raw output
  /// index for a model without labels.
  public var index: Int
  /// The class name, nil for a model without labels.
  public var label: String?
  /// The probability in [0, 1].
  public var probability: Float
}

/// Turns raw model outputs into probabilities and picks the best classes.
enum Scores {
  /// True when `values` already look like a probability distribution (all in [0, 1],
  /// summing to 1 within `tolerance`): used when the graph does not say whether it ends in
  /// a softmax. A quantized softmax sums to 1 only within its step, hence the tolerance.
  static func isDistribution(_ values: ArraySlice<Float>, tolerance: Float) -> Bool {
    var sum: Float = 0
    for v in values {
      guard v >= 0, v <= 1 else { return false }
      sum += v
    }
    return abs(sum - 1) <= tolerance
  }

  /// A numerically stable softmax.
  static func softmax(_ logits: ArraySlice<Float>) -> [Float] {
    guard let maximum = logits.max() else { return [] }
    var out = logits.map { expf($0 - maximum) }
    let total = out.reduce(0, +)
    for i in out.indices { out[i] /= total }
    return out
  }

  /// The `k` largest entries, largest first; ties go to the lower index.
  static func top(_ probabilities: [Float], k: Int) -> [(index: Int, probability: Float)] {
    let k = min(max(k, 0), probabilities.count)
    var best = [(index: Int, probability: Float)]()
    best.reserveCapacity(k + 1)
    for (i, p) in probabilities.enumerated() {
      if best.count == k, let last = best.last, !(p > last.probability) { continue }
      var at = best.count
      while at > 0, p > best[at - 1].probability { at -= 1 }
      best.insert((i, p), at: at)
      if best.count > k { best.removeLast() }
    }
    return best
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
