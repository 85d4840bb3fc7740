import Foundation
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// Writes a Graph as an ONNX ModelProto, so tests can build graphs as values, break them
/// structurally and feed the bytes through the real reader.
enum ONNXWriter {
  static func code(_ t: ElementType) -> Int64 {
    ONNXReader.dataTypes.first { $0.value == t }!.key
  }

  static func model(_ g: Graph) -> [UInt8] {
    var graph = PB()
    for n in g.nodes { graph.message(1, node(n)) }
    for (name, a) in g.initializers.sorted(by: { $0.key < $1.key }) { graph.message(5, tensor(name, a)) }
    for v in g.inputs { graph.message(11, valueInfo(v)) }
    for v in g.outputs { graph.message(12, valueInfo(v)) }
    var m = PB()
    m.int(1, 8)
    var opset = PB()
    opset.int(2, Int64(g.opset))
    m.message(8, opset)
    m.message(7, graph)
    return m.bytes
  }

  static func node(_ n: Node) -> PB {
    var p = PB()
    for i in n.inputs { p.string(1, i) }
    for o in n.outputs { p.string(2, o) }
    p.string(3, n.name)
    p.string(4, n.op)
    for (k, v) in n.attributes.sorted(by: { $0.key < $1.key }) {
      var a = PB()
      a.string(1, k)
      switch v {
      case .int(let i): a.int(3, Int64(i)); a.int(20, 2)
      case .float(let f): a.fixed32(2, f.bitPattern); a.int(20, 1)
      case .ints(let xs): a.packed(8, xs.map(Int64.init)); a.int(20, 7)
      case .string(let s): a.string(4, s); a.int(20, 3)
      default: continue
      }
      p.message(5, a)
    }
    return p
  }

  static func tensor(_ name: String, _ a: HostArray) -> PB {
    var t = PB()
    for d in a.shape { t.int(1, Int64(d)) }
    t.int(2, code(a.dtype))
    t.string(8, name)
    t.bytes(9, a.bytes)
    return t
  }

  static func valueInfo(_ v: ValueInfo) -> PB {
    var tensorType = PB()
    if let d = v.dtype { tensorType.int(1, code(d)) }
    if let shape = v.shape {
      var s = PB()
      for d in shape {
        var dim = PB()
        switch d {
        case .fixed(let n): dim.int(1, Int64(n))
        case .symbolic(let name): dim.string(2, name)
        }
        s.message(1, dim)
      }
      tensorType.message(2, s)
    }
    var type = PB()
    type.message(1, tensorType)
    var p = PB()
    p.string(1, v.name)
    p.message(2, type)
    return p
  }
}

/// A small valid classifier: Conv → Relu → Reshape → Gemm → Softmax on a 1×1×4×4 input.
func tinyGraph() -> Graph {
  func floats(_ shape: [Int], _ seed: Int) -> HostArray {
    HostArray(shape: shape, floats: (0..<shape.reduce(1, *)).map { Float(($0 * 7 + seed) % 11) / 11 - 0.4 })
  }
  return Graph(
    nodes: [
      Node(op: "Conv", name: "conv", inputs: ["x", "w", "b"], outputs: ["c"], attributes: ["kernel_shape": .ints([3, 3])]),
      Node(op: "Relu", name: "relu", inputs: ["c"], outputs: ["r"]),
      Node(op: "Reshape", name: "reshape", inputs: ["r", "shape"], outputs: ["f"]),
      Node(op: "Gemm", name: "fc", inputs: ["f", "g", "gb"], outputs: ["logits"], attributes: ["transB": .int(1)]),
      Node(op: "Softmax", name: "softmax", inputs: ["logits"], outputs: ["y"], attributes: ["axis": .int(1)]),
    ],
    inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(1), .fixed(4), .fixed(4)])],
    outputs: [ValueInfo(name: "y", dtype: .float32, shape: [.fixed(1), .fixed(3)])],
    initializers: [
      "w": floats([2, 1, 3, 3], 1), "b": floats([2], 2), "g": floats([3, 8], 3), "gb": floats([3], 4),
      "shape": HostArray(dtype: .int64, shape: [2], integers: [1, 8]),
    ],
    opset: 13, format: "ONNX")
}

/// Reproducers that used to end the process: each is now a ModelLoadError naming the fault.
@Suite struct GraphValidationTests {
  func load(_ g: Graph) throws(ModelLoadError) -> LoadedModel {
    try LoadedModel(graph: try ONNXReader.read(ONNXWriter.model(g)), format: .onnx, file: "test.onnx")
  }

  func expectFailure(_ g: Graph, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    do {
      _ = try load(g)
      Issue.record("loaded", sourceLocation: sourceLocation)
    } catch {
      for f in fragments where !error.description.contains(f) {
        Issue.record("\(error.description) lacks \(f)", sourceLocation: sourceLocation)
      }
    }
  }

