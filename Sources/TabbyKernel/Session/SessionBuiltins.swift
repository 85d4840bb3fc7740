import CellLanguage
import Classifier
import Datasets
import Foundation
import Imaging
import NN
import Tensor

/// The classifier built-ins of the cell language (`ctx`, `load`, `predict`, `mnist`,
/// `train`, …), added to an interpreter's command table by `install(into:)`.
public enum SessionBuiltins {
  /// Registers every classifier built-in and the `cpu` / `gpu` values on `interpreter`.
  public static func install(into interpreter: Interpreter) {
    let state = SessionState()
    interpreter.define(name: "cpu", value: .host(DeviceValue(.cpu)))
    interpreter.define(name: "gpu", value: .host(DeviceValue(.gpu(0), isFactory: true)))
    for builtin in contextBuiltins(state) + modelBuiltins(state) + dataBuiltins(state)
      + runBuiltins(state)
    {
      interpreter.register(builtin)
    }
  }

  static func contextBuiltins(_ state: SessionState) -> [Builtin] {
    [
      Builtin(
        "ctx(device=None, *, threads=None)",
        summary: "Shows or sets the compute context (cpu or gpu(n)).",
        details: """
          ctx() shows the current context. ctx(cpu), ctx(cpu, threads=2), ctx(gpu) and ctx(gpu(1)) set it;
          every later model, tensor and training run uses it. Without a usable GPU, ctx(gpu) raises
          DeviceError and the context stays as it was.
          """
      ) { a, _ in
        let threads = try a.int("threads")
        switch a["device"] {
        case nil, .none?:
          // ctx() shows the context; ctx(threads=2) changes only the thread count.
          if let threads { try state.use(state.device, threads: threads) }
        case .host(let d as DeviceValue)?:
          try state.use(d.device, threads: threads)
        case let v?:
          throw CellError.typeError(
            "ctx() argument 'device' must be cpu or gpu(n), not '\(v.typeName)'")
        }
        return .host(ContextValue(device: state.device, threads: state.threads))
      }
    ]
  }

  static func modelBuiltins(_ state: SessionState) -> [Builtin] {
    [
      Builtin(
        "load(name_or_path, epoch=None, labels=None, profile=None)",
        summary:
          "Loads a model: a file, an MXNet checkpoint prefix, a name in TABBY_MODELS, the cache or the zoo.",
        details: """
          load("mobilenetv2") finds mobilenetv2.onnx in TABBY_MODELS, then the download cache, then downloads it
          from the model zoo (progress shown in place). An MXNet checkpoint of a LeNet or MLP (save(model, prefix))
          comes back as a trainable model. labels= names a synset file; profile= is imagenet, mxnet-legacy or inception.
          """
      ) { a, ctx in try load(a, ctx, state) },
      Builtin(
        "synset(path)",
        summary: "Reads a label file (synset.txt or one label per line) into a list of names."
      ) { a, _ in
        let path = try a.string("path", default: "")
        do { return .list(try Labels.load(file: path).names.map { .string($0) }) } catch let e
          as ClassifierError
        {
          throw cellError(e)
        }
      },
      Builtin(
        "lenet(activation='tanh', seed=42)",
        summary: "A new LeNet for 28×28 gray images (conv 20, conv 50, fc 500, fc 10)."
      ) { a, _ in
        try state.checkDevice()
        let act = try activation(a, default: "tanh")
        let seed = UInt64(truncatingIfNeeded: try a.int("seed", default: 42))
        let classes = state.lastDataset?.classNames ?? (0..<10).map(String.init)
        return .host(
          NetModel(
            network: Models.lenet(activation: act, seed: seed), inputShape: [1, 28, 28],
            classNames: classes,
            device: state.device, source: "lenet()"))
      },
      Builtin(
        "mlp(hidden=[128, 64], activation='relu', seed=42)",
        summary: "A new multilayer perceptron for 28×28 gray images."
      ) { a, _ in
        try state.checkDevice()
        let hidden = try intList(a["hidden"] ?? .list([.int(128), .int(64)]), name: "hidden")
        let act = try activation(a, default: "relu")
        let seed = UInt64(truncatingIfNeeded: try a.int("seed", default: 42))
        var layers: [any Layer] = [Flatten(name: "flatten")]
        var width = 784
        for (i, h) in hidden.enumerated() {
          layers.append(
            try Dense(inputSize: width, outputSize: h, activation: act, name: "fc\(i + 1)", seed: seed))
          width = h
        }
        layers.append(
          try Dense(inputSize: width, outputSize: 10, name: "fc\(hidden.count + 1)", seed: seed))
        let classes = state.lastDataset?.classNames ?? (0..<10).map(String.init)
        return .host(
          NetModel(
            network: Sequential(name: "mlp", layers), inputShape: [1, 28, 28], classNames: classes,
            device: state.device, source: "mlp(hidden=\(hidden))"))
      },
      Builtin(
        "summary(model)", summary: "A table of the model's layers: name, output shape, parameters."
      ) { a, _ in
        switch a["model"] {
        case .host(let m as NetModel)?: return .host(try SummaryValue(model: m))
        case .host(let p as PretrainedValue)?: return .host(p)
        case let v?:
          throw CellError.typeError(
            "summary() argument 'model' must be a Model, not '\(v.typeName)'")
        case nil: return .none
        }
      },
      Builtin(
        "save(model, prefix, epoch=None)",
        summary: "Writes an MXNet checkpoint PREFIX-symbol.json and PREFIX-NNNN.params."
      ) { a, ctx in
        guard
          let model = try a.host(
            "model", as: NetModel.self, expected: "a trainable Model (lenet(), mlp())")
        else { return .none }
        let prefix = try a.string("prefix", default: "")
        guard !prefix.isEmpty else {
          throw CellError.valueError("save() needs a file prefix, e.g. save(model, 'lenet')")
        }
        let epoch = try a.int("epoch") ?? max(1, model.history?.history.epochs.count ?? 1)
        try Checkpoint.save(model.network, prefix: prefix, epoch: epoch)
        let labelsPath = prefix + "-synset.txt"
        try? (model.classNames.joined(separator: "\n") + "\n").write(
          toFile: labelsPath, atomically: true, encoding: .utf8)
        ctx.sink.stream(
          .stdout, "saved \(prefix)-symbol.json and \(Checkpoint.paramsPath(prefix, epoch))\n")
        return .none
      },
    ]
  }

