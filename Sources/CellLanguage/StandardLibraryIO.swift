#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Built-ins that talk to the frontend (print, input, display, sleep) or describe
/// the session (help, who, dir, type).
extension StandardLibrary {
  static func io() -> [Builtin] {
    [
      Builtin(
        "print(*values, sep=' ', end='\\n', file=stdout, flush=False)",
        summary: "Prints the values to stdout (or file=stderr), separated by sep and followed by end."
      ) { a, ctx in
        let sep = try a.string("sep") ?? " "
        let end = try a.string("end") ?? "\n"
        var stream = OutputStreamName.stdout
        let text = a.variadic.map(\.str).joined(separator: sep) + end
        try ctx.interpreter.raiseDeferredError()  // a `__str__` that failed prints nothing
        switch a["file"] {
        case nil, .none?: break
        case .host(let s as StreamObject)?: stream = s.stream
        case let f?:
          // An open file (or anything with a write method), as in Python.
          guard let write = try? Access.attribute(f, "write") else {
            throw CellError(ename: "AttributeError", "'\(f.typeName)' object has no attribute 'write'")
          }
          _ = try ctx.interpreter.call(write, Arguments([.string(text)]), context: ctx)
          return .none
        }
        ctx.sink.stream(stream, text)
        return .none
      },
      Builtin(
        "input(prompt='')", summary: "Asks the user for a line of text and returns it.",
        details: "Fails with StdinNotImplementedError when the frontend does not allow input."
      ) { a, ctx in
        guard ctx.execution.allowStdin else {
          throw CellError(
            ename: "StdinNotImplementedError",
            "raw_input was called, but this frontend does not support input requests.")
        }
        return .string(try ctx.sink.readInput(prompt: try a.string("prompt") ?? "", password: false))
      },
      Builtin("getpass(prompt='Password: ')", summary: "Asks for a line of text without showing it (a password).") { a, ctx in
        guard ctx.execution.allowStdin else {
          throw CellError(
            ename: "StdinNotImplementedError",
            "getpass was called, but this frontend does not support input requests.")
        }
        return .string(try ctx.sink.readInput(prompt: try a.string("prompt") ?? "Password: ", password: true))
      },
      Builtin(
        "display(*values, display_id=None)", summary: "Shows each value as rich output (display_data).",
        details: "With display_id, update_display(value, display_id=...) later replaces it in place."
      ) { a, ctx in
        let id = try a.string("display_id")
        for v in a.variadic { ctx.sink.display(v.mimeBundle, displayID: id) }
        return .none
      },
      Builtin("update_display(value, *, display_id)", summary: "Replaces an earlier display with the same display_id.") { a, ctx in
        ctx.sink.updateDisplay(a["value"]!.mimeBundle, displayID: try a.string("display_id", default: ""))
        return .none
      },
      Builtin("html(source)", summary: "Returns a value that is shown as HTML: html('<b>hi</b>').") { a, _ in
        .host(HTMLObject(try a.string("source", default: "")))
      },
      Builtin(
        "clear_output(wait=False)", summary: "Clears the cell's output (with wait=True, when new output arrives)."
      ) { a, ctx in
        ctx.sink.clearOutput(wait: try a.bool("wait", default: false))
        return .none
      },
      Builtin(
        "sleep(seconds)", summary: "Waits for the given number of seconds; an interrupt stops it at once."
      ) { a, ctx in
        try sleep(a.double("seconds", default: 0), ctx)
        return .none
      },
    ]
  }

  /// Sleeps in slices of at most 10 ms so that an interrupt is seen within that time.
  static func sleep(_ seconds: Double, _ ctx: CallContext) throws(CellError) {
    guard seconds >= 0, !seconds.isNaN else { throw .valueError("sleep length must be non-negative") }
    guard seconds < 1e9 else { throw CellError(ename: "OverflowError", "sleep length is too large") }
    let clock = ContinuousClock()
    let deadline = clock.now.advanced(by: .seconds(seconds))
    while true {
      try ctx.checkInterrupt()
      let left = deadline - clock.now
      guard left > .zero else { return }
      let (s, atto) = min(left, .milliseconds(10)).components
      usleep(useconds_t(s * 1_000_000 + atto / 1_000_000_000_000))
    }
  }

  static func introspection() -> [Builtin] {
    [
      Builtin(
        "help(obj=None)", summary: "Lists the built-ins; help(x) shows x's help (as does x?).") { a, ctx in
        if let v = a["obj"], v != .none {
          ctx.sink.stream(.stdout, ctx.interpreter.helpText(for: v, name: "") + "\n")
        } else {
          ctx.sink.stream(.stdout, ctx.interpreter.helpIndex + "\n")
        }
        return .none
      },
      Builtin("who()", summary: "Prints the names of your variables.") { _, ctx in
        let names = ctx.interpreter.variableNames
        ctx.sink.stream(.stdout, names.isEmpty ? "Interactive namespace is empty.\n" : names.joined(separator: "\t") + "\n")
        return .none
      },
      Builtin("dir(obj=None)", summary: "Returns your variables' names, or the attributes of obj.") { a, ctx in
        guard let v = a["obj"] else { return .list(ListObject(ctx.interpreter.variableNames.map(Value.string))) }
        return .list(ListObject(attributeNames(of: v).map(Value.string)))
      },
      Builtin("locals()", summary: "The running function's variables as a dict (a copy); at the top level, globals().") { _, ctx in
        try StandardLibrary.globalsCopy(ctx.interpreter)
      },
      Builtin("globals()", summary: "Your variables as a dict: name → value (a copy: assigning into it sets nothing).") { _, ctx in
        try StandardLibrary.globalsCopy(ctx.interpreter)
      },
      Builtin("type(obj)", summary: "Returns the type of a value: type(1) is <class 'int'>.") { a, ctx in
        let v = a["obj"]!
        if case .host(let i as InstanceObject) = v { return .host(i.cls) }
        // The built-in type itself where there is one, so `type(x) is int` and
        // `type(e) is ValueError` hold and `{int: …}[type(x)]` finds its key.
        switch ctx.interpreter.builtins[v.typeName] {
        case .function(let f)? where f.isType: return .function(f)
        case .host(let e as ExceptionType)?: return .host(e)
        default: return .host(TypeObject(v.typeName))
        }
      },
    ]
  }

  /// `globals()`: the session's variables, copied into a dict.
  static func globalsCopy(_ interpreter: Interpreter) throws(CellError) -> Value {
    let d = DictObject()
    for name in interpreter.variableNames { if let v = interpreter.lookup(name) { try d.set(.string(name), v) } }
    return .dict(d)
  }

  /// What `dir(x)` lists and completion offers after `x.`.
  static func attributeNames(of v: Value) -> [String] {
    if case .host(let h) = v { return h.attributeNames.sorted() }
    return Methods.names(for: v)
  }
}
