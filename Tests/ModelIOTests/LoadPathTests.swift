import Foundation
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// The fast load path: mapped files, in-place BatchNorm folding, typed conversions and
/// output shapes learnt from planning — each checked against the plain path it replaces.
@Suite struct LoadPathTests {
  /// A file in a fresh temporary directory, removed by the caller.
  static func temporaryFile(_ name: String, _ bytes: [UInt8]) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tabby-load-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let path = dir.appendingPathComponent(name).path
    try ModelFiles.write(bytes, to: path)
    return path
  }

  static func remove(_ path: String) {
    try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent)
  }

  @Test(.needsShared) func mappedFileReadsLikeBytesInMemory() throws {
    let path = Shared.models + "/lenet_random.onnx"
    let mapped = try ModelFiles.withContents(path: path) { (b) throws(ModelLoadError) -> Graph in
      try ONNXReader.read(buffer: b)
    }
    let plain = try ONNXReader.read(try Shared.bytes(path))
    #expect(mapped.initializers == plain.initializers)
    #expect(mapped.nodes == plain.nodes)
    #expect(mapped.inputs == plain.inputs && mapped.outputs == plain.outputs)
  }

  /// Cut points in a real model: empty, inside the header, inside the weights, one byte short.
  @Test(.needsShared, arguments: [0, 1, 7, 300, 2_000, -1])
  func truncatedFileOnDiskIsAnError(cut: Int) throws {
    let full = try Shared.bytes(Shared.models + "/lenet_random.onnx")
    let keep = cut >= 0 ? min(cut, full.count) : full.count + cut
    let path = try Self.temporaryFile("cut.onnx", Array(full[0..<keep]))
    defer { Self.remove(path) }
    #expect {
      _ = try Model.load(path: path)
    } throws: { error in
      guard let e = error as? ModelLoadError else { return false }
      return e.file == path && !e.message.isEmpty
    }
  }

  @Test func tensorLongerThanItsFileIsAnError() throws {
    // A float tensor declaring 4 elements whose raw_data holds 2, then the file ends.
    let t = ProtobufTests.tensor("w", type: 1, dims: [4]) { $0.bytes(9, [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]) }
    let path = try Self.temporaryFile("short.onnx", ProtobufTests.model([t]))
    defer { Self.remove(path) }
    #expect {
      _ = try Model.load(path: path)
    } throws: { error in
      (error as? ModelLoadError)?.message.contains("raw_data has 8 bytes but float32 [4] needs 16") == true
    }
  }

  @Test(.needsShared) func truncatedGzipFileIsAnError() throws {
    let packed = try Shared.bytes(Shared.models + "/resnet18_v1.onnx.gz")
    let path = try Self.temporaryFile("cut.onnx.gz", Array(packed[0..<65_536]))
    defer { Self.remove(path) }
    #expect {
      _ = try Model.load(path: path)
    } throws: { error in
      (error as? ModelLoadError)?.message.contains("gzip") == true
    }
  }

  /// Conv → BatchNorm twice over one shared weight: folding must scale a copy for each, never
  /// the shared array in place; a weight read once is folded in place.
  @Test func batchNormFoldingKeepsSharedWeights() throws {
    func bn(_ name: String, _ x: String, _ y: String) -> Node {
      Node(op: "BatchNormalization", name: name, inputs: [x, name + ".s", name + ".b", name + ".m", name + ".v"],
        outputs: [y], attributes: ["epsilon": .float(0)])
    }
    func one(_ v: Float) -> HostArray { HostArray(shape: [1], floats: [v]) }
    var inits: [String: HostArray] = ["w": HostArray(shape: [1, 1, 1, 1], floats: [3]), "own": HostArray(shape: [1, 1, 1, 1], floats: [5])]
    for (name, scale) in [("bn1", Float(2)), ("bn2", 0.5), ("bn3", 4)] {
      inits[name + ".s"] = one(scale)
      inits[name + ".b"] = one(1)
      inits[name + ".m"] = one(0)
      inits[name + ".v"] = one(1)
    }
    let nodes = [
      Node(op: "Conv", name: "c1", inputs: ["x", "w"], outputs: ["a1"]), bn("bn1", "a1", "y1"),
      Node(op: "Conv", name: "c2", inputs: ["x", "w"], outputs: ["a2"]), bn("bn2", "a2", "y2"),
      Node(op: "Conv", name: "c3", inputs: ["x", "own"], outputs: ["a3"]), bn("bn3", "a3", "y3"),
    ]
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(1), .fixed(1), .fixed(2)])],
      outputs: ["y1", "y2", "y3"].map { ValueInfo(name: $0, dtype: nil, shape: nil) }, initializers: inits, opset: 13,
      format: "test")
    let rewritten = try GraphRewrite.apply(g)
    #expect(!rewritten.nodes.contains { $0.op == "BatchNormalization" }, "every BatchNorm folded")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    let y = try m.run(try Tensor(shape: [1, 1, 1, 2], scalars: [1, 2]))
    #expect(y.map(\.scalars) == [[7, 13], [2.5, 4], [21, 41]])
    #expect(g.initializers["w"]?.floats() == [3] && g.initializers["own"]?.floats() == [5], "caller's graph unchanged")
  }

  @Test func openClassDimensionIsFilledFromPlanning() throws {
    let g = Graph(
      nodes: [Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["y"])],
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("N"), .fixed(4)])],
      outputs: [ValueInfo(name: "y", dtype: .float32, shape: [.symbolic("N"), .symbolic("classes")])],
      initializers: ["w": HostArray(shape: [4, 3], floats: (0..<12).map(Float.init))], opset: 13, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    #expect(m.outputs[0].shape == [.symbolic("N"), .fixed(3)])
    #expect(try m.run(try Tensor(shape: [2, 4], scalars: [Float](repeating: 1, count: 8)))[0].shape == [2, 3])
  }

  /// copyFloats' typed loops agree with the element-wise reference for every element type.
  @Test(arguments: ElementType.allCases)
  func typedConversionMatchesElementwise(type: ElementType) {
    let bytes = (0..<(5 * type.size)).map { UInt8(truncatingIfNeeded: $0 &* 53 &+ 7) }
    let a = HostArray(dtype: type, shape: [5], bytes: bytes)
    let reference = (0..<5).map { Float(a.double(at: $0)) }
    let converted = a.floats()
    #expect(zip(converted, reference).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) })
  }

  /// withFloats hands out the same values as floats(), read in place for float32 data.
  @Test(arguments: [ElementType.float32, .uint8, .float16])
  func withFloatsMatchesFloats(type: ElementType) {
    let bytes = (0..<(6 * type.size)).map { UInt8(truncatingIfNeeded: $0 &* 29 &+ 3) }
    let a = HostArray(dtype: type, shape: [2, 3], bytes: bytes)
    let seen = a.withFloats { Array($0) }
    #expect(seen.map(\.bitPattern) == a.floats().map(\.bitPattern))
  }

  /// Per-tensor and per-axis dequantization against (q − zero point) · scale element by element.
  @Test(arguments: [nil, 0, 1, 2] as [Int?])
  func dequantizeMatchesFormula(axis: Int?) throws {
    let shape = [2, 3, 4]
    let channels = axis.map { shape[$0] } ?? 1
    let node = Node(op: "DequantizeLinear", name: "d", inputs: [], outputs: [], attributes: axis.map { ["axis": .int($0)] } ?? [:])
    let scales = (0..<channels).map { Float($0 + 1) * 0.25 }
    let zeros = (0..<channels).map { Int64($0 * 3) }
    let q = try Quantization(
      node, HostArray(shape: [channels], floats: scales), HostArray(dtype: .uint8, shape: [channels], integers: zeros),
      rank: 3)
    var v = (0..<24).map { Float($0 * 7 % 256) }
    let original = v
    q.dequantize(&v, shape: shape)
    let inner = axis.map { shape[($0 + 1)...].reduce(1, *) } ?? 24
    for i in 0..<24 {
      let c = axis == nil ? 0 : (i / inner) % channels
      #expect(v[i] == (original[i] - Float(zeros[c])) * scales[c], "element \(i)")
    }
  }
}
