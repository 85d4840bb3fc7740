import Foundation
import JSON
import TestSupport
@testable import ModelIO

/// Paths to the shared test data, found next to the repository root (the tests reading it
/// carry `.needsShared`).
enum Shared {
  static let root = SharedData.root
  static let reference = root + "/reference"
  static let models = reference + "/models"
  static let imagenet = root + "/imagenet"

  static func bytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
  }

  static func json(_ path: String) throws -> JSON {
    try JSON.parse(try bytes(path))
  }

  static func floats(_ path: String) throws -> [Float] {
    let b = try bytes(path)
    return stride(from: 0, to: b.count, by: 4).map { i in
      Float(bitPattern: UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24)
    }
  }
}

/// A small deterministic generator so that mutation tests replay exactly.
struct SplitMix: RandomNumberGenerator {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Seeded corruptions of a file: truncation, bit flips (biased to the header), overwritten words.
func mutations(of bytes: [UInt8], count: Int, seed: UInt64, headerBias: Int = 256) -> [[UInt8]] {
  var rng = SplitMix(seed: seed)
  var out: [[UInt8]] = []
  for i in 0..<count {
    var b = bytes
    switch i % 4 {
    case 0:
      b.removeLast(Int.random(in: 1...b.count, using: &rng))
    case 1:
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let limit = Bool.random(using: &rng) ? min(headerBias, b.count) : b.count
        let at = Int.random(in: 0..<limit, using: &rng)
        b[at] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
      }
    case 2:
      // A "wrong length": an 8-byte little-endian word replaced by a random small or huge value.
      let at = Int.random(in: 0..<max(1, min(headerBias, b.count - 8)), using: &rng)
      let v: UInt64 = Bool.random(using: &rng) ? UInt64.random(in: 0...300, using: &rng) : rng.next()
      for k in 0..<min(8, b.count - at) { b[at + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt64(k))) }
    default:
      let at = Int.random(in: 0..<b.count, using: &rng)
      b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...16, using: &rng)))
      if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
    }
    out.append(b)
  }
  return out
}
