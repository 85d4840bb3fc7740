import Foundation
import Tensor
import Testing

@testable import ModelIO

/// A 1×1 convolution read only by a 3×3 depthwise convolution (MobileNetV2's expansion) runs
/// with it as one banded step, and gives the two steps' bits: strides 1 and 2, one-sided
/// padding, a band count that does not divide the rows, a batch of images; with a Relu after
/// the expansion (MobileNetV2) or PyTorch's exported SiLU, Mul(x, Sigmoid(x)) (EfficientNet).
@Suite struct ExpandDepthwiseTests {
  @Test(arguments: [(1, 1, 1), (2, 1, 1), (2, 0, 2), (1, 1, 3)])
  func bandsGiveTheTwoStepsBits(stride: Int, padEnd: Int, batch: Int) throws {
    try check(stride: stride, padEnd: padEnd, batch: batch, silu: false)
  }

  @Test(arguments: [(1, 1, 1), (2, 1, 1), (2, 0, 2)])
  func siluExpansionGivesTheTwoStepsBits(stride: Int, padEnd: Int, batch: Int) throws {
    try check(stride: stride, padEnd: padEnd, batch: batch, silu: true)
  }

  func check(stride: Int, padEnd: Int, batch: Int, silu: Bool) throws {
    // 96 channels × 112 columns: bands of 9 (stride 1) or 5 (stride 2) output rows; 91 rows
    // make the map large enough for the fusion (ExpandDepthwise.minimumPlane).
    let (cin, channels, h, w) = (5, 96, 91, 112)
    let shape = [batch, cin, h, w]
    let inits = [
      "we": HostArray(shape: [channels, cin, 1, 1], floats: ArchitectureOpsTests.random(channels * cin, seed: 41)),
      "be": HostArray(shape: [channels], floats: ArchitectureOpsTests.random(channels, seed: 42)),
      "wd": HostArray(shape: [channels, 1, 3, 3], floats: ArchitectureOpsTests.random(channels * 9, seed: 43)),
      "bd": HostArray(shape: [channels], floats: ArchitectureOpsTests.random(channels, seed: 44)),
    ]
    let nodes = [
      Node(op: "Conv", name: "e", inputs: ["x", "we", "be"], outputs: ["e"]),
    ] + (silu
      ? [
        Node(op: "Sigmoid", name: "s", inputs: ["e"], outputs: ["s"]),
        Node(op: "Mul", name: "r", inputs: ["e", "s"], outputs: ["r"]),
      ]
      : [Node(op: "Relu", name: "r", inputs: ["e"], outputs: ["r"])]) + [
      Node(
        op: "Conv", name: "d", inputs: ["r", "wd", "bd"], outputs: ["d"],
        attributes: [
          "group": .int(channels), "strides": .ints([stride, stride]), "pads": .ints([1, 1, padEnd, padEnd]),
        ]),
      Node(op: "Relu", name: "y", inputs: ["d"], outputs: ["y"]),
    ]
    func model(alsoOutput: [String]) throws -> LoadedModel {
      let g = Graph(
        nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
        outputs: (["y"] + alsoOutput).map { ValueInfo(name: $0, dtype: nil, shape: nil) }, initializers: inits,
        opset: 17, format: "test")
      return try LoadedModel(graph: g, format: .onnx, file: "test")
    }
    let fused = try model(alsoOutput: []), apart = try model(alsoOutput: ["r"])
    let labels = try fused.plan(for: [shape]).steps.map(\.label)
    let kind = silu ? "Conv(expand+SiLU+depthwise)" : "Conv(expand+depthwise)"
    #expect(labels.count == 1 && labels[0].hasPrefix(kind), "\(labels)")
    #expect(try apart.plan(for: [shape]).steps.count == 2)
    let x = try Tensor(shape: shape, scalars: ArchitectureOpsTests.random(shape.reduce(1, *), seed: 45))
    let y = try fused.run(x)[0], want = try apart.run(x)[0]
    #expect(y.shape == want.shape)
    let (a, b) = (y.scalars, want.scalars)
    let bad = a.indices.first { a[$0].bitPattern != b[$0].bitPattern }
    #expect(bad == nil, "at \(bad ?? 0): \(bad.map { a[$0] } ?? 0) against \(bad.map { b[$0] } ?? 0)")
  }
}
