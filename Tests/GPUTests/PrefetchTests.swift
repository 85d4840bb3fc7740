import Datasets
import GPU
import NN
import Tensor
import TestSupport
import Testing

/// The next batch is copied while the current one computes (`TrainingStrategy.prefetch`,
/// `ComputeDevice.beginCopy`/`awaitCopy`). The emulated device applies a begun copy only when
/// it is awaited, so a step that read its batch too early would train on stale memory here.
@Suite(.serialized) struct PrefetchTests {
  @Test func aBegunCopyLandsOnlyWhenAwaited() throws {
    let device = HostDevice()
    let x = try DeviceTensor(try Tensor(shape: [4], scalars: [0, 0, 0, 0]), on: device, purpose: "x")
    let values: [Float] = [1, 2, 3, 4]
    let source = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 4)
    defer { source.deallocate() }
    values.withUnsafeBytes { source.copyMemory(from: $0.baseAddress!, byteCount: 16) }
    try device.beginCopy(to: x.buffer.address, from: source, bytes: 16, slot: 1)
    #expect(try x.host().scalars == [0, 0, 0, 0])
    try device.awaitCopy(slot: 0)
    #expect(try x.host().scalars == [0, 0, 0, 0], "another slot's await leaves it")
    try device.awaitCopy(slot: 1)
    #expect(try x.host().scalars == values)
  }

  /// NN.train through the device strategy prefetches every batch but each epoch's first, and
  /// trains exactly as stepping the same batches one by one without prefetching does.
  @Test func trainingWithPrefetchEqualsStepByStep() throws {
    let data = trainingImages(count: 96)
    let (a, b) = (Models.lenet(activation: .relu, seed: 8), Models.lenet(activation: .relu, seed: 8))
    let (optA, optB) = (SGD(learningRate: 0.05), SGD(learningRate: 0.05))
    let trainer = try DeviceTrainer(model: a, optimizer: optA, device: HostDevice())
    let history = try train(with: trainer, on: data, epochs: 2, batchSize: 32, optimizer: optA, seed: 4)
    #expect(trainer.prefetchedSteps == 2 * (3 - 1))
    let plain = try DeviceTrainer(model: b, optimizer: optB, device: HostDevice())
    var losses: [Double] = []
    for epoch in 0..<2 {
      var sum = 0.0
      for indices in trainingBatches(data, size: 32, seed: 4, epoch: epoch) {
        let (x, labels) = data.batch(indices)
        sum += Double(try plain.step(images: x, labels: labels).loss) * Double(indices.count)
      }
      losses.append(sum / 96)
    }
    let trained = history.epochs.map(\.loss)
    #expect(trained.count == 2)
    for (t, p) in zip(trained, losses) { #expect(abs(t - p) <= 1e-6 * (1 + abs(p)), "\(trained) vs \(losses)") }
  }
}
