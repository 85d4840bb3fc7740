import Datasets
import Tensor
import TestSupport
import Testing

@testable import NN

func referenceSet() throws -> LabeledImages {
  try MNIST.load(
    images: "\(mnistReference)/t10k-512-images-idx3-ubyte.gz",
    labels: "\(mnistReference)/t10k-512-labels-idx1-ubyte.gz")
}

@Test(.needsShared) func lenetMatchesTheReferenceSymbol() throws {
  let model = Models.lenet()
  let names = model.parameters.map(\.name)
  #expect(
    names == [
      "conv1_weight", "conv1_bias", "conv2_weight", "conv2_bias", "fc1_weight", "fc1_bias",
      "fc2_weight", "fc2_bias",
    ])
  let symbol = try readFile("\(mnistReference)/../models/lenet_random-symbol.json")
  let text = String(decoding: symbol, as: UTF8.self)
  for n in names { #expect(text.contains("\"\(n)\"")) }
  let rows = try model.summary(inputShape: [1, 1, 28, 28])
  let shapes: [[Int]] = [
    [1, 20, 24, 24], [1, 20, 12, 12], [1, 50, 8, 8], [1, 50, 4, 4], [1, 800], [1, 500], [1, 10],
  ]
  #expect(rows.map(\.outputShape) == shapes)
  let counts: [Int] = [520, 0, 25050, 0, 0, 400_500, 5010]
  #expect(rows.map(\.parameterCount) == counts)
  #expect(rows[0].kind == "Conv2D+tanh")
  #expect(throws: TensorError.self) { try model.summary(inputShape: [1, 3, 28, 28]) }
}

@Test func mlpShapes() throws {
  let rows = try Models.mlp().summary(inputShape: [2, 1, 28, 28])
  let expected: Int = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
  let total = rows.map(\.parameterCount).reduce(0, +)
  #expect(total == expected)
  #expect(rows.last?.outputShape == [2, 10])
}

@Test func layersAgreeWithTensorOps() throws {
  let model = Models.lenet(activation: .relu, seed: 3)
  let x = randomTensor([2, 1, 28, 28], seed: 4, range: 0...1)
  let conv1 = model.layers[0] as! Conv2D
  let expected = try Tensor.conv2d(
    x, weight: conv1.weight.value, bias: conv1.bias.value, activation: .relu)
  expectClose(try conv1(x), expected, tolerance: 1e-5)
  let y = try model(x)
  #expect(y.shape == [2, 10])
}

@Test func sgdAndAdamFollowTheirFormulas() throws {
  let p = Parameter(name: "w", value: try Tensor(shape: [2], scalars: [1, -2]))
  let sgd = SGD(learningRate: 0.1, momentum: 0.9, weightDecay: 0.01)
  p.variable.grad = try Tensor(shape: [2], scalars: [0.5, 1])
  sgd.update([p])
  // v = −0.1·(g + 0.01·w); w += v
  let v1: [Float] = [-0.1 * (0.5 + 0.01), -0.1 * (1 - 0.02)]
  #expect(
    abs(p.value.scalars[0] - (1 + v1[0])) < 1e-6 && abs(p.value.scalars[1] - (-2 + v1[1])) < 1e-6)
  #expect(p.variable.grad == nil)
  let w1 = p.value.scalars
  p.variable.grad = try Tensor(shape: [2], scalars: [0.5, 1])
  sgd.update([p])
  let v2 = 0.9 * v1[0] - 0.1 * (0.5 + 0.01 * w1[0])
  #expect(abs(p.value.scalars[0] - (w1[0] + v2)) < 1e-6)

  let q = Parameter(name: "q", value: Tensor(shape: [1], repeating: 1))
  let adam = Adam(learningRate: 0.01)
  q.variable.grad = Tensor(shape: [1], repeating: 3)
  adam.update([q])
  // The first bias-corrected Adam step moves by lr·sign(g).
  #expect(abs(q.value.scalars[0] - 0.99) < 1e-5)
}

/// A large parameter's update split over threads (chunks at uneven boundaries) gives the
/// same bits as on one thread, for SGD and Adam, step after step.
@Test(arguments: [2, 3])
func optimiserUpdatesAreTheSameOnAnyThreadCount(_ threads: Int) throws {
  let count = 100_003
  let start = randomTensor([count], seed: 51, range: -1...1)
  for makeOptimizer in [{ SGD() as any Optimizer }, { Adam(learningRate: 0.01, weightDecay: 1e-4) }] {
    let (one, many) = (Parameter(name: "a", value: start), Parameter(name: "b", value: start))
    let (serial, split) = (makeOptimizer(), makeOptimizer())
    for step in 0..<3 {
      let g = randomTensor([count], seed: 52 + UInt64(step), range: -1...1)
      one.variable.grad = g
      many.variable.grad = g
      serial.update([one], threads: 1)
      split.update([many], threads: threads)
    }
    #expect(one.value.scalars != start.scalars)
    #expect(one.value.scalars.map(\.bitPattern) == many.value.scalars.map(\.bitPattern), "\(type(of: serial))")
  }
}

