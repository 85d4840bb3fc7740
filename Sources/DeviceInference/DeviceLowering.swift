import GPU
import ModelIO
import Tensor

/// An operator (or a form of one) the device cannot run; the CPU plan still can.
public struct UnsupportedOnDevice: Error, CustomStringConvertible, Sendable {
  /// The operator, its node and why.
  public let message: String
  public var description: String { message }
}

/// Lowers a planned ModelIO graph into typed device steps: one case per operator the
/// device runs, decided from the node, its typed fusions and the planned shapes.
struct DeviceLowering {
  let graph: PlannedGraph
  let weights: WeightCache
  var steps: [PlannedStep] = []
  var slots: [String: Int] = [:]
  var slotCount = 0
  var constants: [(Int, DeviceTensor)] = []

  init(graph: PlannedGraph, weights: WeightCache) {
    self.graph = graph
    self.weights = weights
  }

  /// The plan: input slots first, then every node's steps, the outputs' slots last.
  mutating func plan(ops: DeviceOps) throws -> DevicePlan {
    let inputSlots = graph.inputs.map { name in newSlot(name) }
    for node in graph.nodes { try lower(node) }
    var outputSlots: [Int] = []
    for o in graph.outputs { outputSlots.append(try operand(o, context: "graph output '\(o)'")) }
    return DevicePlan(
      ops: ops, steps: steps, slotCount: slotCount, inputSlots: inputSlots, outputSlots: outputSlots,
      constants: constants)
  }

  mutating func newSlot(_ name: String) -> Int {
    defer { slotCount += 1 }
    slots[name] = slotCount
    return slotCount
  }

  /// The slot of a value: a run-time value's, or a constant's (uploaded once per model).
  mutating func operand(_ name: String, context: String) throws -> Int {
    if let s = slots[name] { return s }
    guard case .constant(let a)? = graph.values[name] else {
      throw UnsupportedOnDevice(message: "\(context): value '\(name)' is not computed on the device")
    }
    return try constant(name, HostArray.floatTensor(a))
  }

  /// A slot holding a host tensor made at plan time (uploaded once, by `key`).
  mutating func constant(_ key: String, _ t: @autoclosure () throws -> Tensor) throws -> Int {
    if let s = slots[key] { return s }
    let d = try weights.tensor(key, t())
    let s = newSlot(key)
    constants.append((s, d))
    return s
  }

  func shape(_ name: String) -> [Int]? {
    if case .runtime(let s, _)? = graph.values[name] { return s }
    return nil
  }

  func constantArray(_ node: Node, _ k: Int) -> HostArray? {
    guard k < node.inputs.count, !node.inputs[k].isEmpty, case .constant(let a)? = graph.values[node.inputs[k]]
    else { return nil }
    return a
  }

  /// Adds a step computing the node's first output.
  mutating func emit(_ node: Node, _ step: DeviceStep, inputs: [Int]) throws {
    guard let out = shape(node.outputs[0]) else {
      throw UnsupportedOnDevice(message: "\(label(node)): its output has no planned shape")
    }
    let slot = newSlot(node.outputs[0])
    steps.append(PlannedStep(step: step, inputs: inputs, output: slot, shape: out, label: label(node)))
  }

  func label(_ node: Node) -> String { "\(node.op) node '\(node.label)'" }

  func unsupported(_ node: Node, _ why: String) -> UnsupportedOnDevice {
    UnsupportedOnDevice(message: "\(label(node)): \(why) on the device (the CPU runs it: use ctx(cpu))")
  }

  /// The run-time operands of a node (every non-empty input).
  mutating func operands(_ node: Node, _ indices: Range<Int>? = nil) throws -> [Int] {
    var result: [Int] = []
    for k in indices ?? node.inputs.indices where k < node.inputs.count && !node.inputs[k].isEmpty {
      result.append(try operand(node.inputs[k], context: label(node)))
    }
    return result
  }

  mutating func lower(_ node: Node) throws {
    if node.domain == Node.internalDomain && node.op == "FakeQuant" { return try lowerQuantization(node) }
    guard node.domain.isEmpty || node.domain == "ai.onnx" else {
      throw unsupported(node, "operator domain '\(node.domain)' is not supported")
    }
    switch node.op {
    case "Conv": try lowerConv(node)
    case "Gemm": try lowerGemm(node)
    case "MatMul": try lowerMatMul(node)
    case "Add", "Sub", "Mul", "Div", "Max", "Min": try lowerBinary(node)
    case "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Clip", "Exp", "Neg", "Sqrt": try lowerUnary(node)
    case "MaxPool", "AveragePool": try lowerPool(node)
    case "GlobalAveragePool", "GlobalMaxPool": try lowerGlobalPool(node)
    case "Flatten", "Reshape", "Squeeze", "Unsqueeze": try emit(node, .view, inputs: try operands(node, 0..<1))
    case "Identity", "Dropout": slots[node.outputs[0]] = try operand(node.inputs[0], context: label(node))
    case "Concat": try lowerConcat(node)
    case "Softmax": try lowerSoftmax(node)
    case "Transpose": try lowerTranspose(node)
    case "BatchNormalization": try lowerBatchNorm(node)
    case "QuantizeLinear", "DequantizeLinear": try lowerQuantization(node)
    default: throw unsupported(node, "operator '\(node.op)' is not supported")
    }
  }
}

extension HostArray {
  /// The array's values as a float tensor.
  static func floatTensor(_ a: HostArray) throws -> Tensor {
    try Tensor(shape: a.shape, scalars: a.floats())
  }
}

/// Weights on one device by value name, uploaded once and shared by every input shape's plan.
final class WeightCache: @unchecked Sendable {
  let ops: DeviceOps
  private var tensors: [String: DeviceTensor] = [:]

  init(ops: DeviceOps) { self.ops = ops }

  func tensor(_ key: String, _ t: @autoclosure () throws -> Tensor) throws -> DeviceTensor {
    if let d = tensors[key] { return d }
    let host = try t()
    let d = try ops.upload(host, "weight '\(key)' \(host.shape)")
    tensors[key] = d
    return d
  }
}
