/// Confusion matrices: a grid of counts shaded by row share.
public enum Heatmap {
  /// `matrix[true][predicted]`; rows are shaded by the fraction of that row's total.
  public static func confusionSVG(_ matrix: [[Int]], labels: [String], cell: Double = 34) -> String
  {
    let n = matrix.count
    let labelWidth = min(130, max(30, Double(labels.map(\.count).max() ?? 2) * 7 + 8))
    let top = 40.0
    let size = cell * Double(n)
    var svg = SVG(width: labelWidth + size + 10, height: top + size + 24)
    svg.text("predicted →", x: labelWidth + size / 2, y: 14, anchor: .middle, size: 11)
    for j in 0..<n {
      svg.text(
        short(labels, j), x: labelWidth + cell * (Double(j) + 0.5), y: top - 8, anchor: .middle,
        size: 10)
    }
    for i in 0..<n {
      let total = max(1, matrix[i].reduce(0, +))
      let y = top + cell * Double(i)
      svg.text(short(labels, i), x: labelWidth - 4, y: y + cell / 2 + 4, anchor: .end, size: 10)
      for j in 0..<min(n, matrix[i].count) {
        let share = Double(matrix[i][j]) / Double(total)
        let x = labelWidth + cell * Double(j)
        svg.rect(
          x: x, y: y, width: cell - 1, height: cell - 1, fill: shade(share, diagonal: i == j),
          title: "true \(short(labels, i)), predicted \(short(labels, j)): \(matrix[i][j])")
        if matrix[i][j] > 0 {
          svg.text(
            String(matrix[i][j]), x: x + cell / 2, y: y + cell / 2 + 4, anchor: .middle, size: 9,
            fill: share > 0.5 ? "#fff" : "#222")
        }
      }
    }
    svg.text("↑ true", x: 4, y: top + size + 16, size: 11)
    return svg.document
  }

  static func short(_ labels: [String], _ i: Int) -> String {
    i < labels.count ? BarChart.shorten(labels[i], to: 12) : String(i)
  }

  /// Blue on the diagonal, red elsewhere; lighter for smaller shares.
  static func shade(_ share: Double, diagonal: Bool) -> String {
    let s = min(1, max(0, share))
    let (r, g, b) = diagonal ? (59.0, 125.0, 216.0) : (214.0, 69.0, 65.0)
    func mix(_ c: Double) -> Int { Int((255 - (255 - c) * s).rounded()) }
    return "rgb(\(mix(r)),\(mix(g)),\(mix(b)))"
  }
}
