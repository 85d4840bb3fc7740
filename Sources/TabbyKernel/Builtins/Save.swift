import CellLanguage
import Classifier

extension SessionBuiltins {
  /// `save(model, prefix, epoch=None)`: an MXNet checkpoint, as `tabby train --save` writes.
  static func saveBuiltin() -> Builtin {
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
      let files = try engine { try model.model.save(prefix: prefix, epoch: epoch) }
      ctx.sink.stream(.stdout, "saved \(files.symbol) and \(files.params)\n")
      return .none
    }
  }
}
