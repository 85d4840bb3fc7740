import ArgumentParser
import Classifier
import Foundation
import JSON

/// `tabby predict`: classify images with a pretrained model from a file or the zoo.
struct PredictCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "predict", abstract: "Classify images with a pretrained model.",
    discussion: """
      --model takes an .onnx (or .onnx.gz) file, an MXNet checkpoint prefix (or its \
      -symbol.json / -NNNN.params file), a file name in $TABBY_MODELS, or a zoo name \
      (\(ModelZoo.builtin.entries.map(\.name).joined(separator: ", "))). Zoo models are \
      downloaded once into $TABBY_CACHE (default ~/.cache/tabby) and checked against their \
      published sha256.
      """)

  @Option(name: .long, help: "Model file, MXNet prefix, or zoo name.")
  var model: String

  @Option(name: .long, parsing: .unconditional, help: "MXNet checkpoint epoch (default: the highest present).")
  var epoch: Int?

  @Option(name: .long, help: "Synset or label-per-line file overriding the model's labels.")
  var labels: String?

  @Option(name: .long, help: "Preprocessing profile: imagenet, mxnet-legacy, inception or gray (one-channel models).")
  var profile: String?

  @Option(name: .long, parsing: .unconditional, help: "How many classes to show per image.")
  var top = 5

  @Flag(name: .long, help: "Print one JSON object on stdout; messages go to stderr.")
  var json = false

  @Flag(name: .long, help: "With --json, add each image's whole network output (logits, or probabilities for a net ending in softmax).")
  var logits = false

  @Option(name: .long, parsing: .unconditional, help: "Time N predictions per image after a warm-up (adds load_ms, latency_ms).")
  var bench: Int?

  @Option(name: .long, parsing: .unconditional, help: "Images per network run (and the batch timed by --bench).")
  var batchSize = 16

  @Option(name: .long, parsing: .unconditional, help: "Engine threads (default: every CPU available).")
  var threads: Int?

  @Option(name: .long, help: DeviceOption.help)
  var device = "cpu"

  @Argument(help: "Image files (JPEG or PNG).")
  var images: [String]

  func validate() throws {
    guard !images.isEmpty else { throw ValidationError("give at least one image file") }
    guard !logits || json else { throw ValidationError("--logits goes with --json") }
    guard top >= 1 else { throw ValidationError("--top must be at least 1, got \(top)") }
    guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
    _ = try DeviceOption.parse(device)
    if let threads, threads < 1 || threads > 1024 {
      throw ValidationError("--threads must be between 1 and 1024")
    }
    if let bench, bench < 1 || bench > 100_000 {
      throw ValidationError("--bench must be between 1 and 100000")
    }
  }

  func run() throws {
    var session = try ClassifierSession()
    session.batchSize = batchSize
    session.context = try DeviceOption.context(device, threads: threads)
    let progress = DownloadProgressPrinter()
    // The one resolver and loader the kernel's load() uses: an MXNet checkpoint of a LeNet
    // or MLP is the same trainable model here as in a notebook.
    let loaded = try session.load(
      model, epoch: epoch, labels: labels, profile: profile,
      progress: { progress.show($0) }, message: { printError($0) })
    progress.finish()
    let predictions: [Prediction]
    var benchFigures: JSONObject?
    switch loaded {
    case .trainable(let net):
      if !json { printError("\(net.source): trainable \(net.name), input \(net.inputShape)") }
      if bench != nil { printError("--bench times pretrained classifiers only; ignored") }
      let photos = try images.map { try Photo(path: $0) }
      predictions = try net.predict(photos, top: top, on: session.context)
    case .pretrained(let pretrained):
      if !json { printError(pretrained.summary) }
      predictions = try session.predict(pretrained, images: images, top: top)
      if let bench {
        benchFigures = try PredictBenchmark(session: session, model: pretrained, runs: bench)
          .measure(predictions)
      }
    }
    if json {
      print(Self.json(predictions, bench: benchFigures, logits: logits).text)
    } else {
      printText(predictions, bench: benchFigures)
    }
  }

  /// `{"model", "predictions": [{"image", "top": [{"index", "label", "probability"}], "logits"?}],
  /// ...bench}`; "logits" (the network's whole output vector) only when asked for.
  static func json(_ predictions: [Prediction], bench: JSONObject?, logits: Bool = false) -> JSON {
    let list: [JSON] = predictions.map { p in
      let top: [JSON] = p.top.map { s in
        ["index": .int(s.index), "label": s.label.map(JSON.string) ?? .null,
         "probability": .number(Double(s.probability))]
      }
      var entry: JSONObject = ["image": .string(p.source), "top": .array(top)]
      if logits { entry["logits"] = .array(p.output.map { .number(Double($0)) }) }
      return .object(entry)
    }
    var object: JSONObject = ["predictions": .array(list)]
    for (key, value) in bench ?? [:] { object[key] = value }
    return .object(object)
  }

  private func printText(_ predictions: [Prediction], bench: JSONObject?) {
    for p in predictions {
      print(p.source)
      // Classes a quantized model gives exactly 0 are not listed (--json keeps them).
      let shown = p.top.prefix { $0.probability > 0 }
      for s in shown.isEmpty ? p.top.prefix(1) : shown {
        let percent = String(format: "%6.2f%%", Double(s.probability) * 100)
        print("  \(percent)  \(String(s.index).leftPadded(4))  \(s.label ?? "(class \(s.index))")")
      }
      let hidden = p.top.count - max(1, shown.count)
      if hidden > 0 { print("  (\(hidden) more of the top \(p.top.count) with probability 0 not shown)") }
    }
    if let bench { print(JSON.object(bench).pretty()) }
  }
}

/// Prints a message on stderr (stdout is for results).
func printError(_ text: String) {
  FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// Shows download progress on stderr: a redrawn line on a terminal, a line per 10 % otherwise.
final class DownloadProgressPrinter: @unchecked Sendable {
  private let isTerminal = isatty(2) == 1
  private var lastDecile = -1
  private var shown = false

  func show(_ p: DownloadProgress) {
    let mb = String(format: "%.1f MB", Double(p.received) / 1e6)
    guard let total = p.total, total > 0 else {
      if isTerminal { write("\r  \(mb)") }
      return
    }
    let percent = min(100, p.received * 100 / total)
    if isTerminal {
      write("\r  \(mb) of \(String(format: "%.1f MB", Double(total) / 1e6)) (\(percent)%)")
    } else if percent / 10 > lastDecile {
      lastDecile = percent / 10
      write("  \(mb) (\(percent)%)\n")
    }
  }

  func finish() { if shown && isTerminal { write("\n") } }

  private func write(_ text: String) {
    shown = true
    FileHandle.standardError.write(Data(text.utf8))
  }
}

extension String {
  fileprivate func leftPadded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}
