import CellLanguage
import Charts
import Classifier
import Datasets
import Imaging
import NN
import Tensor

extension SessionBuiltins {
  static func runBuiltins(_ state: SessionState) -> [Builtin] {
    [
      Builtin(
        "train(model, data, epochs=1, batch=64, lr=None, momentum=0.9, optimizer='sgd', seed=42, wd=0.0001, workers=None, hosts=None)",
        summary:
          "Trains a model on a data set, showing progress and a loss/accuracy curve in place.",
        details: """
          optimizer is 'sgd' (lr 0.05 by default) or 'adam' (lr 0.001). Interrupting (the stop button) stops at the
          next batch: the model keeps the weights it reached and model.history the partial history.
          Returns the history (also model.history). workers=N trains on N processes under mpirun (batch per
          worker; hosts= an Open MPI host file); the data must be an mnist() data set on disk.
          """
      ) { a, ctx in try train(a, ctx, state) },
      Builtin(
        "evaluate(model, data)",
        summary: "Accuracy on the test split (or a split) and a confusion-matrix picture."
      ) { a, ctx in
        guard let model = try a.host("model", as: NetModel.self, expected: "a trainable Model")
        else { return .none }
        let split = try testSplit(a["data"], "evaluate")
        try state.checkDevice()
        let result = try NN.evaluate(model.network, on: split.images)
        // A checkpoint without a label file names its classes 0…9; the data set knows better.
        let names = model.classNames == NetModel.digitNames ? split.classNames : model.classNames
        let value = EvaluationValue(result, classNames: names, split: split.name)
        ctx.sink.display(value.fullDisplay(), displayID: nil)
        return .host(value)
      },
      Builtin(
        "predict(model, images, top=5)",
        summary:
          "Classifies photos (paths, image() values or a list) or test digits, showing each with its top classes.",
        details: """
          For a pretrained model: a path, an image(...) value or a list of them. For a trained digit model:
          data.test[i], an index into the last mnist() test split, or a list. Returns the predictions:
          p[0].label, p[0].probability, p[0][1] (second best), …
          """
      ) { a, ctx in try predict(a, ctx, state) },
    ]
  }

  /// The test split of a data set, or the split itself.
  static func testSplit(_ v: Value?, _ fn: String) throws -> SplitValue {
    switch v {
    case .host(let d as DatasetValue)?: return d.test
    case .host(let s as SplitValue)?: return s
    case let v?:
      throw CellError.typeError(
        "\(fn)() argument 'data' must be a Dataset from mnist(), not '\(v.typeName)'")
    case nil: throw CellError.typeError("\(fn)() missing argument 'data'")
    }
  }

