import JSON

extension Value {
  /// What `display(x)` and an execute_result show: text/plain is always the repr;
  /// hosts add their rich forms; a dict or a list of dicts adds an HTML table.
  public var mimeBundle: MimeBundle {
    if case .host(let h) = self, var rich = h.richDisplay() {
      if rich.data["text/plain"] == nil { rich.data["text/plain"] = .string(h.repr) }
      return rich
    }
    var bundle = MimeBundle.plain(repr)
    if let table = htmlTable { bundle.data["text/html"] = .string(table) }
    return bundle
  }

  /// A table for a non-empty dict (key, value) or list of dicts (one row each).
  var htmlTable: String? {
    switch self {
    case .dict(let d) where d.count > 0:
      let rows = zip(d.keys, d.values).map { [$0.0.str, $0.1.str] }
      return Self.table(header: ["key", "value"], rows: rows)
    case .list(let l) where !l.items.isEmpty && l.items.count <= 1000:
      var columns: [String] = []
      var records: [DictObject] = []
      for item in l.items {
        guard case .dict(let d) = item else { return nil }
        records.append(d)
        for k in d.keys where !columns.contains(k.str) { columns.append(k.str) }
      }
      let rows = records.map { r in columns.map { c in (try? r.get(.string(c)))?.map(\.str) ?? "" } }
      return Self.table(header: columns, rows: rows)
    default:
      return nil
    }
  }

  private static func table(header: [String], rows: [[String]]) -> String {
    var html = "<table>\n<thead><tr>"
    for h in header { html += "<th>\(escapeHTML(h))</th>" }
    html += "</tr></thead>\n<tbody>\n"
    for row in rows {
      html += "<tr>"
      for cell in row { html += "<td>\(escapeHTML(cell))</td>" }
      html += "</tr>\n"
    }
    return html + "</tbody>\n</table>"
  }
}

/// Escapes text for inclusion in HTML.
public func escapeHTML(_ s: String) -> String {
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

/// The value `html("<b>hi</b>")` returns: shown as text/html.
final class HTMLObject: HostObject {
  let source: String
  init(_ source: String) { self.source = source }

  var typeName: String { "HTML" }
  var repr: String { "html(\(Value.quoted(source)))" }
  func richDisplay() -> MimeBundle? {
    MimeBundle(data: ["text/html": .string(source), "text/plain": .string(repr)])
  }
  var attributeNames: [String] { ["source"] }
  func attribute(_ name: String) throws -> Value? { name == "source" ? .string(source) : nil }
  func isEqual(to other: any HostObject) -> Bool { (other as? HTMLObject)?.source == source }
  func hashParts() throws -> [Value]? { [.string(source)] }
}

/// What `type(x)` returns: `<class 'int'>`; equal to any other type object of the same name.
final class TypeObject: HostObject {
  let name: String
  init(_ name: String) { self.name = name }

  var typeName: String { "type" }
  var repr: String { "<class '\(name)'>" }
  var attributeNames: [String] { ["__name__"] }
  func attribute(_ attr: String) throws -> Value? { attr == "__name__" ? .string(name) : nil }
  func isEqual(to other: any HostObject) -> Bool { (other as? TypeObject)?.name == name }
  func hashParts() throws -> [Value]? { [.string(name)] }
}

/// The `stderr` (and `stdout`) names for `print(..., file=stderr)`.
final class StreamObject: HostObject {
  let stream: OutputStreamName
  init(_ stream: OutputStreamName) { self.stream = stream }

  var typeName: String { "TextIO" }
  var repr: String { "<\(stream.rawValue)>" }
  var help: String? { "The cell's \(stream.rawValue) stream: print(..., file=\(stream.rawValue)) writes to it." }
  var attributeNames: [String] { ["write", "flush"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "write":
      return .function(Builtin("write(s)", summary: "Writes a string to the stream; returns the characters written.") { [stream] a, ctx in
        guard case .string(let s)? = a["s"] else { throw CellError.typeError("write() argument must be str, not \(a["s"]?.typeName ?? "None")") }
        ctx.sink.stream(stream, s)
        return .int(s.unicodeScalars.count)
      })
    case "flush": return .function(Builtin("flush()", summary: "Output is sent as it is written; nothing to do.") { _, _ in .none })
    default: return nil
    }
  }
}
