import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `outputs(model, images)`: the raw output vector(s) of a model as an array.
  static func outputsBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "outputs(model, images)",
      summary: "The model's raw outputs (logits) for a photo or test digit, as an array (a.argmax() is the top class).",
      details: """
        model: from load(), lenet() or mlp(); images as predict() takes them (a path, an image(...) value,
        data.test[i], an index into the last mnist() test split) or a list of them. One image gives a
        1-D float32 array of one value per output, a list gives a 2-D array (one row per image).
        For lenet()/mlp() these are the logits before the softmax; for a pretrained model, what the
        network returns (logits, or probabilities when it ends in a softmax). A 1001-output model
        keeps its background class at index 0, so a.argmax() is predict()'s index + 1 there.
        """
    ) { a, ctx in try modelArray(a, ctx, state, embeddings: false) }
  }

  /// `embed(model, images)`: the penultimate layer's activations of a trainable model.
  static func embedBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "embed(model, images)",
      summary: "A lenet()/mlp() model's penultimate activations (the last Dense layer's input), as an array.",
      details: """
        Takes images as outputs() does. LeNet gives 500 values per image, an MLP its last hidden width.
        Computed on the CPU copy of the weights. Pretrained (ONNX/MXNet) models have no embeddings here:
        use outputs() for them.
        """
    ) { a, ctx in try modelArray(a, ctx, state, embeddings: true) }
  }

  static func modelArray(_ a: BoundArguments, _ ctx: CallContext, _ state: SessionState, embeddings: Bool)
    throws -> Value
  {
    let name = embeddings ? "embed" : "outputs"
    let inputs: [Value]
    let isList: Bool
    switch a["images"]! {
    case .list(let l): (inputs, isList) = (l.items, true)
    case .tuple(let t): (inputs, isList) = (t, true)
    case let v: (inputs, isList) = ([v], false)
    }
    try state.checkDevice()
    try ctx.checkInterrupt()
    let rows: [[Float]]
    switch a["model"]! {
    case .host(let m as PretrainedValue):
      guard !embeddings else {
        throw CellError.typeError("embed() works on lenet()/mlp() models; for a pretrained model use outputs()")
      }
      let photos = try inputs.map { try photo($0) }
      rows = photos.isEmpty ? [] : try engine { try state.classifier().predict(m.model, photos: photos, top: 1) }.map(\.output)
    case .host(let m as NetModel):
      let pixels = try inputs.map { try digitInput($0, m, state).pixels }
      if embeddings {
        guard let e = try engine({ try m.model.embeddings(pixels) }) else {
          throw CellError.typeError("embed(): this model does not end in a Dense layer")
        }
        rows = e
      } else {
        rows = try engine { try m.model.logits(pixels, on: state.context) }
      }
    case let v:
      throw CellError.typeError("\(name)() argument 'model' must be a model from load(), lenet() or mlp(), not '\(v.typeName)'")
    }
    if !isList, let row = rows.first { return .host(try ArrayValue(row)) }
    return .host(try ArrayValue(rows: rows))
  }
}
