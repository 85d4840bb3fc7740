import Imaging
import Tensor

// What a model server needs beyond `predict`: run a prepared batch and keep the raw
// outputs (a tensor protocol returns them), then score each output exactly as `predict`
// does, so a served answer equals `tabby predict`'s.

extension PretrainedModel {
  /// Whether the graph ends in a softmax; nil when the file does not tell.
  public var endsInSoftmax: Bool? { network.endsInSoftmax }

  /// Runs a prepared batch and returns each image's raw output vector, dequantized. With a
  /// context, on its device and thread budget (a GPU context runs the model through
  /// DeviceInference, one caller at a time), else on the CPU as the process is set up. CPU
  /// runs may overlap; `ownThreadOnly` keeps this one on the calling thread (a server whose
  /// batch workers keep every core busy), with the same results.
  public func runRaw(_ batch: ModelInput, on context: ComputeContext? = nil, ownThreadOnly: Bool = false) throws -> [[Float]] {
    let cpu = { () throws -> NetworkOutput in ownThreadOnly ? try Threads.serially { try self.run(batch) } : try self.run(batch) }
    let output = try context?.place(cpu: { _ in try cpu() }, gpu: { device, _ in try run(batch, on: device) }) ?? cpu()
    guard output.values.count == batch.shape.first else {
      throw ClassifierError(
        .unsupportedModel,
        "the model returned \(output.values.count) results for a batch of \(batch.shape.first ?? 0)")
    }
    return output.values
  }
}

/// Scoring of raw outputs, shared by `predict` and the model server.
public enum ClassScoring {
  /// The probabilities and top-`k` classes of one raw output vector; the same code path
  /// as `ClassifierSession.predict`.
  public static func top(
    raw: [Float], labels: Labels?, labelsSource: String, endsInSoftmax: Bool?, k: Int
  ) throws -> [ClassScore] {
    let layout = try OutputLayout.fit(outputs: raw.count, labels: labels, labelsSource: labelsSource)
    let isProbability = endsInSoftmax ?? Scores.isDistribution(raw[...], tolerance: 0.02)
    let probabilities = isProbability ? raw : Scores.softmax(raw[...])
    let kept = Array(probabilities[layout.skip...])
    return Scores.top(kept, k: k).map { entry in
      ClassScore(index: entry.index, label: labels?.names[entry.index], probability: entry.probability)
    }
  }
}
