import Tensor
import Testing

@testable import ModelIO

/// A plan keeps only the constants its steps read: a fully connected layer's weights live
/// in their packed copy alone, not also as a constant tensor that no step reads (ConvNeXt-Tiny
/// kept 90 MB of such copies, and copied them at every load).
@Suite struct PlanConstantsTests {
  private func model(_ nodes: [Node], input: [Int], initializers: [String: HostArray]) throws -> LoadedModel {
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: input.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: initializers, opset: 17, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  /// MatMul by a constant 2-D W, in both packed layouts (many rows, few rows).
  @Test(arguments: [(400, 8, 24), (20, 64, 96)])
  func aPackedMatMulKeepsNoConstant(rows: Int, k: Int, n: Int) throws {
    let w = HostArray(shape: [k, n], floats: ArchitectureOpsTests.random(k * n, seed: 51))
    let m = try model(
      [Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["y"])], input: [1, rows, k], initializers: ["w": w])
    #expect(try m.plan(for: [[1, rows, k]]).constants.isEmpty)
    let x = try Tensor(shape: [1, rows, k], scalars: ArchitectureOpsTests.random(rows * k, seed: 52))
    let reference = try Tensor.matmul(x, try Tensor(shape: [k, n], scalars: w.floats()))
    #expect(ArchitectureOpsTests.close(try m.run(x)[0].scalars, reference.scalars, 1e-4))
  }

  /// Gemm with constant weights (transposed, as exported) and a bias.
  @Test func aPackedGemmKeepsNoConstant() throws {
    let (k, n) = (12, 5)
    let w = HostArray(shape: [n, k], floats: ArchitectureOpsTests.random(n * k, seed: 53))
    let c = HostArray(shape: [n], floats: ArchitectureOpsTests.random(n, seed: 54))
    let node = Node(op: "Gemm", name: "fc", inputs: ["x", "w", "c"], outputs: ["y"], attributes: ["transB": .int(1)])
    let m = try model([node], input: [3, k], initializers: ["w": w, "c": c])
    #expect(try m.plan(for: [[3, k]]).constants.isEmpty)
    let x = try Tensor(shape: [3, k], scalars: ArchitectureOpsTests.random(3 * k, seed: 55))
    let reference = try Tensor.gemm(
      x, try Tensor(shape: [n, k], scalars: w.floats()), c: try Tensor(shape: [n], scalars: c.floats()), transA: false,
      transB: true, alpha: 1, beta: 1)
    #expect(ArchitectureOpsTests.close(try m.run(x)[0].scalars, reference.scalars, 1e-4))
  }

  /// A constant a step does read stays: a batched MatMul's 3-D B.
  @Test func aConstantAStepReadsStays() throws {
    let (k, n) = (4, 3)
    let w = HostArray(shape: [2, k, n], floats: ArchitectureOpsTests.random(2 * k * n, seed: 56))
    let m = try model(
      [Node(op: "MatMul", name: "bmm", inputs: ["x", "w"], outputs: ["y"])], input: [2, 5, k], initializers: ["w": w])
    #expect(try m.plan(for: [[2, 5, k]]).constants.count == 1)
    let x = try Tensor(shape: [2, 5, k], scalars: ArchitectureOpsTests.random(2 * 5 * k, seed: 57))
    let reference = try Tensor.matmul(x, try Tensor(shape: [2, k, n], scalars: w.floats()))
    #expect(try m.run(x)[0].scalars.map(\.bitPattern) == reference.scalars.map(\.bitPattern))
  }
}
