import Foundation
import Testing

@testable import Classifier

/// Trainable models through the façade: checkpoints, the resolver, training.
@Suite struct TrainableTests {
  static let environment = ClassifierEnvironment(
    modelsDirectory: nil, cacheDirectory: "/nonexistent", zooBaseURL: "http://127.0.0.1:9")

  @Test func aSavedLenetReadsBackExactly() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let net = TrainableModel.lenet(activation: .relu, seed: 7)
    let files = try net.save(prefix: dir.path + "/lenet", epoch: 3)
    #expect(files.params == dir.path + "/lenet-0003.params")
    let loaded = try #require(try TrainableModel.read(prefix: dir.path + "/lenet", epoch: 3))
    #expect(loaded.inputShape == [1, 28, 28])
    #expect(loaded.parameterValues.map(\.name) == net.parameterValues.map(\.name))
    for (a, b) in zip(net.parameterValues, loaded.parameterValues) { #expect(a.values == b.values) }
    let images = (0..<2).map { k in (0..<784).map { UInt8(($0 * (k + 3)) % 256) } }
    let context = ComputeContext(threads: 1)
    #expect(try net.probabilities(images, on: context) == loaded.probabilities(images, on: context))
  }

  /// The same checkpoint found by path or by name in `$TABBY_MODELS` is the same trainable model.
  @Test(arguments: ["PATH/lenet", "PATH/lenet-symbol.json", "PATH/lenet-0002.params", "lenet"])
  func aLenetCheckpointLoadsTrainableWhereverItIsFound(given: String) throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    try TrainableModel.lenet(seed: 1).save(prefix: dir.path + "/lenet", epoch: 2)
    var environment = Self.environment
    environment.modelsDirectory = dir.path
    let session = try ClassifierSession(environment: environment)
    let name = given.replacingOccurrences(of: "PATH", with: dir.path)
    guard case .trainable(let model) = try session.load(name) else {
      Issue.record("\(given) did not load as a trainable model")
      return
    }
    #expect(model.source == dir.path + "/lenet epoch 2" && model.layerCount == 7)
  }

  @Test func aCorruptParamsFileIsABadModelNamingIt() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    try TrainableModel.mlp(seed: 1).save(prefix: dir.path + "/mlp", epoch: 1)
    dir.write("mlp-0001.params", bytes: [1, 2, 3])
    #expect {
      _ = try TrainableModel.read(prefix: dir.path + "/mlp", epoch: 1)
    } throws: { error in
      let e = error as? ClassifierError
      return e?.kind == .badModel && e?.message.contains("mlp-0001.params") == true
    }
  }

  @Test(arguments: [
    { (c: inout TrainingConfiguration) in c.epochs = 0 },
    { (c: inout TrainingConfiguration) in c.learningRate = .nan },
    { (c: inout TrainingConfiguration) in c.weightDecay = -1 },
    { (c: inout TrainingConfiguration) in c.limit = 0 },
  ] as [@Sendable (inout TrainingConfiguration) -> Void])
  func badConfigurationsAreInvalidArguments(change: @Sendable (inout TrainingConfiguration) -> Void) {
    var c = TrainingConfiguration()
    change(&c)
    #expect(throws: ClassifierError.self) { try c.validate() }
  }

  @Test func theLearningRateDefaultsPerOptimizer() {
    var c = TrainingConfiguration()
    #expect(c.effectiveLearningRate == 0.05 && c.schedule == .cosine)
    c.optimizer = .adam
    #expect(c.effectiveLearningRate == 0.001)
    c.learningRate = 0.2
    #expect(c.effectiveLearningRate == 0.2)
  }

  @Test func aContextRefusesZeroThreadsAndKeepsItsBudget() throws {
    let context = ComputeContext(threads: 3)
    #expect(throws: ClassifierError.self) { try context.use(threads: 0) }
    #expect(context.threads == 3 && context.device == .cpu)
    let seen = try context.place { $0 }
    #expect(seen == 3)
  }
}

/// A photo given to a trainable model is read as its gray input, as in a notebook cell.
@Test func aTrainableModelPredictsPhotos() throws {
  let dir = TempDir()
  defer { dir.cleanup() }
  // A light background with a dark stroke: grayInput inverts it to MNIST's light-on-dark.
  var pixels = [UInt8](repeating: 230, count: 56 * 56)
  for y in 10..<46 { for x in 26..<30 { pixels[y * 56 + x] = 20 } }
  let path = dir.write("digit.png", bytes: try Pictures.grayPNG(pixels[...], width: 56, height: 56, scale: 1))
  let model = TrainableModel.lenet(seed: 3, classNames: (0..<10).map { "class \($0)" })
  let photo = try Photo(path: path)
  let input = try model.grayInput(from: photo)
  #expect(input.count == 784 && input[0] < 40 && input[14 * 28 + 14] > 200)
  let context = ComputeContext(threads: 1)
  let p = try #require(try model.predict([photo], top: 3, on: context).first)
  let probabilities = try model.probabilities([input], on: context)[0]
  #expect(p.source == path && p.top.count == 3)
  #expect(p.top[0].probability == probabilities.max())
  #expect(p.top[0].label == "class \(p.top[0].index)")
  #expect(p.top.map(\.probability) == p.top.map(\.probability).sorted(by: >))
}
