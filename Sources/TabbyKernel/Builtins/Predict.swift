import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `predict(model, images, top=5)`: photos for a pretrained model, digits for a trained one.
  static func predictBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "predict(model, images, top=5)",
      summary:
        "Classifies photos (paths, image() values or a list) or test digits, showing each with its top classes.",
      details: """
        For a pretrained model: a path, an image(...) value or a list of them. For a trained digit model:
        data.test[i], an index into the last mnist() test split, a photo, or a list. Returns the predictions:
        p[0].label, p[0].probability, p[0][1] (second best), …
        """
    ) { a, ctx in try predict(a, ctx, state) }
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
    let photos = try inputs.map { v in
      switch v {
      case .string(let path): return try ImageValue(path: path).photo
      case .host(let i as ImageValue): return i.photo
      default:
        throw CellError.typeError(
          "predict() takes image paths or image(...) values for this model, not '\(v.typeName)'")
      }
    }
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

  static func predictDigits(_ m: NetModel, _ inputs: [Value], top: Int, _ state: SessionState)
    throws -> [PredictionValue]
  {
    let digits = try inputs.map { try digitInput($0, m, state) }
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
