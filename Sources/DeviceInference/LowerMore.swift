import GPU
import ModelIO
import Tensor

extension DeviceLowering {
  mutating func lowerPool(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), x.count == 4, let kernel = node.ints("kernel_shape"), kernel.count == 2
    else { throw unsupported(node, "only 2-D pooling runs") }
    guard (node.ints("dilations") ?? [1, 1]) == [1, 1] else { throw unsupported(node, "dilated pooling") }
    let strides = node.ints("strides") ?? [1, 1]
    let p = try pads(node, input: Array(x[2...]), kernel: kernel, strides: strides, dilations: [1, 1])
    let options = Pool2DOptions(
      kernel: kernel, stride: strides, pads: p, ceilMode: (node.int("ceil_mode") ?? 0) != 0,
      countIncludePad: (node.int("count_include_pad") ?? 0) != 0)
    try checkPoolShape(node, x, options)
    try emit(node, node.op == "MaxPool" ? .maxPool(options) : .averagePool(options), inputs: try operands(node, 0..<1))
  }

  /// The device kernels' window rule must give the planner's output shape.
  func checkPoolShape(_ node: Node, _ x: [Int], _ o: Pool2DOptions) throws {
    let (oh, ow) = try Tensor.poolOutputSize(x, o)
    guard let out = shape(node.outputs[0]), out == [x[0], x[1], oh, ow] else {
      throw unsupported(node, "its window arithmetic (output \(shape(node.outputs[0]) ?? [])) is not supported")
    }
  }

  mutating func lowerGlobalPool(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), x.count == 4 else { throw unsupported(node, "only N×C×H×W input runs") }
    let options = Pool2DOptions(kernel: [x[2], x[3]], stride: [1, 1])
    let step: DeviceStep = node.op == "GlobalMaxPool" ? .maxPool(options) : .averagePool(options)
    try emit(node, step, inputs: try operands(node, 0..<1))
  }

  mutating func lowerConcat(_ node: Node) throws {
    guard let out = shape(node.outputs[0]) else { throw unsupported(node, "no planned shape") }
    var axis = node.int("axis") ?? 1
    if axis < 0 { axis += out.count }
    guard axis >= 0 && axis < out.count else { throw unsupported(node, "axis \(axis) is out of range") }
    try emit(node, .concat(axis: axis), inputs: try operands(node))
  }

  mutating func lowerSoftmax(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), !x.isEmpty else { throw unsupported(node, "a scalar input") }
    let coerce = graph.opset < 13 || node.int("coerce_2d") == 1
    var axis = node.int("axis") ?? (coerce ? 1 : -1)
    if axis < 0 { axis += x.count }
    guard axis >= 0 && axis < x.count else { throw unsupported(node, "axis \(axis) is out of range") }
    // Rows of contiguous columns: the coerced form, or the last axis.
    guard coerce || axis == x.count - 1 else { throw unsupported(node, "softmax over axis \(axis) of \(x)") }
    try emit(node, .softmax(columns: x[axis...].reduce(1, *)), inputs: try operands(node, 0..<1))
  }

  mutating func lowerTranspose(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), x.count <= 4 else { throw unsupported(node, "rank past 4") }
    let perm = node.ints("perm") ?? Array((0..<x.count).reversed())
    try emit(node, .permute(perm, dequantize: node.fusion.inputDequantization), inputs: try operands(node, 0..<1))
  }

  mutating func lowerBatchNorm(_ node: Node) throws {
    guard let x = shape(node.inputs[0]), x.count >= 2 else { throw unsupported(node, "no channel axis") }
    var params: [[Float]] = []
    for k in 1...4 {
      guard let a = constantArray(node, k), a.count == x[1] else { throw unsupported(node, "non-constant parameters") }
      params.append(a.floats())
    }
    let eps = node.float("epsilon") ?? 1e-5
    let invStd = params[3].map { 1 / ($0 + eps).squareRoot() }
    let c = [x[1]]
    var inputs = [try operand(node.inputs[0], context: label(node))]
    inputs.append(try constant(node.inputs[3], try Tensor(shape: c, scalars: params[2])))
    inputs.append(try constant("\(node.inputs[4])#invstd:\(eps)", try Tensor(shape: c, scalars: invStd)))
    inputs.append(try constant(node.inputs[1], try Tensor(shape: c, scalars: params[0])))
    inputs.append(try constant(node.inputs[2], try Tensor(shape: c, scalars: params[1])))
    try emit(node, .batchNorm, inputs: inputs)
    // An activation the rewrites fused into the batch norm (DenseNet's BN → ReLU) runs after it.
    if let activation = Self.activation(node.fusion.activation), let normalized = slots[node.outputs[0]] {
      try emit(node, .unary(activation), inputs: [normalized])
    }
  }

  /// QuantizeLinear, DequantizeLinear and the rewrites' FakeQuant, per tensor.
  mutating func lowerQuantization(_ node: Node) throws {
    guard let s = constantArray(node, 1), s.count == 1 else {
      throw unsupported(node, "only per-tensor quantization with a constant scale runs")
    }
    let z = constantArray(node, 2)
    if node.inputs.count > 2 && !node.inputs[2].isEmpty && (z == nil || z!.count != 1) {
      throw unsupported(node, "only a constant per-tensor zero point runs")
    }
    let type = z?.dtype ?? .uint8
    let (lo, hi): (Float, Float)
    switch type {
    case .uint8: (lo, hi) = (0, 255)
    case .int8: (lo, hi) = (-128, 127)
    case .int32: (lo, hi) = (-2_147_483_648, 2_147_483_520)
    default: throw unsupported(node, "zero point type \(type) is not supported")
    }
    let q = FusedQuantization(scale: s.floats()[0], zeroPoint: z?.floats().first ?? 0, low: lo, high: hi)
    let mode: DeviceQuantization =
      node.op == "QuantizeLinear" ? .quantize : node.op == "DequantizeLinear" ? .dequantize : .fake
    try emit(node, .quantize(mode, q), inputs: try operands(node, 0..<1))
  }
}
