import JSON

/// JSON and CSV to and from the language's values, for the file built-ins.
enum FileFormats {
  /// Deeper JSON than this is refused both ways (the parser's own limit, and a guard
  /// against a 100,000-deep or self-containing list when writing).
  static let maxDepth = 512

  // MARK: JSON

  static func value(fromJSON bytes: [UInt8], path: String) throws -> Value {
    let json: JSON
    do { json = try JSON.parse(bytes, maxDepth: maxDepth) } catch {
      throw CellError(ename: "JSONDecodeError", "'\(path)': \(error.description)")
    }
    return value(json)
  }

  /// A parsed document as values; whole numbers within ±2⁵³ become ints.
  static func value(_ json: JSON) -> Value {
    switch json {
    case .null: return .none
    case .bool(let b): return .bool(b)
    case .number(let d): return d.rounded() == d && abs(d) <= 9_007_199_254_740_992 ? .int(Int(d)) : .float(d)
    case .string(let s): return .string(s)
    case .array(let items): return .list(ListObject(items.map(value)))
    case .object(let o):
      let dict = DictObject()
      for (k, v) in o { try? dict.set(.string(k), value(v)) }
      return .dict(dict)
    }
  }

  /// A value as JSON, as Python's `json.dumps` (without NaN, which JSON cannot hold).
  static func json(_ v: Value, depth: Int = 0) throws(CellError) -> JSON {
    guard depth < maxDepth else {
      throw CellError(ename: "ValueError", "too deeply nested (or circular) to write as JSON: more than \(maxDepth) levels")
    }
    switch v {
    case .none: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .number(Double(i))
    case .float(let d):
      guard d.isFinite else { throw CellError.valueError("Out of range float values are not JSON compliant: \(v.repr)") }
      return .number(d)
    case .string(let s): return .string(s)
    case .list(let l): return .array(try l.items.map { v throws(CellError) in try json(v, depth: depth + 1) })
    case .tuple(let t): return .array(try t.map { v throws(CellError) in try json(v, depth: depth + 1) })
    case .dict(let d):
      var object = JSONObject()
      for (k, item) in zip(d.keys, d.values) {
        let key: String
        switch k {
        case .string(let s): key = s
        case .int, .float, .bool: key = k.repr == "True" ? "true" : k.repr == "False" ? "false" : k.repr
        case .none: key = "null"
        default: throw CellError.typeError("keys must be str, int, float, bool or None, not \(k.typeName)")
        }
        object[key] = try json(item, depth: depth + 1)
      }
      return .object(object)
    default: throw CellError.typeError("Object of type \(v.typeName) is not JSON serializable")
    }
  }

  // MARK: CSV

  static func delimiter(_ a: BoundArguments) throws(CellError) -> Character {
    let d = try a.string("delimiter", default: ",")
    guard d.count == 1, let c = d.first, c != "\"", c != "\n", c != "\r" else {
      throw CellError.typeError("delimiter must be a 1-character string other than a quote or newline")
    }
    return c
  }

  /// Rows of fields (RFC 4180: quoted fields may hold the delimiter, `""` and newlines).
  static func csvFields(_ text: String, delimiter: Character, _ ctx: CallContext) throws -> [[String]] {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
    var rows: [[String]] = []
    var row: [String] = []
    var field = ""
    var state = State.fieldStart
    var count = 0
    for c in text {
      count += 1
      if count & 0xFFFF == 0 { try ctx.checkInterrupt() }
      let newline = c == "\n" || c == "\r\n" || c == "\r"
      switch state {
      case .quoted:
        if c == "\"" { state = .quoteInQuoted } else { field.append(c) }
        continue
      case .quoteInQuoted where c == "\"":
        field.append(c)
        state = .quoted
        continue
      case .fieldStart where c == "\"":
        state = .quoted
        continue
      default: break
      }
      if c == delimiter {
        row.append(field)
        field = ""
        state = .fieldStart
      } else if newline {
        row.append(field)
        rows.append(row)
        (row, field, state) = ([], "", .fieldStart)
      } else {
        field.append(c)
        state = .unquoted
      }
    }
    if state == .quoted { throw CellError.valueError("CSV ends inside a quoted field (a missing closing quote)") }
    if state != .fieldStart || !row.isEmpty {
      row.append(field)
      rows.append(row)
    }
    return rows
  }

  /// A list of dicts keyed by the header row. As Python's DictReader: a short row's missing
  /// fields are None, a long row's extra fields are a list under the key None.
  static func csvRows(_ text: String, delimiter: Character, _ ctx: CallContext) throws -> Value {
    let rows = try csvFields(text, delimiter: delimiter, ctx).filter { $0 != [""] }
    guard let header = rows.first else { return .list(ListObject()) }
    try Memory.checkItems(rows.count, "list")
    var out: [Value] = []
    out.reserveCapacity(rows.count - 1)
    for row in rows.dropFirst() {
      let dict = DictObject()
      for (i, name) in header.enumerated() {
        try dict.set(.string(name), i < row.count ? .string(row[i]) : .none)
      }
      if row.count > header.count {
        try dict.set(.none, .list(ListObject(row[header.count...].map(Value.string))))
      }
      out.append(.dict(dict))
    }
    return .list(ListObject(out))
  }

  /// CSV text for a list of dicts (header: the keys in first-seen order) or of lists/tuples.
  static func csvText(_ rows: [Value], delimiter: Character) throws(CellError) -> String {
    func quote(_ v: Value) -> String {
      if case .none = v { return "" }
      let s = v.str
      guard s.contains(where: { $0 == delimiter || $0 == "\"" || $0.isNewline }) else { return s }
      var quoted = "\""
      for c in s { quoted += c == "\"" ? "\"\"" : String(c) }
      return quoted + "\""
    }
    var lines: [String] = []
    if rows.contains(where: { if case .dict = $0 { true } else { false } }) {
      var header: [Value] = []
      var seen = Set<String>()
      for case .dict(let d) in rows {
        for k in d.keys where seen.insert(k.str).inserted { header.append(k) }
      }
      lines.append(header.map(quote).joined(separator: String(delimiter)))
      for row in rows {
        guard case .dict(let d) = row else {
          throw CellError.typeError("write_csv() rows must all be dicts or all be lists, found '\(row.typeName)'")
        }
        lines.append(try header.map { k throws(CellError) in quote(try d.get(k) ?? .none) }.joined(separator: String(delimiter)))
      }
    } else {
      for row in rows {
        let fields: [Value]
        switch row {
        case .list(let l): fields = l.items
        case .tuple(let t): fields = t
        default: throw CellError.typeError("write_csv() rows must be dicts or lists, not '\(row.typeName)'")
        }
        lines.append(fields.map(quote).joined(separator: String(delimiter)))
      }
    }
    let text = lines.map { $0 + "\r\n" }.joined()
    try Memory.checkText(text.utf8.count)
    return text
  }
}
