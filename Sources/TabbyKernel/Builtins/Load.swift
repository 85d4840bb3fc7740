import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `load(...)`: one resolver for every model; an MXNet LeNet/MLP comes back trainable.
  static func loadBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "load(name_or_path, epoch=None, labels=None, profile=None)",
      summary:
        "Loads a model: a file, an MXNet checkpoint prefix, a name in TABBY_MODELS, the cache or the zoo.",
      details: """
        load("mobilenetv2") finds mobilenetv2.onnx in TABBY_MODELS, then the download cache, then downloads it
        from the model zoo (progress shown in place). An MXNet checkpoint of a LeNet or MLP (save(model, prefix))
        comes back as a trainable model, wherever it is found. labels= names a synset file; profile= is
        imagenet, mxnet-legacy, inception or gray.
        """
    ) { a, ctx in try load(a, ctx, state) }
  }

  static func load(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws -> Value {
    try state.checkDevice()
    let name = try a.string("name_or_path", default: "")
    let progress = DownloadDisplay(sink: ctx.sink, id: state.newDisplayID("download"))
    let loaded = try engine {
      try state.classifier().load(
        name, epoch: try a.int("epoch"), labels: try a.string("labels"),
        profile: try a.string("profile"), progress: { progress.update($0) },
        message: { ctx.sink.stream(.stderr, $0 + "\n") })
    }
    progress.finish()
    switch loaded {
    case .trainable(let model): return .host(NetModel(model, device: state.device))
    case .pretrained(let model): return .host(PretrainedValue(model, device: state.device))
    }
  }

  /// `synset(path)`: a label file as a list of names.
  static func synsetBuiltin() -> Builtin {
    Builtin(
      "synset(path)",
      summary: "Reads a label file (synset.txt or one label per line) into a list of names."
    ) { a, _ in
      let path = try a.string("path", default: "")
      return .list(try engine { try Labels.load(file: path) }.names.map { .string($0) })
    }
  }
}

/// A zoo download's progress, shown in place (only when a download actually happens).
final class DownloadDisplay {
  let sink: OutputSink
  let id: String
  var shown = false
  var lastUpdate = 0.0

  init(sink: OutputSink, id: String) {
    self.sink = sink
    self.id = id
  }

  func update(_ p: DownloadProgress) {
    let now = monotonicSeconds()
    let mib = Double(p.received) / 1_048_576
    let text =
      "downloading \(p.url): " + fixed(mib, 1) + " MiB"
      + (p.total.map { " of " + fixed(Double($0) / 1_048_576, 1) + " MiB" } ?? "")
    let bundle = MimeBundle.plain(text)
    if !shown {
      shown = true
      sink.display(bundle, displayID: id)
    } else if now - lastUpdate >= 0.1 {
      sink.updateDisplay(bundle, displayID: id)
    } else {
      return
    }
    lastUpdate = now
  }

  func finish() {
    if shown { sink.updateDisplay(.plain("download complete"), displayID: id) }
  }
}
