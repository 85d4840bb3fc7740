import CellLanguage
import Charts
import Classifier

#if canImport(Glibc)
  import Glibc
#endif

/// A training run's history as a value: `h.epochs`, `h[0]`, `h.stopped`; shows a table and curve.
final class HistoryValue: HostObject {
  let history: TrainingHistory
  /// (fractional epoch, loss, accuracy) points reported while training, for the curve.
  let curve: [(x: Double, loss: Double, accuracy: Double)]
  /// Where an interrupted run stopped, e.g. "epoch 1, batch 37/938".
  let stoppedAt: String?

  init(
    _ history: TrainingHistory, curve: [(x: Double, loss: Double, accuracy: Double)],
    stoppedAt: String?
  ) {
    self.history = history
    self.curve = curve
    self.stoppedAt = stoppedAt
  }

  var typeName: String { "History" }
  var repr: String {
    var lines = history.epochs.map { e in
      "epoch \(e.epoch): loss \(fixed(e.loss, 4)) train accuracy \(fixed(e.trainAccuracy, 4))"
        + (e.testAccuracy.map { " test accuracy \(fixed($0, 4))" } ?? "")
        + " (\(Int(e.imagesPerSecond)) images/s)"
    }
    if let stoppedAt { lines.append("interrupted at \(stoppedAt)") }
    return lines.isEmpty ? "History(no epochs)" : lines.joined(separator: "\n")
  }

  var attributeNames: [String] { ["epochs", "stopped", "loss", "accuracy", "test_accuracy"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "epochs": .list(history.epochs.map(Self.record))
    case "stopped": .bool(history.stopped)
    case "loss": .list(history.epochs.map { .float($0.loss) })
    case "accuracy": .list(history.epochs.map { .float($0.trainAccuracy) })
    case "test_accuracy": .list(history.epochs.map { $0.testAccuracy.map(Value.float) ?? .none })
    default: nil
    }
  }

  func item(_ key: Value) throws -> Value? {
    guard case .int(var i) = key else {
      throw CellError.typeError("history indices must be integers")
    }
    if i < 0 { i += history.epochs.count }
    guard i >= 0, i < history.epochs.count else {
      throw CellError(ename: "IndexError", "history index out of range")
    }
    return Self.record(history.epochs[i])
  }

  func iterate() throws -> [Value]? { history.epochs.map(Self.record) }

  static func record(_ e: EpochRecord) -> Value {
    .dict(
      DictObject([
        ("epoch", .int(e.epoch)), ("loss", .float(e.loss)), ("accuracy", .float(e.trainAccuracy)),
        ("test_accuracy", e.testAccuracy.map(Value.float) ?? .none), ("seconds", .float(e.seconds)),
        ("images_per_second", .float(e.imagesPerSecond)),
      ]))
  }

  func richDisplay() -> MimeBundle? {
    let rows = history.epochs.map { e in
      [
        String(e.epoch), fixed(e.loss, 4), fixed(e.trainAccuracy, 4),
        e.testAccuracy.map { fixed($0, 4) } ?? "",
        String(Int(e.imagesPerSecond)),
      ]
    }
    let table = HTML.table(
      header: ["epoch", "loss", "train accuracy", "test accuracy", "images/s"], rows: rows,
      caption: stoppedAt.map { "Training history (interrupted at \($0))" } ?? "Training history")
    return MimeBundle(data: [
      "text/html": .string(HTML.row([table, chartSVG()])), "text/plain": .string(repr),
    ])
  }

  /// Loss and accuracy against epochs, from the progress points and the epoch test accuracies.
  func chartSVG() -> String {
    Self.chart(
      curve: curve,
      tests: history.epochs.compactMap { e in e.testAccuracy.map { (Double(e.epoch), $0) } })
  }

  /// The chart of a run's curve; `epochs`, when given, fixes the x axis to the whole run.
  static func chart(
    curve: [(x: Double, loss: Double, accuracy: Double)], tests: [(Double, Double)],
    epochs: Int? = nil
  ) -> String {
    var series = [
      Series(name: "loss", points: curve.map { ($0.x, $0.loss) }, color: "#d6453f"),
      Series(name: "accuracy", points: curve.map { ($0.x, $0.accuracy) }, color: "#3b7dd8"),
    ]
    if !tests.isEmpty {
      series.append(Series(name: "test acc.", points: tests.map { ($0.0, $0.1) }, color: "#2a9d4b"))
    }
    return LineChart.svg(
      series, title: "Loss and accuracy", xLabel: "epoch", xMax: epochs.map(Double.init))
  }
}

