import Tensor
import Testing

@testable import ModelIO

/// A batch of a graph that keeps images apart runs image by image (same results as the
/// whole batch); a graph with an operator that could mix images keeps the batch whole.
@Suite struct BatchSplitTests {
  static func model(_ nodes: [Node], inits: [String: HostArray], channels: Int = 3) throws -> LoadedModel {
    let g = Graph(
      nodes: nodes,
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("N"), .fixed(channels), .fixed(5), .fixed(5)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: inits, opset: 13, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  static func values(_ n: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix(seed: seed)
    return (0..<n).map { _ in Float.random(in: -1...1, using: &rng) }
  }

  /// Conv → Relu → MaxPool → Flatten → Gemm → Softmax, at batch 4: image by image, each
  /// image's output equal to its batch-1 run.
  @Test func aConvolutionalNetRunsImageByImage() throws {
    let nodes = [
      Node(op: "Conv", name: "c", inputs: ["x", "w", "b"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
      Node(op: "Relu", name: "r", inputs: ["c"], outputs: ["r"]),
      Node(op: "MaxPool", name: "p", inputs: ["r"], outputs: ["p"], attributes: ["kernel_shape": .ints([2, 2])]),
      Node(op: "Flatten", name: "f", inputs: ["p"], outputs: ["f"]),
      Node(op: "Gemm", name: "g", inputs: ["f", "fw", "fb"], outputs: ["g"], attributes: ["transB": .int(1)]),
      Node(op: "Softmax", name: "s", inputs: ["g"], outputs: ["y"]),
    ]
    let inits = [
      "w": HostArray(shape: [4, 3, 3, 3], floats: Self.values(108, seed: 1)),
      "b": HostArray(shape: [4], floats: Self.values(4, seed: 2)),
      "fw": HostArray(shape: [6, 64], floats: Self.values(384, seed: 3)),
      "fb": HostArray(shape: [6], floats: Self.values(6, seed: 4)),
    ]
    let m = try Self.model(nodes, inits: inits)
    #expect(try m.plan(for: [[4, 3, 5, 5]]).perImage != nil, "this graph keeps images apart")
    let x = Self.values(4 * 75, seed: 5)
    let y = try m.run(try Tensor(shape: [4, 3, 5, 5], scalars: x))[0]
    #expect(y.shape == [4, 6])
    for i in 0..<4 {
      let one = try m.run(try Tensor(shape: [1, 3, 5, 5], scalars: Array(x[i * 75..<(i + 1) * 75])))[0]
      #expect(Array(y.scalars[i * 6..<(i + 1) * 6]) == one.scalars, "image \(i)")
    }
  }

  /// A channels-last block as ConvNeXt's: Transpose → LayerNormalization over the last axis →
  /// Gelu → Transpose, at batch 3: image by image, each image equal to its batch-1 run.
  @Test func aLayerNormAndGeluBlockRunsImageByImage() throws {
    let nodes = [
      Node(op: "Transpose", name: "t", inputs: ["x"], outputs: ["t"], attributes: ["perm": .ints([0, 2, 3, 1])]),
      Node(op: "LayerNormalization", name: "n", inputs: ["t", "scale", "bias"], outputs: ["n"],
        attributes: ["axis": .int(-1)]),
      Node(op: "Gelu", name: "g", inputs: ["n"], outputs: ["g"]),
      Node(op: "Transpose", name: "u", inputs: ["g"], outputs: ["y"], attributes: ["perm": .ints([0, 3, 1, 2])]),
    ]
    let inits = [
      "scale": HostArray(shape: [3], floats: Self.values(3, seed: 6)),
      "bias": HostArray(shape: [3], floats: Self.values(3, seed: 7)),
    ]
    let m = try Self.model(nodes, inits: inits)
    #expect(try m.plan(for: [[3, 3, 5, 5]]).perImage != nil, "this graph keeps images apart")
    let x = Self.values(3 * 75, seed: 8)
    let y = try m.run(try Tensor(shape: [3, 3, 5, 5], scalars: x))[0]
    for i in 0..<3 {
      let one = try m.run(try Tensor(shape: [1, 3, 5, 5], scalars: Array(x[i * 75..<(i + 1) * 75])))[0]
      #expect(Array(y.scalars[i * 75..<(i + 1) * 75]) == one.scalars, "image \(i)")
    }
  }

  /// Operators that could mix images keep the batch in one plan.
  @Test(arguments: [
    Node(op: "Softmax", name: "s", inputs: ["x"], outputs: ["y"], attributes: ["axis": .int(0)]),
    Node(op: "Concat", name: "c", inputs: ["x", "x"], outputs: ["y"], attributes: ["axis": .int(0)]),
    Node(op: "Flatten", name: "f", inputs: ["x"], outputs: ["y"], attributes: ["axis": .int(0)]),
    Node(op: "Transpose", name: "t", inputs: ["x"], outputs: ["y"], attributes: ["perm": .ints([1, 0, 2, 3])]),
    Node(op: "Reshape", name: "r", inputs: ["x", "shape"], outputs: ["y"]),
    Node(op: "ReduceMean", name: "m", inputs: ["x"], outputs: ["y"], attributes: ["axes": .ints([0])]),
    Node(op: "LayerNormalization", name: "n", inputs: ["x", "ln"], outputs: ["y"], attributes: ["axis": .int(0)]),
  ])
  func mixingOperatorsKeepTheBatchWhole(_ node: Node) throws {
    let m = try Self.model([node], inits: [
      "shape": HostArray(dtype: .int64, shape: [2], integers: [-1, 25]),
      "ln": HostArray(shape: [3, 5, 5], floats: Self.values(75, seed: 9)),
    ])
    let plan = try m.plan(for: [[2, 3, 5, 5]])
    #expect(plan.perImage == nil, "\(node.op)")
  }
}
