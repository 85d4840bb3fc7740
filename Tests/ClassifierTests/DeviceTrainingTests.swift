import Datasets
import Foundation
import GPU
import Testing

@testable import Classifier

/// Training and inference through the façade on a GPU context whose gpu(0) is the
/// host-emulated device: the path a real GPU takes (placement, DeviceTrainer, copy-back),
/// compared with the same run on the CPU.
@Suite(.serialized) struct DeviceTrainingTests {
  /// A class-dependent bright bar plus noise: learnable in a few batches.
  static func bars(count: Int, seed: UInt64) -> ImageSet {
    var rng = SplitMix64(seed: seed)
    var pixels = [UInt8](repeating: 0, count: count * 784)
    var labels = [UInt8](repeating: 0, count: count)
    for i in 0..<count {
      let k = Int(rng.next() % 10)
      labels[i] = UInt8(k)
      for j in 0..<784 {
        let (row, col) = (j / 28, j % 28)
        let bar = k < 5 ? (row / 5 == k) : (col / 5 == k - 5)
        pixels[i * 784 + j] = UInt8((bar ? 170 : 0) + Int(rng.next() % 80))
      }
    }
    return ImageSet(try! LabeledImages(pixels: pixels, labels: labels, imageShape: [1, 28, 28]))
  }

  static func gpuContext(_ device: HostDevice = HostDevice()) -> ComputeContext {
    ComputeContext(device: .gpu(0), threads: 1, gpus: .emulated(device))
  }

  static func configuration(epochs: Int = 2) -> TrainingConfiguration {
    var c = TrainingConfiguration()
    c.epochs = epochs
    c.batchSize = 32
    c.seed = 11
    return c
  }

