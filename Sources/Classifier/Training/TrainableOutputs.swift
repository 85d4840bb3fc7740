import NN
import Tensor

extension TrainableModel {
  /// The network's raw outputs (logits, before the softmax), one row per image of
  /// `inputShape` given as pixels 0…255 (on a GPU context they come from the device).
  public func logits(_ images: [[UInt8]], on context: ComputeContext) throws -> [[Float]] {
    guard let batch = try inputBatch(images) else { return [] }
    let out: Tensor = try inference {
      try context.place(
        cpu: { _ in try network(batch) }, gpu: { device, _ in try onDevice(device).logits(images: batch) })
    }
    return rows(out)
  }

  /// The penultimate activations: what the last Dense layer receives (500 values for LeNet,
  /// the last hidden width for an MLP), one row per image. Computed on the CPU copy of the
  /// weights whatever the context; nil when the network does not end in a Dense layer.
  public func embeddings(_ images: [[UInt8]]) throws -> [[Float]]? {
    guard let last = network.layers.lastIndex(where: { $0 is Dense }), last == network.layers.count - 1
    else { return nil }
    guard let batch = try inputBatch(images) else { return [] }
    let out: Tensor = try inference {
      try network.layers[..<last].reduce(batch) { x, layer in try layer(x) }
    }
    return rows(out)
  }

  /// The width of `embeddings` rows, nil when there are none.
  public var embeddingSize: Int? {
    guard let dense = network.layers.last as? Dense else { return nil }
    return dense.weight.value.shape.last
  }

  /// Runs `work` in inference mode (no dropout, running statistics), restoring the mode after.
  private func inference<T>(_ work: () throws -> T) rethrows -> T {
    let wasTraining = network.isTraining
    network.isTraining = false
    defer { network.isTraining = wasTraining }
    return try work()
  }

  /// Pixels 0…255 as a [n] + inputShape batch scaled to 0…1; nil for no images.
  private func inputBatch(_ images: [[UInt8]]) throws -> Tensor? {
    let size = inputShape.reduce(1, *)
    guard images.allSatisfy({ $0.count == size }) else {
      throw ClassifierError(
        .invalidArgument,
        "the images are not \(inputShape.map(String.init).joined(separator: "×")), the model's input")
    }
    guard !images.isEmpty else { return nil }
    var batch = Tensor(uninitializedShape: [images.count] + inputShape)
    batch.withUnsafeMutableBufferPointer { dst in
      for (k, image) in images.enumerated() {
        for (j, p) in image.enumerated() { dst[k * size + j] = Float(p) / 255 }
      }
    }
    return batch
  }

  /// A [n, …] tensor as n flat rows.
  private func rows(_ t: Tensor) -> [[Float]] {
    let n = t.shape[0]
    guard n > 0 else { return [] }
    let width = t.scalars.count / n
    let raw = t.scalars
    return (0..<n).map { Array(raw[($0 * width)..<(($0 + 1) * width)]) }
  }
}
