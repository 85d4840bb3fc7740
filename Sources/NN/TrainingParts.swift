import Datasets
import Tensor

// The pieces of `train` and `evaluate` that a loop running elsewhere (a GPU through the GPU
// module) must share with them to give the same run: the batch order of each epoch, and an
// evaluation from logits computed by someone else.

/// Epoch `epoch`'s batches (indices into `data`) for a run seeded with `seed`: the order
/// `train` walks, so a device loop given the same seed sees the same batches.
public func trainingBatches(
  _ data: LabeledImages, size: Int, seed: UInt64, epoch: Int
) -> [ArraySlice<Int>] {
  data.batches(size: size, seed: seed &+ UInt64(epoch) &* 0x9E37_79B9)
}

/// Indices of the largest value of each row of logits [N, C] (the predicted classes).
public func predictedClasses(_ logits: Tensor) -> [Int] {
  let (rows, classes) = (logits.shape[0], logits.count / max(logits.shape[0], 1))
  return logits.withUnsafeBufferPointer { p in
    (0..<rows).map { argmax(p.baseAddress! + $0 * classes, classes) }
  }
}

extension Evaluation {
  /// The accuracies of a confusion matrix (confusion[true][predicted]) over `count` images.
  public init(confusion: [[Int]], count: Int) {
    let k = confusion.count
    let correct = (0..<k).reduce(0) { $0 + confusion[$1][$1] }
    let perClass = (0..<k).map { c in
      let total = confusion[c].reduce(0, +)
      return total > 0 ? Double(confusion[c][c]) / Double(total) : 0
    }
    self.init(
      accuracy: Double(correct) / Double(max(count, 1)), perClassAccuracy: perClass,
      confusion: confusion)
  }
}

/// `evaluate` with the logits of each batch computed by `logits` (on a device, say): the
/// same batches of `batchSize` in order, the same confusion matrix and accuracies.
public func evaluate(
  on data: LabeledImages, batchSize: Int = 100, logits: (Tensor) throws -> Tensor
) throws -> Evaluation {
  let k = data.classCount
  var confusion = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
  for indices in data.batches(size: batchSize) {
    let (images, labels) = data.batch(indices)
    for (label, predicted) in zip(labels, predictedClasses(try logits(images))) {
      confusion[Int(label)][min(predicted, k - 1)] += 1
    }
  }
  return Evaluation(confusion: confusion, count: data.count)
}

extension TrainingProgress {
  /// A report made by a training loop outside `train` (a device's), field by field.
  public init(
    epoch: Int, of epochs: Int, batch: Int, of batches: Int, imagesPerSecond: Double,
    loss: Double, accuracy: Double, etaSeconds: Double, epochEnded: Bool, testAccuracy: Double?
  ) {
    self.init(
      epoch: epoch, epochs: epochs, batch: batch, batches: batches, imagesPerSecond: imagesPerSecond,
      loss: loss, accuracy: accuracy, etaSeconds: etaSeconds, epochEnded: epochEnded,
      testAccuracy: testAccuracy)
  }
}
