import Testing

@testable import Charts

/// Widths of texts in DejaVu Sans (Debian's `sans-serif`, the font the browser test renders
/// with), measured with FreeType at 11 px (regular) and 13 px (bold).
@Test(arguments: [
  ("loss", 21.2, 28.9), ("accuracy", 49.6, 64.8), ("test acc.", 47.0, 62.6),
  ("validation accuracy", 107.3, 142.4), ("WWW mmm", 68.3, 88.2), ("Iil.", 12.9, 18.7),
  ("Loss and accuracy", 101.4, 133.9),
])
func estimatesBoundTheRenderedWidth(text: String, regular11: Double, bold13: Double) {
  let regular = TextMetrics.width(text, size: 11)
  let bold = TextMetrics.width(text, size: 13, bold: true)
  #expect(regular >= regular11)
  #expect(bold >= bold13)
  // Not so loose that a legend runs out of room for nothing.
  #expect(regular <= regular11 * 1.6 + 4)
}

let legendCases: [[String]] = [
  ["loss", "accuracy"], ["loss", "accuracy", "test acc."],
  ["training loss", "training accuracy", "validation loss", "validation accuracy"],
  ["a"], ["WWWWWWWW", "mmmmmmmm", "%%%%%%%%", "MMMMMMMMMM", "wwwwww"],
]

