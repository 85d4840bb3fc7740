import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// Loaded once per file: the ImageNet-shaped models take a moment to load.
final class ModelCache: @unchecked Sendable {
  static let shared = ModelCache()
  private var models: [String: LoadedModel] = [:]
  private let lock = NSLockShim()

  func model(_ path: String) throws -> LoadedModel {
    try lock.with {
      if let m = models[path] { return m }
      let m = try Model.load(path: path)
      models[path] = m
      return m
    }
  }
}

import Foundation

final class NSLockShim: @unchecked Sendable {
  private let l = NSLock()
  func with<T>(_ body: () throws -> T) rethrows -> T {
    l.lock()
    defer { l.unlock() }
    return try body()
  }
}

func topK(_ v: [Float], _ k: Int) -> [Int] {
  Array(v.indices.sorted { v[$0] > v[$1] }.prefix(k))
}

@Suite(.needsShared, .serialized) struct ReferenceTests {
  static let images = ["chelsea", "coffee", "astronaut", "rocket", "camera"]
  static let cases: [(String, String)] = [
    ("squeezenet1.1.onnx", "squeezenet1.1"), ("squeezenet1.1-symbol.json", "squeezenet1.1"),
    ("resnet18_v1.onnx.gz", "resnet18_v1"), ("resnet18_v1-symbol.json", "resnet18_v1"),
  ]

  @Test(arguments: cases)
  func imagenetLogitsMatchReferences(file: String, model name: String) throws {
    let model = try ModelCache.shared.model(Shared.models + "/" + file)
    #expect(model.outputs.count == 1 && !model.outputs[0].isProbability)
    var worst: Float = 0
    for image in Self.images {
      let x = try Tensor(shape: [1, 3, 224, 224], scalars: try Shared.floats(Shared.reference + "/inputs/\(image).f32"))
      let y = try model.run(x)[0]
      #expect(y.shape == [1, 1000])
      for runtime in ["mxnet", "onnxruntime"] {
        let ref = try Shared.floats(Shared.reference + "/outputs/\(name)/\(runtime)/\(image).logits.f32")
        let scale = ref.map(abs).max()!
        let diff = zip(y.scalars, ref).map { abs($0 - $1) }.max()!
        worst = max(worst, diff / scale)
        #expect(diff <= 1e-4 * scale, "\(file) \(image) vs \(runtime): max diff \(diff), max |logit| \(scale)")
        #expect(topK(y.scalars, 5) == topK(ref, 5), "\(file) \(image) top-5 vs \(runtime)")
      }
    }
    print("\(file): max |diff| / max |logit| = \(worst)")
  }

  static func mnist() throws -> Tensor {
    let raw = try Shared.bytes(Shared.reference + "/mnist/t10k-512-images-idx3-ubyte")
    return try Tensor(shape: [512, 1, 28, 28], scalars: raw[16...].map { Float($0) / 255 })
  }

  @Test(arguments: ["lenet_random", "lenet_fmnist1ep"])
  func lenetMatchesReferences(prefix: String) throws {
    let x = try Self.mnist()
    let onnx = try Model.load(path: Shared.models + "/\(prefix).onnx")
    let logits = try onnx.run(x)[0]
    let ortRef = try Shared.floats(Shared.reference + "/mnist/\(prefix).onnxruntime.logits.f32")
    let mxLogits = try Shared.floats(Shared.reference + "/mnist/\(prefix).mxnet.logits.f32")
    let d1 = zip(logits.scalars, ortRef).map { abs($0 - $1) }.max()!
    let d2 = zip(logits.scalars, mxLogits).map { abs($0 - $1) }.max()!
    #expect(logits.shape == [512, 10])
    #expect(d1 <= 1e-4 && d2 <= 1e-4, "ONNX LeNet logits: \(d1) vs ORT, \(d2) vs MXNet")
    let mx = try Model.load(path: Shared.models + "/\(prefix)-symbol.json")
    #expect(mx.outputs[0].isProbability)
    let probs = try mx.run(x)[0]
    let softRef = try Shared.floats(Shared.reference + "/mnist/\(prefix).mxnet.softmax.f32")
    let d3 = zip(probs.scalars, softRef).map { abs($0 - $1) }.max()!
    #expect(d3 <= 1e-4, "MXNet LeNet softmax differs by \(d3)")
    print("\(prefix): logits vs ORT \(d1), vs MXNet \(d2); softmax vs MXNet \(d3)")
  }
}

/// The load-time fusions the reference nets rely on for speed: ResNet's shortcut additions
/// run inside their convolutions, SqueezeNet's Fire modules concatenate without a copy.
@Suite(.needsShared) struct FusionTests {
  static func labels(_ file: String) throws -> [String] {
    let model = try ModelCache.shared.model(Shared.models + "/" + file)
    return try model.plan(for: [[1, 3, 224, 224]]).steps.map(\.label)
  }

  @Test(arguments: ["squeezenet1.1.onnx", "squeezenet1.1-symbol.json"])
  func fireModulesConcatenateInPlace(file: String) throws {
    let labels = try Self.labels(file)
    #expect(labels.filter { $0.hasPrefix("Concat") }.count == 8, "\(labels)")
    #expect(labels.filter { $0.hasPrefix("Conv") }.count == 26 - 16, "only squeeze and the first/last convs stay on their own")
  }

  @Test(arguments: ["resnet18_v1.onnx.gz", "resnet18_v1-symbol.json"])
  func shortcutsAddInsideConvolutions(file: String) throws {
    let labels = try Self.labels(file)
    #expect(!labels.contains { $0.hasPrefix("Add") || $0.hasPrefix("Relu") }, "\(labels)")
  }
}
