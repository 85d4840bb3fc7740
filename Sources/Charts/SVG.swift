/// A tiny SVG writer: elements appended as text, numbers written with few digits so
/// charts stay small in a notebook file.
struct SVG {
  let width: Double
  let height: Double
  private(set) var body: [String] = []

  init(width: Double, height: Double) {
    self.width = width
    self.height = height
  }

  mutating func rect(
    x: Double, y: Double, width w: Double, height h: Double, fill: String, title: String? = nil
  ) {
    let tip = title.map { "<title>\(escapeXML($0))</title>" } ?? ""
    let close = tip.isEmpty ? "/>" : ">\(tip)</rect>"
    body.append(
      "<rect x=\"\(num(x))\" y=\"\(num(y))\" width=\"\(num(max(0, w)))\" height=\"\(num(max(0, h)))\" fill=\"\(fill)\"\(close)"
    )
  }

  mutating func line(
    x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#999", width w: Double = 1
  ) {
    body.append(
      "<line x1=\"\(num(x1))\" y1=\"\(num(y1))\" x2=\"\(num(x2))\" y2=\"\(num(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(num(w))\"/>"
    )
  }

  mutating func polyline(_ points: [(Double, Double)], stroke: String, width w: Double = 2) {
    let list = points.map { "\(num($0.0)),\(num($0.1))" }.joined(separator: " ")
    body.append(
      "<polyline points=\"\(list)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(num(w))\"/>"
    )
  }

  mutating func circle(x: Double, y: Double, r: Double, fill: String) {
    body.append("<circle cx=\"\(num(x))\" cy=\"\(num(y))\" r=\"\(num(r))\" fill=\"\(fill)\"/>")
  }

  enum Anchor: String { case start, middle, end }

  mutating func text(
    _ s: String, x: Double, y: Double, anchor: Anchor = .start, size: Double = 12,
    fill: String = "#222",
    bold: Bool = false
  ) {
    // The font goes in a style attribute as well: it outranks any stylesheet of a page that
    // shows the SVG inline (JupyterLab's HTML outputs), where presentation attributes do not.
    let weight = bold ? ";font-weight:bold" : ""
    let font = "font-family:\(TextMetrics.family);font-size:\(num(size))px\(weight)"
    body.append(
      "<text x=\"\(num(x))\" y=\"\(num(y))\" text-anchor=\"\(anchor.rawValue)\" style=\"\(font)\" fill=\"\(fill)\">\(escapeXML(s))</text>"
    )
  }

  /// The whole document; `font-family` on the root so every text inherits it.
  var document: String {
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(num(width))\" height=\"\(num(height))\" "
      + "viewBox=\"0 0 \(num(width)) \(num(height))\" font-family=\"\(TextMetrics.family)\">\n"
      + body.joined(separator: "\n") + "\n</svg>"
  }
}

/// Escapes text for XML content and attribute values.
public func escapeXML(_ s: String) -> String {
  var out = ""
  for c in s {
    switch c {
    case "&": out += "&amp;"
    case "<": out += "&lt;"
    case ">": out += "&gt;"
    case "\"": out += "&quot;"
    default: out.append(c)
    }
  }
  return out
}

/// Beyond this magnitude a Double has no fractional digits to print and its integer part
/// may not fit an Int; such values are written in Swift's shortest form ("1e+20"), which
/// SVG and people both read.
let exactLimit = 1e15

/// A number with at most two decimals and no trailing zeros ("12", "3.5", "-0.25").
func num(_ v: Double) -> String {
  guard v.isFinite else { return "0" }
  guard abs(v) < exactLimit else { return "\(v.rounded())" }
  let scaled = (v * 100).rounded()
  let negative = scaled < 0
  let magnitude = Int(abs(scaled))
  var s = String(magnitude / 100)
  let frac = magnitude % 100
  if frac != 0 {
    s += frac % 10 == 0 ? ".\(frac / 10)" : (frac < 10 ? ".0\(frac)" : ".\(frac)")
  }
  return negative && magnitude != 0 ? "-" + s : s
}

/// A fixed-decimal rendering for axis ticks and labels ("0.50", "12.0").
public func formatDecimal(_ v: Double, places: Int) -> String {
  guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
  // A Double carries about 15 significant digits: more places than that print nothing real.
  let places = min(max(places, 0), 15)
  var p = 1.0
  for _ in 0..<places { p *= 10 }
  let scaled = (abs(v) * p).rounded()
  guard scaled < exactLimit else { return "\(v)" }
  let whole = Int(scaled / p)
  var s = String(whole)
  if places > 0 {
    let frac = String(Int(scaled - Double(whole) * p))
    s += "." + String(repeating: "0", count: max(0, places - frac.count)) + frac
  }
  return v < 0 && scaled != 0 ? "-" + s : s
}
