import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// A network building block (swift-apis naming): maps a variable to a variable.
public protocol Layer: AnyObject {
  /// The MXNet-style name that prefixes its parameters (conv1, fc1, ...).
  var name: String { get }
  /// A short kind for summaries ("Conv2D", "Dense", ...).
  var kind: String { get }
  /// Parameters, trainable ones and running statistics, in a stable order.
  var parameters: [Parameter] { get }
  /// Training mode (batch statistics, dropout) versus inference.
  var isTraining: Bool { get set }
  /// The output shape for an input shape (batch dimension included), or an error.
  func outputShape(for input: [Int]) throws -> [Int]
  /// Applies the layer.
  func callAsFunction(_ x: Variable) throws -> Variable
}

extension Layer {
  /// Runs the layer on a plain tensor without recording a graph.
  public func callAsFunction(_ x: Tensor) throws -> Tensor {
    try withoutGradient { try self(Variable(x)).value }
  }
}

/// One row of a model summary.
public struct LayerInfo: Sendable, Equatable {
  /// Layer name (conv1, ...).
  public var name: String
  /// Layer kind, with a fused activation ("Conv2D+tanh").
  public var kind: String
  /// Output shape with the batch dimension.
  public var outputShape: [Int]
  /// Number of scalars in its parameters (running statistics included).
  public var parameterCount: Int
}

/// Xavier-style initialisation as MXNet's train_mnist: N(0, √(2 / fan_in)), seeded per name.
/// The shape is checked first (every dimension positive, the whole within the machine's
/// memory), so a layer asked for by a cell fails with a message instead of an abort.
func initialWeights(_ shape: [Int], fanIn: Int, seed: UInt64, name: String) throws -> Tensor {
  guard shape.allSatisfy({ $0 > 0 }) else {
    throw TensorError("\(name): every size must be at least 1, got \(shape)")
  }
  let count = try Sizes.checkedFloats(shape, of: "\(name) layer")
  var rng = NormalGenerator(seed: seed ^ fnv1a(name))
  let std = (2 / Float(max(fanIn, 1))).squareRoot()
  var t = Tensor(uninitializedShape: shape)
  t.withUnsafeMutableBufferPointer { p in
    for i in 0..<count { p[i] = rng.nextGaussian() * std }
  }
  return t
}

func fnv1a(_ s: String) -> UInt64 {
  s.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

/// Box–Muller over SplitMix64.
struct NormalGenerator {
  var state: UInt64
  var spare: Float?
  init(seed: UInt64) { state = seed }

  mutating func nextUniform() -> Float {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    return (Float(z >> 40) + 0.5) / Float(1 << 24)
  }

  mutating func nextGaussian() -> Float {
    if let s = spare {
      spare = nil
      return s
    }
    let (u, v) = (nextUniform(), nextUniform())
    let r = (-2 * logf(u)).squareRoot()
    spare = r * sinf(2 * .pi * v)
    return r * cosf(2 * .pi * v)
  }
}
