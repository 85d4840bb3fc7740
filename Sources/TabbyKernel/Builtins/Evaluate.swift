import CellLanguage
import Charts
import Classifier

extension SessionBuiltins {
  /// `evaluate(model, data)`: accuracy and a confusion matrix.
  static func evaluateBuiltin(_ state: SessionState) -> Builtin {
    Builtin(
      "evaluate(model, data)",
      summary: "Accuracy on the test split (or a split) and a confusion-matrix picture."
    ) { a, ctx in
      guard let model = try a.host("model", as: NetModel.self, expected: "a trainable Model")
      else { return .none }
      let split = try testSplit(a["data"], "evaluate")
      let result = try engine { try model.model.evaluate(on: split.images, context: state.context) }
      // A checkpoint without a label file names its classes 0…9; the data set knows better.
      let names =
        model.classNames == TrainableModel.digitNames ? split.classNames : model.classNames
      let value = EvaluationValue(result, classNames: names, split: split.name)
      ctx.sink.display(value.fullDisplay(), displayID: nil)
      return .host(value)
    }
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
