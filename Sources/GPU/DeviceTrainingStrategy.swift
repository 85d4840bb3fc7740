import Datasets
import NN
import Tensor

/// A device trainer is one more way for NN's training loop to run a batch: `NN.train(with:)`
/// keeps the epochs, batch order, schedule, progress, stop and history; the trainer runs
/// each step and each evaluation on its device, and copies the weights back at the end
/// (also when the run stops or fails, so save, evaluate and a CPU context see them).
extension DeviceTrainer: TrainingStrategy {
  public func beginEpoch() { model.isTraining = true }

  public func step(_ data: LabeledImages, _ indices: ArraySlice<Int>, shouldStop: () -> Bool) throws
    -> TrainingStepResult
  {
    let r = try step(key: indices) { data.batch(indices) }
    return TrainingStepResult(lossSum: Double(r.loss) * Double(indices.count), correct: r.correct)
  }

  public func prefetch(_ data: LabeledImages, _ indices: ArraySlice<Int>) throws {
    let (images, labels) = data.batch(indices)
    try prefetch(images: images, labels: labels, key: indices)
  }

  public func testAccuracy(on test: LabeledImages) throws -> Double? {
    try NN.evaluate(on: test) { x in try logits(images: x) }.accuracy
  }

  public func end(failed: Bool) throws {
    model.isTraining = false
    // A batch copied ahead but never stepped (a stop): its copy must finish before its
    // buffer goes back to the allocation pool.
    if !prefetched.isEmpty {
      for p in prefetched { try? ops.device.awaitCopy(slot: p.slot) }
      try? ops.device.synchronize()
      prefetched = []
    }
    // After a failure the device may be what failed: its weights are best effort.
    if failed { try? copyWeightsToHost() } else { try copyWeightsToHost() }
  }
}