  @Test func tinyGraphLoadsAndRuns() throws {
    let m = try load(tinyGraph())
    let y = try m.run(Tensor(shape: [1, 1, 4, 4], repeating: 0.5))[0]
    #expect(y.shape == [1, 3] && abs(y.scalars.reduce(0, +) - 1) < 1e-5)
  }

  @Test func nodeWithoutOutputsIsAnError() throws {
    var g = tinyGraph()
    g.nodes[1].outputs = []
    expectFailure(g, ["Relu node 'relu'", "has no outputs"])
    // Through a file and Model.load, as `load()` in a cell reads it.
    let path = Scratch.file("no-outputs.onnx")
    try Data(ONNXWriter.model(g)).write(to: URL(fileURLWithPath: path))
    #expect(throws: ModelLoadError.self) { try Model.load(path: path) }
  }

  @Test func hugeOutputDimensionsAreAnError() {
    var g = tinyGraph()
    g.outputs[0].shape = [.fixed(1), .fixed(1 << 40), .fixed(1 << 40)]
    expectFailure(g, ["graph output 'y'", "1,099,511,627,776", "this machine has"])
  }

  @Test func arityDanglingCycleDuplicateAndMissingInitializer() {
    var g = tinyGraph()
    g.nodes[0].inputs = ["x"]
    expectFailure(g, ["Conv node 'conv'", "has 1 inputs; Conv takes 2 to 3"])
    g = tinyGraph()
    g.nodes[1].inputs = ["ghost"]
    expectFailure(g, ["Relu node 'relu'", "'ghost'", "not a graph input"])
    g = tinyGraph()
    g.nodes[1].inputs = ["y"]
    expectFailure(g, ["Relu node 'relu'", "a cycle"])
    g = tinyGraph()
    g.nodes[1].outputs = ["w"]
    expectFailure(g, ["Relu node 'relu'", "output 'w' is already defined"])
    g = tinyGraph()
    g.initializers["w"] = nil
    expectFailure(g, ["Conv node 'conv'", "'w'"])
    g = tinyGraph()
    g.nodes.insert(Node(op: "Cast", name: "cast", inputs: ["r"], outputs: ["r2"], attributes: ["to": .int(99)]), at: 2)
    expectFailure(g, ["Cast node 'cast'", "not a supported element type"])
  }

  @Test func unknownElementTypeOfAnInputIsAnError() {
    var tensorType = PB()
    tensorType.int(1, 8)  // STRING
    var type = PB()
    type.message(1, tensorType)
    var input = PB()
    input.string(1, "x")
    input.message(2, type)
    var relu = PB()
    relu.string(1, "x")
    relu.string(2, "y")
    relu.string(4, "Relu")
    #expect {
      try ONNXReader.read(ProtobufTests.model([], node: relu, input: input))
    } throws: { e in "\(e)".contains("value 'x' has unsupported element type 8") }
  }

  @Test func hugeReshapeTargetIsRefusedBeforeAllocation() {
    var g = tinyGraph()
    g.initializers["shape"] = HostArray(dtype: .int64, shape: [3], integers: [1 << 40, 1 << 40, 0])
    do {
      let m = try load(g)
      _ = try m.run(Tensor(shape: [1, 1, 4, 4], repeating: 0.5))
      Issue.record("ran")
    } catch {
      #expect(!error.description.isEmpty)
    }
  }
}

/// Seeded structural mutations of valid small graphs: every outcome is a loaded model that
/// runs, or a ModelLoadError.
@Suite struct GraphFuzzTests {
  static let ops = [
    "Conv", "Gemm", "MatMul", "Add", "Relu", "Clip", "BatchNormalization", "MaxPool", "AveragePool",
    "GlobalAveragePool", "Flatten", "Reshape", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Softmax", "Identity",
    "Dropout", "LRN", "Shape", "Cast", "QuantizeLinear", "DequantizeLinear", "Constant", "Gather", "Slice", "Nope",
  ]

