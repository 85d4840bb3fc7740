import Classifier
import Foundation
import JSON

/// The figures of `tabby predict --bench N`: load time, batch-1 latency per image (network
/// run on the prepared input, and the whole prediction with preprocessing), and images/s
/// for full batches.
struct PredictBenchmark {
  let session: ClassifierSession
  let model: PretrainedModel
  let runs: Int

  /// Times the network and whole predictions on the images `predictions` were made from.
  func measure(_ predictions: [Prediction]) throws -> JSONObject {
    let images = predictions.map(\.image)
    var network = [Double]()
    var whole = [Double]()
    for image in images {
      let input = try session.prepareInput(model, [image])
      _ = try session.runNetwork(model, input)  // warm-up
      // Back to back, as onnxruntime's runs are timed (bench/predict/bench.py): a network run
      // right after a whole prediction would start with the decoder's data in the caches.
      for _ in 0..<runs { network.append(try milliseconds { _ = try session.runNetwork(model, input) }) }
      for _ in 0..<runs { whole.append(try milliseconds { _ = try session.predict(model, images: [image], top: 5) }) }
    }
    let batch = min(session.batchSize, 16)
    let batchImages = (0..<batch).map { images[$0 % images.count] }
    let batchInputs = try stride(from: 0, to: batch, by: session.runBatchSize(model)).map {
      try session.prepareInput(model, Array(batchImages[$0..<min($0 + session.runBatchSize(model), batch)]))
    }
    for input in batchInputs { _ = try session.runNetwork(model, input) }
    var batchTimes = [Double]()
    for _ in 0..<max(1, runs / 4) {
      batchTimes.append(try milliseconds { for input in batchInputs { _ = try session.runNetwork(model, input) } })
    }
    let perBatch = percentile(batchTimes, 0.5)
    return [
      "load_ms": .number(model.loadSeconds * 1000),
      "latency_ms": ["p50": .number(percentile(network, 0.5)), "p90": .number(percentile(network, 0.9))],
      "predict_ms": ["p50": .number(percentile(whole, 0.5)), "p90": .number(percentile(whole, 0.9))],
      "batch": ["size": .int(batch), "ms_p50": .number(perBatch),
                "images_per_s": .number(Double(batch) / perBatch * 1000)],
      "runs": .int(runs),
    ]
  }

  private func milliseconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
  }

  /// Nearest-rank percentile of a non-empty list.
  private func percentile(_ values: [Double], _ q: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
  }
}
