import Foundation
import NN
import Tensor
import Testing

@testable import ModelIO

/// MXNet symbols read back as trainable nets: the inverse of `MXNetExport.layers(of:)`.
@Suite struct MXNetTrainableTests {
  /// Exports `net` and reads it back through the one symbol reader.
  static func roundTrip(_ net: Sequential) throws -> (network: Sequential, inputShape: [Int])? {
    let layers = try MXNetExport.layers(of: net)
    let params = MXNetExport.parameters(layers).map { MXNetParams.Entry(name: $0.name, array: $0.array) }
    return try MXNetTrainable.sequential(
      symbol: Array(MXNetExport.symbolJSON(layers).utf8), params: params, name: net.name)
  }

  @Test func aLenetComesBackWithItsWeightsAndMNISTShape() throws {
    let net = Models.lenet(activation: .relu, seed: 7)
    let (loaded, shape) = try #require(try Self.roundTrip(net))
    #expect(shape == [1, 28, 28])
    #expect(loaded.layers.map(\.kind) == net.layers.map(\.kind))
    for (a, b) in zip(net.parameters, loaded.parameters) {
      #expect(a.name == b.name && a.value.scalars == b.value.scalars)
    }
    let input = try Tensor(shape: [2, 1, 28, 28], scalars: (0..<1568).map { Float($0 % 255) / 255 })
    #expect(try net(input).scalars == (try loaded(input)).scalars)
  }

  /// The input side is not hard-coded: a conv net's first dense layer fixes it, and an
  /// MLP's first width is a square image when it can be.
  @Test(arguments: [(12, [1, 12, 12]), (20, [1, 20, 20])])
  func aConvNetsInputSideFollowsItsDenseLayer(side: Int, expected: [Int]) throws {
    let conv = try Conv2D(inChannels: 1, outChannels: 2, kernelSize: (3, 3), activation: .tanh, name: "conv1", seed: 1)
    let flat = (side - 2) * (side - 2) * 2
    let net = Sequential(name: "small", [
      conv, Flatten(name: "flatten"), try Dense(inputSize: flat, outputSize: 10, name: "fc1", seed: 1),
    ])
    let (_, shape) = try #require(try Self.roundTrip(net))
    #expect(shape == expected)
  }

  @Test(arguments: [(144, [1, 12, 12]), (10, [1, 1, 10])])
  func anMLPsInputIsItsFirstWidth(width: Int, expected: [Int]) throws {
    let net = Sequential(name: "mlp", [
      Flatten(name: "flatten"), try Dense(inputSize: width, outputSize: 4, activation: .relu, name: "fc1", seed: 2),
    ])
    let (loaded, shape) = try #require(try Self.roundTrip(net))
    #expect(shape == expected)
    #expect(loaded.layers.map(\.kind) == net.layers.map(\.kind))
  }

  @Test func aDeclaredDataShapeWins() throws {
    let symbol = """
      {"nodes": [{"op": "null", "name": "data", "attrs": {"__shape__": "(1, 1, 16, 16)"}, "inputs": []},
                 {"op": "Flatten", "name": "flatten", "inputs": [[0, 0, 0]]}],
       "heads": [[1, 0, 0]]}
      """
    let (_, shape) = try #require(
      try MXNetTrainable.sequential(symbol: Array(symbol.utf8), params: [], name: "f"))
    #expect(shape == [1, 16, 16])
  }

  /// An activation after a layer it cannot fuse into is a layer of its own, and the layer
  /// before it stays.
  @Test func anActivationAfterPoolingKeepsThePooling() throws {
    let net = Sequential(name: "p", [
      try Conv2D(inChannels: 1, outChannels: 2, kernelSize: (3, 3), name: "conv1", seed: 1),
      MaxPool2D(poolSize: (2, 2), name: "pool1"), ActivationLayer(.relu, name: "relu1"),
      Flatten(name: "flatten"), try Dense(inputSize: 338, outputSize: 3, name: "fc1", seed: 1),
    ])
    let (loaded, _) = try #require(try Self.roundTrip(net))
    #expect(loaded.layers.map(\.kind) == net.layers.map(\.kind))
  }

  @Test func unknownOperatorsAnswerNil() throws {
    let symbol = """
      {"nodes": [{"op": "null", "name": "data", "inputs": []},
                 {"op": "BatchNorm", "name": "bn", "inputs": [[0, 0, 0]]}], "heads": [[1, 0, 0]]}
      """
    #expect(try MXNetTrainable.sequential(symbol: Array(symbol.utf8), params: [], name: "b") == nil)
  }

  @Test(arguments: [(3, "p-0003.params"), (12, "p-0012.params"), (12345, "p-12345.params")])
  func epochsAreFourDigits(epoch: Int, name: String) {
    #expect(MXNetCheckpoint.paramsPath(prefix: "p", epoch: epoch) == name)
  }
}
