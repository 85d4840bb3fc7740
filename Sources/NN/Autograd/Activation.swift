import Tensor

/// Pointwise nonlinearities the layers can fuse into dense and conv outputs.
public enum Activation: String, Sendable, CaseIterable {
  case identity, relu, relu6, tanh, sigmoid

  /// The Tensor backend's unary op (nil for identity).
  public var unaryOp: UnaryOp? {
    switch self {
    case .identity: nil
    case .relu: .relu
    case .relu6: .relu6
    case .tanh: .tanh
    case .sigmoid: .sigmoid
    }
  }

  /// Applies the activation in place over a buffer.
  func apply(_ p: UnsafeMutablePointer<Float>, count: Int) {
    if let op = unaryOp { CPUBackend.shared.unary(op, p, p, count: count) }
  }

  /// dst[i] = g[i]·f'(x) written in terms of the output y = f(x).
  @inline(__always)
  func derivative(_ g: Float, output y: Float) -> Float {
    switch self {
    case .identity: g
    case .relu: y > 0 ? g : 0
    case .relu6: y > 0 && y < 6 ? g : 0
    case .tanh: g * (1 - y * y)
    case .sigmoid: g * y * (1 - y)
    }
  }

  /// Multiplies a gradient buffer by f'(x) given the outputs (vectorisable per case).
  func backward(
    _ g: UnsafePointer<Float>, output y: UnsafePointer<Float>, into d: UnsafeMutablePointer<Float>,
    count: Int
  ) {
    switch self {
    case .identity: if UnsafePointer(d) != g { d.update(from: g, count: count) }
    case .relu: Self.masked(g, y, d, count) { $0 .> 0 }
    case .relu6: Self.masked(g, y, d, count) { ($0 .> 0) .& ($0 .< 6) }
    case .tanh: for i in 0..<count { d[i] = g[i] * (1 - y[i] * y[i]) }
    case .sigmoid: for i in 0..<count { d[i] = g[i] * y[i] * (1 - y[i]) }
    }
  }
}

extension Activation {
  /// d[i] = keep(y[i]) ? g[i] : 0, eight lanes at a time with a select: the scalar ternary
  /// compiled to a branch per element, mispredicted on about half of a ReLU's outputs (the
  /// MLP's ReLU backward was 4 % of a training step).
  @inline(__always)
  static func masked(
    _ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ d: UnsafeMutablePointer<Float>, _ count: Int,
    _ keep: (SIMD8<Float>) -> SIMDMask<SIMD8<Int32>>
  ) {
    var i = 0
    while i + 8 <= count {
      let yv = UnsafeRawPointer(y + i).loadUnaligned(as: SIMD8<Float>.self)
      let gv = UnsafeRawPointer(g + i).loadUnaligned(as: SIMD8<Float>.self)
      UnsafeMutableRawPointer(d + i).storeBytes(
        of: gv.replacing(with: 0, where: .!keep(yv)), as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      let yv = SIMD8<Float>(repeating: y[i])
      d[i] = keep(yv)[0] ? g[i] : 0
      i += 1
    }
  }
}

/// y = f(x) elementwise.
public final class ActivationFunction: Function {
  public let inputs: [Variable]
  let activation: Activation
  let output: Tensor

  init(_ x: Variable, _ activation: Activation, _ output: Tensor) {
    inputs = [x]
    self.activation = activation
    self.output = output
  }

  /// Applies an activation and records it.
  public static func apply(_ x: Variable, _ activation: Activation) -> Variable {
    let y = activation.unaryOp.map { Tensor.unary($0, x.value) } ?? x.value
    return Variable(y, creator: ActivationFunction(x, activation, y))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    var d = Tensor(uninitializedShape: g.shape)
    d.withUnsafeMutableBufferPointer { dp in
      g.withUnsafeBufferPointer { gp in
        output.withUnsafeBufferPointer { yp in
          activation.backward(
            gp.baseAddress!, output: yp.baseAddress!, into: dp.baseAddress!, count: g.count)
        }
      }
    }
    return [d]
  }
}
