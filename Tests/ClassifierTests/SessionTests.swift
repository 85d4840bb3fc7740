import Foundation
import Imaging
import Testing

@testable import Classifier

/// A network whose output for image n is a fixed vector with the argmax moved to a class
/// derived from the image's first input value, so batch order is visible in the results.
final class FakeNetwork: Network, @unchecked Sendable {
  let input: InputSignature
  let outputCount: Int?
  let endsInSoftmax: Bool?
  let makeOutput: (Int) -> [Float]
  var runs: [[Int]] = []

  init(input: InputSignature, outputs: Int, endsInSoftmax: Bool?, makeOutput: @escaping (Int) -> [Float]) {
    self.input = input
    self.outputCount = outputs
    self.endsInSoftmax = endsInSoftmax
    self.makeOutput = makeOutput
  }

  func run(_ batch: ModelInput) throws -> NetworkOutput {
    runs.append(batch.shape)
    let n = batch.shape[0]
    let per = batch.shape.dropFirst().reduce(1, *)
    return NetworkOutput(values: (0..<n).map { i in
      let first: Int
      if let f = batch.floats { first = Int(f[i * per] * 1000) } else { first = Int(batch.bytes![i * per]) }
      return makeOutput(first)
    })
  }
}

@Suite struct SessionTests {
  static let nchwFloat = InputSignature(
    name: "data", elementType: .float32, layout: .nchw, channels: 3, height: 32, width: 32, batch: nil)
  static let nhwcUInt8 = InputSignature(
    name: "input", elementType: .uint8, layout: .nhwc, channels: 3, height: 32, width: 32, batch: 1)

  func session(_ dir: TempDir, _ network: FakeNetwork) throws -> ClassifierSession {
    var s = try ClassifierSession(environment: ClassifierEnvironment(
      modelsDirectory: nil, cacheDirectory: dir.path + "/cache", zooBaseURL: "http://127.0.0.1:9/"))
    s.openNetwork = { _ in network }
    return s
  }

  /// A solid image whose every byte is `value`.
  func image(_ value: UInt8, size: Int = 40) throws -> Image {
    try Image(width: size, height: size + 8, fill: [value, value, value])
  }