  static func dataBuiltins(_ state: SessionState) -> [Builtin] {
    [
      Builtin(
        "mnist(path=None, limit=None, test_limit=None)",
        summary:
          "Loads MNIST-format data (Fashion-MNIST by default) and shows counts and sample images.",
        details:
          "path is a directory with the four IDX files (raw or .gz); limit keeps the first N training images."
      ) { a, ctx in
        let path = try a.string("path") ?? MNIST.fashionMNISTDirectory
        var (train, test): (LabeledImages, LabeledImages)
        do { (train, test) = try MNIST.load(directory: path) } catch {
          throw CellError(ename: "FileNotFoundError", "\(error)")
        }
        if let n = try a.int("limit") { train = train.prefix(max(1, n)) }
        if let n = try a.int("test_limit") { test = test.prefix(max(1, n)) }
        let data = DatasetValue(
          path: path, train: train, test: test, classNames: DatasetValue.classNames(for: path))
        state.lastDataset = data
        if let rich = data.richDisplay() { ctx.sink.display(rich, displayID: nil) }
        return .host(data)
      },
      Builtin("image(path)", summary: "Reads a photo (JPEG or PNG) and shows it.") { a, _ in
        let path = try a.string("path", default: "")
        return .host(try ImageValue(path: path))
      },
    ]
  }

  static func load(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws -> Value {
    try state.checkDevice()
    let name = try a.string("name_or_path", default: "")
    let epoch = try a.int("epoch")
    let labels = try a.string("labels")
    if let (prefix, ep) = Checkpoint.locate(name, epoch: epoch),
      let (net, shape) = try Checkpoint.network(prefix: prefix, epoch: ep)
    {
      var classes = (0..<10).map(String.init)
      if let file = labels
        ?? (FileManager.default.fileExists(atPath: prefix + "-synset.txt")
          ? prefix + "-synset.txt" : nil)
      {
        do { classes = try Labels.load(file: file).names } catch let e as ClassifierError {
          throw cellError(e)
        }
      }
      return .host(
        NetModel(
          network: net, inputShape: shape, classNames: classes, device: state.device,
          source: "\(prefix) epoch \(ep)"))
    }
    let progress = DownloadDisplay(sink: ctx.sink, id: state.newDisplayID("download"))
    do {
      let model = try state.classifier().loadModel(
        name, epoch: epoch, labels: labels, profile: try a.string("profile"),
        progress: { progress.update($0) },
        message: { ctx.sink.stream(.stderr, $0 + "\n") })
      progress.finish()
      return .host(PretrainedValue(model, device: state.device))
    } catch let e as ClassifierError {
      throw cellError(e)
    }
  }

  static func activation(_ a: BoundArguments, default d: String) throws -> Activation {
    let name = try a.string("activation", default: d)
    guard let act = Activation(rawValue: name), act != .identity else {
      throw CellError.valueError("activation must be relu, tanh or sigmoid, not '\(name)'")
    }
    return act
  }

  static func intList(_ v: Value, name: String) throws -> [Int] {
    let items: [Value]
    switch v {
    case .list(let l): items = l.items
    case .tuple(let t): items = t
    case .int: items = [v]
    default: throw CellError.typeError("'\(name)' must be a list of ints, not '\(v.typeName)'")
    }
    return try items.map { item in
      guard case .int(let n) = item, n >= 1 else {
        throw CellError.valueError("'\(name)' sizes must be positive ints")
      }
      return n
    }
  }

  /// A classifier failure as a Python-like error name.
  static func cellError(_ e: ClassifierError) -> CellError {
    let name: String =
      switch e.kind {
      case .modelNotFound: "FileNotFoundError"
      case .invalidArgument: "ValueError"
      case .badImage: "ImageError"
      case .downloadFailed, .checksumMismatch: "DownloadError"
      case .badLabels: "LabelsError"
      case .badModel, .unsupportedModel: "ModelLoadError"
      }
    return CellError(ename: name, e.message)
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

/// What `image(path)` returns: a decoded photo that shows itself.
final class ImageValue: HostObject {
  let path: String
  let image: Image

  init(path: String) throws {
    self.path = path
    do { image = try Image.load(path: path) } catch {
      throw CellError(ename: "ImageError", "cannot read image \(error.message)")
    }
  }

  var typeName: String { "Image" }
  var repr: String { "Image(\(path): \(image.width)×\(image.height), \(image.channels) channels)" }
  var attributeNames: [String] { ["path", "width", "height", "channels"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "path": .string(path)
    case "width": .int(image.width)
    case "height": .int(image.height)
    case "channels": .int(image.channels)
    default: nil
    }
  }

  func richDisplay() -> MimeBundle? {
    guard let png = try? Pictures.base64PNG(try Pictures.thumbnail(image, maxSide: 320)) else {
      return nil
    }
    return MimeBundle(data: ["image/png": .string(png), "text/plain": .string(repr)])
  }
}
