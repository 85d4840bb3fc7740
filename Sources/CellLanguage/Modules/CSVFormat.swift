/// CSV as Python's csv module reads and writes it (its excel dialect and the format
/// parameters), behind both the read_csv/write_csv built-ins and `import csv`: one
/// parser and one field quoter, so the two cannot drift apart.
struct CSVDialect {
  static let quoteMinimal = 0, quoteAll = 1, quoteNonNumeric = 2, quoteNone = 3

  var delimiter: Unicode.Scalar = ","
  var quotechar: Unicode.Scalar? = "\""
  var quoting = quoteMinimal
  var lineTerminator = "\r\n"
  var skipInitialSpace = false
  /// Python's strict=True: a stray character after a closing quote is an error, not kept.
  var strict = false
  /// What input ending inside a quoted field raises; nil keeps the field, as Python does
  /// unless strict (read_csv says it plainly).
  var unclosedQuote: CellError?

  /// The format parameters of a call (those its signature declares), with Python's errors.
  init(_ a: BoundArguments) throws(CellError) {
    if case .string(let name)? = a.value("dialect") {
      guard name == "excel" || name == "excel-tab" else { throw CellError(ename: "Error", "unknown dialect") }
      if name == "excel-tab" { delimiter = "\t" }
    }
    if let d = a.values["delimiter"] { delimiter = try Self.character(d, "delimiter")! }
    quoting = try a.int("quoting", default: Self.quoteMinimal)
    guard (0...3).contains(quoting) else { throw .typeError("bad \"quoting\" value") }
    if let q = a.values["quotechar"] { quotechar = try Self.character(q, "quotechar") }
    if let t = try a.string("lineterminator") { lineTerminator = t }
    skipInitialSpace = try a.bool("skipinitialspace", default: false)
    strict = try a.bool("strict", default: false)
    if strict { unclosedQuote = CellError(ename: "Error", "unexpected end of data") }
  }

  private static func character(_ v: Value, _ name: String) throws(CellError) -> Unicode.Scalar? {
    if case .none = v, name == "quotechar" { return nil }
    guard case .string(let s) = v, s.unicodeScalars.count == 1 else {
      throw .typeError("\"\(name)\" must be a 1-character string")
    }
    return s.unicodeScalars.first
  }

  // MARK: Writing

  /// One record as the line csv.writer writes: fields joined by the delimiter, quoted as
  /// `quoting` says, the quote character doubled inside quotes.
  func line(_ fields: [Value]) throws(CellError) -> String {
    var parts: [String] = []
    for v in fields { parts.append(try field(v)) }
    // A lone empty field is quoted, or the record would read back as an empty line.
    if parts.count == 1, parts[0].isEmpty {
      guard let q = quotechar, quoting != Self.quoteNone else { throw CellError(ename: "Error", "single empty field record must be quoted") }
      parts[0] = String(q) + String(q)
    }
    let text = parts.joined(separator: String(delimiter)) + lineTerminator
    try Memory.checkText(text.utf8.count)
    return text
  }

  private func field(_ v: Value) throws(CellError) -> String {
    let text = if case .none = v { "" } else { v.str }
    var quoted =
      switch quoting {
      case Self.quoteAll: true
      case Self.quoteNonNumeric: !v.isNumber
      default: false
      }
    let special = text.unicodeScalars.contains {
      $0 == delimiter || $0 == quotechar || $0 == "\n" || $0 == "\r" || lineTerminator.unicodeScalars.contains($0)
    }
    if special {
      guard quoting != Self.quoteNone, quotechar != nil else { throw CellError(ename: "Error", "need to escape, but no escapechar set") }
      quoted = true
    }
    guard quoted, let q = quotechar else { return text }
    var out = String.UnicodeScalarView([q])
    for c in text.unicodeScalars {
      if c == q { out.append(q) }
      out.append(c)
    }
    out.append(q)
    return String(out)
  }

  // MARK: Reading

  /// The lines of a whole text as a file in text mode gives them, each with its newline
  /// (`\n`, `\r\n` or `\r`), for the parser to take one at a time.
  static func lines(_ text: String) -> [String] {
    var lines: [String] = []
    var current = String.UnicodeScalarView()
    var previousCR = false
    for c in text.unicodeScalars {
      if previousCR && c != "\n" {
        lines.append(String(current))
        current = .init()
      }
      current.append(c)
      previousCR = c == "\r"
      if c == "\n" {
        lines.append(String(current))
        current = .init()
      }
    }
    if !current.isEmpty { lines.append(String(current)) }
    return lines
  }

