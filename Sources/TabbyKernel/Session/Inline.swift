import CellLanguage
import Foundation

/// Inline pictures for notebook output: the engine makes the PNG bytes (Classifier's
/// `Pictures`, `Photo`), this side carries them as base64 in MIME bundles and HTML.
enum Inline {
  /// A PNG's bytes as the base64 text a MIME bundle carries.
  static func base64(_ png: [UInt8]) -> String { Data(png).base64EncodedString() }

  /// `<img>` for an inline PNG.
  static func imgTag(_ base64: String, alt: String, width: Int? = nil) -> String {
    let w = width.map { " width=\"\($0)\"" } ?? ""
    return "<img src=\"data:image/png;base64,\(base64)\" alt=\"\(escapeHTML(alt))\"\(w)/>"
  }
}

/// Small HTML helpers shared by the rich displays.
enum HTML {
  /// A table with a header row; cells are escaped.
  static func table(header: [String], rows: [[String]], caption: String? = nil) -> String {
    var html = "<table>"
    if let caption { html += "<caption style=\"text-align:left\">\(escapeHTML(caption))</caption>" }
    html +=
      "<thead><tr>" + header.map { "<th>\(escapeHTML($0))</th>" }.joined() + "</tr></thead><tbody>"
    for row in rows {
      html += "<tr>" + row.map { "<td>\(escapeHTML($0))</td>" }.joined() + "</tr>"
    }
    return html + "</tbody></table>"
  }

  /// Items side by side, wrapping on narrow screens.
  static func row(_ items: [String]) -> String {
    "<div style=\"display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start\">"
      + items.map { "<div>\($0)</div>" }.joined() + "</div>"
  }
}

/// Fixed-decimal text for tables and progress lines.
func fixed(_ v: Double, _ places: Int) -> String {
  String(format: "%.\(places)f", v)
}
