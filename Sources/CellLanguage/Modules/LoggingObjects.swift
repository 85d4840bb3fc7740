#if canImport(Glibc)
  import Glibc
#endif

/// A `logging.Logger`: a level, handlers, and its place in the dotted-name tree.
final class LogLogger: HostObject {
  let name: String
  var level: Int
  var handlers: [LogHandler] = []
  var propagate = true
  /// Set by the state that made it (which outlives its loggers: the module holds both).
  unowned(unsafe) var state: LoggingState!

  init(_ name: String, level: Int) {
    self.name = name
    self.level = level
  }

  var typeName: String { name == "root" ? "RootLogger" : "Logger" }
  var repr: String {
    let level = LoggingModule.levels.first { $0.1 == effectiveLevel }?.0 ?? "Level \(effectiveLevel)"
    return "<\(typeName) \(name) (\(level))>"
  }

  var effectiveLevel: Int {
    var l: LogLogger? = self
    while let c = l {
      if c.level != 0 { return c.level }
      l = state.parent(of: c)
    }
    return 0
  }

  func isEnabled(for level: Int) -> Bool { state.disabled < level && level >= effectiveLevel }

  /// Formats `msg % args` once and hands the record to every handler up the tree (until a
  /// logger that does not propagate); with none at all, WARNING and above go to stderr bare.
  func log(_ level: Int, _ msg: Value, _ args: [Value], _ ctx: CallContext) throws(CellError) {
    guard isEnabled(for: level) else { return }
    let record = try LogRecord(name: name, level: level, msg: msg, args: args)
    var found = false
    var l: LogLogger? = self
    while let c = l {
      for h in c.handlers where level >= h.level {
        found = true
        try h.emit(record, ctx)
      }
      l = c.propagate ? state.parent(of: c) : nil
    }
    if !found && level >= 30 { ctx.sink.stream(.stderr, record.message + "\n") }
  }

  var attributeNames: [String] {
    ["name", "level", "handlers", "propagate", "parent"] + Self.methods.map(\.0) + ["setLevel", "addHandler", "removeHandler", "isEnabledFor", "getEffectiveLevel", "log", "hasHandlers"]
  }
  private static let methods: [(String, Int)] = [
    ("debug", 10), ("info", 20), ("warning", 30), ("warn", 30), ("error", 40), ("exception", 40), ("critical", 50), ("fatal", 50),
  ]

  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "name": return .string(name)
    case "level": return .int(level)
    case "handlers": return .list(ListObject(handlers.map { .host($0) }))
    case "propagate": return .bool(propagate)
    case "parent": return state.parent(of: self).map { .host($0) } ?? Value.none
    case "setLevel":
      return Value.method("setLevel(level)", "Messages below level are dropped.") { [self] a, _ in
        level = try LoggingState.level(a["level"]!)
        return .none
      }
    case "addHandler", "removeHandler":
      return Value.method("\(attr)(hdlr)", "Adds or removes a handler.") { [self] a, _ in
        guard case .host(let h as LogHandler) = a["hdlr"]! else { throw CellError.typeError("expected a logging handler, not \(a["hdlr"]!.typeName)") }
        if attr == "addHandler" { if !handlers.contains(where: { $0 === h }) { handlers.append(h) } } else { handlers.removeAll { $0 === h } }
        return .none
      }
    case "isEnabledFor":
      return Value.method("isEnabledFor(level)", "Whether a message at level would be handled.") { [self] a, _ in
        .bool(isEnabled(for: try LoggingState.level(a["level"]!)))
      }
    case "getEffectiveLevel": return Value.method("getEffectiveLevel()", "The level in force (its own, or the nearest ancestor's).") { [self] _, _ in .int(effectiveLevel) }
    case "hasHandlers":
      return Value.method("hasHandlers()", "Whether this logger or an ancestor it propagates to has handlers.") { [self] _, _ in
        var l: LogLogger? = self
        while let c = l {
          if !c.handlers.isEmpty { return .bool(true) }
          l = c.propagate ? state.parent(of: c) : nil
        }
        return .bool(false)
      }
    case "log":
      return Value.method("log(level, msg, *args)", "Logs msg % args at level.") { [self] a, ctx in
        try log(try LoggingState.level(a["level"]!), a["msg"]!, a.variadic, ctx)
        return .none
      }
    default:
      guard let level = Self.methods.first(where: { $0.0 == attr })?.1 else { return nil }
      return Value.method("\(attr)(msg, *args)", "Logs msg % args at this level.") { [self] a, ctx in
        try log(level, a["msg"]!, a.variadic, ctx)
        return .none
      }
    }
  }

  func setAttribute(_ attr: String, _ value: Value) throws {
    switch attr {
    case "propagate": propagate = value.isTruthy
    case "level": level = try LoggingState.level(value)
    default: throw CellError(ename: "AttributeError", "'Logger' object attribute '\(attr)' cannot be set here")
    }
  }
}

/// What a handler formats: the message and when and where it was logged.
struct LogRecord {
  let name: String
  let level: Int
  let message: String
  let created: Double

  init(name: String, level: Int, msg: Value, args: [Value]) throws(CellError) {
    self.name = name
    self.level = level
    // Python: str(msg) % args, a lone non-empty dict argument being the mapping.
    var text = msg.str
    if !args.isEmpty {
      if args.count == 1, case .dict(let d) = args[0], d.count > 0 {
        text = try PercentFormat.format(text, args[0])
      } else {
        text = try PercentFormat.format(text, .tuple(args))
      }
    }
    message = text
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    created = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
  }

  var levelName: String { LoggingModule.levels.first { $0.1 == level }?.0 ?? "Level \(level)" }
}