  @Test func quantizedSoftmaxWith1001OutputsDropsTheBackground() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    // Byte value v → class v+1 (shifted by the background) gets most of the mass.
    let net = FakeNetwork(input: Self.nhwcUInt8, outputs: 1001, endsInSoftmax: true) { v in
      var out = [Float](repeating: 0, count: 1001)
      out[v + 1] = 200 / 256
      out[0] = 56 / 256
      return out
    }
    let s = try session(dir, net)
    let loaded = try s.loadModel(model)
    #expect(loaded.profileName == "inception")
    #expect(loaded.labels?.count == 1000)
    let got = try s.predict(loaded, images: [try image(100), try image(7)], sources: ["a", "b"], top: 3)
    #expect(got.map(\.source) == ["a", "b"])
    #expect(got[0].top[0].index == 100)
    #expect(got[0].top[0].label == Labels.imageNet1k.names[100])
    #expect(got[0].top[0].probability == Float(200) / 256)
    #expect(got[1].top[0].index == 7)
    #expect(got[0].description.hasPrefix("a\n  \(Labels.imageNet1k.names[100]) (100): 78.12%"))
    #expect(net.runs == [[1, 32, 32, 3], [1, 32, 32, 3]])  // fixed batch 1: one run each
  }

  @Test func logitsGetASoftmaxAndBatchesAreSplit() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    let net = FakeNetwork(input: Self.nchwFloat, outputs: 1000, endsInSoftmax: false) { _ in
      var out = [Float](repeating: 0, count: 1000)
      out[3] = 5
      out[9] = 4
      return out
    }
    var s = try session(dir, net)
    s.batchSize = 4
    let loaded = try s.loadModel(model)
    #expect(loaded.profileName == "imagenet")
    let got = try s.predict(loaded, images: try (0..<10).map { try image(UInt8($0)) }, top: 2)
    #expect(got.count == 10)
    #expect(net.runs.map { $0[0] } == [4, 4, 2])
    #expect(net.runs[0] == [4, 3, 32, 32])
    let e5 = exp(Double(5)), e4 = exp(Double(4))
    let total = e5 + e4 + 998
    #expect(got[0].top.map(\.index) == [3, 9])
    #expect(abs(Double(got[0].top[0].probability) - e5 / total) < 1e-5)
    #expect(abs(Double(got[0].top[1].probability) - e4 / total) < 1e-5)
  }

  @Test(arguments: [(Optional<Bool>.none, [0.1, 0.7, 0.2] as [Float], Float(0.7)), (nil, [1, 3, 2], 0.66524)])
  func unknownHeadIsDetectedFromTheValues(ends: Bool?, raw: [Float], best: Float) throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    let net = FakeNetwork(input: Self.nchwFloat, outputs: 3, endsInSoftmax: ends) { _ in raw }
    let s = try session(dir, net)
    let loaded = try s.loadModel(model)
    #expect(loaded.labels == nil)
    let got = try s.predict(loaded, images: [try image(1)], top: 1)
    #expect(got[0].top[0].index == 1)
    #expect(got[0].top[0].label == nil)
    #expect(got[0].top[0].description.hasPrefix("class 1 (1): "))
    #expect(abs(got[0].top[0].probability - best) < 1e-4)
  }

  @Test func labelsOverrideAndSidecarSynset() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    dir.write("synset.txt", "n00000001 alpha\nn00000002 beta\nn00000003 gamma\n")
    let other = dir.write("mine.txt", "red\ngreen\nblue\n")
    let net = FakeNetwork(input: Self.nchwFloat, outputs: 3, endsInSoftmax: true) { _ in [0.2, 0.5, 0.3] }
    let s = try session(dir, net)
    let sidecar = try s.loadModel(model)
    #expect(try s.predict(sidecar, images: [try image(0)], top: 1)[0].top[0].label == "beta")
    let overridden = try s.loadModel(model, labels: other, profile: "mxnet-legacy")
    #expect(overridden.profileName == "mxnet-legacy")
    #expect(try s.predict(overridden, images: [try image(0)], top: 1)[0].top[0].label == "green")
  }

  @Test func mismatchedLabelsUnknownProfileAndBadTopAreClearErrors() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    let labels = dir.write("two.txt", "a\nb\n")
    let net = FakeNetwork(input: Self.nchwFloat, outputs: 5, endsInSoftmax: true) { _ in [0.2, 0.2, 0.2, 0.2, 0.2] }
    let s = try session(dir, net)
    #expect { try s.loadModel(model, labels: labels) } throws: {
      ($0 as? ClassifierError)?.kind == .badLabels && "\($0)".contains("two.txt")
    }
    #expect { try s.loadModel(model, profile: "vgg") } throws: {
      ($0 as? ClassifierError)?.kind == .invalidArgument && "\($0)".contains("vgg")
    }
    let loaded = try s.loadModel(model)
    #expect { try s.predict(loaded, images: [try image(0)], top: 0) } throws: {
      ($0 as? ClassifierError)?.kind == .invalidArgument
    }
  }

  @Test func unreadableImagesNameTheFile() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let model = dir.write("m.onnx", "x")
    let corrupt = dir.write("corrupt.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3])
    let net = FakeNetwork(input: Self.nchwFloat, outputs: 2, endsInSoftmax: true) { _ in [0.5, 0.5] }
    let s = try session(dir, net)
    let loaded = try s.loadModel(model)
    for path in [corrupt, dir.path + "/missing.png"] {
      #expect { try s.predict(loaded, images: [path]) } throws: {
        ($0 as? ClassifierError)?.kind == .badImage && "\($0)".contains(path)
      }
    }
    #expect(net.runs.isEmpty)
  }

  @Test(arguments: [
    ([1, 3, 224, 224], Preprocessing.Layout.nchw, 3, 224, 1),
    ([nil, 224, 224, 3], .nhwc, 3, 224, nil),
    ([nil, 1, 28, 28], .nchw, 1, 28, nil),
  ] as [([Int?], Preprocessing.Layout, Int, Int, Int?)])
  func inputSignatureFromShape(shape: [Int?], layout: Preprocessing.Layout, channels: Int, size: Int, batch: Int?) throws {
    let sig = try InputSignature(name: "x", elementType: .float32, shape: shape)
    #expect(sig.layout == layout)
    #expect(sig.channels == channels)
    #expect(sig.height == size)
    #expect(sig.width == size)
    #expect(sig.batch == batch)
  }

  @Test(arguments: [[1, 3, 224], [1, 5, 5, 5]] as [[Int?]])
  func unusableInputShapes(shape: [Int?]) {
    #expect { try InputSignature(name: "x", elementType: .float32, shape: shape) } throws: {
      ($0 as? ClassifierError)?.kind == .unsupportedModel
    }
  }
}
