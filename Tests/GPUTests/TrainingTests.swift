import Datasets
import Foundation
import GPU
import NN
import Tensor
import TestSupport
import Testing

/// Fashion-MNIST's test set (10 000 images) where Debian's package put it, else generated
/// images (a class-dependent bright bar plus noise) of the same shape.
func trainingImages(count: Int) -> LabeledImages {
  let dir = MNIST.fashionMNISTDirectory
  if let set = try? MNIST.load(images: dir + "/t10k-images-idx3-ubyte.gz", labels: dir + "/t10k-labels-idx1-ubyte.gz") {
    return set.prefix(count)
  }
  var rng = SeededRNG(99)
  var pixels = [UInt8](repeating: 0, count: count * 784)
  var labels = [UInt8](repeating: 0, count: count)
  for i in 0..<count {
    let k = Int.random(in: 0..<10, using: &rng)
    labels[i] = UInt8(k)
    for j in 0..<784 {
      let (row, col) = (j / 28, j % 28)
      let bar = k < 5 ? (row / 5 == k) : (col / 5 == k - 5)
      pixels[i * 784 + j] = UInt8(min(255, (bar ? 180 : 0) + Int.random(in: 0..<70, using: &rng)))
    }
  }
  return try! LabeledImages(pixels: pixels, labels: labels, imageShape: [1, 28, 28])
}

@Suite(.serialized) struct EmulatedTrainingTests {
  /// CPU step: NN's autograd and optimiser, as `train` runs it on one shard.
  func cpuStep(_ model: Sequential, _ optimizer: any Optimizer, _ x: Tensor, _ labels: [Int32]) throws -> Float {
    let loss = try SoftmaxCrossEntropyFunction.apply(model(Variable(x)), labels: labels)
    try loss.backward()
    optimizer.update(model.parameters)
    return loss.value.scalars[0]
  }

  @Test func oneLeNetStepMatchesTheCPU() throws {
    let data = trainingImages(count: 64)
    let (x, labels) = data.batch(data.batches(size: 32)[0])
    let (cpu, gpu) = (Models.lenet(activation: .relu, seed: 3), Models.lenet(activation: .relu, seed: 3))
    let trainer = try DeviceTrainer(model: gpu, optimizer: SGD(), device: HostDevice())
    let cpuCorrect = zip(predictedClasses(try cpu(Variable(x)).value), labels).filter { $0 == Int($1) }.count
    let cpuLoss = try cpuStep(cpu, SGD(), x, labels)
    let step = try trainer.step(images: x, labels: labels)
    #expect(abs(cpuLoss - step.loss) <= 1e-4 * (1 + abs(cpuLoss)))
    #expect(step.correct == cpuCorrect, "the step counts the batch's correct images as the CPU does")
    try trainer.copyWeightsToHost()
    for (a, b) in zip(cpu.parameters, gpu.parameters) { expectClose(b.value, a.value) }
  }

  /// A few hundred batches of LeNet on the emulated device reach the CPU's loss.
  @Test func leNetTrainedOnTheEmulatedDeviceReachesTheCPUsLoss() throws {
    let data = trainingImages(count: 9600)
    let batches = data.batches(size: 32, seed: 1)
    let (cpu, gpu) = (Models.lenet(activation: .relu, seed: 5), Models.lenet(activation: .relu, seed: 5))
    let (cpuOpt, gpuOpt) = (SGD(learningRate: 0.02), SGD(learningRate: 0.02))
    let trainer = try DeviceTrainer(model: gpu, optimizer: gpuOpt, device: HostDevice())
    var (cpuLosses, gpuLosses): ([Float], [Float]) = ([], [])
    let start = Date()
    for indices in batches.prefix(160) {
      let (x, labels) = data.batch(indices)
      cpuLosses.append(try cpuStep(cpu, cpuOpt, x, labels))
      gpuLosses.append(try trainer.step(images: x, labels: labels).loss)
      if Date().timeIntervalSince(start) > 75 { break }
    }
    let tail = { (l: [Float]) in l.suffix(50).reduce(0, +) / Float(min(50, l.count)) }
    let (cpuTail, gpuTail) = (tail(cpuLosses), tail(gpuLosses))
    print("LeNet \(cpuLosses.count) batches of 32: first loss \(cpuLosses[0]) / \(gpuLosses[0]), last-50 mean CPU \(cpuTail) device \(gpuTail), \(Date().timeIntervalSince(start)) s")
    #expect(cpuLosses.count >= 120, "the time bound cut training short")
    let firstApart = cpuLosses.indices.first { abs(cpuLosses[$0] - gpuLosses[$0]) > 1e-2 * (1 + cpuLosses[$0]) }
    #expect(firstApart == nil || firstApart! > 20, "losses part at step \(firstApart ?? -1)")
    #expect(abs(cpuLosses[0] - gpuLosses[0]) <= 1e-4 * (1 + cpuLosses[0]))
    #expect(gpuTail < 0.8 * gpuLosses[0], "the device model learned")
    #expect(abs(cpuTail - gpuTail) <= 0.1 * cpuTail + 0.05, "CPU \(cpuTail) vs device \(gpuTail)")
  }

  @Test func batchNormAndDropoutTrainOnTheDevice() throws {
    let model = Sequential([
      try Conv2D(inChannels: 1, outChannels: 4, kernelSize: (3, 3), name: "c", seed: 1),
      BatchNorm(featureCount: 4), ActivationLayer(.relu), AvgPool2D(poolSize: (2, 2), name: "p"),
      Flatten(), Dropout(probability: 0.1), try Dense(inputSize: 4 * 13 * 13, outputSize: 10, name: "fc", seed: 1),
    ])
    let data = trainingImages(count: 256)
    let trainer = try DeviceTrainer(model: model, optimizer: Adam(learningRate: 0.003), device: HostDevice())
    var losses: [Float] = []
    for _ in 0..<3 {
      for indices in data.batches(size: 32) {
        let (x, labels) = data.batch(indices)
        losses.append(try trainer.step(images: x, labels: labels).loss)
      }
    }
    #expect(losses.allSatisfy { $0.isFinite })
    #expect(losses.suffix(8).reduce(0, +) < losses.prefix(8).reduce(0, +))
    try trainer.copyWeightsToHost()
    let bn = model.layers[1] as! BatchNorm
    #expect(bn.runningMean.value.scalars.contains { $0 != 0 }, "running statistics were updated")
    // Inference on the device (running statistics, no dropout) matches the CPU's.
    model.isTraining = false
    let (x, _) = data.batch(data.batches(size: 16)[0])
    expectClose(try trainer.logits(images: x), try model(x))
  }

  @Test func aLayerTheDeviceCannotTrainIsNamed() {
    let model = Sequential([GlobalAvgPool2D(name: "gap"), Flatten()])
    #expect(throws: GPUError.self) { _ = try DeviceTrainer(model: model, optimizer: SGD(), device: HostDevice()) }
  }
}
