/// The modules `import` reaches: a few of Python's standard library, built in (there is no
/// module search path, and no Python). Each interpreter makes its own on first import, so
/// a session's `random.seed` does not reach another session.
enum Modules {
  static let available = [
    "bisect", "collections", "copy", "csv", "dataclasses", "datetime", "enum", "functools", "glob", "heapq", "io", "itertools", "json", "logging", "math", "operator",
    "os", "os.path", "pathlib", "pprint", "random", "re", "shutil", "statistics", "string", "sys", "tempfile", "textwrap", "time", "typing", "warnings",
  ]

  static let topLevel = available.filter { !$0.contains(".") }

  /// `builtins`: the interpreter's own, which a module may also offer (time.sleep).
  static func make(_ name: String, builtins: [String: Value], interpreter: Interpreter) -> ModuleObject? {
    switch name {
    case "math": MathModule.make()
    case "random": RandomModule.make()
    case "time": TimeModule.make(shared: ["time", "sleep"].compactMap { if case .function(let b)? = builtins[$0] { b } else { nil } })
    case "json": JSONModule.make()
    case "collections": try? CollectionsModule.make(interpreter)
    case "itertools": IterToolsModule.make()
    case "functools": FuncToolsModule.make()
    case "statistics": try? StatisticsModule.make(interpreter)
    case "os": OSModule.make(path: PathModule.make())
    case "os.path": PathModule.make()
    case "sys": SysModule.make(builtins: builtins)
    case "typing": TypingModule.make()
    case "dataclasses": DataClassesModule.make()
    case "copy": CopyModule.make()
    case "csv": CSVModule.make()
    case "string": try? StringModule.make(interpreter)
    case "glob": GlobModule.make()
    case "re": RegexModule.make()
    case "logging": LoggingModule.make()
    case "enum": try? EnumModule.make(interpreter)
    case "io": IOModule.make()
    case "shutil": ShutilModule.make()
    case "tempfile": TempFileModule.make()
    case "warnings": WarningsModule.make()
    case "pprint": PprintModule.make()
    case "textwrap": TextwrapModule.make()
    case "heapq": HeapModule.make()
    case "bisect": BisectModule.make()
    case "operator": OperatorModule.make(shared: ["abs"].compactMap { if case .function(let b)? = builtins[$0] { b } else { nil } })
    case "datetime": try? DateTimeModule.make(interpreter)
    case "pathlib": try? PathLib.make(interpreter)
    default: nil
    }
  }

  /// The error for a module that is not built in, with the ones that are.
  static func notFound(_ name: String) -> CellError {
    let top = name.split(separator: ".").first.map(String.init) ?? name
    if available.contains(top) {
      return CellError(ename: "ModuleNotFoundError", "No module named '\(name)'; '\(top)' is not a package")
    }
    return CellError(
      ename: "ModuleNotFoundError",
      "No module named '\(top)' (Tabby cells have no Python packages; the built-in modules are "
        + topLevel.dropLast().joined(separator: ", ") + " and " + topLevel.last! + "; array() makes numpy-style arrays)")
  }
}

/// A built-in module: its name and its members, in the order `dir()` lists them.
final class ModuleObject: HostObject {
  let name: String
  let summary: String
  let members: [String: Value]
  let order: [String]

  init(name: String, summary: String, functions: [Builtin], constants: [(String, Value)] = []) {
    self.name = name
    self.summary = summary
    let all = constants + functions.map { ($0.name, Value.function($0)) }
    members = Dictionary(all, uniquingKeysWith: { a, _ in a })
    order = all.map(\.0)
  }

  var typeName: String { "module" }
  var repr: String { "<module '\(name)' (built-in)>" }
  var attributeNames: [String] { order }
  func attribute(_ name: String) throws -> Value? { members[name] }

  var help: String? {
    let lines = order.map { n -> String in
      let text: String
      switch members[n]! {
      case .function(let f): text = f.summary
      case let v: text = v.repr
      }
      return "  " + n + String(repeating: " ", count: max(1, 14 - n.count)) + text
    }
    return "\(repr)\n\(summary)\n\n" + lines.joined(separator: "\n")
  }
}