/// The in-place progress display of a training run: a bar with the figures, following every
/// progress report (at most 8 a second), and a curve redrawn during the epoch too, at most
/// every `chartInterval` seconds, and at each epoch's end: together at most 10 updates a second.
final class TrainingDisplay {
  /// Seconds between two redraws of the curve within an epoch: the SVG is a few KiB, and the
  /// browser re-renders it whole, so it follows the bar at a quarter of its rate.
  static let chartInterval = 0.5

  let sink: OutputSink
  let barID: String
  let chartID: String
  let epochs: Int
  /// Monotonic seconds (a parameter so tests can drive the throttle).
  let clock: () -> Double
  var curve: [(x: Double, loss: Double, accuracy: Double)] = []
  var tests: [(Double, Double)] = []
  var last: TrainingProgress?
  private var chartDrawnAt = -Double.infinity

  init(
    sink: OutputSink, barID: String, chartID: String, images: Int, epochs: Int,
    clock: @escaping () -> Double = monotonicSeconds
  ) {
    self.sink = sink
    self.barID = barID
    self.chartID = chartID
    self.clock = clock
    self.epochs = epochs
    let start = "training on \(images) images for \(epochs) epoch(s)…"
    sink.display(
      MimeBundle(data: ["text/plain": .string(start), "text/html": .string(Self.bar(0, start))]),
      displayID: barID)
    sink.display(chartBundle(), displayID: chartID)
  }

  func report(_ p: TrainingProgress) {
    last = p
    curve.append(
      (Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1)), p.loss, p.accuracy))
    if let t = p.testAccuracy { tests.append((Double(p.epoch), t)) }
    let fraction =
      (Double(p.epoch - 1) + Double(p.batch) / Double(max(p.batches, 1))) / Double(max(p.epochs, 1))
    sink.updateDisplay(
      MimeBundle(data: [
        "text/plain": .string(Self.line(p)), "text/html": .string(Self.bar(fraction, Self.line(p))),
      ]), displayID: barID)
    let now = clock()
    if p.epochEnded || now - chartDrawnAt >= Self.chartInterval {
      chartDrawnAt = now
      sink.updateDisplay(chartBundle(), displayID: chartID)
    }
  }

  /// The last word on the bar: finished, or where an interrupt stopped it.
  func finish(stoppedAt: String?) {
    let text: String
    if let stoppedAt {
      text = "interrupted at \(stoppedAt); the model keeps the weights it reached"
    } else if let p = last {
      text = "done: " + Self.line(p)
    } else {
      text = "done"
    }
    let fraction =
      stoppedAt == nil
      ? 1
      : last.map {
        (Double($0.epoch - 1) + Double($0.batch) / Double(max($0.batches, 1)))
          / Double(max($0.epochs, 1))
      } ?? 0
    sink.updateDisplay(
      MimeBundle(data: [
        "text/plain": .string(text), "text/html": .string(Self.bar(fraction, text)),
      ]), displayID: barID)
    sink.updateDisplay(chartBundle(), displayID: chartID)
  }

  func chartBundle() -> MimeBundle {
    MimeBundle(data: [
      // The x axis spans the whole run, so the curve grows across it as training goes.
      "image/svg+xml": .string(HistoryValue.chart(curve: curve, tests: tests, epochs: epochs)),
      "text/plain": .string("loss/accuracy curve: \(curve.count) points"),
    ])
  }

  static func line(_ p: TrainingProgress) -> String {
    var s =
      "epoch \(p.epoch)/\(p.epochs)  batch \(p.batch)/\(p.batches)  \(Int(p.imagesPerSecond)) images/s  "
      + "loss \(fixed(p.loss, 4))  accuracy \(fixed(p.accuracy, 4))"
    if let t = p.testAccuracy { s += "  test accuracy \(fixed(t, 4))" }
    return s + "  ETA \(Int(p.etaSeconds.rounded())) s"
  }

  static func bar(_ fraction: Double, _ text: String) -> String {
    let pct = fixed(100 * min(1, max(0, fraction)), 1)
    return
      "<div style=\"font-family:monospace\"><progress value=\"\(pct)\" max=\"100\" style=\"width:320px\"></progress> "
      + "\(pct)%<br/>\(escapeHTML(text))</div>"
  }
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}
