/// One part of a `multipart/form-data` body.
public struct MultipartPart: Equatable, Sendable {
  /// The form field's name (`data`), empty when the part has none.
  public var name: String
  /// The uploaded file's name, when the part carries one.
  public var filename: String?
  /// The part's `Content-Type`, when given.
  public var contentType: String?
  /// The part's bytes.
  public var body: [UInt8]
}

/// A strict, bounded `multipart/form-data` parser (RFC 7578): it never reads past the
/// buffer and refuses bodies with more than `maxParts` parts or oversized part headers.
public enum Multipart {
  /// Parts beyond this are refused (a request carries one image per part).
  public static let maxParts = 64
  /// Bytes of one part's header block beyond this are refused.
  public static let maxHeaderBytes = 8192

  /// The boundary from a `Content-Type` value, or nil when it is not multipart/form-data.
  public static func boundary(contentType: String) -> String? {
    let fields = contentType.split(separator: ";").map { $0.trimmingSpaces() }
    guard let kind = fields.first, kind.lowercased() == "multipart/form-data" else { return nil }
    for field in fields.dropFirst() {
      let kv = field.split(separator: "=", maxSplits: 1)
      guard kv.count == 2, kv[0].trimmingSpaces().lowercased() == "boundary" else { continue }
      var value = kv[1].trimmingSpaces()
      if value.hasPrefix("\"") {
        // A quoted boundary with ';' inside was split above: refuse it rather than guess.
        guard value.count >= 2, value.hasSuffix("\"") else { return nil }
        value = String(value.dropFirst().dropLast())
      }
      return value.isEmpty || value.utf8.count > 200 ? nil : value
    }
    return nil
  }

  /// Splits `body` into its parts; errors name what is malformed.
  public static func parse(_ body: [UInt8], boundary: String) throws(ServeError) -> [MultipartPart] {
    let delimiter = Array(("--" + boundary).utf8)
    guard var at = find(delimiter, in: body, from: 0) else {
      throw ServeError(400, "multipart body has no boundary line '--\(boundary)'")
    }
    var parts: [MultipartPart] = []
    let next = Array(("\r\n--" + boundary).utf8)
    while true {
      at += delimiter.count
      if body.count >= at + 2, body[at] == UInt8(ascii: "-"), body[at + 1] == UInt8(ascii: "-") {
        return parts
      }
      at = skipLine(body, from: at)  // transport padding and the CRLF after the boundary
      guard parts.count < maxParts else {
        throw ServeError(400, "multipart body has more than \(maxParts) parts")
      }
      // A part without headers starts with the blank line itself.
      let noHeaders = body.count >= at + 2 && body[at] == 13 && body[at + 1] == 10
      guard
        let headerEnd = noHeaders
          ? at - 2 : find(Array("\r\n\r\n".utf8), in: body, from: at, limit: maxHeaderBytes)
      else {
        throw ServeError(400, "multipart part \(parts.count) has no end of headers (or headers over \(maxHeaderBytes) bytes)")
      }
      var part = try headers(body[at..<max(at, headerEnd)], index: parts.count)
      let start = headerEnd + 4
      guard let end = find(next, in: body, from: start) else {
        throw ServeError(400, "multipart part \(parts.count) is not closed by the boundary")
      }
      part.body = Array(body[start..<end])
      parts.append(part)
      at = end + 2
    }
  }

  /// Parses one part's header lines (`Content-Disposition`, `Content-Type`).
  private static func headers(_ block: ArraySlice<UInt8>, index: Int) throws(ServeError) -> MultipartPart {
    var part = MultipartPart(name: "", filename: nil, contentType: nil, body: [])
    let text = String(decoding: block, as: UTF8.self)
    for line in text.split(separator: "\r\n") {
      guard let colon = line.firstIndex(of: ":") else {
        throw ServeError(400, "multipart part \(index) has a malformed header line")
      }
      let name = line[..<colon].trimmingSpaces().lowercased()
      let value = line[line.index(after: colon)...].trimmingSpaces()
      if name == "content-type" { part.contentType = value }
      if name == "content-disposition" {
        part.name = parameter("name", in: value) ?? ""
        part.filename = parameter("filename", in: value)
      }
    }
    return part
  }

  /// A `key="value"` or `key=value` parameter of a header value.
  static func parameter(_ key: String, in value: String) -> String? {
    for field in value.split(separator: ";").dropFirst() {
      let kv = field.split(separator: "=", maxSplits: 1)
      guard kv.count == 2, kv[0].trimmingSpaces().lowercased() == key else { continue }
      var v = kv[1].trimmingSpaces()
      if v.count >= 2, v.hasPrefix("\""), v.hasSuffix("\"") { v = String(v.dropFirst().dropLast()) }
      return v
    }
    return nil
  }

  /// The index just past the next CRLF (or the end).
  private static func skipLine(_ body: [UInt8], from: Int) -> Int {
    var i = from
    while i + 1 < body.count {
      if body[i] == 13 && body[i + 1] == 10 { return i + 2 }
      i += 1
    }
    return body.count
  }

  /// The first index of `needle` in `haystack` at or after `from` (and before `from + limit`
  /// when a limit is given).
  static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int, limit: Int? = nil) -> Int? {
    guard !needle.isEmpty, from >= 0 else { return nil }
    let last = haystack.count - needle.count
    let stop = limit.map { min(last, from + $0) } ?? last
    guard from <= stop else { return nil }
    let first = needle[0]
    return haystack.withUnsafeBufferPointer { h -> Int? in
      needle.withUnsafeBufferPointer { n -> Int? in
        var i = from
        while i <= stop {
          if h[i] == first {
            var j = 1
            while j < n.count && h[i + j] == n[j] { j += 1 }
            if j == n.count { return i }
          }
          i += 1
        }
        return nil
      }
    }
  }
}

extension StringProtocol {
  /// Without leading and trailing spaces and tabs.
  func trimmingSpaces() -> String {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) })
    else { return "" }
    return String(self[first...last])
  }
}
