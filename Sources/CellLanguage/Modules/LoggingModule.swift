#if canImport(Glibc)
  import Glibc
#endif

/// `import logging`: Python's loggers, levels, handlers and formatters for the everyday
/// uses (basicConfig, getLogger, info/warning…), with Python's defaults: the root logger
/// at WARNING, module functions configuring stderr on first use ("INFO:root:message"),
/// and a logger without handlers falling back to the bare message on stderr.
enum LoggingModule {
  static let levels: [(String, Int)] = [("CRITICAL", 50), ("ERROR", 40), ("WARNING", 30), ("INFO", 20), ("DEBUG", 10), ("NOTSET", 0)]
  static let defaultFormat = "%(levelname)s:%(name)s:%(message)s"

  static func make() -> ModuleObject {
    let state = LoggingState()
    var functions: [Builtin] = [
      Builtin("getLogger(name=None)", summary: "The logger of that name (dotted names form a tree under the root logger).") { a, _ in
        .host(state.logger(try a.string("name")))
      },
      Builtin(
        "basicConfig(*, level=None, format=None, datefmt=None, stream=None, filename=None, filemode='a', force=False)",
        summary: "Gives the root logger a handler (stderr, a stream or a file) and a format, once (force=True replaces it)."
      ) { a, ctx in
        try state.basicConfig(a, ctx)
        return .none
      },
      Builtin("getLevelName(level)", summary: "'INFO' for 20, 20 for 'INFO' (as Python).") { a, _ in
        switch a["level"]! {
        case .int(let n): return .string(levels.first { $0.1 == n }?.0 ?? "Level \(n)")
        case .string(let s): return levels.first { $0.0 == s }.map { .int($0.1) } ?? .string("Level \(s)")
        case let v: return .string("Level \(v.str)")
        }
      },
      Builtin("disable(level=50)", summary: "Drops every message at level and below, whatever the loggers say.") { a, _ in
        state.disabled = try LoggingState.level(a["level"]!)
        return .none
      },
      Builtin("StreamHandler(stream=None)", summary: "A handler writing to stream (sys.stderr by default).") { a, _ in
        .host(LogHandler(.stream(a["stream"] ?? .none)))
      },
      Builtin("FileHandler(filename, mode='a')", summary: "A handler appending to a file (mode='w' empties it first).") { a, ctx in
        .host(LogHandler(.file(try LoggingState.openFile(a["filename"]!, mode: try a.string("mode", default: "a"), ctx))))
      },
      Builtin("Formatter(fmt=None, datefmt=None)", summary: "How records are written: '%(asctime)s %(levelname)s %(message)s'.") { a, _ in
        .host(LogFormatter(try a.string("fmt") ?? "%(message)s", try a.string("datefmt")))
      },
    ]
    for (name, level) in [("debug", 10), ("info", 20), ("warning", 30), ("warn", 30), ("error", 40), ("exception", 40), ("critical", 50), ("fatal", 50)] {
      functions.append(Builtin("\(name)(msg, *args)", summary: "Logs msg % args on the root logger at \(levels.first { $0.1 == level }!.0).") { a, ctx in
        if state.root.handlers.isEmpty { try state.configure(nil, ctx) }
        try state.root.log(level, a["msg"]!, a.variadic, ctx)
        return .none
      })
    }
    functions.append(Builtin("log(level, msg, *args)", summary: "Logs msg % args on the root logger at level.") { a, ctx in
      if state.root.handlers.isEmpty { try state.configure(nil, ctx) }
      try state.root.log(try LoggingState.level(a["level"]!), a["msg"]!, a.variadic, ctx)
      return .none
    })
    return ModuleObject(
      name: "logging", summary: "Loggers, levels, handlers and formatters, as Python's logging.", functions: functions,
      constants: levels.map { ($0.0, Value.int($0.1)) } + [("WARN", .int(30)), ("FATAL", .int(50)), ("root", .host(state.root))])
  }
}

/// One session's loggers (each interpreter makes its own module, so its own tree).
final class LoggingState {
  let root: LogLogger
  private var loggers: [String: LogLogger] = [:]
  var disabled = 0

  init() {
    root = LogLogger("root", level: 30)
    root.state = self
  }

  func logger(_ name: String?) -> LogLogger {
    guard let name, name != "root", !name.isEmpty else { return root }
    if let l = loggers[name] { return l }
    let l = LogLogger(name, level: 0)
    l.state = self
    loggers[name] = l
    return l
  }

  /// The nearest existing ancestor by dotted name ("a.b.c" → "a.b", then "a", then root).
  func parent(of l: LogLogger) -> LogLogger? {
    guard l !== root else { return nil }
    var name = Substring(l.name)
    while let dot = name.lastIndex(of: ".") {
      name = name[..<dot]
      if let p = loggers[String(name)] { return p }
    }
    return root
  }

  /// A log file's path; mode "w" empties the file now, as Python's handler does on opening it.
  static func openFile(_ v: Value, mode: String, _ ctx: CallContext) throws(CellError) -> String {
    guard let path = try PathLib.fspath(v) else { throw PathLib.fspathError(v) }
    guard mode == "a" || mode == "w" else { throw CellError.valueError("FileHandler mode must be 'a' or 'w', not \(Value.string(mode).repr)") }
    do { try FileAccess.write(path, [], append: mode == "a", ctx) } catch { throw Interpreter.cellError(from: error) }
    return path
  }

  static func level(_ v: Value) throws(CellError) -> Int {
    switch v {
    case .int(let n): return n
    case .string(let s):
      guard let l = LoggingModule.levels.first(where: { $0.0 == s }) ?? (s == "WARN" ? ("WARN", 30) : nil) else {
        throw CellError.valueError("Unknown level: \(Value.string(s).repr)")
      }
      return l.1
    default: throw CellError.typeError("Level not an integer or a valid string: \(v.repr)")
    }
  }

  func basicConfig(_ a: BoundArguments, _ ctx: CallContext) throws(CellError) {
    if try a.bool("force", default: false) { root.handlers.removeAll() }
    guard root.handlers.isEmpty else { return }
    if a["stream"] != nil && a["filename"] != nil {
      throw CellError.valueError("'stream' and 'filename' should not be specified together")
    }
    try configure(a, ctx)
    if let level = a["level"] { root.level = try Self.level(level) }
  }

  /// basicConfig's handler: a file, a stream or stderr, with the format asked for.
  func configure(_ a: BoundArguments?, _ ctx: CallContext) throws(CellError) {
    let target: LogHandler.Target
    if let file = a?["filename"] {
      target = .file(try Self.openFile(file, mode: try a?.string("filemode", default: "a") ?? "a", ctx))
    } else {
      target = .stream(a?["stream"] ?? .none)
    }
    let handler = LogHandler(target)
    handler.formatter = LogFormatter(try a?.string("format") ?? LoggingModule.defaultFormat, try a?.string("datefmt"))
    root.handlers.append(handler)
  }
}
