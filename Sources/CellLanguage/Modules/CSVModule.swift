/// `import csv`: reader, writer, DictReader and DictWriter over open files (or any
/// iterable of lines / object with a write method), as Python's csv module, on the
/// parser and quoter read_csv and write_csv use (CSVFormat.swift).
enum CSVModule {
  /// The format parameters every constructor takes, as keywords (Python's fmtparams).
  static let formatParameters = "delimiter=',', quotechar='\"', quoting=0, lineterminator=None, skipinitialspace=False, strict=False"

  static func make() -> ModuleObject {
    ModuleObject(
      name: "csv", summary: "CSV files a row at a time, as Python's csv module: reader, writer, DictReader, DictWriter.",
      functions: [
        Builtin("reader(csvfile, dialect='excel', *, \(formatParameters))", summary: "An iterator over the rows (lists of strings) of an open file or a list of lines.") { a, _ in
          .host(try CSVReaderObject(a["csvfile"]!, try CSVDialect(a)))
        },
        Builtin("writer(csvfile, dialect='excel', *, \(formatParameters))", summary: "Writes rows (sequences of values) to an open file: writerow, writerows.") { a, _ in
          .host(CSVWriterObject(try writeMethod(a["csvfile"]!), try CSVDialect(a)))
        },
        Builtin(
          "DictReader(f, fieldnames=None, restkey=None, restval=None, dialect='excel', *, \(formatParameters))",
          summary: "An iterator over the rows as dicts keyed by the header row (or fieldnames)."
        ) { a, _ in
          let reader = try CSVReaderObject(a["f"]!, try CSVDialect(a))
          let names = try a.value("fieldnames").map(ValueIterator.collect)
          return .host(CSVDictReaderObject(reader, fieldnames: names, restkey: a.value("restkey") ?? .none, restval: a.value("restval") ?? .none))
        },
        Builtin(
          "DictWriter(f, fieldnames, restval='', extrasaction='raise', dialect='excel', *, \(formatParameters))",
          summary: "Writes dicts as rows in fieldnames' order: writeheader, writerow, writerows."
        ) { a, _ in
          let extras = try a.string("extrasaction", default: "raise")
          guard extras == "raise" || extras == "ignore" else {
            throw CellError.valueError("extrasaction (\(extras)) must be 'raise' or 'ignore'")
          }
          let writer = CSVWriterObject(try writeMethod(a["f"]!), try CSVDialect(a))
          return .host(
            CSVDictWriterObject(writer, fieldnames: try ValueIterator.collect(a["fieldnames"]!), restval: a.value("restval") ?? .string(""), raiseOnExtras: extras == "raise"))
        },
      ],
      constants: [
        ("QUOTE_MINIMAL", .int(CSVDialect.quoteMinimal)), ("QUOTE_ALL", .int(CSVDialect.quoteAll)),
        ("QUOTE_NONNUMERIC", .int(CSVDialect.quoteNonNumeric)), ("QUOTE_NONE", .int(CSVDialect.quoteNone)),
        ("Error", .host(ExceptionType("Error"))),
      ])
  }

  private static func writeMethod(_ file: Value) throws(CellError) -> Value {
    guard let write = try? Access.attribute(file, "write") else { throw .typeError("argument 1 must have a \"write\" method") }
    return write
  }

  static func address(_ object: AnyObject) -> String {
    "0x" + String(UInt(bitPattern: Unmanaged.passUnretained(object).toOpaque()), radix: 16)
  }

}

/// `csv.reader(...)`: parses a line when the next row is asked for.
final class CSVReaderObject: Advancing {
  /// An open file is read a line at a time, so that a file closed since (a reader used
  /// after its `with` block) fails as in Python; anything else is iterated as given.
  private enum Source {
    case file(FileObject)
    case items(ValueIterator)
  }
  private var source: Source
  private var parser: CSVParser
  private var finished = false

  init(_ lines: Value, _ dialect: CSVDialect) throws(CellError) {
    if case .host(let f as FileObject) = lines { source = .file(f) } else { source = .items(try ValueIterator(lines)) }
    parser = CSVParser(dialect)
  }

  private func nextLine() throws(CellError) -> Value? {
    switch source {
    case .file(let f): return try f.readLine().map(Value.string)
    case .items(var it):
      defer { source = .items(it) }
      return it.next()
    }
  }

  var typeName: String { "_csv.reader" }
  var repr: String { "<_csv.reader object at \(CSVModule.address(self))>" }
  var attributeNames: [String] { ["line_num"] }
  func attribute(_ name: String) throws -> Value? { name == "line_num" ? .int(parser.lineNumber) : nil }
  func iterate() throws -> [Value]? { try remaining() }

  func advance() throws -> Value? {
    while let line = try nextLine() {
      guard case .string(let text) = line else {
        throw CellError(ename: "Error", "iterator should return strings, not \(line.typeName) (the file should be opened in text mode)")
      }
      if let record = try parser.feed(text) { return .list(record) }
    }
    guard !finished else { return nil }
    finished = true
    return try parser.finish().map(Value.list)
  }
}