  /// Every record of a whole text (read_csv).
  func records(_ text: String, _ ctx: CallContext) throws -> [[Value]] {
    var parser = CSVParser(self)
    var out: [[Value]] = []
    for (i, line) in Self.lines(text).enumerated() {
      if i & 0x3FF == 0 { try ctx.checkInterrupt() }
      if let r = try parser.feed(line) { out.append(r) }
    }
    if let r = try parser.finish() { out.append(r) }
    try Memory.checkItems(out.count, "list")
    return out
  }

  /// A record as csv.DictReader makes it: the fields under `names`; a short record's
  /// missing ones are `restval`, a long record's extra ones a list under `restkey`.
  static func dict(_ names: [Value], _ record: [Value], restkey: Value, restval: Value) throws(CellError) -> DictObject {
    let d = DictObject()
    for (name, v) in zip(names, record) { try d.set(name, v) }
    if record.count > names.count {
      try d.set(restkey, .list(Array(record[names.count...])))
    } else {
      for name in names[record.count...] { try d.set(name, restval) }
    }
    return d
  }
}

/// Python's csv reader state machine (Modules/_csv.c), fed a line at a time: a record
/// ends with its line unless a quoted field goes on into the next line.
struct CSVParser {
  private enum State { case startRecord, startField, inField, inQuoted, quoteInQuoted, eatNewline }
  let dialect: CSVDialect
  private var state = State.startRecord
  private var fields: [Value] = []
  private var field = String.UnicodeScalarView()
  /// QUOTE_NONNUMERIC: the field being read is unquoted, so a float.
  private var numeric = false
  /// Lines taken so far (a reader's line_num).
  private(set) var lineNumber = 0

  init(_ dialect: CSVDialect) { self.dialect = dialect }

  /// Takes one line; returns the record when it ends with this line.
  mutating func feed(_ line: String) throws(CellError) -> [Value]? {
    lineNumber += 1
    for c in line.unicodeScalars { try process(c) }
    try process(nil)
    guard state == .startRecord else { return nil }
    defer { fields = [] }
    return fields
  }

  /// At the end of the input: the record an unclosed quote left open, if any.
  mutating func finish() throws(CellError) -> [Value]? {
    guard !field.isEmpty || state == .inQuoted else { return nil }
    if let error = dialect.unclosedQuote { throw error }
    try save()
    state = .startRecord
    defer { fields = [] }
    return fields
  }

  /// One character; nil is the end of a line.
  private mutating func process(_ c: Unicode.Scalar?) throws(CellError) {
    let endsRecord = c == nil || c == "\n" || c == "\r"
    let quote = dialect.quoting == CSVDialect.quoteNone ? nil : dialect.quotechar
    switch state {
    case .startRecord:
      guard let c else { return }  // an empty line: an empty record
      if endsRecord {
        state = .eatNewline
        return
      }
      state = .startField
      try process(c)
    case .startField:
      if endsRecord {
        try endRecord(c)
      } else if let c, c == quote {
        state = .inQuoted
      } else if c == " " && dialect.skipInitialSpace {
        return
      } else if c == dialect.delimiter {
        try save()
      } else if let c {
        numeric = dialect.quoting == CSVDialect.quoteNonNumeric
        field.append(c)
        state = .inField
      }
    case .inField:
      if endsRecord {
        try endRecord(c)
      } else if c == dialect.delimiter {
        try save()
        state = .startField
      } else if let c {
        field.append(c)
      }
    case .inQuoted:
      // A line that ends inside quotes adds nothing; its own newline, if any, is kept.
      guard let c else { return }
      if c == quote { state = .quoteInQuoted } else { field.append(c) }
    case .quoteInQuoted:
      if let c, c == quote {
        field.append(c)
        state = .inQuoted
      } else if c == dialect.delimiter {
        try save()
        state = .startField
      } else if endsRecord {
        try endRecord(c)
      } else if dialect.strict {
        throw CellError(ename: "Error", "'\(dialect.delimiter)' expected after '\(quote.map { String($0) } ?? "")'")
      } else if let c {
        field.append(c)
        state = .inField
      }
    case .eatNewline:
      if c == nil {
        state = .startRecord
      } else if !endsRecord {
        throw CellError(ename: "Error", "new-line character seen in unquoted field - do you need to open the file in universal-newline mode?")
      }
    }
  }

  private mutating func endRecord(_ c: Unicode.Scalar?) throws(CellError) {
    try save()
    state = c == nil ? .startRecord : .eatNewline
  }

  private mutating func save() throws(CellError) {
    let text = String(field)
    field = .init()
    if numeric {
      numeric = false
      fields.append(try StandardLibrary.toFloat(.string(text)))
    } else {
      fields.append(.string(text))
    }
    try Memory.checkItems(fields.count, "list")
  }
}