  /// Same model, data, seed and schedule on the CPU and on the emulated GPU: the same
  /// per-epoch loss, accuracy and test accuracy (float summation order aside), and weights.
  @Test func anMLPTrainedOnTheEmulatedGPUMatchesTheCPU() throws {
    let (train, test) = (Self.bars(count: 640, seed: 1), Self.bars(count: 200, seed: 2))
    let (cpu, gpu) = (try TrainableModel.mlp(hidden: [32], seed: 3), try TrainableModel.mlp(hidden: [32], seed: 3))
    var reports: [TrainingProgress] = []
    let cpuHistory = try Trainer(Self.configuration(), context: ComputeContext(threads: 1))
      .train(cpu, on: train, test: test)
    let gpuHistory = try Trainer(Self.configuration(), context: Self.gpuContext())
      .train(gpu, on: train, test: test, progressInterval: 0, progress: { reports.append($0) })
    #expect(gpuHistory.epochs.count == 2 && !gpuHistory.stopped)
    for (c, g) in zip(cpuHistory.epochs, gpuHistory.epochs) {
      #expect(c.images == g.images)
      #expect(abs(c.loss - g.loss) <= 1e-3 * (1 + c.loss), "loss CPU \(c.loss) vs device \(g.loss)")
      #expect(abs(c.trainAccuracy - g.trainAccuracy) <= 0.01)
      #expect(abs((c.testAccuracy ?? -1) - (g.testAccuracy ?? -2)) <= 0.01)
    }
    #expect(gpuHistory.epochs.last!.trainAccuracy > 0.5, "the device model learned")
    // Every batch reported (interval 0), then the epoch's end with its test accuracy.
    #expect(reports.count == 2 * (20 + 1))
    #expect(reports.filter(\.epochEnded).map(\.testAccuracy) == gpuHistory.epochs.map(\.testAccuracy))
    for (a, b) in zip(cpu.parameterValues, gpu.parameterValues) {
      let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-3, "\(a.name) differs by \(worst): weights came back to the host")
    }
  }

  /// Stopping between batches: the partial history, and the device's weights on the host
  /// (the same the CPU reaches after as many batches).
  @Test func anInterruptedRunKeepsItsPartialHistoryAndWeights() throws {
    let train = Self.bars(count: 320, seed: 4)
    let (cpu, gpu) = (TrainableModel.lenet(activation: .relu, seed: 5), TrainableModel.lenet(activation: .relu, seed: 5))
    let before = gpu.parameterValues
    func stopAfter(_ n: Int) -> () -> Bool {
      var calls = 0
      return {
        calls += 1
        return calls > n
      }
    }
    let c = Self.configuration(epochs: 3)
    let cpuHistory = try Trainer(c, context: ComputeContext(threads: 1)).train(cpu, on: train, shouldStop: stopAfter(4))
    let gpuHistory = try Trainer(c, context: Self.gpuContext()).train(gpu, on: train, shouldStop: stopAfter(4))
    #expect(gpuHistory.stopped && gpuHistory.epochs.count == 1)
    #expect(gpuHistory.epochs[0].images == 4 * 32 && cpuHistory.epochs[0].images == 4 * 32)
    #expect(abs(gpuHistory.epochs[0].loss - cpuHistory.epochs[0].loss) <= 1e-3 * (1 + cpuHistory.epochs[0].loss))
    #expect(zip(before, gpu.parameterValues).contains { $0.values != $1.values }, "weights came back")
    for (a, b) in zip(cpu.parameterValues, gpu.parameterValues) {
      let worst = zip(a.values, b.values).map { abs($0 - $1) }.max() ?? 0
      #expect(worst <= 1e-3, "\(a.name) differs by \(worst)")
    }
  }

  /// Inference of a trainable model on the GPU context: the CPU's probabilities and evaluation.
  @Test func predictAndEvaluateOnTheEmulatedGPUMatchTheCPU() throws {
    let model = TrainableModel.lenet(seed: 8)
    let test = Self.bars(count: 150, seed: 6)
    let (cpu, gpu) = (ComputeContext(threads: 1), Self.gpuContext())
    let images = (0..<5).map { Array(test.pixels(at: $0)) }
    let (p, q) = (try model.probabilities(images, on: cpu), try model.probabilities(images, on: gpu))
    for (a, b) in zip(p, q) { #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-5 }) }
    let (e, f) = (try model.evaluate(on: test, context: cpu), try model.evaluate(on: test, context: gpu))
    #expect(e.confusion == f.confusion && e.accuracy == f.accuracy)
  }

  /// Work with no device version is refused on a GPU context (never run on the CPU quietly);
  /// a GPU that does not exist leaves the context as it was.
  @Test func aGPUContextRefusesCPUOnlyWorkAndBadIndices() throws {
    let context = Self.gpuContext()
    #expect(context.gpuIsEmulated)
    #expect { try context.place("a pretrained model") { _ in 1 } } throws: { error in
      let e = error as? DeviceFailure
      return e?.ename == "DeviceError" && e?.message.contains("a pretrained model cannot run on gpu(0)") == true
    }
    try context.use(.cpu, threads: 2)
    #expect(throws: ComputeDeviceError.noSuchGPU(index: 1, available: 1)) { try context.use(.gpu(1)) }
    #expect(context.device == .cpu && context.threads == 2)
  }

  /// A device that runs out of memory: a MemoryError naming the allocation; the context and
  /// the model's weights stay as they were.
  @Test func runningOutOfDeviceMemoryIsAMemoryError() throws {
    let context = Self.gpuContext(HostDevice(memoryLimit: 64 << 10))
    let model = TrainableModel.lenet(seed: 9)
    let before = model.parameterValues
    #expect {
      try Trainer(Self.configuration(epochs: 1), context: context).train(model, on: Self.bars(count: 64, seed: 7))
    } throws: { error in
      let e = error as? DeviceFailure
      return e?.ename == "MemoryError" && e?.message.contains("out of device memory") == true
    }
    #expect(context.device == .gpu(0))
    #expect(zip(before, model.parameterValues).allSatisfy { $0.values == $1.values })
  }
}
