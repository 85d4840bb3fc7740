/// Horizontal bar charts, e.g. the top-k class probabilities of a prediction.
public enum BarChart {
  /// One bar per label, longest for the largest value; `values` are in [0, max] and shown
  /// as percentages of `scale` (1 for probabilities).
  public static func svg(labels: [String], values: [Double], scale: Double = 1, width: Double = 480)
    -> String
  {
    let n = min(labels.count, values.count)
    let rowHeight = 24.0
    let labelWidth = min(220, max(60, Double(labels.prefix(n).map(\.count).max() ?? 0) * 7 + 10))
    let barArea = max(40, width - labelWidth - 60)
    var svg = SVG(width: width, height: rowHeight * Double(n) + 8)
    for i in 0..<n {
      let y = 4 + Double(i) * rowHeight
      let fraction = scale > 0 ? min(1, max(0, values[i] / scale)) : 0
      svg.text(
        shorten(labels[i], to: Int(labelWidth / 7)), x: labelWidth - 6, y: y + 16, anchor: .end)
      svg.rect(x: labelWidth, y: y + 3, width: barArea, height: rowHeight - 6, fill: "#eef1f5")
      svg.rect(
        x: labelWidth, y: y + 3, width: barArea * fraction, height: rowHeight - 6,
        fill: i == 0 ? "#3b7dd8" : "#8fb3e6", title: labels[i])
      svg.text(percentText(fraction), x: labelWidth + barArea + 6, y: y + 16, size: 11)
    }
    return svg.document
  }

  /// One decimal of a percentage; a value too small for it reads `< 0.1%`, not `0.0%`
  /// (which would claim exactly 0).
  static func percentText(_ fraction: Double) -> String {
    fraction > 0 && fraction < 0.0005 ? "< 0.1%" : formatDecimal(100 * fraction, places: 1) + "%"
  }

  static func shorten(_ s: String, to n: Int) -> String {
    s.count <= n ? s : String(s.prefix(max(1, n - 1))) + "…"
  }
}