  struct Rng {
    var g = SplitMix(seed: 0x0_44E_F022)
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &g) }
    mutating func pick<T>(_ xs: [T]) -> T { xs[int(0...xs.count - 1)] }
    /// Edge values: zero, small, negative, huge.
    mutating func size() -> Int { pick([0, 1, 2, 3, 4, 8, -1, -2, -7, 1 << 20, 1 << 31, 1 << 40, 1 << 62, Int.max, Int.min]) }
  }

  static func mutate(_ g: inout Graph, _ rng: inout Rng) {
    let names = g.nodes.flatMap(\.outputs) + Array(g.initializers.keys) + ["x", "ghost", ""]
    guard !g.nodes.isEmpty, !g.initializers.isEmpty else { return }
    let n = rng.int(0...g.nodes.count - 1)
    switch rng.int(0...15) {
    case 0: g.nodes[n].outputs = []
    case 1: g.nodes[n].inputs = []
    case 2:
      if g.nodes[n].inputs.isEmpty { g.nodes[n].inputs = ["ghost"] } else {
        g.nodes[n].inputs[rng.int(0...g.nodes[n].inputs.count - 1)] = "ghost"
      }
    case 3:
      // A cycle or a forward reference: read a value produced at or after this node.
      let later = rng.int(n...g.nodes.count - 1)
      g.nodes[n].inputs = [g.nodes[later].outputs.first ?? "y"] + g.nodes[n].inputs.dropFirst()
    case 4: g.nodes[n].outputs = [rng.pick(names)]
    case 5: g.initializers.removeValue(forKey: rng.pick(Array(g.initializers.keys).sorted()))
    case 6:
      let key = rng.pick(Array(g.initializers.keys).sorted())
      let a = g.initializers[key]!
      let dtype = rng.pick(ElementType.allCases)
      // An earlier mutation may have made the shape huge: the bytes stay small (and then mismatch).
      let count = min((try? Sizes.elementCount(a.shape, of: "initializer")) ?? 0, 1 << 16)
      g.initializers[key] = HostArray(
        dtype: dtype, shape: a.shape, bytes: [UInt8](repeating: 1, count: count * dtype.size))
    case 7:
      let dims: [ModelIO.Dimension] = (0..<rng.int(0...5)).map { _ in .fixed(rng.size()) }
      if Bool.random(using: &rng.g) { g.inputs[0].shape = dims } else { g.outputs[0].shape = dims }
    case 8:
      let key = rng.pick(Array(g.initializers.keys).sorted())
      let shape = (0..<rng.int(0...4)).map { _ in max(0, min(rng.size(), 1 << 38)) }
      let a = g.initializers[key]!
      g.initializers[key] = HostArray(dtype: a.dtype, shape: shape, bytes: a.bytes)
    case 9:
      let key = rng.pick(["kernel_shape", "strides", "pads", "dilations", "group", "axis", "transA", "transB", "perm", "axes", "to"])
      g.nodes[n].attributes[key] =
        Bool.random(using: &rng.g) ? .int(rng.size()) : .ints((0..<rng.int(0...5)).map { _ in rng.size() })
    case 10: g.nodes[n].op = rng.pick(ops)
    case 11:
      if Bool.random(using: &rng.g) { g.nodes[n].inputs.append(rng.pick(names)) } else { g.nodes[n].outputs.append("extra\(n)") }
    case 12:
      let target = (0..<rng.int(0...4)).map { _ in Int64(rng.size() == Int.min ? -1 : max(-3, min(rng.size(), 1 << 45))) }
      g.initializers["shape"] = HostArray(dtype: .int64, shape: [target.count], integers: target)
    case 13:
      g.nodes.insert(
        Node(op: "Cast", name: "cast", inputs: [rng.pick(names)], outputs: ["cast\(n)"], attributes: ["to": .int(rng.int(-1...20))]),
        at: n)
    case 14: g.nodes.insert(g.nodes[n], at: rng.int(0...g.nodes.count))
    default: g.nodes.swapAt(n, rng.int(0...g.nodes.count - 1))
    }
  }

  @Test func structuralGraphMutationsGiveTypedErrors() throws {
    var rng = Rng()
    var (cases, loaded, ran, failed) = (0, 0, 0, 0)
    let start = Date()
    while cases < 10_000 && Date().timeIntervalSince(start) < 120 {
      var g = tinyGraph()
      for _ in 0..<rng.int(1...3) { Self.mutate(&g, &rng) }
      do throws(ModelLoadError) {
        let model = try LoadedModel(graph: try ONNXReader.read(ONNXWriter.model(g)), format: .onnx, file: "fuzz.onnx")
        loaded += 1
        if let input = model.inputs.first, model.inputs.count == 1 {
          let shape = input.shape.map { $0.value ?? 1 }
          if !shape.isEmpty, shape.allSatisfy({ $0 > 0 }), ((try? Sizes.elementCount(shape, of: "input")) ?? .max) <= 4096 {
            _ = try model.run(Tensor(shape: shape, repeating: 0.25))
            ran += 1
          }
        }
      } catch {
        failed += 1
        #expect(!error.description.isEmpty)
      }
      cases += 1
    }
    print("ONNX fuzz: \(cases) cases, \(loaded) loaded, \(ran) ran, \(failed) ModelLoadErrors, 0 crashes")
    #expect(cases >= 10_000)
    #expect(failed > cases / 2 && ran > 0)
  }
}
