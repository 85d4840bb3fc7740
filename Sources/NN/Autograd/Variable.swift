import Tensor

/// Whether ops record a graph for backward; off inside `withoutGradient`.
public enum GradMode {
  @TaskLocal public static var isEnabled = true
}

/// Runs `body` without recording a graph (evaluation, inference).
public func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
  try GradMode.$isEnabled.withValue(false) { try body() }
}

/// One differentiable op applied once: holds what its backward pass needs.
public protocol Function: AnyObject {
  /// The op's inputs, in order.
  var inputs: [Variable] { get }
  /// Gradients with respect to each input given the output's gradient (nil: not needed).
  func backward(_ gradOutput: Tensor) throws -> [Tensor?]
}

/// A tensor in the autograd graph: a value, its gradient, and the op that made it.
public final class Variable {
  /// The forward value.
  public var value: Tensor
  /// d(loss)/d(value), set by `backward()`.
  public var grad: Tensor?
  /// Whether gradients flow to this variable.
  public let requiresGrad: Bool
  /// The op that produced this variable (nil for leaves).
  public let creator: (any Function)?

  /// A leaf: data (no gradient) or a trainable parameter (`requiresGrad: true`).
  public init(_ value: Tensor, requiresGrad: Bool = false) {
    self.value = value
    self.requiresGrad = requiresGrad
    creator = nil
  }

  /// An op's output; it records the creator only when some input needs a gradient.
  public init(_ value: Tensor, creator: any Function) {
    self.value = value
    let record = GradMode.isEnabled && creator.inputs.contains { $0.requiresGrad }
    requiresGrad = record
    self.creator = record ? creator : nil
  }

  /// The value's shape.
  public var shape: [Int] { value.shape }

  /// Back-propagates from this (scalar) variable through the recorded graph. With a sink,
  /// leaf gradients go there instead of into the leaves (data-parallel shards).
  public func backward(seed: Tensor? = nil, leafGradients sink: GradientSink? = nil) throws {
    grad = seed ?? Tensor(shape: value.shape, repeating: 1)
    for node in topologicalOrder().reversed() {
      guard let fn = node.creator, let g = node.grad else { continue }
      let grads = try fn.backward(g)
      for (input, ig) in zip(fn.inputs, grads) where input.requiresGrad {
        guard let ig else { continue }
        if let sink, input.creator == nil {
          sink.add(ig, for: input)
        } else {
          input.accumulate(ig)
        }
      }
      // Intermediate gradients are not needed once passed on; freeing them bounds memory.
      node.grad = nil
    }
  }

  /// Adds a gradient into `grad` (taking it as is when there is none yet).
  public func accumulate(_ g: Tensor) {
    guard var current = grad else {
      grad = g
      return
    }
    grad = nil
    current.withUnsafeMutableBufferPointer { dst in
      g.withUnsafeBufferPointer { src in
        for i in 0..<dst.count { dst[i] += src[i] }
      }
    }
    grad = current
  }

  /// Nodes reachable from self with every node after all of its inputs.
  func topologicalOrder() -> [Variable] {
    var order: [Variable] = []
    var visited = Set<ObjectIdentifier>()
    var stack: [(Variable, Bool)] = [(self, false)]
    while let (node, expanded) = stack.popLast() {
      if expanded {
        order.append(node)
        continue
      }
      guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
      stack.append((node, true))
      for input in node.creator?.inputs ?? [] where input.creator != nil {
        stack.append((input, false))
      }
    }
    return order
  }
}

/// A named trainable tensor (MXNet-style names such as conv1_weight).
public final class Parameter {
  /// The MXNet-style name (layer name + "_weight", "_bias", "_gamma", ...).
  public let name: String
  /// The value and its gradient.
  public let variable: Variable
  /// Whether the optimiser updates it (false for running statistics).
  public let isTrainable: Bool

  /// Creates a parameter from an initial value.
  public init(name: String, value: Tensor, trainable: Bool = true) {
    self.name = name
    variable = Variable(value, requiresGrad: trainable)
    isTrainable = trainable
  }

  /// The current value.
  public var value: Tensor {
    get { variable.value }
    set { variable.value = newValue }
  }
}

/// Leaf gradients of one backward pass, kept apart so shards can be summed in a fixed order.
public final class GradientSink {
  var gradients: [ObjectIdentifier: Variable] = [:]

  /// An empty sink.
  public init() {}

  func add(_ g: Tensor, for leaf: Variable) {
    let key = ObjectIdentifier(leaf)
    if let v = gradients[key] {
      v.accumulate(g)
    } else {
      let v = Variable(Tensor(zeros: []))
      v.grad = g
      gradients[key] = v
    }
  }

  /// The gradient collected for a leaf, if any.
  public func gradient(for leaf: Variable) -> Tensor? { gradients[ObjectIdentifier(leaf)]?.grad }

  /// The gradient collected for a leaf, removed from the sink: the caller then holds its only
  /// reference and can add into it in place (no copy-on-write).
  public func takeGradient(for leaf: Variable) -> Tensor? {
    gradients.removeValue(forKey: ObjectIdentifier(leaf))?.grad
  }
}
