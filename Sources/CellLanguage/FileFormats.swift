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

  /// read_csv: a list of dicts keyed by the header row, as csv.DictReader makes them
  /// (empty lines skipped), except that a missing closing quote is an error.
  static func csvRows(_ text: String, _ a: BoundArguments, _ ctx: CallContext) throws -> Value {
    var dialect = try CSVDialect(a)
    dialect.unclosedQuote = CellError.valueError("CSV ends inside a quoted field (a missing closing quote)")
    let records = try dialect.records(text, ctx).filter { !$0.isEmpty }
    guard let header = records.first else { return .list(ListObject()) }
    return .list(try records.dropFirst().map { r throws(CellError) in .dict(try CSVDialect.dict(header, r, restkey: .none, restval: .none)) })
  }

  /// CSV text for a list of dicts (header: the keys in first-seen order) or of lists/tuples.
  static func csvText(_ rows: [Value], _ a: BoundArguments) throws(CellError) -> String {
    let dialect = try CSVDialect(a)
    var text = ""
    if rows.contains(where: { if case .dict = $0 { true } else { false } }) {
      var header: [Value] = []
      var seen = Set<String>()
      for case .dict(let d) in rows {
        for k in d.keys where seen.insert(k.str).inserted { header.append(k) }
      }
      text += try dialect.line(header)
      for row in rows {
        guard case .dict(let d) = row else {
          throw CellError.typeError("write_csv() rows must all be dicts or all be lists, found '\(row.typeName)'")
        }
        text += try dialect.line(try header.map { k throws(CellError) in try d.get(k) ?? .none })
      }
    } else {
      for row in rows {
        switch row {
        case .list(let l): text += try dialect.line(l.items)
        case .tuple(let t): text += try dialect.line(t)
        default: throw CellError.typeError("write_csv() rows must be dicts or lists, not '\(row.typeName)'")
        }
      }
    }
    try Memory.checkText(text.utf8.count)
    return text
  }
}
