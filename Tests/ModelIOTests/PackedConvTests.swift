import Tensor
import Testing

@testable import ModelIO

/// The executor's packed convolutions against the engine's own conv2d (im2col + OpenBLAS):
/// groups, batches, bias, strides, dilations and one-sided pads, and the fused shortcut.
@Suite struct PackedConvTests {
  struct Case: CustomStringConvertible, Sendable {
    let batch: Int, cin: Int, cout: Int, groups: Int, k: Int, stride: Int, dilation: Int, pads: [Int]
    /// The input's height and width.
    var size = (9, 8)
    var description: String {
      "n\(batch) \(cin)→\(cout) g\(groups) k\(k) s\(stride) d\(dilation) p\(pads) \(size.0)×\(size.1)"
    }
  }

  static let cases = [
    Case(batch: 3, cin: 4, cout: 6, groups: 2, k: 3, stride: 1, dilation: 1, pads: [1, 1, 1, 1]),
    Case(batch: 2, cin: 6, cout: 9, groups: 3, k: 1, stride: 2, dilation: 1, pads: [0, 0, 0, 0]),
    Case(batch: 1, cin: 5, cout: 20, groups: 1, k: 3, stride: 2, dilation: 2, pads: [2, 1, 0, 2]),
    Case(batch: 2, cin: 3, cout: 13, groups: 1, k: 5, stride: 1, dilation: 1, pads: [2, 2, 2, 2]),
    // Batches stacked as one gemm's columns: pointwise (B read in place) and im2col, blocks
    // straddling images, and a batch split into chunks of stacked images (20×20 outputs).
    Case(batch: 5, cin: 7, cout: 14, groups: 1, k: 1, stride: 1, dilation: 1, pads: [0, 0, 0, 0]),
    Case(batch: 4, cin: 4, cout: 10, groups: 2, k: 1, stride: 1, dilation: 1, pads: [0, 0, 0, 0]),
    Case(batch: 4, cin: 3, cout: 25, groups: 1, k: 3, stride: 1, dilation: 1, pads: [1, 1, 1, 1], size: (20, 20)),
    Case(batch: 5, cin: 2, cout: 7, groups: 1, k: 1, stride: 1, dilation: 1, pads: [0, 0, 0, 0], size: (19, 21)),
  ]

  static func random(_ n: Int, _ rng: inout SplitMix) -> [Float] { (0..<n).map { _ in Float.random(in: -1...1, using: &rng) } }

  @Test(arguments: cases)
  func matchesTheEngineConvolution(_ c: Case) throws {
    var rng = SplitMix(seed: 21)
    let (h, w) = c.size
    let shape = [c.batch, c.cin, h, w]
    let x = Self.random(shape.reduce(1, *), &rng)
    let wShape = [c.cout, c.cin / c.groups, c.k, c.k]
    let weights = Self.random(wShape.reduce(1, *), &rng), bias = Self.random(c.cout, &rng)
    let node = Node(op: "Conv", name: "c", inputs: ["x", "w", "b"], outputs: ["y"], attributes: [
      "group": .int(c.groups), "strides": .ints([c.stride, c.stride]), "dilations": .ints([c.dilation, c.dilation]),
      "pads": .ints(c.pads),
    ])
    let y = try OperatorTests.run(
      node, input: shape, values: x,
      initializers: ["w": HostArray(shape: wShape, floats: weights), "b": HostArray(shape: [c.cout], floats: bias)])
    let reference = try Tensor.conv2d(
      try Tensor(shape: shape, scalars: x), weight: try Tensor(shape: wShape, scalars: weights),
      bias: try Tensor(shape: [c.cout], scalars: bias),
      options: Conv2DOptions(
        stride: (c.stride, c.stride), pads: c.pads, dilation: (c.dilation, c.dilation), groups: c.groups))
    #expect(y.shape == reference.shape)
    #expect(zip(y.scalars, reference.scalars).allSatisfy { abs($0 - $1) < 1e-4 }, "\(c)")
  }

  /// Conv → Add(shortcut) → Relu becomes one step; the result is the three ops' result.
  @Test func fusedShortcutMatchesTheSeparateOps() throws {
    var rng = SplitMix(seed: 22)
    let shape = [2, 4, 6, 5]
    let x = Self.random(shape.reduce(1, *), &rng), weights = Self.random(4 * 4 * 9, &rng)
    let g = Graph(
      nodes: [
        Node(op: "Conv", name: "c", inputs: ["x", "w"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
        Node(op: "Add", name: "a", inputs: ["x", "c"], outputs: ["s"]),
        Node(op: "Relu", name: "r", inputs: ["s"], outputs: ["y"]),
      ],
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)],
      initializers: ["w": HostArray(shape: [4, 4, 3, 3], floats: weights)], opset: 13, format: "test")
    let model = try LoadedModel(graph: g, format: .onnx, file: "test")
    #expect(try model.plan(for: [shape]).steps.count == 1, "Conv, Add and Relu run as one step")
    let y = try model.run(try Tensor(shape: shape, scalars: x))[0]
    let conv = try Tensor.conv2d(
      try Tensor(shape: shape, scalars: x), weight: try Tensor(shape: [4, 4, 3, 3], scalars: weights),
      options: Conv2DOptions(pads: [1, 1, 1, 1]))
    let want = zip(conv.scalars, x).map { max($0 + $1, 0) }
    #expect(zip(y.scalars, want).allSatisfy { abs($0 - $1) < 1e-4 })
  }
}
