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
    let (images, labels) = data.batch(indices)
    let r = try step(images: images, labels: labels)
    return TrainingStepResult(lossSum: Double(r.loss) * Double(indices.count), correct: r.correct)
  }

  public func testAccuracy(on test: LabeledImages) throws -> Double? {
    try NN.evaluate(on: test) { x in try logits(images: x) }.accuracy
  }

  public func end(failed: Bool) throws {
    model.isTraining = false
    // After a failure the device may be what failed: its weights are best effort.
    if failed { try? copyWeightsToHost() } else { try copyWeightsToHost() }
  }
}
