import CKernels
import Tensor
import Testing

@testable import ModelIO

/// A first convolution whose only reader is a MaxPool (SqueezeNet's and ResNet's stems) runs
/// as one fused step, equal bit for bit to the two steps, which a second reader of the
/// convolution's output keeps apart.
@Suite struct DirectPoolTests {
  static func model(pads: [Int], ceil: Int, convOutputAlsoRead: Bool) throws -> LoadedModel {
    var rng = SplitMix(seed: 21)
    let w = (0..<(16 * 3 * 3 * 3)).map { _ in Float.random(in: -0.5...0.5, using: &rng) }
    let b = (0..<16).map { _ in Float.random(in: -0.2...0.2, using: &rng) }
    let nodes = [
      Node(op: "Conv", name: "conv", inputs: ["x", "w", "b"], outputs: ["c"],
        attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2])]),
      Node(op: "Relu", name: "relu", inputs: ["c"], outputs: ["r"]),
      Node(op: "MaxPool", name: "pool", inputs: ["r"], outputs: ["y"],
        attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints(pads), "ceil_mode": .int(ceil)]),
    ]
    let outputs = [ValueInfo(name: "y", dtype: nil, shape: nil)]
      + (convOutputAlsoRead ? [ValueInfo(name: "r", dtype: nil, shape: nil)] : [])
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("n"), .fixed(3), .fixed(90), .fixed(71)])],
      outputs: outputs,
      initializers: ["w": HostArray(shape: [16, 3, 3, 3], floats: w), "b": HostArray(shape: [16], floats: b)], opset: 13,
      format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  @Test(arguments: [[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 1, 0]] as [[Int]], [0, 1])
  func fusedStepEqualsConvThenPool(pads: [Int], ceil: Int) throws {
    let fused = try Self.model(pads: pads, ceil: ceil, convOutputAlsoRead: false)
    let apart = try Self.model(pads: pads, ceil: ceil, convOutputAlsoRead: true)
    let shape = [2, 3, 90, 71]
    let labels = try fused.plan(for: [shape]).steps.map(\.label)
    let direct = ck_gemm_cpu_level() >= CK_LEVEL_AVX512  // where the direct convolution runs at all
    #expect(labels.contains { $0.hasPrefix("Conv(direct)+MaxPool") } == direct, "\(labels)")
    #expect(!(try apart.plan(for: [shape]).steps.map(\.label).contains { $0.hasPrefix("Conv(direct)+MaxPool") }))
    var rng = SplitMix(seed: 5)
    let x = try Tensor(shape: shape, scalars: (0..<(2 * 3 * 90 * 71)).map { _ in Float.random(in: -1...1, using: &rng) })
    let y = try fused.run(["x": x])[0], want = try apart.run(["x": x])[0]
    #expect(y.shape == want.shape)
    #expect(y.scalars.map(\.bitPattern) == want.scalars.map(\.bitPattern))
  }
}
