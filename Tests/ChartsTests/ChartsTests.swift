import Foundation
import Testing

@testable import Charts

@Test(arguments: [
  (0.0, "0"), (12.0, "12"), (3.5, "3.5"), (-0.25, "-0.25"), (0.004, "0"), (1.05, "1.05"),
  (-0.001, "0"),
  (Double.nan, "0"),
])
func numbersAreShort(value: Double, text: String) {
  #expect(num(value) == text)
}

@Test(arguments: [
  (0.5, 2, "0.50"), (12.345, 1, "12.3"), (-1.0, 0, "-1"), (0.999, 2, "1.00"),
  (Double.infinity, 1, "inf"),
])
func fixedDecimals(value: Double, places: Int, text: String) {
  #expect(formatDecimal(value, places: places) == text)
}

@Test func escapesMarkup() {
  #expect(escapeXML("a<b & \"c\">") == "a&lt;b &amp; &quot;c&quot;&gt;")
}

/// The width attributes of the `<rect>`s whose fill is `fill`.
func rectWidths(_ svg: String, fill: String) -> [Double] {
  svg.split(separator: "\n").filter { $0.contains("<rect") && $0.contains("fill=\"\(fill)\"") }
    .compactMap { line in
      guard let r = line.range(of: " width=\"") else { return nil }
      return Double(line[r.upperBound...].prefix { $0 != "\"" })
    }
}

@Test func barLengthsFollowTheValues() {
  let svg = BarChart.svg(labels: ["tabby", "tiger cat", "<lynx>"], values: [0.6, 0.3, 0.1])
  #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
  #expect(svg.hasSuffix("</svg>"))
  #expect(svg.contains("&lt;lynx&gt;"))
  #expect(!svg.contains("<lynx>"))
  let first = rectWidths(svg, fill: "#3b7dd8")
  let rest = rectWidths(svg, fill: "#8fb3e6")
  #expect(first.count == 1 && rest.count == 2)
  #expect(abs(first[0] / rest[0] - 2) < 0.01)
  #expect(abs(rest[0] / rest[1] - 3) < 0.01)
  #expect(svg.contains("60.0%"))
}

@Test func tinyBarsAreNotLabelledZero() {
  let svg = BarChart.svg(labels: ["a", "b", "c"], values: [0.9996, 0.0004, 0])
  #expect(svg.contains("100.0%") && svg.contains("&lt; 0.1%") && svg.contains(">0.0%<"))
}

@Test func barsClampOutOfRangeValues() {
  let svg = BarChart.svg(labels: ["a", "b"], values: [1.7, -0.2])
  let full = rectWidths(svg, fill: "#eef1f5")[0]
  #expect(rectWidths(svg, fill: "#3b7dd8") == [full])
  #expect(rectWidths(svg, fill: "#8fb3e6") == [0])
}

@Test func lineChartDrawsEverySeries() {
  let svg = LineChart.svg(
    [
      Series(name: "loss", points: [(0.5, 2.0), (1, 1.0), (2, 0.5)], color: "#d00"),
      Series(name: "acc", points: [(1, 0.8)], color: "#00d"),
    ], title: "Loss & accuracy", xLabel: "epoch")
  #expect(svg.contains("<polyline"))
  #expect(svg.contains("stroke=\"#d00\""))
  #expect(svg.contains("<circle"))  // a single point is a dot
  #expect(svg.contains("Loss &amp; accuracy"))
  #expect(!svg.contains("nan"))
}

@Test(arguments: [(0.3, 0.5), (1.0, 1.0), (1.2, 2.0), (7.0, 10.0), (0.0, 1.0), (230.0, 500.0)])
func niceCeilings(value: Double, expected: Double) {
  #expect(abs(LineChart.niceCeiling(value) - expected) < 1e-9)
}

@Test func confusionMatrixShadesTheDiagonal() {
  let svg = Heatmap.confusionSVG([[8, 2], [0, 10]], labels: ["cat", "dog"])
  #expect(svg.contains("true cat, predicted dog: 2"))
  #expect(svg.contains(">10</text>"))
  // A full diagonal cell is the darkest blue; an empty off-diagonal cell is white.
  #expect(svg.contains("fill=\"rgb(59,125,216)\""))
  #expect(Heatmap.shade(0, diagonal: false) == "rgb(255,255,255)")
}
