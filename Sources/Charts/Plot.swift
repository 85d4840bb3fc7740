/// General charts for a cell's own numbers (`plot`, `bar`, `hist`): axes fitted to the data,
/// negative values included, unlike the fixed 0…max charts of training and predictions.
public enum Plot {
  static let (left, right, top, bottom) = (56.0, 14.0, 30.0, 42.0)

  /// Lines (or points, with `markers`) through each series, on axes spanning every point.
  public static func lines(
    _ series: [Series], title: String = "", xLabel: String = "", yLabel: String = "",
    markers: Bool = false, width: Double = 520, height: Double = 300
  ) -> String {
    let points = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
    let xAxis = Axis(points.map(\.x))
    let yAxis = Axis(points.map(\.y))
    var svg = SVG(width: width, height: height)
    let frame = Frame(width: width, height: height)
    drawAxes(&svg, frame, x: xAxis, y: yAxis, title: title, xLabel: xLabel, yLabel: yLabel)
    if series.count > 1 {
      LegendLayout(
        series.map { ($0.name, $0.color) }, left: left, right: width - right,
        titleEnd: left + TextMetrics.width(title, size: 13, bold: true), titleBaseline: 18
      ).draw(into: &svg)
    }
    for s in series {
      let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite }.map {
        (frame.x(xAxis.fraction($0.x)), frame.y(yAxis.fraction($0.y)))
      }
      if markers || pts.count == 1 {
        for p in pts.prefix(20_000) { svg.circle(x: p.0, y: p.1, r: 2.5, fill: s.color) }
      } else if pts.count > 1 {
        svg.polyline(LineChart.thinned(pts), stroke: s.color)
      }
    }
    return svg.document
  }

  /// One vertical bar per label from zero to its value (below the zero line if negative),
  /// the value written at its end; `hist` passes the bins' ranges as labels.
  public static func columns(
    labels: [String], values: [Double], title: String = "", xLabel: String = "", yLabel: String = "",
    color: String = "#3b7dd8", width: Double = 520, height: Double = 300
  ) -> String {
    let n = min(labels.count, values.count)
    let finite = values.prefix(n).filter(\.isFinite)
    let yAxis = Axis(finite + [0])
    var svg = SVG(width: width, height: height)
    let frame = Frame(width: width, height: height)
    drawAxes(&svg, frame, x: nil, y: yAxis, title: title, xLabel: xLabel, yLabel: yLabel)
    guard n > 0 else { return svg.document }
    let slot = frame.plotWidth / Double(n)
    let zero = frame.y(yAxis.fraction(0))
    // Labels are written under every bar when they fit, else under every k-th.
    let every = max(1, Int((Double(labels.prefix(n).map(\.count).max() ?? 1) * 6.5 + 8) / slot) + 1)
    for i in 0..<n {
      let x = left + slot * Double(i)
      let v = values[i].isFinite ? values[i] : 0
      let end = frame.y(yAxis.fraction(v))
      svg.rect(
        x: x + slot * 0.1, y: min(zero, end), width: slot * 0.8, height: abs(zero - end), fill: color,
        title: "\(labels[i]): \(formatDecimal(v, places: 4))")
      if n <= 40 {
        svg.text(shortNumber(v), x: x + slot / 2, y: v < 0 ? end + 12 : end - 3, anchor: .middle, size: 10)
      }
      if i % every == 0 {
        svg.text(
          BarChart.shorten(labels[i], to: max(3, Int(slot * Double(every) / 6.5))), x: x + slot / 2,
          y: frame.bottomY + 15, anchor: .middle, size: 10)
      }
    }
    return svg.document
  }

  /// Counts of `values` in `bins` equal-width bins from the smallest to the largest value
  /// (non-finite values left out): the bins' edges and counts.
  public static func histogram(_ values: [Double], bins: Int) -> (edges: [Double], counts: [Int]) {
    let finite = values.filter(\.isFinite)
    let bins = max(1, bins)
    guard let lo = finite.min(), let hi = finite.max() else { return ([0, 1], [0]) }
    let span = hi > lo ? hi - lo : 1
    let start = hi > lo ? lo : lo - 0.5
    let edges = (0...bins).map { start + span * Double($0) / Double(bins) }
    var counts = [Int](repeating: 0, count: bins)
    for v in finite {
      counts[min(bins - 1, max(0, Int((v - start) / span * Double(bins))))] += 1
    }
    return (edges, counts)
  }

  /// A value with up to three significant decimals, compact ("12", "0.25", "1.2e+06").
  public static func shortNumber(_ v: Double) -> String {
    if v != 0 && (abs(v) >= 1e6 || abs(v) < 1e-3) { return "\(Float(v))" }
    let places = abs(v) >= 100 ? 0 : abs(v) >= 1 ? 2 : 3
    var s = formatDecimal(v, places: places)
    if s.contains(".") {
      while s.hasSuffix("0") { s.removeLast() }
      if s.hasSuffix(".") { s.removeLast() }
    }
    return s
  }

  static func drawAxes(
    _ svg: inout SVG, _ f: Frame, x: Axis?, y: Axis, title: String, xLabel: String, yLabel: String
  ) {
    svg.text(title, x: left, y: 18, size: 13, bold: true)
    for (i, v) in y.ticks.enumerated() {
      let py = f.y(y.fraction(v))
      svg.line(x1: left, y1: py, x2: left + f.plotWidth, y2: py, stroke: i == 0 ? "#555" : "#e3e3e3")
      svg.text(shortNumber(v), x: left - 4, y: py + 3.5, anchor: .end, size: 10)
    }
    if let x {
      for v in x.ticks {
        svg.text(shortNumber(v), x: f.x(x.fraction(v)), y: f.bottomY + 15, anchor: .middle, size: 10)
      }
    }
    svg.line(x1: left, y1: top, x2: left, y2: f.bottomY, stroke: "#555")
    svg.line(x1: left, y1: f.bottomY, x2: left + f.plotWidth, y2: f.bottomY, stroke: "#555")
    svg.text(xLabel, x: left + f.plotWidth / 2, y: f.height - 6, anchor: .middle, size: 11)
    svg.text(yLabel, x: 4, y: top - 8, size: 11)
  }

  /// The plotting area inside the margins, mapping fractions 0…1 to pixels.
  struct Frame {
    let width: Double
    let height: Double
    var plotWidth: Double { max(20, width - Plot.left - Plot.right) }
    var plotHeight: Double { max(20, height - Plot.top - Plot.bottom) }
    var bottomY: Double { Plot.top + plotHeight }
    func x(_ fraction: Double) -> Double { Plot.left + plotWidth * fraction }
    func y(_ fraction: Double) -> Double { bottomY - plotHeight * fraction }
  }

  /// An axis from a "nice" lower to upper bound with five ticks.
  struct Axis {
    let low: Double
    let high: Double

    init(_ values: [Double]) {
      let finite = values.filter(\.isFinite)
      var lo = finite.min() ?? 0
      var hi = finite.max() ?? 1
      if hi - lo < 1e-12 * max(1, abs(hi)) {
        lo -= max(0.5, abs(lo) * 0.1)
        hi += max(0.5, abs(hi) * 0.1)
      }
      let step = Self.niceStep((hi - lo) / 4)
      low = (lo / step).rounded(.down) * step
      high = Swift.max((hi / step).rounded(.up) * step, low + step)
    }

    /// A step of 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
      guard raw.isFinite, raw > 0 else { return 1 }
      var power = 1.0
      while power * 10 <= raw { power *= 10 }
      while power > raw { power /= 10 }
      for m in [1.0, 2, 5, 10] where m * power >= raw { return m * power }
      return 10 * power
    }

    var ticks: [Double] { (0...4).map { low + (high - low) * Double($0) / 4 } }
    func fraction(_ v: Double) -> Double { high > low ? (v - low) / (high - low) : 0.5 }
  }
}