/// A gradient in shard pieces gives the weights of its sum (added in order) through
/// `update(_:shardGradients:threads:)`: SGD's one-pass kernel and Adam's sum-then-step alike,
/// step after step, on one and several threads.
@Test(arguments: [1, 2])
func shardPiecesGiveTheWeightsOfTheirSum(_ threads: Int) throws {
  let count = 70_001
  let start = randomTensor([count], seed: 61, range: -1...1)
  for makeOptimizer in [{ SGD() as any Optimizer }, { Adam(learningRate: 0.01, weightDecay: 1e-4) }] {
    let (summed, pieces) = (Parameter(name: "a", value: start), Parameter(name: "b", value: start))
    let (first, second) = (makeOptimizer(), makeOptimizer())
    for step in 0..<3 {
      let parts = (0..<3).map { randomTensor([count], seed: 70 + UInt64(step * 3 + $0), range: -1...1) }
      var total = parts[0].scalars
      for part in parts.dropFirst() { for (i, x) in part.scalars.enumerated() { total[i] += x } }
      summed.variable.grad = try Tensor(shape: [count], scalars: total)
      first.update([summed], threads: threads)
      var shardGradients = [parts]
      second.update([pieces], shardGradients: &shardGradients, threads: threads)
      #expect(shardGradients[0].isEmpty && pieces.variable.grad == nil)
    }
    #expect(summed.value.scalars != start.scalars)
    #expect(
      summed.value.scalars.map(\.bitPattern) == pieces.value.scalars.map(\.bitPattern), "\(type(of: first))")
  }
}

@Test func schedules() {
  let step = StepSchedule(base: 0.1, stepEpochs: 2, factor: 0.5)
  #expect(step.rate(epoch: 1, fraction: 0.9) == 0.1 && step.rate(epoch: 2, fraction: 0) == 0.05)
  let cos = CosineSchedule(base: 0.1, epochs: 4)
  #expect(abs(cos.rate(epoch: 0, fraction: 0) - 0.1) < 1e-7)
  #expect(abs(cos.rate(epoch: 2, fraction: 0) - 0.05) < 1e-6)
  #expect(cos.rate(epoch: 3, fraction: 0.99) < 0.001)
}

@Test(.needsShared, arguments: [1, 2])
func trainingLearnsAndIsDeterministic(_ threads: Int) throws {
  let data = try referenceSet()
  func run() throws -> (TrainingHistory, Sequential) {
    let model = Models.mlp(seed: 1)
    let h = try train(
      model, on: data, test: data, epochs: 3, batchSize: 32, optimizer: SGD(learningRate: 0.05),
      seed: 9,
      threads: threads)
    return (h, model)
  }
  let (h1, m1) = try run()
  let (h2, m2) = try run()
  #expect(h1.epochs.count == 3 && !h1.stopped)
  #expect(h1.epochs[2].loss < h1.epochs[0].loss)
  #expect((h1.epochs.last?.testAccuracy ?? 0) > 0.6)
  #expect(m1.parameters.map(\.value.scalars) == m2.parameters.map(\.value.scalars))
  #expect(h1.epochs.map(\.loss) == h2.epochs.map(\.loss))
}

@Test(.needsShared) func stoppingReturnsPartialHistoryAndKeepsWeights() throws {
  let data = try referenceSet()
  let model = Models.lenet(seed: 2)
  var batches = 0
  var reports: [TrainingProgress] = []
  let before = model.parameters.map(\.value.scalars)
  let h = try train(
    model, on: data, epochs: 2, batchSize: 64, optimizer: SGD(), progressInterval: 0,
    progress: { reports.append($0) },
    shouldStop: {
      batches += 1
      return batches > 3
    })
  #expect(h.stopped && h.epochs.count == 1 && h.epochs[0].images == 3 * 64)
  #expect(model.parameters.map(\.value.scalars) != before)
  #expect(reports.count == 3 && reports.allSatisfy { $0.loss.isFinite && $0.imagesPerSecond > 0 })
}

@Test(.needsShared) func evaluationCountsEveryImage() throws {
  let data = try referenceSet()
  let e = try evaluate(Models.lenet(seed: 5), on: data, batchSize: 100)
  #expect(e.confusion.flatMap { $0 }.reduce(0, +) == 512)
  #expect(e.perClassAccuracy.count == 10)
  let correct = (0..<10).reduce(0) { $0 + e.confusion[$1][$1] }
  #expect(abs(e.accuracy - Double(correct) / 512) < 1e-12)
}
