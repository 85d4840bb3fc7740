/// `import warnings`: `warn` and the filters notebooks set first thing
/// (`warnings.filterwarnings('ignore')`), with Python's actions (ignore, error, always,
/// default/module/once: shown once per message and category), its default filters
/// (pending-deprecation, import and resource warnings hidden) and `catch_warnings()`.
enum WarningsModule {
  static func make() -> ModuleObject {
    let state = WarningFilters()
    return ModuleObject(
      name: "warnings", summary: "warn() and warning filters, as Python's warnings module.",
      functions: [
        Builtin("warn(message, category=None, stacklevel=1)", summary: "Shows 'UserWarning: message' on stderr, unless a filter says otherwise.") { a, ctx in
          let category = try a["category"].map(categoryName) ?? "UserWarning"
          try state.warn(a["message"]!.str, category, ctx)
          return .none
        },
        Builtin(
          "filterwarnings(action, message='', category=None, module='', lineno=0, append=False)",
          summary: "Adds a filter: action ('ignore', 'error', 'always', 'default', 'once', 'module') for warnings whose text starts with message (a regex)."
        ) { a, _ in
          try state.add(a, message: try a.string("message", default: ""))
          return .none
        },
        Builtin("simplefilter(action, category=None, lineno=0, append=False)", summary: "Adds a filter for every warning of category: simplefilter('ignore').") { a, _ in
          try state.add(a, message: "")
          return .none
        },
        Builtin("resetwarnings()", summary: "Removes every filter (so every warning shows, once per message).") { _, _ in
          state.filters.removeAll()
          return .none
        },
        Builtin("catch_warnings(*, record=False)", summary: "A with-block after which the filters are as before it.") { a, _ in
          guard try !a.bool("record", default: false) else { throw CellError(ename: "NotImplementedError", "catch_warnings(record=True) is not available in Tabby cells") }
          return .host(CatchWarnings(state))
        },
      ],
      // The categories are built-in exception types (Exceptions.parents), offered here too.
      constants: Exceptions.parents.keys.filter { Exceptions.matches($0, "Warning") }.sorted().map { ($0, .host(ExceptionType($0))) })
  }

  static func categoryName(_ v: Value) throws(CellError) -> String {
    switch v {
    case .none: return "UserWarning"  // warn()'s default
    case .host(let t as ExceptionType) where Exceptions.matches(t.name, "Warning"): return t.name
    default: throw CellError.typeError("category must be a Warning subclass, not '\(v.typeName)'")
    }
  }
}

/// One session's warning filters, newest first, as Python keeps them.
final class WarningFilters {
  struct Filter {
    let action: String
    let message: PatternObject?
    let category: String
  }
  static let actions: Set<String> = ["ignore", "error", "always", "default", "module", "once"]
  var filters: [Filter] = ["ResourceWarning", "ImportWarning", "PendingDeprecationWarning"].map { Filter(action: "ignore", message: nil, category: $0) }
  private var shown: Set<String> = []

  func add(_ a: BoundArguments, message: String) throws(CellError) {
    let action = try a.string("action", default: "")
    guard Self.actions.contains(action) else { throw CellError(ename: "AssertionError", "invalid action: \(Value.string(action).repr)") }
    var category = "Warning"  // no category: the filter covers every warning
    if let v = a["category"], !v.isNoneValue { category = try WarningsModule.categoryName(v) }
    let pattern = message.isEmpty ? nil : try PatternObject(message, flags: RegexFlags.ignoreCase.rawValue)
    let filter = Filter(action: action, message: pattern, category: category)
    if try a.bool("append", default: false) { filters.append(filter) } else { filters.insert(filter, at: 0) }
  }

  func warn(_ text: String, _ category: String, _ ctx: CallContext) throws(CellError) {
    var action = "default"
    for f in filters where Exceptions.matches(category, f.category) {
      if let p = f.message, !(try p.matchesStart(of: text)) { continue }
      action = f.action
      break
    }
    switch action {
    case "ignore": return
    case "error": throw CellError(ename: category, text)
    case "always": break
    default:
      // Python shows it once per code location; a cell is the location here (a re-run shows it again).
      guard shown.insert("\(ctx.interpreter.cellsRun)\u{0}\(category)\u{0}\(text)").inserted else { return }
    }
    ctx.sink.stream(.stderr, "<cell>: \(category): \(text)\n")
  }
}

/// `with warnings.catch_warnings():` — the filters set inside last until the block ends.
final class CatchWarnings: ContextManager {
  private let state: WarningFilters
  private var saved: [WarningFilters.Filter] = []
  init(_ state: WarningFilters) { self.state = state }

  var typeName: String { "catch_warnings" }
  var repr: String { "catch_warnings()" }
  func enter() throws(CellError) -> Value {
    saved = state.filters
    return .none
  }
  func exit() { state.filters = saved }
}
