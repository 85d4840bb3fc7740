import TestSupport
import Testing

@testable import ModelIO

@Suite(.needsShared) struct MXNetExportTests {
  /// The layers of the reference LeNet, with its own weights.
  static func lenetLayers() throws -> [ExportLayer] {
    let p = Dictionary(uniqueKeysWithValues: try MXNetParams.read(path: Shared.models + "/lenet_random-0000.params")
      .map { (String($0.name!.dropFirst(4)), $0.array!) })
    return [
      .convolution(name: "conv1", weight: p["conv1_weight"]!, bias: p["conv1_bias"]!),
      .activation(name: "act1", type: "tanh"),
      .pooling(name: "pool1", type: "max", kernel: [2, 2], stride: [2, 2]),
      .convolution(name: "conv2", weight: p["conv2_weight"]!, bias: p["conv2_bias"]!),
      .activation(name: "act2", type: "tanh"),
      .pooling(name: "pool2", type: "max", kernel: [2, 2], stride: [2, 2]),
      .flatten(name: "flatten"),
      .fullyConnected(name: "fc1", weight: p["fc1_weight"]!, bias: p["fc1_bias"]!),
      .activation(name: "act3", type: "tanh"),
      .fullyConnected(name: "fc2", weight: p["fc2_weight"]!, bias: p["fc2_bias"]!),
    ]
  }

  @Test func reproducesTheReferenceLeNetByteForByte() throws {
    let layers = try Self.lenetLayers()
    let reference = try Shared.bytes(Shared.models + "/lenet_random-symbol.json")
    #expect(MXNetExport.symbolJSON(layers) == String(decoding: reference, as: UTF8.self))
    let params = try Shared.bytes(Shared.models + "/lenet_random-0000.params")
    #expect(MXNetParams.encode(MXNetExport.parameters(layers)) == params, "params bytes differ")
  }

  @Test func savedCheckpointLoadsBack() throws {
    let dir = "/tmp/tabby-modelio-export-\(getpid())"
    _ = mkdir(dir, 0o755)
    defer { _ = system("rm -rf '\(dir)'") }
    try MXNetExport.save(try Self.lenetLayers(), prefix: dir + "/lenet", epoch: 3)
    let model = try Model.load(path: dir + "/lenet")
    #expect(model.format == .mxnet && model.outputs[0].isProbability)
    #expect(model.inputs[0].shape == [.symbolic("N"), .fixed(1), .symbolic("H"), .symbolic("W")])
  }
}

#if canImport(Glibc)
  import Glibc
#endif

import NN
import Tensor

@Suite struct NNExportTests {
  @Test(.needsShared) func lenetFromNNMatchesTheReferenceLayout() throws {
    let layers = try MXNetExport.layers(of: Models.lenet())
    let reference = String(decoding: try Shared.bytes(Shared.models + "/lenet_random-symbol.json"), as: UTF8.self)
    #expect(MXNetExport.symbolJSON(layers) == reference)
    #expect(MXNetExport.parameters(layers).map(\.name) == MXNetExport.parameters(try MXNetExportTests.lenetLayers()).map(\.name))
  }

  @Test func mlpRoundTripsThroughOurLoader() throws {
    let mlp = Models.mlp(seed: 3)
    let symbol = MXNetExport.symbolJSON(try MXNetExport.layers(of: mlp))
    #expect(symbol.contains("\"relu1\"") && symbol.contains("\"fc3\""))
    let dir = "/tmp/tabby-modelio-mlp-\(getpid())"
    _ = mkdir(dir, 0o755)
    defer { _ = system("rm -rf '\(dir)'") }
    try MXNetExport.save(mlp, prefix: dir + "/mlp", epoch: 1)
    let x = try Tensor(shape: [4, 1, 28, 28], scalars: (0..<(4 * 784)).map { Float($0 % 97) / 97 })
    let expected = try Tensor.softmax(try mlp(x), axis: 1)
    let loaded = try Model.load(path: dir + "/mlp-0001.params").run(x)[0]
    let diff = zip(loaded.scalars, expected.scalars).map { abs($0 - $1) }.max()!
    #expect(diff < 1e-5)
  }
}