@Test(arguments: legendCases, [480.0, 320.0, 200.0])
func legendEntriesNeverOverlap(names: [String], width: Double) {
  let series = names.map { Series(name: $0, points: [(0, 1), (1, 0.5)], color: "#123456") }
  let title = "Loss and accuracy"
  let layout = LineChart.legend(series, title: title, left: 48, right: width - 12)
  #expect(layout.entries.map(\.name) == names)
  let titleEnd = 48 + TextMetrics.width(title, size: 13, bold: true)
  for (i, a) in layout.entries.enumerated() {
    // Each entry reserves room for its whole label at the widest font's size.
    #expect(a.width >= LegendLayout.swatch + LegendLayout.gap + TextMetrics.width(a.name, size: 11))
    if a.baseline == LineChart.titleBaseline { #expect(a.x >= titleEnd + LegendLayout.spacing) }
    if layout.entries.count > 1 || a.width <= width - 60 {
      #expect(a.x + a.width <= width - 12 + 1e-9)
    }
    for b in layout.entries[(i + 1)...] where a.baseline == b.baseline {
      #expect(a.x + a.width + LegendLayout.spacing <= b.x + 1e-9, "\(a.name) runs into \(b.name)")
    }
    for b in layout.entries[(i + 1)...] where a.baseline != b.baseline {
      #expect(abs(a.baseline - b.baseline) >= LegendLayout.rowHeight)
    }
  }
}

@Test func aLegendThatDoesNotFitBesideTheTitleMovesThePlotDown() {
  let few = [Series(name: "loss", points: [(1, 1)], color: "#d00")]
  let many = ["training loss", "training accuracy", "validation loss", "validation accuracy"].map {
    Series(name: $0, points: [(1, 1)], color: "#d00")
  }
  #expect(LineChart.legend(few, title: "Loss", left: 48, right: 468).extraRows == 0)
  let crowded = LineChart.legend(many, title: "Loss and accuracy", left: 48, right: 468)
  #expect(crowded.extraRows >= 1)
  #expect(crowded.entries.allSatisfy { $0.baseline > LineChart.titleBaseline })
  // The top grid line (the plot's top edge) sits below the legend's last row.
  let svg = LineChart.svg(many, title: "Loss and accuracy", xLabel: "epoch")
  let lowest = crowded.entries.map(\.baseline).max()!
  let gridTops = svg.split(separator: "\n").filter { $0.contains("stroke=\"#e3e3e3\"") }
    .compactMap { line -> Double? in
      guard let r = line.range(of: " y1=\"") else { return nil }
      return Double(line[r.upperBound...].prefix { $0 != "\"" })
    }
  #expect(gridTops.min()! > lowest + 4)
}

@Test func legendLabelsAreDrawnWhereTheLayoutPutThem() {
  let series = [
    Series(name: "loss", points: [(0, 2), (1, 1)], color: "#d6453f"),
    Series(name: "accuracy", points: [(0, 0.1), (1, 0.6)], color: "#3b7dd8"),
    Series(name: "test acc.", points: [(1, 0.7)], color: "#2a9d4b"),
  ]
  let svg = LineChart.svg(series, title: "Loss and accuracy", xLabel: "epoch")
  let layout = LineChart.legend(series, title: "Loss and accuracy", left: 48, right: 468)
  for e in layout.entries {
    let x = num(e.x + LegendLayout.swatch + LegendLayout.gap)
    #expect(svg.contains("<text x=\"\(x)\" y=\"\(num(e.baseline))\" text-anchor=\"start\""))
    #expect(svg.contains("<rect x=\"\(num(e.x))\""))
  }
  // Every text names its font and size itself, not only through the root.
  let texts = svg.split(separator: "\n").filter { $0.hasPrefix("<text") }
  #expect(!texts.isEmpty)
  #expect(texts.allSatisfy { $0.contains("style=\"font-family:DejaVu Sans,") && $0.contains("px") })
}

@Test func longCurvesAreThinnedToOnePointPerPixelColumn() {
  let n = 5000
  let points = (0..<n).map { (x: Double($0) / Double(n - 1) * 3, y: 1 / (1 + Double($0))) }
  let svg = LineChart.svg(
    [Series(name: "loss", points: points, color: "#d00")], title: "t", xLabel: "e")
  let line = svg.split(separator: "\n").first { $0.hasPrefix("<polyline") }!
  let count = line.split(separator: " ").filter { $0.contains(",") }.count
  #expect(count <= 420 + 2)
  #expect(count >= 400)
  // The last point is kept: the curve ends at the plot's right edge.
  #expect(line.contains("468,"))
}

/// The box a browser gives each `<text>` of `svg`: the estimated width placed by its anchor,
/// and DejaVu Sans's ascent and descent (0.93 and 0.24 em) around the baseline.
func textBoxes(_ svg: String) -> [(text: String, l: Double, r: Double, t: Double, b: Double)] {
  func attribute(_ line: Substring, _ name: String) -> String? {
    guard let r = line.range(of: " \(name)=\"") else { return nil }
    return String(line[r.upperBound...].prefix { $0 != "\"" })
  }
  return svg.split(separator: "\n").filter { $0.hasPrefix("<text") }.compactMap { line in
    guard let x = attribute(line, "x").flatMap(Double.init),
      let y = attribute(line, "y").flatMap(Double.init),
      let style = attribute(line, "style"),
      let sizeText = style.split(separator: ";").first(where: { $0.hasPrefix("font-size:") }),
      let size = Double(sizeText.dropFirst("font-size:".count).dropLast(2)),
      let start = line.firstIndex(of: ">"), let end = line.range(of: "</text>")
    else { return nil }
    let text = String(line[line.index(after: start)..<end.lowerBound])
    let w = TextMetrics.width(text, size: size, bold: style.contains("bold"))
    let left: Double =
      switch attribute(line, "text-anchor") {
      case "middle": x - w / 2
      case "end": x - w
      default: x
      }
    return (text, left, left + w, y - 0.93 * size, y + 0.24 * size)
  }
}

@Test(arguments: legendCases, [1.0, 0.02, 250.0])
func noTwoTextsOfALineChartOverlap(names: [String], scale: Double) {
  let series = names.enumerated().map { k, name in
    Series(
      name: name, points: (0...40).map { (Double($0) / 10 * scale, Double(k + 1) * scale) },
      color: "#123456")
  }
  let boxes = textBoxes(LineChart.svg(series, title: "Loss and accuracy", xLabel: "epoch"))
  #expect(boxes.count == 1 + 5 + 5 + 1 + names.count)
  for (i, a) in boxes.enumerated() {
    for b in boxes[(i + 1)...] {
      let apart = a.r <= b.l || b.r <= a.l || a.b <= b.t || b.b <= a.t
      #expect(apart, "'\(a.text)' overlaps '\(b.text)'")
    }
  }
}

@Test func aFixedXRangeLeavesRoomForTheRestOfTheRun() {
  let svg = LineChart.svg(
    [Series(name: "loss", points: [(0.1, 2), (1, 1)], color: "#d00")], title: "t", xLabel: "epoch",
    xMax: 4)
  let line = svg.split(separator: "\n").first { $0.hasPrefix("<polyline") }!
  // Plot from x = 48 to 468: epoch 1 of 4 ends a quarter of the way along.
  #expect(line.contains(" 153,"))
  #expect(svg.contains(">4.0</text>"))
}
