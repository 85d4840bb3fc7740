import Tensor

/// Structural checks on a graph as read from a file, before any rewrite or plan looks at it:
/// the rewrites and the planner may then index a node's inputs and outputs and follow names
/// without checking again. Each failure is a `ModelLoadError` naming the node and its op.
enum GraphValidation {
  /// How many inputs and outputs an operator takes (positions, omitted optional ones included).
  struct Arity {
    var inputs: ClosedRange<Int>
    var outputs: ClosedRange<Int>
    init(_ inputs: ClosedRange<Int>, _ outputs: ClosedRange<Int> = 1...1) {
      self.inputs = inputs
      self.outputs = outputs
    }
  }

  /// The ONNX arities of the operators Tabby runs or folds; other operators are reported as
  /// unsupported later, by name.
  static let arities: [String: Arity] = {
    var t: [String: Arity] = [:]
    for op in [
      "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Softplus", "Softsign", "Elu", "Exp", "Neg", "Sqrt", "Flatten",
      "Transpose", "Softmax", "Identity", "LRN", "Shape", "Cast", "GlobalAveragePool", "GlobalMaxPool",
      "AveragePool",
    ] { t[op] = Arity(1...1) }
    for op in ["Add", "Sub", "Mul", "Div", "MatMul", "PRelu", "Gather"] { t[op] = Arity(2...2) }
    t["Conv"] = Arity(2...3)
    t["Gemm"] = Arity(2...3)
    t["Clip"] = Arity(1...3)
    t["BatchNormalization"] = Arity(5...5, 1...5)
    t["MaxPool"] = Arity(1...1, 1...2)
    // Before opset 5 (Reshape) and 13 (Squeeze, Unsqueeze) the target came as an attribute.
    for op in ["Reshape", "Squeeze", "Unsqueeze"] { t[op] = Arity(1...2) }
    t["Concat"] = Arity(1...Int.max)
    t["Dropout"] = Arity(1...3, 1...2)
    t["QuantizeLinear"] = Arity(2...3)
    t["DequantizeLinear"] = Arity(2...3)
    t["Constant"] = Arity(0...0)
    t["Slice"] = Arity(1...5)
    return t
  }()

  /// Checks arity, names (dangling, duplicate, used before defined — which also rules out
  /// cycles), declared dimensions and attribute element types.
  static func check(_ g: Graph) throws(ModelLoadError) {
    var defined = Set<String>()
    for info in g.inputs {
      try checkDeclared(info, role: "input", g)
      guard defined.insert(info.name).inserted else {
        throw ModelLoadError("\(g.format): graph input '\(info.name)' is declared twice")
      }
    }
    for name in g.initializers.keys {
      defined.insert(name)
    }
    let producers = producerIndex(g)
    for (index, node) in g.nodes.enumerated() {
      guard node.domain != Node.internalDomain else {
        throw fail(node, g, "operator domain '\(node.domain)' is reserved for Tabby's own rewrites")
      }
      try checkArity(node, g)
      try checkAttributes(node, g)
      for (k, name) in node.inputs.enumerated() where !name.isEmpty && !defined.contains(name) {
        if let p = producers[name], p >= index {
          throw fail(node, g, "input \(k) '\(name)' is produced by node '\(g.nodes[p].label)' at or after this one (a cycle, or nodes out of order)")
        }
        throw fail(node, g, "input \(k) '\(name)' is not a graph input, an initializer or any node's output")
      }
      for name in node.outputs where !name.isEmpty {
        guard defined.insert(name).inserted else {
          throw fail(node, g, "output '\(name)' is already defined (by an input, an initializer or another node)")
        }
      }
    }
    for info in g.outputs {
      try checkDeclared(info, role: "output", g)
      guard defined.contains(info.name) else {
        throw ModelLoadError("\(g.format): graph output '\(info.name)' is never computed")
      }
    }
  }

  /// The first node producing each value name.
  static func producerIndex(_ g: Graph) -> [String: Int] {
    var index: [String: Int] = [:]
    for (i, n) in g.nodes.enumerated() {
      for o in n.outputs where !o.isEmpty && index[o] == nil { index[o] = i }
    }
    return index
  }

  static func checkArity(_ node: Node, _ g: Graph) throws(ModelLoadError) {
    guard !node.outputs.isEmpty else { throw fail(node, g, "has no outputs") }
    guard !node.outputs[0].isEmpty else { throw fail(node, g, "its first output has no name") }
    guard let arity = arities[node.op] else { return }
    guard arity.inputs.contains(node.inputs.count) else {
      throw fail(node, g, "has \(node.inputs.count) inputs; \(node.op) takes \(rangeText(arity.inputs))")
    }
    guard arity.outputs.contains(node.outputs.count) else {
      throw fail(node, g, "has \(node.outputs.count) outputs; \(node.op) gives \(rangeText(arity.outputs))")
    }
    for k in 0..<arity.inputs.lowerBound where node.inputs[k].isEmpty {
      throw fail(node, g, "required input \(k) has no name")
    }
  }

  /// Attributes whose values become element types or allocation sizes.
  static func checkAttributes(_ node: Node, _ g: Graph) throws(ModelLoadError) {
    if node.op == "Cast" {
      guard let to = node.int("to"), ONNXReader.dataTypes[Int64(to)] != nil else {
        throw fail(node, g, "attribute 'to' (\(node.attributes["to"].map { "\($0)" } ?? "missing")) is not a supported element type")
      }
    }
    for key in ["kernel_shape", "strides", "dilations", "pads"] {
      guard let values = node.ints(key) else { continue }
      let limit = 1 << 20
      if let bad = values.first(where: { $0 < 0 || $0 > limit }) {
        throw fail(node, g, "attribute \(key) \(values) has \(bad), outside 0…\(limit)")
      }
    }
  }

  /// A declared shape must have no negative dimensions and fit in the machine's memory.
  static func checkDeclared(_ info: ValueInfo, role: String, _ g: Graph) throws(ModelLoadError) {
    guard let shape = info.shape else { return }
    let fixed = shape.compactMap(\.value)
    do throws(MemoryError) {
      try Sizes.checkedByteCount(fixed, elementSize: (info.dtype ?? .float32).size, of: "graph \(role) '\(info.name)'")
    } catch {
      throw ModelLoadError("\(g.format): \(error.message)")
    }
  }

  static func fail(_ node: Node, _ g: Graph, _ why: String) -> ModelLoadError {
    ModelLoadError("\(g.format): \(node.op) node '\(node.label)' \(why)")
  }

  static func rangeText(_ r: ClosedRange<Int>) -> String {
    if r.lowerBound == r.upperBound { return "\(r.lowerBound)" }
    if r.upperBound == Int.max { return "at least \(r.lowerBound)" }
    return "\(r.lowerBound) to \(r.upperBound)"
  }
}
