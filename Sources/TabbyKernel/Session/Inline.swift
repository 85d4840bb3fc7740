import CellLanguage
import Datasets
import Foundation
import Imaging

/// PNG pictures for notebook output, made with Imaging's encoder (no external tool).
enum Pictures {
  /// A PNG's bytes as the base64 text a MIME bundle carries.
  static func base64PNG(_ image: Image, compression: Int = 1) throws -> String {
    Data(try image.pngData(compressionLevel: compression)).base64EncodedString()
  }

  /// A photo scaled down so its longer side is at most `maxSide`, for display.
  static func thumbnail(_ image: Image, maxSide: Int = 224) throws -> Image {
    max(image.width, image.height) > maxSide ? try image.thumbnail(maxSide: maxSide) : image
  }

  /// One gray image (e.g. a 28×28 digit) scaled up by an integer factor, nearest neighbour.
  static func gray(_ pixels: ArraySlice<UInt8>, width: Int, height: Int, scale: Int) throws -> Image
  {
    var out = [UInt8](repeating: 0, count: width * height * scale * scale)
    let base = pixels.startIndex
    for y in 0..<(height * scale) {
      for x in 0..<(width * scale) {
        out[y * width * scale + x] = pixels[base + (y / scale) * width + x / scale]
      }
    }
    return try Image(width: width * scale, height: height * scale, channels: 1, pixels: out)
  }

  /// The first `rows × columns` images of a set laid out in a grid with 2-pixel gaps.
  static func grid(_ data: LabeledImages, indices: [Int], columns: Int, scale: Int = 1) throws
    -> Image
  {
    let h = data.imageShape.count >= 2 ? data.imageShape[data.imageShape.count - 2] : 28
    let w = data.imageShape.last ?? 28
    let rows = max(1, (indices.count + columns - 1) / columns)
    let gap = 2
    let width = columns * (w * scale + gap) + gap
    let height = rows * (h * scale + gap) + gap
    var out = [UInt8](repeating: 255, count: width * height)
    for (k, index) in indices.enumerated() {
      let ox = gap + (k % columns) * (w * scale + gap)
      let oy = gap + (k / columns) * (h * scale + gap)
      let start = index * data.imageSize
      for y in 0..<(h * scale) {
        for x in 0..<(w * scale) {
          // MNIST is white on black; invert so the grid reads as ink on paper.
          out[(oy + y) * width + ox + x] = 255 - data.pixels[start + (y / scale) * w + x / scale]
        }
      }
    }
    return try Image(width: width, height: height, channels: 1, pixels: out)
  }

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
