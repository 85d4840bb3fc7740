/// `import sys` and `import typing`: the parts notebook code touches without needing a
/// Python behind them — the output streams, exit, version checks, and type hints (which
/// the language accepts and does not check).
enum SysModule {
  static func make(builtins: [String: Value]) -> ModuleObject {
    ModuleObject(
      name: "sys", summary: "The output streams, argv, path, version_info and exit, as Python's sys module.",
      functions: [
        Builtin("exit(status=None)", summary: "Stops the cell with SystemExit (the kernel keeps running).") { a, _ in
          throw CellError(ename: "SystemExit", a.value("status")?.str ?? "")
        },
        Builtin("getrecursionlimit()", summary: "How deeply functions may call each other.") { _, _ in .int(Interpreter.maxCallDepth) },
      ],
      constants: [
        ("stdout", builtins["stdout"] ?? .none), ("stderr", builtins["stderr"] ?? .none),
        ("argv", .list([.string("tabby")])), ("path", .list([])), ("platform", .string("linux")),
        ("maxsize", .int(Int.max)), ("byteorder", .string("little")),
        ("version", .string("3.11 (the Tabby cell language: a Python 3.11 subset)")),
        ("version_info", .tuple([.int(3), .int(11), .int(0), .string("final"), .int(0)])),
      ])
  }
}

enum TypingModule {
  static let names = [
    "Any", "Callable", "Dict", "FrozenSet", "Generator", "Iterable", "Iterator", "List", "Literal", "Mapping",
    "Optional", "Sequence", "Set", "Tuple", "Type", "Union",
  ]

  static func make() -> ModuleObject {
    ModuleObject(
      name: "typing", summary: "Type hints (List[int], Optional[str], …): accepted, not checked.",
      functions: [
        Builtin("cast(typ, val)", summary: "Returns val (a hint for type checkers).") { a, _ in a["val"]! },
        Builtin("TypeVar(name, *constraints, **kwargs)", summary: "A type variable for hints.") { a, _ in
          .host(TypeHint(try a.string("name", default: "T")))
        },
      ],
      constants: names.map { ($0, .host(TypeHint($0))) } + [("TYPE_CHECKING", .bool(false))])
  }
}

/// A type hint such as `List` or `Optional[str]`: subscripting gives another hint.
final class TypeHint: HostObject {
  let name: String
  init(_ name: String) { self.name = name }
  var typeName: String { "typing" }
  var repr: String { "typing.\(name)" }
  func item(_ key: Value) throws -> Value? {
    let items: [Value] = if case .tuple(let t) = key { t } else { [key] }
    let inner = items.map { v in
      if case .host(let h as TypeHint) = v { return h.repr }
      if case .function(let f) = v { return f.name }
      return v.repr
    }
    return .host(TypeHint("\(name)[\(inner.joined(separator: ", "))]"))
  }
}
