#if canImport(Glibc)
  import Glibc
#endif

/// `logging.StreamHandler` / `FileHandler`: where formatted records go.
final class LogHandler: HostObject {
  enum Target {
    /// A stream value (`sys.stdout`, an open file, anything with `write`); None is stderr.
    case stream(Value)
    case file(String)
  }
  let target: Target
  var level = 0
  var formatter: LogFormatter?

  init(_ target: Target) { self.target = target }

  var typeName: String {
    if case .file = target { return "FileHandler" }
    return "StreamHandler"
  }
  var repr: String {
    let level = LoggingModule.levels.first { $0.1 == self.level }?.0 ?? "Level \(self.level)"
    switch target {
    case .file(let path): return "<FileHandler \(path) (\(level))>"
    case .stream(.none): return "<StreamHandler <stderr> (\(level))>"
    case .stream(let s): return "<StreamHandler \(s.repr) (\(level))>"
    }
  }

  func emit(_ record: LogRecord, _ ctx: CallContext) throws(CellError) {
    let text = try (formatter ?? LogFormatter("%(message)s", nil)).format(record) + "\n"
    switch target {
    case .file(let path):
      do { try FileAccess.write(path, Array(text.utf8), append: true, ctx) } catch { throw Interpreter.cellError(from: error) }
    case .stream(.none): ctx.sink.stream(.stderr, text)
    case .stream(.host(let s as StreamObject)): ctx.sink.stream(s.stream, text)
    case .stream(let s): _ = try ctx.interpreter.call(try Access.attribute(s, "write"), Arguments([.string(text)]), context: ctx)
    }
  }

  var attributeNames: [String] { ["level", "formatter", "setLevel", "setFormatter"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "level": return .int(level)
    case "formatter": return formatter.map { .host($0) } ?? Value.none
    case "setLevel":
      return Value.method("setLevel(level)", "Records below level are skipped by this handler.") { [self] a, _ in
        level = try LoggingState.level(a["level"]!)
        return .none
      }
    case "setFormatter":
      return Value.method("setFormatter(fmt)", "How this handler writes records.") { [self] a, _ in
        guard case .host(let f as LogFormatter) = a["fmt"]! else { throw CellError.typeError("expected a logging.Formatter, not \(a["fmt"]!.typeName)") }
        formatter = f
        return .none
      }
    default: return nil
    }
  }
}

/// `logging.Formatter(fmt, datefmt)`: `fmt % record` over the record's fields, as Python's
/// %-style formatter (asctime as "2024-03-15 10:00:00,123" unless datefmt says otherwise).
final class LogFormatter: HostObject {
  let format: String
  let dateFormat: String?

  init(_ format: String, _ dateFormat: String?) {
    self.format = format
    self.dateFormat = dateFormat
  }

  var typeName: String { "Formatter" }
  var repr: String { "<logging.Formatter object>" }

  func format(_ r: LogRecord) throws(CellError) -> String {
    let fields = DictObject()
    let msecs = Int((r.created - r.created.rounded(.down)) * 1000)
    let pairs: [(String, Value)] = [
      ("name", .string(r.name)), ("levelname", .string(r.levelName)), ("levelno", .int(r.level)),
      ("message", .string(r.message)), ("msg", .string(r.message)), ("created", .float(r.created)), ("msecs", .float(Double(msecs))),
      ("process", .int(Int(getpid()))), ("processName", .string("MainProcess")), ("threadName", .string("MainThread")),
      ("module", .string("<cell>")), ("filename", .string("<cell>")), ("pathname", .string("<cell>")), ("funcName", .string("<module>")),
      ("lineno", .int(0)),
    ]
    for (k, v) in pairs { try fields.set(.string(k), v) }
    if format.contains("%(asctime)") {
      let instant = try DateTimeModule.local(r.created.rounded(.down))
      let stamp = DateTimeModule.strftime(instant, dateFormat ?? "%Y-%m-%d %H:%M:%S")
      try fields.set(.string("asctime"), .string(dateFormat == nil ? stamp + "," + DateTimeModule.pad(msecs, 3) : stamp))
    }
    return try PercentFormat.format(format, .dict(fields))
  }
}
