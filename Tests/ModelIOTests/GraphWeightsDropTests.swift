import Tensor
import Testing

@testable import ModelIO

/// A CPU-only holder (tabby serve) gives up the graph's weights once the batch-1 plan holds
/// its own copy, only when no later run can need another plan; runs after it are unchanged.
@Suite struct GraphWeightsDropTests {
  static let convNet = [
    Node(op: "Conv", name: "c", inputs: ["x", "w", "b"], outputs: ["c"], attributes: ["pads": .ints([1, 1, 1, 1])]),
    Node(op: "Relu", name: "r", inputs: ["c"], outputs: ["r"]),
    Node(op: "Flatten", name: "f", inputs: ["r"], outputs: ["f"]),
    Node(op: "Gemm", name: "g", inputs: ["f", "fw", "fb"], outputs: ["y"], attributes: ["transB": .int(1)]),
  ]
  static let weights = [
    "w": HostArray(shape: [4, 3, 3, 3], floats: BatchSplitTests.values(108, seed: 11)),
    "b": HostArray(shape: [4], floats: BatchSplitTests.values(4, seed: 12)),
    "fw": HostArray(shape: [6, 100], floats: BatchSplitTests.values(600, seed: 13)),
    "fb": HostArray(shape: [6], floats: BatchSplitTests.values(6, seed: 14)),
  ]

  @Test func droppedWeightsLeaveEveryBatchsAnswerUnchanged() throws {
    let m = try BatchSplitTests.model(Self.convNet, inits: Self.weights)
    let x = BatchSplitTests.values(5 * 75, seed: 15)
    let before = try m.run(try Tensor(shape: [5, 3, 5, 5], scalars: x))[0]
    #expect(m.dropGraphWeights())
    #expect(m.graphWeightsDropped)
    #expect(m.graph.initializers.isEmpty && m.floatGraph.initializers.isEmpty)
    #expect(m.dropGraphWeights(), "a second call says they are gone")
    // Batch sizes never run before plan through the batch-1 plan, without the weights.
    for n in [5, 3, 1] {
      let y = try m.run(try Tensor(shape: [n, 3, 5, 5], scalars: Array(x[0..<n * 75])))[0]
      #expect(y.shape == [n, 6])
      #expect(y.scalars == Array(before.scalars[0..<n * 6]), "batch \(n)")
    }
    // What would need the weights again says why it cannot.
    #expect {
      try m.outputShapes(inputShapes: [[1, 3, 6, 6]])
    } throws: { "\($0)".contains("weights were then released") }
    #expect {
      try m.plannedGraph(inputShapes: [[1, 3, 5, 5]])
    } throws: { "\($0)".contains("weights were released") }
  }

  /// A graph that could mix the images of a batch needs a plan per batch size: kept.
  @Test func aGraphThatMixesImagesKeepsItsWeights() throws {
    var nodes = Self.convNet
    nodes[3].outputs = ["g"]
    nodes.append(Node(op: "Softmax", name: "s", inputs: ["g"], outputs: ["y"], attributes: ["axis": .int(0)]))
    let m = try BatchSplitTests.model(nodes, inits: Self.weights)
    #expect(!m.dropGraphWeights())
    #expect(m.graph.initializers.count == 4)
    #expect(try m.run(try Tensor(shape: [2, 3, 5, 5], scalars: BatchSplitTests.values(150, seed: 16)))[0].shape == [2, 6])
  }

  /// One convolution on an input whose image size the file leaves open (N×3×H×W).
  static func openSizeModel() throws -> LoadedModel {
    let g = Graph(
      nodes: [Node(op: "Conv", name: "c", inputs: ["x", "w", "b"], outputs: ["y"])],
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("N"), .fixed(3), .symbolic("H"), .symbolic("W")])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)],
      initializers: ["w": Self.weights["w"]!, "b": Self.weights["b"]!], opset: 13, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  /// An input whose image size the file leaves open may need a plan per size: kept.
  @Test func anOpenImageSizeKeepsItsWeights() throws {
    let m = try Self.openSizeModel()
    _ = try m.run(try Tensor(shape: [1, 3, 4, 4], scalars: BatchSplitTests.values(48, seed: 17)))
    #expect(!m.dropGraphWeights())
    #expect(try m.run(try Tensor(shape: [1, 3, 6, 6], scalars: BatchSplitTests.values(108, seed: 18)))[0].shape == [1, 4, 4, 4])
  }

  /// An open image size with the one size the holder will run named (a server's
  /// preprocessing makes one): dropped once that size is planned; other sizes then fail.
  @Test func anOpenImageSizeDropsForTheNamedSize() throws {
    let m = try Self.openSizeModel()
    #expect(!m.dropGraphWeights(image: [1, 3, 5, 5]), "not planned yet: kept")
    let x = BatchSplitTests.values(3 * 75, seed: 19)
    let before = try m.run(try Tensor(shape: [3, 3, 5, 5], scalars: x))[0]
    _ = try m.run(try Tensor(shape: [1, 3, 5, 5], scalars: Array(x[0..<75])))
    #expect(!m.dropGraphWeights(image: [2, 3, 5, 5]), "a batch-1 shape only")
    #expect(!m.dropGraphWeights(image: [1, 3, 5]), "the input's rank")
    #expect(m.dropGraphWeights(image: [1, 3, 5, 5]))
    #expect(m.graph.initializers.isEmpty)
    // A batch size never run before goes image by image through the batch-1 plan.
    let after = try m.run(try Tensor(shape: [2, 3, 5, 5], scalars: Array(x[0..<150])))[0]
    #expect(after.shape == [2, 4, 3, 3] && after.scalars == Array(before.scalars[0..<72]))
    #expect {
      try m.run(try Tensor(shape: [1, 3, 6, 6], scalars: BatchSplitTests.values(108, seed: 20)))
    } throws: { "\($0)".contains("weights were then released") }
  }

  /// A file's own image size must agree with the one named.
  @Test func aNamedSizeMustAgreeWithTheFile() throws {
    let m = try BatchSplitTests.model(Self.convNet, inits: Self.weights)
    _ = try m.run(try Tensor(shape: [1, 3, 5, 5], scalars: BatchSplitTests.values(75, seed: 21)))
    #expect(!m.dropGraphWeights(image: [1, 3, 6, 6]))
    #expect(m.dropGraphWeights(image: [1, 3, 5, 5]))
  }
}
