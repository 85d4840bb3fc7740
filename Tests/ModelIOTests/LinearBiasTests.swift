import Tensor
import Testing

@testable import ModelIO

/// `Add(MatMul(x, W), b)` with a constant W and one bias per output column (PyTorch's Linear
/// on [N, H, W, C] tensors) runs as one step with the bias in the gemm's epilogue, in both
/// layouts the MatMul picks, and gives the same bits as the two steps.
@Suite struct LinearBiasTests {
  /// Many rows (RowsTimesConstant) and few rows with large weights (PackedDense); the bias
  /// first or second, shaped [n] or [1, 1, n].
  @Test(arguments: [(400, 8, 24, false, [24]), (20, 64, 96, true, [96]), (400, 8, 24, true, [1, 1, 24])])
  func biasAddJoinsTheProduct(rows: Int, k: Int, n: Int, biasFirst: Bool, biasShape: [Int]) throws {
    let shape = [1, rows, k]
    let w = HostArray(shape: [k, n], floats: ArchitectureOpsTests.random(k * n, seed: 41))
    let b = HostArray(shape: biasShape, floats: ArchitectureOpsTests.random(n, seed: 42))
    let nodes = [
      Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["m"]),
      Node(op: "Add", name: "bias", inputs: biasFirst ? ["b", "m"] : ["m", "b"], outputs: ["y"]),
    ]
    func model(alsoOutput: [String]) throws -> LoadedModel {
      let g = Graph(
        nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: shape.map { .fixed($0) })],
        outputs: (["y"] + alsoOutput).map { ValueInfo(name: $0, dtype: nil, shape: nil) },
        initializers: ["w": w, "b": b], opset: 17, format: "test")
      return try LoadedModel(graph: g, format: .onnx, file: "test")
    }
    let fused = try model(alsoOutput: [])
    let labels = try fused.plan(for: [shape]).steps.map(\.label)
    #expect(labels.count == 1 && labels[0].hasPrefix("MatMul+Add"), "\(labels)")
    // The product also a graph output: the Add stays its own step.
    let apart = try model(alsoOutput: ["m"])
    #expect(try apart.plan(for: [shape]).steps.count == 2)
    let x = try Tensor(shape: shape, scalars: ArchitectureOpsTests.random(rows * k, seed: 43))
    let y = try fused.run(x)[0], twoSteps = try apart.run(x)[0]
    #expect(y.shape == [1, rows, n])
    #expect(y.scalars.map(\.bitPattern) == twoSteps.scalars.map(\.bitPattern))
    let reference = try Tensor.add(
      try Tensor.matmul(x, try Tensor(shape: [k, n], scalars: w.floats())), try Tensor(shape: [n], scalars: b.floats()))
    #expect(ArchitectureOpsTests.close(y.scalars, reference.scalars, 1e-4))
  }

  /// A bias that varies along another axis is a plain broadcast Add, not this step.
  @Test func aBiasPerRowStaysAnAdd() throws {
    let (rows, k, n) = (32, 8, 24)
    let nodes = [
      Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["m"]),
      Node(op: "Add", name: "bias", inputs: ["m", "b"], outputs: ["y"]),
    ]
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(rows), .fixed(k)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)],
      initializers: [
        "w": HostArray(shape: [k, n], floats: ArchitectureOpsTests.random(k * n, seed: 44)),
        "b": HostArray(shape: [rows, 1], floats: ArchitectureOpsTests.random(rows, seed: 45)),
      ], opset: 17, format: "test")
    let labels = try LoadedModel(graph: g, format: .onnx, file: "test").plan(for: [[1, rows, k]]).steps.map(\.label)
    #expect(labels.count == 2 && labels[1].hasPrefix("Add"), "\(labels)")
  }
}
