import CellLanguage
import Charts

/// The top classes of one image: `p.label`, `p.probability`, `p[0]`, `p.top`; shows the
/// image, a table and a bar chart.
final class PredictionValue: HostObject {
  struct Entry {
    var index: Int
    var label: String
    var probability: Double
  }

  let source: String
  let top: [Entry]
  /// The picture as base64 PNG (a thumbnail of the photo or the scaled-up digit).
  let picture: String?
  /// The true label when the image came from a data set.
  let truth: String?
  /// Why this image has no prediction (in a list, an unreadable file), e.g. `ImageError: …`.
  let error: String?

  init(source: String, top: [Entry], picture: String?, truth: String? = nil) {
    self.source = source
    self.top = top
    self.picture = picture
    self.truth = truth
    self.error = nil
  }

  /// The entry for an image of a list that could not be read: no classes, the error.
  init(failed source: String, error: CellError) {
    self.source = source
    top = []
    picture = nil
    truth = nil
    self.error = "\(error.ename): \(error.message)"
  }

  /// The rows worth showing. A quantized model gives many classes probability exactly 0
  /// (its uint8 output moves in steps of 1/256), so a top-k padded with them would list
  /// arbitrary classes at 0; they are left out of the table, the chart and the text, while
  /// `top`, indexing and iteration keep every row the model gave.
  var shownTop: ArraySlice<Entry> {
    let nonzero = top.prefix { $0.probability > 0 }
    return nonzero.isEmpty ? top.prefix(1) : nonzero
  }

  /// A note for the rows left out, nil when every row is shown.
  var hiddenNote: String? {
    let hidden = top.count - shownTop.count
    guard hidden > 0 else { return nil }
    return "\(hidden) more of the top \(top.count) with probability 0 not shown"
  }

  var typeName: String { "Prediction" }
  var repr: String {
    if let error { return "\(source): \(error)" }
    var lines = ["\(source)" + (truth.map { " (true: \($0))" } ?? "")]
    for (rank, e) in shownTop.enumerated() {
      lines.append("  \(rank + 1). \(e.label)  \(probabilityText(e.probability))")
    }
    if let hiddenNote { lines.append("  (\(hiddenNote))") }
    return lines.joined(separator: "\n")
  }

  var attributeNames: [String] { ["label", "probability", "index", "top", "source", "truth", "error"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "label": top.first.map { .string($0.label) } ?? Value.none
    case "probability": top.first.map { .float($0.probability) } ?? Value.none
    case "index": top.first.map { .int($0.index) } ?? Value.none
    case "top": .list(top.indices.map { .host(ClassScoreValue(rank: $0 + 1, entry: top[$0])) })
    case "source": .string(source)
    case "truth": truth.map(Value.string) ?? Value.none
    case "error": error.map(Value.string) ?? Value.none
    default: nil
    }
  }

  func item(_ key: Value) throws -> Value? {
    guard case .int(var i) = key else {
      throw CellError.typeError("prediction indices must be integers")
    }
    if i < 0 { i += top.count }
    guard i >= 0, i < top.count else {
      throw CellError(ename: "IndexError", "prediction index out of range (top \(top.count))")
    }
    return .host(ClassScoreValue(rank: i + 1, entry: top[i]))
  }

  func iterate() throws -> [Value]? {
    top.indices.map { .host(ClassScoreValue(rank: $0 + 1, entry: top[$0])) }
  }

  /// The table of rank, label and probability.
  var tableHTML: String {
    HTML.table(
      header: ["rank", "label", "probability"],
      rows: shownTop.enumerated().map {
        [String($0.offset + 1), $0.element.label, probabilityText($0.element.probability)]
      } + (hiddenNote.map { [["", $0, ""]] } ?? []),
      caption: source + (truth.map { " — true: \($0)" } ?? ""))
  }

  var chartSVG: String {
    BarChart.svg(labels: shownTop.map(\.label), values: shownTop.map(\.probability))
  }

  func richDisplay() -> MimeBundle? {
    if error != nil { return .plain(repr) }
    var items: [String] = []
    if let picture { items.append(Inline.imgTag(picture, alt: source)) }
    items.append(tableHTML)
    items.append(chartSVG)
    return MimeBundle(data: ["text/html": .string(HTML.row(items)), "text/plain": .string(repr)])
  }
}

/// One row of a prediction: `rank`, `label`, `probability`, `index`.
final class ClassScoreValue: HostObject {
  let rank: Int
  let entry: PredictionValue.Entry
  init(rank: Int, entry: PredictionValue.Entry) {
    self.rank = rank
    self.entry = entry
  }

  var typeName: String { "ClassScore" }
  var repr: String { "\(rank). \(entry.label)  \(probabilityText(entry.probability))" }
  var attributeNames: [String] { ["rank", "label", "probability", "index"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "rank": .int(rank)
    case "label": .string(entry.label)
    case "probability": .float(entry.probability)
    case "index": .int(entry.index)
    default: nil
    }
  }
}

/// What `predict` returns: one prediction per image, indexable and iterable.
final class PredictionList: HostObject {
  let items: [PredictionValue]
  init(_ items: [PredictionValue]) { self.items = items }

  var typeName: String { "Predictions" }
  var repr: String { items.map(\.repr).joined(separator: "\n") }
  var attributeNames: [String] { ["labels", "count", "errors"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "labels": .list(items.map { $0.top.first.map { .string($0.label) } ?? Value.none })
    case "count": .int(items.count)
    case "errors": .list(items.filter { $0.error != nil }.map { .host($0) })
    default: nil
    }
  }

  func item(_ key: Value) throws -> Value? {
    guard case .int(var i) = key else {
      throw CellError.typeError("prediction list indices must be integers")
    }
    if i < 0 { i += items.count }
    guard i >= 0, i < items.count else {
      throw CellError(ename: "IndexError", "prediction list index out of range")
    }
    return .host(items[i])
  }

  func iterate() throws -> [Value]? { items.map { .host($0) } }

  /// Rows in the summary table; a longer list says how many more there are.
  static let tableRows = 100

  /// A compact table (the pictures were shown when predict ran), bounded for long lists.
  func richDisplay() -> MimeBundle? {
    let withTruth = items.contains { $0.truth != nil }
    var rows = items.prefix(Self.tableRows).map { p in
      [p.source, p.error ?? p.top.first?.label ?? "", p.top.first.map { probabilityText($0.probability) } ?? ""]
        + (withTruth ? [p.truth ?? ""] : [])
    }
    var text = items.prefix(Self.tableRows).map(\.repr)
    if items.count > Self.tableRows {
      let more = "… \(items.count - Self.tableRows) more (\(items.count) in all)"
      rows.append([more, "", ""] + (withTruth ? [""] : []))
      text.append(more)
    }
    let failed = items.filter { $0.error != nil }.count
    let caption = failed > 0 ? "\(items.count) images, \(failed) could not be read (.errors)" : nil
    let header = ["image", "top-1", "probability"] + (withTruth ? ["true"] : [])
    return MimeBundle(data: [
      "text/html": .string(HTML.table(header: header, rows: rows, caption: caption)),
      "text/plain": .string(text.joined(separator: "\n")),
    ])
  }
}

/// A probability with four decimals; one too small to show there reads `< 0.0001`, never
/// `0.0000`, which would claim the model said exactly 0.
func probabilityText(_ p: Double) -> String {
  p > 0 && p < 0.00005 ? "< 0.0001" : fixed(p, 4)
}
