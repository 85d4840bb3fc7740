/// One named line of a chart: points (x, y) in data units.
public struct Series: Sendable {
  public var name: String
  public var points: [(x: Double, y: Double)]
  /// A CSS colour.
  public var color: String

  public init(name: String, points: [(x: Double, y: Double)], color: String) {
    self.name = name
    self.points = points
    self.color = color
  }
}

/// Line charts with shared axes, e.g. training loss and accuracy against epochs.
public enum LineChart {
  static let titleSize = 13.0
  static let titleBaseline = 18.0

  /// Draws every series on one pair of axes (x from 0 to `xMax`, by default the largest x;
  /// y from 0 to the largest value or 1).
  public static func svg(
    _ series: [Series], title: String, xLabel: String, xMax: Double? = nil, width: Double = 480,
    height: Double = 260
  ) -> String {
    let (left, right, bottom) = (48.0, 12.0, 40.0)
    let plotW = width - left - right
    let legend = self.legend(series, title: title, left: left, right: width - right)
    let top = 28 + Double(legend.extraRows) * LegendLayout.rowHeight
    let plotH = max(20, height - top - bottom)
    let xs = series.flatMap { $0.points.map(\.x) }
    let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
    let xMax = max(xMax ?? xs.max() ?? 1, 1e-9)
    let yMax = niceCeiling(max(ys.max() ?? 1, 1))
    var svg = SVG(width: width, height: height)
    svg.text(title, x: left, y: titleBaseline, size: titleSize, bold: true)
    legend.draw(into: &svg)
    for i in 0...4 {
      let v = yMax * Double(i) / 4
      let y = top + plotH * (1 - Double(i) / 4)
      svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#e3e3e3")
      svg.text(
        formatDecimal(v, places: yMax < 10 ? 2 : 0), x: left - 4, y: y + 3.5, anchor: .end, size: 10
      )
    }
    // x ticks sit low enough that the two labels at the origin ("0.00", "0.00") keep clear.
    for i in 0...4 {
      let v = xMax * Double(i) / 4
      let x = left + plotW * Double(i) / 4
      svg.text(
        formatDecimal(v, places: xMax < 4 ? 2 : 1), x: x, y: top + plotH + 17, anchor: .middle,
        size: 10)
    }
    svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH, stroke: "#555")
    svg.line(x1: left, y1: top, x2: left, y2: top + plotH, stroke: "#555")
    svg.text(xLabel, x: left + plotW / 2, y: height - 6, anchor: .middle, size: 11)
    for s in series {
      let pts = thinned(
        s.points.filter { $0.y.isFinite }.map {
          (left + plotW * $0.x / xMax, top + plotH * (1 - min($0.y, yMax) / yMax))
        })
      if pts.count == 1 { svg.circle(x: pts[0].0, y: pts[0].1, r: 3, fill: s.color) }
      if pts.count > 1 { svg.polyline(pts, stroke: s.color) }
    }
    return svg.document
  }

  /// The legend's layout for `series` beside (or below) `title`.
  static func legend(_ series: [Series], title: String, left: Double, right: Double)
    -> LegendLayout
  {
    LegendLayout(
      series.map { ($0.name, $0.color) }, left: left, right: right,
      titleEnd: left + TextMetrics.width(title, size: titleSize, bold: true),
      titleBaseline: titleBaseline)
  }

  /// At most one point per pixel column (the last one in it; the first and last points stay), so
  /// a long run's curve stays a few KiB however many progress reports it collected.
  static func thinned(_ pts: [(Double, Double)]) -> [(Double, Double)] {
    guard pts.count > 2 else { return pts }
    var out: [(Double, Double)] = []
    out.reserveCapacity(min(pts.count, 512))
    for p in pts {
      if let last = out.last, last.0.rounded(.down) == p.0.rounded(.down), out.count > 1 {
        out[out.count - 1] = p
      } else {
        out.append(p)
      }
    }
    return out
  }

  /// 1, 2 or 5 times a power of ten, at least `v`.
  static func niceCeiling(_ v: Double) -> Double {
    guard v > 0, v.isFinite else { return 1 }
    var p = 1.0
    while p * 10 <= v { p *= 10 }
    while p > v { p /= 10 }
    for m in [1.0, 2, 5, 10] where m * p >= v { return m * p }
    return 10 * p
  }
}
