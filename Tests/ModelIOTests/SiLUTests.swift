import Foundation
import Tensor
import Testing

@testable import ModelIO

/// PyTorch's SiLU export, `Mul(x, Sigmoid(x))`, runs as one step when the Sigmoid has no
/// other reader, and as the two nodes otherwise; both give x·σ(x).
@Suite struct SiLUTests {
  static let shape = [1, 8, 40, 41]  // 13,120 values: several of the step's pieces, and a ragged end

  static func labels(_ nodes: [Node]) throws -> [String] {
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 17, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test").plan(for: [shape]).steps.map(\.label)
  }

  @Test(arguments: [true, false])
  func mulOfSigmoidBecomesOneStep(sigmoidFirst: Bool) throws {
    let nodes = [
      Node(op: "Sigmoid", name: "s", inputs: ["x"], outputs: ["s"]),
      Node(op: "Mul", name: "m", inputs: sigmoidFirst ? ["s", "x"] : ["x", "s"], outputs: ["y"]),
    ]
    let labels = try Self.labels(nodes)
    #expect(labels.count == 1 && labels[0].hasPrefix("SiLU"), "\(labels)")
    let x = ArchitectureOpsTests.random(Self.shape.reduce(1, *), seed: 21, in: -12...12)
    let y = try ArchitectureOpsTests.run(nodes, input: Self.shape, values: x)
    #expect(ArchitectureOpsTests.close(y.scalars, x.map { $0 / (1 + expf(-$0)) }, 2e-6))
  }

  @Test func aSigmoidReadElsewhereStaysItsOwnStep() throws {
    let nodes = [
      Node(op: "Sigmoid", name: "s", inputs: ["x"], outputs: ["s"]),
      Node(op: "Mul", name: "m", inputs: ["x", "s"], outputs: ["m"]),
      Node(op: "Add", name: "a", inputs: ["m", "s"], outputs: ["y"]),
    ]
    let labels = try Self.labels(nodes)
    #expect(labels.contains { $0.hasPrefix("Sigmoid") } && !labels.contains { $0.hasPrefix("SiLU") }, "\(labels)")
    let x = ArchitectureOpsTests.random(Self.shape.reduce(1, *), seed: 22)
    let y = try ArchitectureOpsTests.run(nodes, input: Self.shape, values: x)
    #expect(ArchitectureOpsTests.close(y.scalars, x.map { ($0 + 1) / (1 + expf(-$0)) }, 2e-6))
  }

  /// The fused step keeps its producer's whole kind in its label (the profile groups by it),
  /// spaces included: EfficientNet's 5×5 depthwise convolutions.
  @Test func fusedLabelKeepsTheWholeKind() throws {
    let (shape, k) = ([1, 4, 9, 9], 5)
    let w = HostArray(shape: [4, 1, k, k], floats: ArchitectureOpsTests.random(4 * k * k, seed: 41))
    let nodes = [
      Node(
        op: "Conv", name: "dw", inputs: ["x", "w"], outputs: ["c"],
        attributes: ["group": .int(4), "pads": .ints([2, 2, 2, 2])]),
      Node(op: "Sigmoid", name: "s", inputs: ["c"], outputs: ["s"]),
      Node(op: "Mul", name: "m", inputs: ["c", "s"], outputs: ["y"]),
    ]
    let graph = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: ["w": w], opset: 17, format: "test")
    let model = try LoadedModel(graph: graph, format: .onnx, file: "test")
    let labels = try model.plan(for: [shape]).steps.map(\.label)
    #expect(labels == ["Conv(depthwise 5×5)+SiLU node 'm'"])
    #expect(Step.kind(ofLabel: labels[0]) == "Conv(depthwise 5×5)+SiLU")
    #expect(Step.kind(ofLabel: "no node here") == "no node here")
  }

  /// A SiLU whose input only it reads runs inside the step that makes that input (here a
  /// packed convolution), in place on its output, and gives the same bits as the two steps.
  @Test func fusesIntoTheStepThatMakesItsInput() throws {
    let (shape, outputs) = ([1, 6, 9, 11], 5)
    let w = HostArray(shape: [outputs, 6, 3, 3], floats: ArchitectureOpsTests.random(outputs * 54, seed: 31))
    let b = HostArray(shape: [outputs], floats: ArchitectureOpsTests.random(outputs, seed: 32))
    let conv = Node(
      op: "Conv", name: "c", inputs: ["x", "w", "b"], outputs: ["c"],
      attributes: ["pads": .ints([1, 1, 1, 1])])
    let silu = [
      Node(op: "Sigmoid", name: "s", inputs: ["c"], outputs: ["s"]),
      Node(op: "Mul", name: "m", inputs: ["c", "s"], outputs: ["y"]),
    ]
    let inits = ["w": w, "b": b]
    func graph(alsoOutput: [String]) -> Graph {
      Graph(
        nodes: [conv] + silu, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
        outputs: (["y"] + alsoOutput).map { ValueInfo(name: $0, dtype: nil, shape: nil) }, initializers: inits,
        opset: 17, format: "test")
    }
    let model = try LoadedModel(graph: graph(alsoOutput: []), format: .onnx, file: "test")
    let labels = try model.plan(for: [shape]).steps.map(\.label)
    #expect(labels.count == 1 && labels[0].hasPrefix("Conv") && labels[0].contains("+SiLU"), "\(labels)")
    // The same with the convolution's output also a graph output: two steps.
    let apart = try LoadedModel(graph: graph(alsoOutput: ["c"]), format: .onnx, file: "test")
    #expect(try apart.plan(for: [shape]).steps.count == 2)
    let x = ArchitectureOpsTests.random(shape.reduce(1, *), seed: 33)
    let fused = try model.run(try Tensor(shape: shape, scalars: x))[0]
    let twoSteps = try apart.run(try Tensor(shape: shape, scalars: x))[0]
    #expect(fused.shape == [1, outputs, 9, 11])
    #expect(fused.scalars.map(\.bitPattern) == twoSteps.scalars.map(\.bitPattern))
  }
}
