import TestSupport
import Testing

@testable import ModelIO

@Suite(.needsShared) struct ImportTests {
  static let onnxFiles = [
    "reference/models/lenet_random.onnx", "reference/models/squeezenet1.1.onnx",
    "reference/models/resnet18_v1.onnx.gz", "imagenet/mobilenet_v2_1.0_224_quant.onnx",
  ]

  @Test(arguments: onnxFiles)
  func readsONNX(file: String) throws {
    let g = try ONNXReader.read(try ModelFiles.read(path: Shared.root + "/" + file))
    #expect(g.opset == 13)
    #expect(g.inputs.count == 1 && g.outputs.count == 1)
    #expect(!g.nodes.isEmpty && !g.initializers.isEmpty)
    let defined = Set(g.nodes.flatMap(\.outputs)).union(g.initializers.keys).union(g.inputs.map(\.name))
    for n in g.nodes { for i in n.inputs where !i.isEmpty { #expect(defined.contains(i), "\(n.label) uses \(i)") } }
  }

  @Test func onnxInputShapes() throws {
    let q = try ONNXReader.read(try ModelFiles.read(path: Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx"))
    #expect(q.inputs[0].dtype == .uint8)
    #expect(q.inputs[0].shape == [.fixed(1), .fixed(224), .fixed(224), .fixed(3)])
    #expect(q.outputs[0].dtype == .uint8)
    let s = try ONNXReader.read(try ModelFiles.read(path: Shared.models + "/squeezenet1.1.onnx"))
    #expect(s.inputs[0].shape?.first == .symbolic("N"))
    #expect(s.inputs[0].shape?.dropFirst() == [.fixed(3), .fixed(224), .fixed(224)])
  }

  @Test(arguments: ["lenet_random", "squeezenet1.1", "resnet18_v1"])
  func readsMXNet(prefix: String) throws {
    let params = try MXNetParams.read(
      path: Shared.models + "/\(prefix)-0000.params" + (prefix == "resnet18_v1" ? ".gz" : ""))
    let symbol = try ModelFiles.read(path: Shared.models + "/\(prefix)-symbol.json")
    let g = try MXNetSymbol.importGraph(symbol: symbol, params: params)
    #expect(g.inputs.map(\.name) == ["data"])
    #expect(g.inputs[0].shape?[1] == (prefix == "lenet_random" ? .fixed(1) : .fixed(3)))
    let used = Set(g.nodes.flatMap(\.inputs))
    #expect(g.initializers.keys.allSatisfy { used.contains($0) })
  }
}
