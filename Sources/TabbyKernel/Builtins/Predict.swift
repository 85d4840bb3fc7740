import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `predict(model, images, top=5, show=None)`: photos for a pretrained model, digits for a trained one.
  static func predictBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "predict(model, images, top=5, show=None)",
      summary:
        "Classifies photos (paths, image() values or a list) or test digits, showing each with its top classes.",
      details: """
        For a pretrained model: a path, an image(...) value or a list of them. For a trained digit model:
        data.test[i], an index into the last mnist() test split, a photo, or a list. Returns the predictions:
        p[0].label, p[0].probability, p[0][1] (second best), …
        Over a list, an image that cannot be read becomes an entry with p[i].error set (and one warning)
        while the others are predicted. Up to \(PredictDisplay.perImageLimit) images are shown one by one;
        more show a progress bar, and the returned list shows as one summary table. show=False shows
        nothing, show=True shows every image. An interrupt stops between batches.
        """
    ) { a, ctx in try predict(a, ctx, state) }
  }

  static func predict(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState) throws
    -> Value
  {
    let top = try a.int("top", default: 5)
    guard top >= 1 else { throw CellError.valueError("top must be at least 1, got \(top)") }
    let show: Bool? = a["show"] == nil ? nil : try a.bool("show", default: true)
    let inputs: [Value]
    var isList = true
    switch a["images"] {
    case .list(let l)?: inputs = l.items
    case .tuple(let t)?: inputs = t
    case let v?:
      inputs = [v]
      isList = false
    case nil: inputs = []
    }
    try state.checkDevice()
    let job: PredictJob
    switch a["model"] {
    case .host(let m as PretrainedValue)?: job = .photos(m)
    case .host(let m as NetModel)?: job = .digits(m)
    case let v:
      throw CellError.typeError(
        "predict() argument 'model' must be a model from load(), lenet() or mlp(), not '\(v?.typeName ?? "None")'"
      )
    }
    let display = PredictDisplay(
      ctx.sink, count: inputs.count, show: show, id: state.newDisplayID("predict"))
    var results: [PredictionValue] = []
    results.reserveCapacity(inputs.count)
    // Batches: the engine runs several images at once, the interrupt is checked and the
    // progress moves between them.
    for start in stride(from: 0, to: inputs.count, by: PredictJob.batch) {
      try ctx.checkInterrupt()
      let batch = Array(inputs[start..<min(start + PredictJob.batch, inputs.count)])
      let predicted = try job.run(batch, top: top, state, keepFailures: isList)
      for r in predicted { display.shown(r) }
      results += predicted
      display.progress(done: results.count)
    }
    display.finish(results)
    return .host(PredictionList(results))
  }
}

/// The model predict() runs: a pretrained photo classifier or a trained digit model.
enum PredictJob {
  case photos(PretrainedValue)
  case digits(NetModel)

  /// Images per engine call (and between interrupt checks and progress updates).
  static let batch = 32

  /// Predictions for `inputs` in order; with `keepFailures`, an input that cannot be read
  /// becomes an error entry instead of failing the call.
  func run(_ inputs: [Value], top: Int, _ state: SessionState, keepFailures: Bool) throws
    -> [PredictionValue]
  {
    var failures: [Int: PredictionValue] = [:]
    func attempt<T>(_ i: Int, _ work: () throws -> T) throws -> T? {
      do { return try work() } catch let e as CellError where keepFailures && e.ename != "KeyboardInterrupt" {
        failures[i] = PredictionValue(failed: Self.sourceName(inputs[i]), error: e)
        return nil
      }
    }
    var good: [PredictionValue]
    switch self {
    case .photos(let m):
      let photos = try inputs.indices.compactMap { i in
        try attempt(i) { try SessionBuiltins.photo(inputs[i]) }
      }
      good = try SessionBuiltins.predictPhotos(m, photos, top: top, state)
    case .digits(let m):
      let digits = try inputs.indices.compactMap { i in
        try attempt(i) { try SessionBuiltins.digitInput(inputs[i], m, state) }
      }
      good = try SessionBuiltins.predictDigits(m, digits, top: top, state)
    }
    guard !failures.isEmpty else { return good }
    good.reverse()
    return inputs.indices.map { failures[$0] ?? good.removeLast() }
  }

  /// How an input that could not be read is named in its entry.
  static func sourceName(_ v: Value) -> String {
    if case .string(let s) = v { return s }
    let r = v.repr
    return r.count > 60 ? String(r.prefix(57)) + "…" : r
  }
}

extension SessionBuiltins {
  /// One input for a photo model: a path or an image() value.
  static func photo(_ v: Value) throws -> Photo {
    switch v {
    case .string(let path): return try ImageValue(path: path).photo
    case .host(let i as ImageValue): return i.photo
    default:
      throw CellError.typeError(
        "predict() takes image paths or image(...) values for this model, not '\(v.typeName)'")
    }
  }

  static func predictPhotos(
    _ m: PretrainedValue, _ photos: [Photo], top: Int, _ state: SessionState
  ) throws -> [PredictionValue] {
    guard !photos.isEmpty else { return [] }
    let predictions = try engine { try state.classifier().predict(m.model, photos: photos, top: top) }
    return try predictions.map { p in
      PredictionValue(
        source: p.source,
        top: p.top.map {
          .init(
            index: $0.index, label: $0.label ?? "class \($0.index)",
            probability: Double($0.probability))
        },
        picture: Inline.base64(try engine { try p.thumbnailPNG() }))
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

  /// A photo as the model's input (the engine's `grayInput`), with its picture at 4×.
  static func photoAsDigit(_ photo: ImageValue, _ m: NetModel) throws -> DigitInput {
    let pixels = try engine { try m.model.grayInput(from: photo.photo) }
    let (h, w) = (m.inputShape[m.inputShape.count - 2], m.inputShape[m.inputShape.count - 1])
    let picture = try engine { try Pictures.grayPNG(pixels[...], width: w, height: h, scale: 4) }
    return DigitInput(source: photo.path, pixels: pixels, picture: Inline.base64(picture), truth: nil)
  }

  static func predictDigits(_ m: NetModel, _ digits: [DigitInput], top: Int, _ state: SessionState)
    throws -> [PredictionValue]
  {
    guard !digits.isEmpty else { return [] }
    let probabilities = try engine {
      try m.model.probabilities(digits.map(\.pixels), on: state.context)
    }
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