/// `csv.DictReader(...)`: the first row names the fields unless fieldnames did.
final class CSVDictReaderObject: Advancing {
  let reader: CSVReaderObject
  private var fieldnames: [Value]?
  let restkey: Value
  let restval: Value

  init(_ reader: CSVReaderObject, fieldnames: [Value]?, restkey: Value, restval: Value) {
    self.reader = reader
    self.fieldnames = fieldnames
    self.restkey = restkey
    self.restval = restval
  }

  var typeName: String { "DictReader" }
  var repr: String { "<csv.DictReader object at \(CSVModule.address(self))>" }
  var attributeNames: [String] { ["fieldnames", "line_num", "reader", "restkey", "restval"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "fieldnames": return try names().map(Value.list) ?? Value.none
    case "line_num": return try reader.attribute(name)
    case "reader": return .host(reader)
    case "restkey": return restkey
    case "restval": return restval
    default: return nil
    }
  }

  /// The field names, reading the header row the first time they are needed.
  private func names() throws -> [Value]? {
    if fieldnames == nil, case .list(let header)? = try reader.advance() { fieldnames = header.items }
    return fieldnames
  }

  func iterate() throws -> [Value]? { try remaining() }

  func advance() throws -> Value? {
    let names = try names()
    while case .list(let record)? = try reader.advance() {
      if record.items.isEmpty { continue }  // a blank line is no row
      return .dict(try CSVDialect.dict(names ?? [], record.items, restkey: restkey, restval: restval))
    }
    return nil
  }
}

/// `csv.writer(...)`: each row is one call of the file's write.
final class CSVWriterObject: HostObject {
  let write: Value
  let dialect: CSVDialect

  init(_ write: Value, _ dialect: CSVDialect) {
    self.write = write
    self.dialect = dialect
  }

  var typeName: String { "_csv.writer" }
  var repr: String { "<_csv.writer object at \(CSVModule.address(self))>" }
  var attributeNames: [String] { ["writerow", "writerows"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "writerow":
      return Value.method("writerow(row)", "Writes one row; returns what the file's write returned.") { [self] a, ctx in
        try writeRow(a["row"]!, ctx)
      }
    case "writerows":
      return Value.method("writerows(rows)", "Writes each row in turn.") { [self] a, ctx in
        for row in try ValueIterator.collect(a["rows"]!) { _ = try writeRow(row, ctx) }
        return .none
      }
    default: return nil
    }
  }

  func writeRow(_ row: Value, _ ctx: CallContext) throws -> Value {
    let fields: [Value]
    do { fields = try ValueIterator.collect(row) } catch { throw CellError(ename: "Error", "iterable expected, not \(row.typeName)") }
    return try ctx.interpreter.call(write, Arguments([.string(try dialect.line(fields))]), context: ctx)
  }
}

/// `csv.DictWriter(...)`: dicts written in fieldnames' order, missing keys as restval.
final class CSVDictWriterObject: HostObject {
  let writer: CSVWriterObject
  let fieldnames: [Value]
  let restval: Value
  let raiseOnExtras: Bool

  init(_ writer: CSVWriterObject, fieldnames: [Value], restval: Value, raiseOnExtras: Bool) {
    self.writer = writer
    self.fieldnames = fieldnames
    self.restval = restval
    self.raiseOnExtras = raiseOnExtras
  }

  var typeName: String { "DictWriter" }
  var repr: String { "<csv.DictWriter object at \(CSVModule.address(self))>" }
  var attributeNames: [String] { ["fieldnames", "writeheader", "writerow", "writerows"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "fieldnames": return .list(fieldnames)
    case "writeheader":
      return Value.method("writeheader()", "Writes the field names as a row.") { [self] _, ctx in
        try writer.writeRow(.list(fieldnames), ctx)
      }
    case "writerow":
      return Value.method("writerow(rowdict)", "Writes one dict as a row.") { [self] a, ctx in try writeRow(a["rowdict"]!, ctx) }
    case "writerows":
      return Value.method("writerows(rowdicts)", "Writes each dict in turn.") { [self] a, ctx in
        for row in try ValueIterator.collect(a["rowdicts"]!) { _ = try writeRow(row, ctx) }
        return .none
      }
    default: return nil
    }
  }

  private func writeRow(_ row: Value, _ ctx: CallContext) throws -> Value {
    guard case .dict(let d) = row else { throw CellError(ename: "AttributeError", "'\(row.typeName)' object has no attribute 'keys'") }
    if raiseOnExtras {
      var wrong: [Value] = []
      for k in d.keys where try Operators.firstIndex(of: k, in: fieldnames, context: ctx) == nil { wrong.append(k) }
      if !wrong.isEmpty {
        throw CellError.valueError("dict contains fields not in fieldnames: " + wrong.map(\.repr).joined(separator: ", "))
      }
    }
    var fields: [Value] = []
    for name in fieldnames { fields.append(try d.get(name) ?? restval) }
    return try writer.writeRow(.list(fields), ctx)
  }
}
