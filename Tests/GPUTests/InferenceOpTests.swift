import DeviceInference
import GPU
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// Small ModelIO graphs, one family of operators each, run by the CPU plan and by the device
/// plan on the emulated device: the outputs agree within 1e-4 relative. The graphs go through
/// the same rewrites as a file's (Conv+Relu, Conv+Add, QDQ pairs fused), so the device's
/// typed fusions are what is checked.
@Suite struct InferenceOpTests {
  static func weights(_ shape: [Int], seed: UInt64, range: ClosedRange<Float> = -1...1) -> HostArray {
    HostArray(shape: shape, floats: randomTensor(shape, seed: seed, range: range).scalars)
  }
  static func scalar(_ v: Float) -> HostArray { HostArray(shape: [], floats: [v]) }
  static func i64(_ v: [Int]) -> HostArray { HostArray(dtype: .int64, shape: [v.count], integers: v.map(Int64.init)) }

  /// Runs `nodes` (input "x", output "y") on the CPU and on the emulated device.
  static func compare(
    _ nodes: [Node], input: [Int], _ initializers: [String: HostArray] = [:], inputType: ElementType = .float32,
    range: ClosedRange<Float> = -2...2, tolerance: Float = 1e-4, sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: inputType, shape: input.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: initializers, opset: 13, format: "test")
    let model = try LoadedModel(graph: g, format: .onnx, file: "test")
    var x = randomTensor(input, seed: 99, range: range)
    if inputType == .uint8 { x = try Tensor(shape: input, scalars: x.scalars.map { $0.rounded() }) }
    let cpu = try model.run(x)[0]
    let device = try DeviceModel(model, device: HostDevice()).run([x])[0]
    expectClose(device, cpu, tolerance: tolerance, sourceLocation: sourceLocation)
  }

  static func conv(_ name: String, _ x: String, _ y: String, bias: Bool = true, _ attributes: [String: Attribute] = [:])
    -> Node
  {
    Node(op: "Conv", name: name, inputs: [x, name + ".w"] + (bias ? [name + ".b"] : []), outputs: [y], attributes: attributes)
  }

  @Test(arguments: [
    // (input, weight, attributes): plain, strided with asymmetric pads, dilated, grouped, depthwise, 1×1.
    ([1, 3, 9, 8], [4, 3, 3, 3], ["pads": Attribute.ints([1, 1, 1, 1])]),
    ([2, 3, 9, 9], [4, 3, 3, 3], ["strides": .ints([2, 2]), "pads": .ints([0, 0, 1, 1])]),
    ([1, 2, 10, 9], [3, 2, 3, 2], ["dilations": .ints([2, 1]), "auto_pad": .string("SAME_UPPER")]),
    ([2, 4, 7, 7], [6, 2, 3, 3], ["group": .int(2), "pads": .ints([1, 1, 1, 1])]),
    ([1, 6, 8, 8], [6, 1, 3, 3], ["group": .int(6), "strides": .ints([2, 2]), "pads": .ints([0, 0, 1, 1])]),
    ([1, 5, 6, 6], [7, 5, 1, 1], [:]),
  ])
  func convolutionWithFusedActivation(_ c: ([Int], [Int], [String: Attribute])) throws {
    let inits = ["c.w": Self.weights(c.1, seed: 1), "c.b": Self.weights([c.1[0]], seed: 2)]
    try Self.compare([Self.conv("c", "x", "y", c.2)], input: c.0, inits)
    for act in [Node(op: "Relu", name: "r", inputs: ["z"], outputs: ["y"]),
      Node(op: "Clip", name: "r", inputs: ["z", "lo", "hi"], outputs: ["y"])]
    {
      var withBounds = inits
      (withBounds["lo"], withBounds["hi"]) = (Self.scalar(0), Self.scalar(0.5))
      try Self.compare([Self.conv("c", "x", "z", c.2), act], input: c.0, withBounds)
    }
  }

  @Test(arguments: [1, 2])
  func residualBlockAndFoldedBatchNorm(batch: Int) throws {
    let nodes = [
      Self.conv("a", "x", "a1", bias: false, ["pads": .ints([1, 1, 1, 1])]),
      Node(op: "BatchNormalization", name: "bn", inputs: ["a1", "g", "b", "m", "v"], outputs: ["a2"]),
      Node(op: "Relu", name: "r1", inputs: ["a2"], outputs: ["a3"]),
      Self.conv("c", "a3", "c1", ["pads": .ints([1, 1, 1, 1])]),
      Node(op: "Add", name: "add", inputs: ["c1", "x"], outputs: ["s"]),
      Node(op: "Relu", name: "r2", inputs: ["s"], outputs: ["t"]),
      // A batch norm no convolution absorbs runs as its own step, with the ReLU after it fused.
      Node(op: "BatchNormalization", name: "bn2", inputs: ["t", "g", "b", "m", "v"], outputs: ["u"]),
      Node(op: "Relu", name: "r3", inputs: ["u"], outputs: ["y"]),
    ]
    let inits = [
      "a.w": Self.weights([4, 4, 3, 3], seed: 3), "c.w": Self.weights([4, 4, 3, 3], seed: 4),
      "c.b": Self.weights([4], seed: 5), "g": Self.weights([4], seed: 6, range: 0.5...1.5),
      "b": Self.weights([4], seed: 7), "m": Self.weights([4], seed: 8), "v": Self.weights([4], seed: 9, range: 0.5...2),
    ]
    try Self.compare(nodes, input: [batch, 4, 6, 6], inits)
  }

  @Test(arguments: [
    ("MaxPool", ["kernel_shape": Attribute.ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1)]),
    ("MaxPool", ["kernel_shape": .ints([2, 2]), "pads": .ints([1, 1, 0, 0])]),
    ("AveragePool", ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]),
    ("AveragePool", ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "count_include_pad": .int(1)]),
    ("AveragePool", ["kernel_shape": .ints([7, 7])]),
    ("GlobalAveragePool", [:]), ("GlobalMaxPool", [:]),
  ])
  func pooling(_ p: (String, [String: Attribute])) throws {
    try Self.compare([Node(op: p.0, name: "p", inputs: ["x"], outputs: ["y"], attributes: p.1)], input: [2, 3, 7, 7])
  }

  @Test func gemmMatMulFlattenSoftmax() throws {
    let nodes = [
      Node(op: "Flatten", name: "f", inputs: ["x"], outputs: ["f1"]),
      Node(
        op: "Gemm", name: "fc", inputs: ["f1", "w", "b"], outputs: ["g1"],
        attributes: ["transB": .int(1), "alpha": .float(0.5), "beta": .float(2)]),
      Node(op: "Dropout", name: "d", inputs: ["g1"], outputs: ["g2"]),
      Node(op: "Reshape", name: "rs", inputs: ["g2", "shape"], outputs: ["g3"]),
      Node(op: "MatMul", name: "mm", inputs: ["g3", "m"], outputs: ["g4"]),
      Node(op: "Sigmoid", name: "s", inputs: ["g4"], outputs: ["g5"]),
      Node(op: "Softmax", name: "sm", inputs: ["g5"], outputs: ["y"], attributes: ["axis": .int(-1)]),
    ]
    let inits = [
      "w": Self.weights([10, 24], seed: 10), "b": Self.weights([10], seed: 11), "shape": Self.i64([3, 2, 5]),
      "m": Self.weights([5, 6], seed: 12),
    ]
    try Self.compare(nodes, input: [3, 2, 3, 4], inits)
  }

  @Test func concatOfConvolutionsAndElementwise() throws {
    let nodes = [
      Self.conv("a", "x", "a1"), Self.conv("b", "x", "b1", ["pads": .ints([1, 1, 1, 1])]),
      Node(op: "Concat", name: "cat", inputs: ["a1", "b1", "x"], outputs: ["c"], attributes: ["axis": .int(1)]),
      Node(op: "Tanh", name: "t", inputs: ["c"], outputs: ["t1"]),
      Node(op: "Mul", name: "mul", inputs: ["t1", "k"], outputs: ["t2"]),
      Node(op: "LeakyRelu", name: "l", inputs: ["t2"], outputs: ["t3"], attributes: ["alpha": .float(0.1)]),
      Node(op: "Sub", name: "sub", inputs: ["t3", "x2"], outputs: ["y"]),
    ]
    let inits = [
      "a.w": Self.weights([2, 3, 1, 1], seed: 13), "a.b": Self.weights([2], seed: 14),
      "b.w": Self.weights([4, 3, 3, 3], seed: 15), "b.b": Self.weights([4], seed: 16),
      "k": Self.weights([9, 1, 1], seed: 17), "x2": Self.weights([5], seed: 18),
    ]
    try Self.compare(nodes, input: [2, 3, 5, 5], inits)
  }
}
