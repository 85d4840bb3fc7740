import Tensor

/// Whether a graph treats each image of a batch on its own, so that a batch of N runs as N
/// runs of the batch-1 plan. Measured on bench/predict's nets (1 thread, CPU time per
/// image): SqueezeNet 13.5 ms at batch 16 against 8.1 ms image by image, ResNet-18 45
/// against 40: a whole batch's activations (50 MB after SqueezeNet's first convolution)
/// stream through memory layer after layer, while one image's stay in L2 from one layer to
/// the next. Only operators known to keep images apart qualify; anything else (a Reshape
/// that could fold the batch, a reduction over axis 0, a second input) keeps the batch whole.
enum BatchSplit {
  /// Elementwise and per-image operators: no attribute can make them mix images.
  static let perImage: Set<String> = [
    "Conv", "Relu", "Clip", "Sigmoid", "Tanh", "LeakyRelu", "HardSigmoid", "HardSwish", "Elu", "Selu", "Erf",
    "Neg", "Abs", "Sqrt", "Exp", "Log", "Floor", "Ceil", "Round", "Reciprocal", "Identity", "Dropout",
    "BatchNormalization", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "LRN", "Add", "Sub",
    "Mul", "Div", "Pow", "Max", "Min", "Sum", "FakeQuant", "Gelu",
  ]

  /// The batch-1 input shapes to run image by image, or nil when the batch must run whole.
  static func imageShapes(_ graph: Graph, _ shapes: [[Int]]) -> [[Int]]? {
    guard graph.inputs.count == 1, shapes.count == 1, shapes[0].count >= 2, shapes[0][0] > 1,
      graph.nodes.allSatisfy({ keepsImagesApart($0, graph) })
    else { return nil }
    return [[1] + shapes[0].dropFirst()]
  }

  /// Whether `node` computes each image's outputs from that image alone.
  static func keepsImagesApart(_ node: Node, _ graph: Graph) -> Bool {
    // An axis that is not the batch's: positive and not 0, or the last (-1).
    func notBatch(_ axis: Int?) -> Bool { axis.map { $0 >= 1 || $0 == -1 } ?? false }
    let constant = { (k: Int) in k < node.inputs.count && graph.initializers[node.inputs[k]] != nil }
    if node.domain == Node.internalDomain { return node.op == "FakeQuant" }
    guard node.domain.isEmpty || node.domain == "ai.onnx" else { return false }
    switch node.op {
    case let op where perImage.contains(op): return true
    case "Concat": return notBatch(node.int("axis"))
    case "Flatten": return notBatch(node.int("axis") ?? 1)
    case "Softmax", "LogSoftmax": return notBatch(node.int("axis") ?? (graph.opset < 13 ? 1 : -1))
    case "LayerNormalization":
      // Normalizes over axes [axis, rank): each image alone unless that starts at the batch.
      let constants = (1..<node.inputs.count).allSatisfy { node.inputs[$0].isEmpty || constant($0) }
      return constants && notBatch(node.int("axis") ?? -1)
    case "Gemm": return (node.int("transA") ?? 0) == 0 && constant(1)
    case "MatMul": return constant(1) && !constant(0)
    case "Transpose": return node.ints("perm")?.first == 0
    case "QuantizeLinear", "DequantizeLinear":
      // Per-tensor parameters, or per-channel along an axis other than the batch's.
      let perTensor = constant(1) && graph.initializers[node.inputs[1]]?.count == 1
      return perTensor || (constant(1) && notBatch(node.int("axis") ?? 1))
    case "Reshape":
      // Only a shape that copies the batch dimension (0) and does not allow zeros.
      guard constant(1), (node.int("allowzero") ?? 0) == 0, let shape = graph.initializers[node.inputs[1]] else {
        return false
      }
      return shape.count >= 1 && shape.floats().first == 0
    default: return false
    }
  }
}
