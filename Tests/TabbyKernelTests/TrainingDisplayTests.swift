import CellLanguage
import Testing

@testable import NN
@testable import TabbyKernel

/// A progress report of batch `batch` of `batches` in epoch 1 of 1.
func progress(_ batch: Int, of batches: Int, loss: Double) -> TrainingProgress {
  TrainingProgress(
    epoch: 1, epochs: 1, batch: batch, batches: batches, imagesPerSecond: 1000, loss: loss,
    accuracy: 1 - loss / 3, etaSeconds: 1, epochEnded: batch == batches, testAccuracy: nil)
}

@Test func theCurveIsRedrawnDuringAnEpochAtABoundedRate() throws {
  let sink = SessionSink()
  nonisolated(unsafe) var now = 100.0
  let display = TrainingDisplay(
    sink: sink, barID: "bar", chartID: "chart", images: 6400, epochs: 1, clock: { now })
  // Reports every 0.1 s (the trainer's rate), the epoch ending at batch 100.
  for batch in stride(from: 5, through: 100, by: 5) {
    now += 0.1
    display.report(progress(batch, of: 100, loss: 3 / Double(batch)))
  }
  let charts = sink.updates.filter { $0.1 == "chart" }.map(\.0)
  let bars = sink.updates.filter { $0.1 == "bar" }
  #expect(bars.count == 20)
  // 2 s of reports at ≥ 0.25 s apart, plus the epoch's end.
  #expect(charts.count >= 5 && Double(charts.count) <= 2.0 / TrainingDisplay.chartInterval + 2)
  let svgs = charts.compactMap { bundle -> String? in
    guard case .string(let s)? = bundle.data["image/svg+xml"] else { return nil }
    return s
  }
  #expect(svgs.count == charts.count)
  // Mid-epoch redraws carry a growing curve: each differs from the one before.
  let midEpoch = svgs.dropLast()
  #expect(midEpoch.count >= 4)
  #expect(zip(midEpoch, midEpoch.dropFirst()).allSatisfy { $0 != $1 })
  let points = charts.compactMap { bundle -> Int? in
    guard case .string(let t)? = bundle.data["text/plain"] else { return nil }
    return Int(t.split(separator: " ").dropLast().last ?? "")
  }
  #expect(points == points.sorted() && points.last == 20)
}
