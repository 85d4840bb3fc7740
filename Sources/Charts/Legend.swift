/// Text widths without a font engine: a per-character advance that is at least that of
/// DejaVu Sans (the usual `sans-serif` on Linux, and the widest common one) and Verdana, so a
/// label never needs more room than the layout reserved, whichever of them the viewer uses.
enum TextMetrics {
  /// The font every chart text names, widest first; the estimates below bound all of them.
  static let family = "DejaVu Sans,Verdana,Arial,sans-serif"

  /// An upper bound of the width of `s` at `size` pixels.
  static func width(_ s: String, size: Double, bold: Bool = false) -> Double {
    let ems = s.unicodeScalars.reduce(0.0) { $0 + advance($1) }
    return ems * size * (bold ? 1.1 : 1)
  }

  /// Advance in ems, rounded up from DejaVu Sans and Verdana's widest in each class.
  static func advance(_ c: Unicode.Scalar) -> Double {
    switch c {
    case "i", "j", "l", "I", ".", ",", ":", ";", "'", "!", "|": 0.40
    case "f", "r", "t", " ", "-", "(", ")", "/", "[", "]": 0.50
    case "m", "w", "M", "W", "%", "@", "&": 1.15
    case "A"..."Z": 0.85
    default: c.isASCII ? 0.72 : 1.0
    }
  }
}

/// Where a chart's legend entries go, computed so that none overlaps another or the title:
/// right-aligned rows of (swatch, gap, label), sharing the title's row when there is room.
struct LegendLayout {
  /// One entry: the swatch's left edge `x`, the row's text baseline `baseline`, and the
  /// horizontal extent reserved for swatch and label (`x ..< x + width`).
  struct Entry {
    var name: String
    var color: String
    var x: Double
    var baseline: Double
    var width: Double
  }

  static let fontSize = 11.0
  static let swatch = 10.0
  static let gap = 4.0
  static let spacing = 14.0
  static let rowHeight = 16.0

  let entries: [Entry]
  /// Rows below the title's row that the legend needed (the plot moves down by as many).
  let extraRows: Int

  /// Lays out `items` (name, colour) between `left` and `right`, the title's row having its
  /// baseline at `titleBaseline` and the title reaching `titleEnd`.
  init(
    _ items: [(name: String, color: String)], left: Double, right: Double, titleEnd: Double,
    titleBaseline: Double
  ) {
    let widths = items.map {
      Self.swatch + Self.gap + TextMetrics.width($0.name, size: Self.fontSize)
    }
    // Greedy rows from the last entry backwards, so the rows stay right-aligned.
    var rows: [[Int]] = []
    var current: [Int] = []
    var used = 0.0
    let available = right - left
    for i in items.indices.reversed() {
      if !current.isEmpty && used + Self.spacing + widths[i] > available {
        rows.append(current)
        current = []
        used = 0
      }
      used += (current.isEmpty ? 0 : Self.spacing) + widths[i]
      current.insert(i, at: 0)
    }
    if !current.isEmpty { rows.append(current) }
    rows.reverse()  // the first row holds the first entries
    let firstRowWidth = rows.first.map { Self.rowWidth($0, widths) } ?? 0
    let shareTitleRow = rows.count == 1 && right - firstRowWidth >= titleEnd + Self.spacing
    var placed: [Entry] = []
    for (r, row) in rows.enumerated() {
      let baseline = titleBaseline + Double(shareTitleRow ? r : r + 1) * Self.rowHeight
      var x = right - Self.rowWidth(row, widths)
      for i in row {
        placed.append(
          Entry(
            name: items[i].name, color: items[i].color, x: x, baseline: baseline, width: widths[i]))
        x += widths[i] + Self.spacing
      }
    }
    entries = placed
    extraRows = shareTitleRow ? 0 : rows.count
  }

  static func rowWidth(_ row: [Int], _ widths: [Double]) -> Double {
    row.map { widths[$0] }.reduce(0, +) + Double(max(0, row.count - 1)) * spacing
  }

  /// Draws the entries: a square swatch on the text's x-height, the label to its right.
  func draw(into svg: inout SVG) {
    for e in entries {
      svg.rect(x: e.x, y: e.baseline - 9, width: Self.swatch, height: Self.swatch, fill: e.color)
      svg.text(
        e.name, x: e.x + Self.swatch + Self.gap, y: e.baseline, anchor: .start, size: Self.fontSize)
    }
  }
}