  static func train(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws -> Value
  {
    guard
      let model = try a.host(
        "model", as: NetModel.self, expected: "a trainable Model (lenet(), mlp())")
    else { return .none }
    let (trainSet, testSet) = try trainingSets(a["data"])
    let epochs = try a.int("epochs", default: 1)
    let batch = try a.int("batch", default: 64)
    guard epochs >= 1, batch >= 1 else {
      throw CellError.valueError("epochs and batch must be at least 1")
    }
    let optimizer = try makeOptimizer(a)
    // [scale] workers=N: the same run on N processes under mpirun (WorkerTraining.swift).
    if let workers = try a.int("workers") {
      return try trainOnWorkers(
        a, ctx, state, model: model, workers: workers, epochs: epochs, batch: batch)
    }
    try state.checkDevice()
    let display = TrainingDisplay(
      sink: ctx.sink, barID: state.newDisplayID("progress"), chartID: state.newDisplayID("curve"),
      images: trainSet.count, epochs: epochs)
    let history = try NN.train(
      model.network, on: trainSet, test: testSet, epochs: epochs, batchSize: batch,
      optimizer: optimizer, seed: UInt64(truncatingIfNeeded: try a.int("seed", default: 42)),
      progressInterval: 0.125, threads: state.threads,
      progress: { display.report($0) }, shouldStop: { ctx.interrupt.isRaised })
    let stoppedAt =
      history.stopped
      ? stopPoint(history, images: trainSet.count, batch: batch, epochs: epochs) : nil
    display.finish(stoppedAt: stoppedAt)
    let value = HistoryValue(history, curve: display.curve, stoppedAt: stoppedAt)
    model.history = value
    if let stoppedAt {
      ctx.sink.stream(
        .stderr, "training interrupted at \(stoppedAt); model.history holds the partial history\n")
      try ctx.checkInterrupt()
    }
    return .host(value)
  }

  /// The training split and, for a whole data set, the test split evaluated each epoch.
  static func trainingSets(_ v: Value?) throws -> (LabeledImages, LabeledImages?) {
    switch v {
    case .host(let d as DatasetValue)?: return (d.train.images, d.test.images)
    case .host(let s as SplitValue)?: return (s.images, nil)
    case let v:
      throw CellError.typeError(
        "train() argument 'data' must be a Dataset from mnist(), not '\(v?.typeName ?? "None")'")
    }
  }

  static func makeOptimizer(_ a: BoundArguments) throws -> any Optimizer {
    let kind = try a.string("optimizer", default: "sgd")
    let wd = Float(try a.double("wd", default: 1e-4))
    switch kind {
    case "sgd":
      return SGD(
        learningRate: Float(try a.double("lr", default: 0.05)),
        momentum: Float(try a.double("momentum", default: 0.9)), weightDecay: wd)
    case "adam":
      return Adam(learningRate: Float(try a.double("lr", default: 0.001)), weightDecay: wd)
    default: throw CellError.valueError("optimizer must be 'sgd' or 'adam', not '\(kind)'")
    }
  }

  /// Where a stopped run ended, from its history: "epoch 1/3, batch 37/94".
  static func stopPoint(_ history: TrainingHistory, images: Int, batch: Int, epochs: Int) -> String
  {
    let batches = (images + batch - 1) / batch
    if let last = history.epochs.last, last.images < images {
      return "epoch \(last.epoch)/\(epochs), batch \((last.images + batch - 1) / batch)/\(batches)"
    }
    return "epoch \(history.epochs.count + 1)/\(epochs), batch 0/\(batches)"
  }

  static func predict(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws
    -> Value
  {
    let top = try a.int("top", default: 5)
    guard top >= 1 else { throw CellError.valueError("top must be at least 1, got \(top)") }
    let inputs: [Value]
    switch a["images"] {
    case .list(let l)?: inputs = l.items
    case .tuple(let t)?: inputs = t
    case let v?: inputs = [v]
    case nil: inputs = []
    }
    try state.checkDevice()
    let results: [PredictionValue]
    switch a["model"] {
    case .host(let m as PretrainedValue)?: results = try predictPhotos(m, inputs, top: top, state)
    case .host(let m as NetModel)?: results = try predictDigits(m, inputs, top: top, state)
    case let v:
      throw CellError.typeError(
        "predict() argument 'model' must be a model from load(), lenet() or mlp(), not '\(v?.typeName ?? "None")'"
      )
    }
    for r in results {
      if let rich = r.richDisplay() { ctx.sink.display(rich, displayID: nil) }
    }
    return .host(PredictionList(results))
  }

  static func predictPhotos(
    _ m: PretrainedValue, _ inputs: [Value], top: Int, _ state: SessionState
  ) throws -> [PredictionValue] {
    var images: [Image] = []
    var names: [String] = []
    for v in inputs {
      switch v {
      case .string(let path):
        images.append(try ImageValue(path: path).image)
        names.append(path)
      case .host(let i as ImageValue):
        images.append(i.image)
        names.append(i.path)
      default:
        throw CellError.typeError(
          "predict() takes image paths or image(...) values for this model, not '\(v.typeName)'")
      }
    }
    let predictions: [Prediction]
    do {
      predictions = try state.classifier().predict(
        m.model, images: images, sources: names, top: top)
    } catch let e as ClassifierError {
      throw cellError(e)
    }
    return try predictions.map { p in
      PredictionValue(
        source: p.source,
        top: p.top.map {
          .init(
            index: $0.index, label: $0.label ?? "class \($0.index)",
            probability: Double($0.probability))
        },
        picture: try Pictures.base64PNG(try Pictures.thumbnail(p.image)))
    }
  }

  /// One image for a digit model: its pixels at the model's size, a name, a picture, the truth.
  struct DigitInput {
    var source: String
    var pixels: [UInt8]
    var picture: String
    var truth: String?
  }

  static func digitInput(_ v: Value, _ m: NetModel, _ state: SessionState) throws -> DigitInput {
    switch v {
    case .host(let d as DigitValue):
      return DigitInput(
        source: "\(d.split.name)[\(d.index)]", pixels: Array(d.pixels), picture: try d.png(),
        truth: d.labelName)
    case .int(let i):
      guard let data = state.lastDataset else {
        throw CellError.valueError("predict(model, \(i)): load a data set with mnist() first")
      }
      guard case .host(let d as DigitValue)? = try data.test.item(.int(i)) else {
        throw CellError.valueError("no test image \(i)")
      }
      return try digitInput(.host(d), m, state)
    case .string(let path): return try photoAsDigit(try ImageValue(path: path), m)
    case .host(let i as ImageValue): return try photoAsDigit(i, m)
    default:
      throw CellError.typeError(
        "predict() takes test images (data.test[i]), indices or photos for this model, not '\(v.typeName)'"
      )
    }
  }

  /// A photo as the model's gray input: scaled to its size, inverted when the background is
  /// light (MNIST digits are light on dark).
  static func photoAsDigit(_ photo: ImageValue, _ m: NetModel) throws -> DigitInput {
    let (h, w) = (m.inputShape[m.inputShape.count - 2], m.inputShape[m.inputShape.count - 1])
    guard m.inputShape.reduce(1, *) == h * w else {
      throw CellError.valueError("the model does not take gray images")
    }
    let gray: Image
    do { gray = try photo.image.grayscale().resized(width: w, height: h) } catch {
      throw CellError(ename: "ImageError", "cannot prepare \(photo.path): \(error.message)")
    }
    var pixels = gray.pixels
    if pixels.reduce(0, { $0 + Int($1) }) > 127 * pixels.count { pixels = pixels.map { 255 - $0 } }
    let picture = try Pictures.base64PNG(
      try Pictures.gray(pixels[...], width: w, height: h, scale: 4))
    return DigitInput(source: photo.path, pixels: pixels, picture: picture, truth: nil)
  }

  static func predictDigits(_ m: NetModel, _ inputs: [Value], top: Int, _ state: SessionState)
    throws -> [PredictionValue]
  {
    let digits = try inputs.map { try digitInput($0, m, state) }
    guard !digits.isEmpty else { return [] }
    let size = m.inputShape.reduce(1, *)
    guard digits.allSatisfy({ $0.pixels.count == size }) else {
      throw CellError.valueError("the images are not \(shapeText(m.inputShape)), the model's input")
    }
    var batch = Tensor(uninitializedShape: [digits.count] + m.inputShape)
    batch.withUnsafeMutableBufferPointer { dst in
      for (k, d) in digits.enumerated() {
        for (j, p) in d.pixels.enumerated() { dst[k * size + j] = Float(p) / 255 }
      }
    }
    let probabilities = try m.probabilities(batch)
    return zip(digits, probabilities).map { d, probs in
      let ranked = probs.indices.sorted { probs[$0] > probs[$1] }.prefix(top)
      return PredictionValue(
        source: d.source,
        top: ranked.map {
          .init(
            index: $0, label: $0 < m.classNames.count ? m.classNames[$0] : String($0),
            probability: Double(probs[$0]))
        },
        picture: d.picture, truth: d.truth)
    }
  }
}

/// What `evaluate` returns: accuracy, per-class accuracy and the confusion matrix.
final class EvaluationValue: HostObject {
  let result: Evaluation
  let classNames: [String]
  let split: String

  init(_ result: Evaluation, classNames: [String], split: String) {
    self.result = result
    self.classNames = classNames
    self.split = split
  }

  var typeName: String { "Evaluation" }
  var repr: String {
    "accuracy \(fixed(result.accuracy, 4)) on the \(split) split (\(result.confusion.joined().reduce(0, +)) images)"
  }
  var attributeNames: [String] { ["accuracy", "per_class", "confusion"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "accuracy": .float(result.accuracy)
    case "per_class": .list(result.perClassAccuracy.map { .float($0) })
    case "confusion": .list(result.confusion.map { row in .list(row.map { .int($0) }) })
    default: nil
    }
  }

  /// Accuracy, per-class table and the confusion-matrix picture (shown when evaluate runs).
  func fullDisplay() -> MimeBundle {
    let rows = result.perClassAccuracy.enumerated().map {
      [
        $0.offset < classNames.count ? classNames[$0.offset] : String($0.offset),
        fixed($0.element, 4),
      ]
    }
    let table = HTML.table(header: ["class", "accuracy"], rows: rows, caption: repr)
    let svg = Heatmap.confusionSVG(result.confusion, labels: classNames)
    return MimeBundle(data: [
      "text/html": .string(HTML.row([table, svg])), "text/plain": .string(repr),
    ])
  }

  func richDisplay() -> MimeBundle? { MimeBundle(data: ["text/plain": .string(repr)]) }
}
