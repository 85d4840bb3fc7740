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
}
