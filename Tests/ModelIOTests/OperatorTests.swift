import Tensor
import Testing

@testable import ModelIO

/// Single-operator graphs built in the IR, checked against hand-computed results.
@Suite struct OperatorTests {
  static func run(
    _ node: Node, input: [Int], values: [Float], initializers: [String: HostArray] = [:], opset: Int = 13,
    inputType: ElementType = .float32
  ) throws -> Tensor {
    let g = Graph(
      nodes: [node], inputs: [ValueInfo(name: "x", dtype: inputType, shape: input.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: initializers, opset: opset, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    return try m.run(try Tensor(shape: input, scalars: values))[0]
  }

  static func i64(_ v: [Int]) -> HostArray { HostArray(dtype: .int64, shape: [v.count], integers: v.map(Int64.init)) }

  @Test func quantizeRoundsHalfToEvenAndSaturates() throws {
    let q = Node(op: "QuantizeLinear", name: "q", inputs: ["x", "s", "z"], outputs: ["y"])
    let y = try Self.run(
      q, input: [8], values: [0.5, 1.5, 2.5, -0.5, 300, -300, 127.5, 3.49],
      initializers: ["s": HostArray(shape: [], floats: [1]), "z": HostArray(dtype: .uint8, shape: [], integers: [128])])
    #expect(y.scalars == [128, 130, 130, 128, 255, 0, 255, 131])
    let s8 = try Self.run(
      q, input: [4], values: [0.5, 1.5, -1000, 1000],
      initializers: ["s": HostArray(shape: [], floats: [1]), "z": HostArray(dtype: .int8, shape: [], integers: [0])])
    #expect(s8.scalars == [0, 2, -128, 127])
  }

  @Test func perAxisDequantize() throws {
    let d = Node(op: "DequantizeLinear", name: "d", inputs: ["x", "s", "z"], outputs: ["y"], attributes: ["axis": .int(1)])
    let y = try Self.run(
      d, input: [1, 2, 2], values: [10, 12, 10, 12], initializers: [
        "s": HostArray(shape: [2], floats: [0.5, 2]), "z": HostArray(dtype: .uint8, shape: [2], integers: [10, 11]),
      ], inputType: .uint8)
    #expect(y.scalars == [0, 1, -2, 2])
  }

  @Test func convAsymmetricPadsAndSameUpper() throws {
    // 1×1×3×3 input, 2×2 kernel of ones: each output sums a window.
    let w = HostArray(shape: [1, 1, 2, 2], floats: [1, 1, 1, 1])
    let x: [Float] = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    let pads = Node(op: "Conv", name: "c", inputs: ["x", "w"], outputs: ["y"], attributes: ["pads": .ints([0, 0, 1, 1])])
    let y = try Self.run(pads, input: [1, 1, 3, 3], values: x, initializers: ["w": w])
    #expect(y.shape == [1, 1, 3, 3])
    #expect(y.scalars == [12, 16, 9, 24, 28, 15, 15, 17, 9])
    let same = Node(op: "Conv", name: "c", inputs: ["x", "w"], outputs: ["y"], attributes: ["auto_pad": .string("SAME_UPPER"), "strides": .ints([2, 2])])
    let z = try Self.run(same, input: [1, 1, 3, 3], values: x, initializers: ["w": w])
    #expect(z.shape == [1, 1, 2, 2])
    #expect(z.scalars == [12, 9, 15, 9])
  }

  @Test func depthwiseMatchesGenericPath() throws {
    var rng = SplitMix(seed: 5)
    let c = 4
    let w = HostArray(shape: [c, 1, 3, 3], floats: (0..<(c * 9)).map { _ in Float.random(in: -1...1, using: &rng) })
    let x = (0..<(c * 7 * 6)).map { _ in Float.random(in: -1...1, using: &rng) }
    for (stride, pads) in [(1, [1, 1, 1, 1]), (2, [0, 0, 1, 1]), (2, [1, 0, 0, 1])] {
      let node = Node(op: "Conv", name: "dw", inputs: ["x", "w"], outputs: ["y"], attributes: [
        "group": .int(c), "strides": .ints([stride, stride]), "pads": .ints(pads),
      ])
      let fast = try Self.run(node, input: [1, c, 7, 6], values: x, initializers: ["w": w])
      let reference = try Tensor.conv2d(
        try Tensor(shape: [1, c, 7, 6], scalars: x), weight: try Tensor(shape: [c, 1, 3, 3], scalars: w.floats()),
        options: Conv2DOptions(stride: (stride, stride), pads: pads, groups: c))
      #expect(fast.shape == reference.shape)
      #expect(zip(fast.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-5 })
    }
  }

  @Test func poolingModes() throws {
    let x: [Float] = (1...16).map(Float.init)
    let maxCeil = Node(op: "MaxPool", name: "m", inputs: ["x"], outputs: ["y"], attributes: [
      "kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "ceil_mode": .int(1),
    ])
    let m = try Self.run(maxCeil, input: [1, 1, 4, 4], values: x)
    #expect(m.shape == [1, 1, 2, 2] && m.scalars == [11, 12, 15, 16])
    let cases: [(Int, [Float])] = [(1, [14 / 9, 30 / 9]), (0, [14 / 4, 30 / 6])]
    for (include, expected) in cases {
      let avg = Node(op: "AveragePool", name: "a", inputs: ["x"], outputs: ["y"], attributes: [
        "kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1]), "count_include_pad": .int(include),
      ])
      let a = try Self.run(avg, input: [1, 1, 4, 4], values: x)
      #expect(a.shape == [1, 1, 2, 2])
      #expect(abs(a.scalars[0] - expected[0]) < 1e-5 && abs(a.scalars[1] - expected[1]) < 1e-5)
    }
  }

  @Test func shapeSubgraphFoldsAtLoad() throws {
    // y = Reshape(x, Concat(Slice(Shape(x), 0, 1), Unsqueeze(Gather(Shape(x), 2), 0) * 3)).
    let nodes = [
      Node(op: "Shape", name: "s", inputs: ["x"], outputs: ["shape"]),
      Node(op: "Slice", name: "sl", inputs: ["shape", "zero", "one"], outputs: ["n"]),
      Node(op: "Gather", name: "g", inputs: ["shape", "two"], outputs: ["h"], attributes: ["axis": .int(0)]),
      Node(op: "Unsqueeze", name: "u", inputs: ["h", "zero"], outputs: ["h1"]),
      Node(op: "Mul", name: "m", inputs: ["h1", "three"], outputs: ["h3"]),
      Node(op: "Concat", name: "c", inputs: ["n", "h3"], outputs: ["target"], attributes: ["axis": .int(0)]),
      Node(op: "Reshape", name: "r", inputs: ["x", "target"], outputs: ["y"]),
    ]
    let inits = [
      "zero": Self.i64([0]), "one": Self.i64([1]), "three": Self.i64([3]),
      "two": HostArray(dtype: .int64, shape: [], integers: [2]),
    ]
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("N"), .fixed(3), .fixed(2)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: inits, opset: 13, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    let y = try m.run(try Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Float.init)))[0]
    #expect(y.shape == [2, 6])
    let plan = try m.plan(for: [[2, 3, 2]])
    #expect(plan.steps.count == 1)
  }

  @Test func softmaxBeforeOpset13CoercesTo2D() throws {
    let s = Node(op: "Softmax", name: "s", inputs: ["x"], outputs: ["y"])
    let y = try Self.run(s, input: [1, 2, 2], values: [0, 0, 0, 0], opset: 11)
    #expect(y.scalars == [0.25, 0.25, 0.25, 0.25])
    let z = try Self.run(s, input: [1, 2, 2], values: [0, 0, 0, 0], opset: 13)
    #expect(z.scalars == [0.5, 0.5, 0.5, 0.5])
  }

  @Test func unsupportedAttributeValuesAreErrors() {
    let c = Node(op: "Conv", name: "c", inputs: ["x", "w"], outputs: ["y"], attributes: ["auto_pad": .string("WRAP")])
    #expect(throws: ModelLoadError.self) {
      try Self.run(c, input: [1, 1, 3, 3], values: Array(repeating: 0, count: 9), initializers: ["w": HostArray(shape: [1, 1, 1, 1], floats: [1])])
    }
  }
}
