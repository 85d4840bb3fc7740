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
  /// Draws every series on one pair of axes (x from 0, y from 0 to the largest value or 1).
  public static func svg(
    _ series: [Series], title: String, xLabel: String, width: Double = 480, height: Double = 260
  ) -> String {
    let (left, right, top, bottom) = (48.0, 12.0, 28.0, 40.0)
    let plotW = width - left - right
    let plotH = height - top - bottom
    let xs = series.flatMap { $0.points.map(\.x) }
    let ys = series.flatMap { $0.points.map(\.y) }.filter(\.isFinite)
    let xMax = max(xs.max() ?? 1, 1e-9)
    let yMax = niceCeiling(max(ys.max() ?? 1, 1))
    var svg = SVG(width: width, height: height)
    svg.text(title, x: left, y: 18, size: 13, bold: true)
    for i in 0...4 {
      let v = yMax * Double(i) / 4
      let y = top + plotH * (1 - Double(i) / 4)
      svg.line(x1: left, y1: y, x2: left + plotW, y2: y, stroke: "#e3e3e3")
      svg.text(
        formatDecimal(v, places: yMax < 10 ? 2 : 0), x: left - 4, y: y + 4, anchor: .end, size: 10)
    }
    for i in 0...4 {
      let v = xMax * Double(i) / 4
      let x = left + plotW * Double(i) / 4
      svg.text(
        formatDecimal(v, places: xMax < 4 ? 2 : 1), x: x, y: top + plotH + 14, anchor: .middle,
        size: 10)
    }
    svg.line(x1: left, y1: top + plotH, x2: left + plotW, y2: top + plotH, stroke: "#555")
    svg.line(x1: left, y1: top, x2: left, y2: top + plotH, stroke: "#555")
    svg.text(xLabel, x: left + plotW / 2, y: height - 6, anchor: .middle, size: 11)
    for (k, s) in series.enumerated() {
      let pts = s.points.filter { $0.y.isFinite }.map {
        (left + plotW * $0.x / xMax, top + plotH * (1 - min($0.y, yMax) / yMax))
      }
      if pts.count == 1 { svg.circle(x: pts[0].0, y: pts[0].1, r: 3, fill: s.color) }
      if pts.count > 1 { svg.polyline(pts, stroke: s.color) }
      let lx = left + plotW - 150 + Double(k % 2) * 80
      let ly = 18 + Double(k / 2) * 0
      svg.rect(x: lx, y: ly - 8, width: 10, height: 10, fill: s.color)
      svg.text(s.name, x: lx + 14, y: ly + 1, size: 11)
    }
    return svg.document
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
