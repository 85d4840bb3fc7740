import CellLanguage

/// What predict() shows while it runs: each prediction for a few images, a progress bar
/// in place for more (the returned list then shows as one summary table), nothing with
/// `show=False`; and one warning for the images that could not be read.
final class PredictDisplay {
  /// Up to this many images are shown one by one unless `show=` says otherwise.
  static let perImageLimit = 4

  let sink: OutputSink
  let count: Int
  let perImage: Bool
  let progressBar: Bool
  let id: String
  let started = monotonicSeconds()
  var lastUpdate = -1.0

  init(_ sink: OutputSink, count: Int, show: Bool?, id: String) {
    self.sink = sink
    self.count = count
    self.id = id
    perImage = show ?? (count <= Self.perImageLimit)
    progressBar = show == nil && !perImage
    if progressBar { sink.display(bundle(done: 0), displayID: id) }
  }

  /// A prediction is ready: its picture, table and chart when images are shown one by one.
  func shown(_ p: PredictionValue) {
    // An unreadable image is reported once, in finish(), not as a display of its own.
    if perImage, p.error == nil, let rich = p.richDisplay() { sink.display(rich, displayID: nil) }
  }

  /// `done` of `count` images predicted; the bar moves at most ten times a second.
  func progress(done: Int) {
    guard progressBar else { return }
    let now = monotonicSeconds()
    guard now - lastUpdate >= 0.1 || done == count else { return }
    lastUpdate = now
    sink.updateDisplay(bundle(done: done), displayID: id)
  }

  /// The bar's last state says how long it took; one warning names the unreadable images.
  func finish(_ results: [PredictionValue]) {
    let failed = results.filter { $0.error != nil }
    if progressBar {
      let seconds = fixed(monotonicSeconds() - started, 1)
      let text = "predicted \(count - failed.count) of \(count) images in \(seconds) s"
      sink.updateDisplay(.plain(text), displayID: id)
    }
    guard let first = failed.first, let error = first.error else { return }
    let images = failed.count == 1 ? "1 image" : "\(failed.count) images"
    sink.stream(
      .stderr,
      "Warning: predict() could not read \(images) of \(count) (first: \(first.source): \(error)); "
        + "their entries have .error set and no label\n")
  }

  func bundle(done: Int) -> MimeBundle {
    let fraction = count == 0 ? 1 : Double(done) / Double(count)
    let filled = Int(fraction * 30)
    let text =
      "predict: [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
      + "] \(done)/\(count) images"
    let html = "<progress value=\"\(done)\" max=\"\(max(count, 1))\"></progress> \(done)/\(count) images"
    return MimeBundle(data: ["text/plain": .string(text), "text/html": .string(html)])
  }
}
