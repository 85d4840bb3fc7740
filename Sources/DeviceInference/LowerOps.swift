import GPU
import ModelIO
import Tensor

extension DeviceLowering {
  /// ONNX pads [top, left, bottom, right] with auto_pad resolved (ModelIO's own rule).
  func pads(_ node: Node, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws -> [Int] {
    do throws(Node.PaddingError) {
      return try node.spatialPads(input: input, kernel: kernel, strides: strides, dilations: dilations)
    } catch { throw unsupported(node, error.message) }
  }

  /// The activation a rewrite fused into the node, as the device's unary op.
  static func activation(_ f: FusedActivation?) -> DeviceUnary? {
    switch f {
    case .relu?: .relu
    case .leakyRelu(let a)?: .leakyRelu(alpha: a)
    case .clip(let lo, let hi)?: .clip(min: lo, max: hi)
    case nil: nil
    }
  }

  mutating func lowerConv(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), x.count == 4 else { throw unsupported(node, "only 2-D convolution runs") }
    guard let w = constantArray(node, 1), w.shape.count == 4 else {
      throw unsupported(node, "a weight that is not a 4-D constant is not supported")
    }
    let kernel = Array(w.shape[2...])
    let strides = node.ints("strides") ?? [1, 1]
    let dilations = node.ints("dilations") ?? [1, 1]
    let p = try pads(node, input: Array(x[2...]), kernel: kernel, strides: strides, dilations: dilations)
    let options = Conv2DOptions(
      stride: (strides[0], strides[1]), pads: p, dilation: (dilations[0], dilations[1]),
      groups: node.int("group") ?? 1)
    let hasBias = node.inputs.count > 2 && !node.inputs[2].isEmpty
    let hasResidual = node.inputs.count > 3 && !node.inputs[3].isEmpty
    var inputs = [try operand(node.inputs[0], context: label(node)), try operand(node.inputs[1], context: label(node))]
    if hasBias { inputs.append(try operand(node.inputs[2], context: label(node))) }
    if hasResidual { inputs.append(try operand(node.inputs[3], context: label(node))) }
    let step = DeviceStep.conv(
      options, hasBias: hasBias, hasResidual: hasResidual, Self.activation(node.fusion.activation),
      node.fusion.outputQuantization)
    try emit(node, step, inputs: inputs)
  }

  mutating func lowerGemm(_ node: Node) throws {
    let transA = (node.int("transA") ?? 0) != 0
    let transB = (node.int("transB") ?? 0) != 0
    let (alpha, beta) = (node.float("alpha") ?? 1, node.float("beta") ?? 1)
    var inputs = try operands(node, 0..<2)
    let hasC = node.inputs.count > 2 && !node.inputs[2].isEmpty
    if hasC {
      if let c = constantArray(node, 2) {
        // beta·C once, at plan time.
        let scaled = c.floats().map { beta * $0 }
        inputs.append(try constant("\(node.inputs[2])#beta:\(beta)", try Tensor(shape: c.shape, scalars: scaled)))
      } else {
        guard beta == 1 else { throw unsupported(node, "a run-time C with beta ≠ 1 is not supported") }
        inputs.append(try operand(node.inputs[2], context: label(node)))
      }
    }
    try emit(node, .gemm(transA: transA, transB: transB, alpha: alpha, hasBias: hasC), inputs: inputs)
  }

  /// MatMul by a constant 2-D matrix (a Linear layer): every row of A through one gemm.
  mutating func lowerMatMul(_ node: Node) throws {
    guard let a = shape(node.inputs[0]), a.count >= 2, let b = constantArray(node, 1), b.shape.count == 2,
      let out = shape(node.outputs[0])
    else { throw unsupported(node, "only a product by a constant 2-D matrix is supported") }
    let rows = a.dropLast().reduce(1, *)
    let inputs = try operands(node, 0..<2)
    let flat = newSlot(node.outputs[0] + "#rows")
    steps.append(
      PlannedStep(
        step: .gemm(transA: false, transB: false, alpha: 1, hasBias: false), inputs: inputs, output: flat,
        shape: [rows, b.shape[1]], label: label(node)))
    let slot = newSlot(node.outputs[0])
    steps.append(PlannedStep(step: .view, inputs: [flat], output: slot, shape: out, label: label(node)))
  }

  mutating func lowerBinary(_ node: Node) throws {
    let inputs = try operands(node)
    if let out = shape(node.outputs[0]), out.count > 4 { throw unsupported(node, "rank \(out.count) is past 4") }
    if node.op == "Add", let q = node.fusion.outputQuantization {
      let sameShape = inputs.count == 2 && node.inputs.allSatisfy { shape($0) == shape(node.outputs[0]) }
      if sameShape { return try emit(node, .quantize(.fake, q), inputs: inputs) }
      let s = newSlot(node.outputs[0] + "#sum")
      steps.append(
        PlannedStep(step: .binary(.add), inputs: inputs, output: s, shape: shape(node.outputs[0]) ?? [], label: label(node)))
      return try emit(node, .quantize(.fake, q), inputs: [s])
    }
    let ops: [String: DeviceBinary] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Max": .max, "Min": .min]
    try emit(node, .binary(ops[node.op]!), inputs: inputs)
  }

  mutating func lowerUnary(_ node: Node) throws {
    let op: DeviceUnary
    switch node.op {
    case "Relu": op = .relu
    case "Sigmoid": op = .sigmoid
    case "Tanh": op = .tanh
    case "Exp": op = .exp
    case "Neg": op = .negate
    case "Sqrt": op = .sqrt
    case "LeakyRelu": op = .leakyRelu(alpha: node.float("alpha") ?? 0.01)
    default:
      var lo = node.float("min") ?? -.greatestFiniteMagnitude
      var hi = node.float("max") ?? .greatestFiniteMagnitude
      for k in [1, 2] where k < node.inputs.count && !node.inputs[k].isEmpty {
        guard let a = constantArray(node, k), a.count == 1 else { throw unsupported(node, "run-time bounds are not supported") }
        if k == 1 { lo = a.floats()[0] } else { hi = a.floats()[0] }
      }
      op = .clip(min: lo, max: hi)
    }
    try emit(node, .unary(op), inputs: try operands(node, 0..<1))
  }
}
