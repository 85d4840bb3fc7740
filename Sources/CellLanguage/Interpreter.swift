import JSON

/// An error as Jupyter shows it: Python-like name, message, and a rendered traceback
/// (the offending line with a caret under the fault).
public struct LanguageError: Error, Equatable, Sendable {
  public var ename: String
  public var evalue: String
  public var traceback: [String]

  public init(ename: String, evalue: String, traceback: [String] = []) {
    self.ename = ename
    self.evalue = evalue
    self.traceback = traceback.isEmpty ? ["\(ename): \(evalue)"] : traceback
  }
}

/// What running a cell produced besides its streamed output.
public struct ExecutionOutcome: Sendable {
  /// The value of the cell's last expression (an `execute_result`), if any.
  public var result: MimeBundle?
  /// Text for the pager (`print?`), sent as a `page` payload.
  public var pager: String?

  public init(result: MimeBundle? = nil, pager: String? = nil) {
    self.result = result
    self.pager = pager
  }
}

/// Completion matches and the code-point range they replace.
public struct Completion: Equatable, Sendable {
  public var matches: [String]
  public var cursorStart: Int
  public var cursorEnd: Int

  public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
  }
}

/// is_complete's verdict.
public enum Completeness: Equatable, Sendable {
  case complete
  case incomplete(indent: String)
  case invalid
  case unknown
}

/// The per-cell environment the kernel hands to `execute`.
public struct ExecutionContext {
  public var sink: OutputSink
  public var interrupt: InterruptFlag
  public var allowStdin: Bool
  /// The cell's execution count, shown in traceback headers ("Cell In[3], line 1").
  public var executionCount: Int?

  public init(sink: OutputSink, interrupt: InterruptFlag, allowStdin: Bool, executionCount: Int? = nil) {
    self.sink = sink
    self.interrupt = interrupt
    self.allowStdin = allowStdin
    self.executionCount = executionCount
  }
}

/// The cell language's entry points — the only API the kernel calls. Cursor
/// positions are in Unicode code points, as the Jupyter protocol (5.2+) counts them.
/// Variables persist across cells; hosts extend it with `register` and `define`.
public final class Interpreter {
  /// The user's variables.
  var globals: [String: Value] = [:]
  /// Built-in functions and constants, in registration order (for `help()`).
  var builtins: [String: Value] = [:]
  var builtinNames: [String] = []
  /// The built-in modules this session imported, made on first import (see Modules).
  var modules: [String: ModuleObject] = [:]
  /// How many user functions are running (each call nests native frames).
  var callDepth = 0
  /// Colour tracebacks with ANSI escapes (as IPython does); tests turn it off.
  public var colorTracebacks: Bool

  public init(colorTracebacks: Bool = true) {
    self.colorTracebacks = colorTracebacks
    for b in StandardLibrary.builtins() { register(b) }
    define(name: "stderr", value: .host(StreamObject(.stderr)))
    define(name: "stdout", value: .host(StreamObject(.stdout)))
    for name in Exceptions.builtinNames.sorted() { define(name: name, value: .host(ExceptionType(name))) }
    define(name: "In", value: .list(inputs))
    define(name: "Out", value: .dict(outputs))
  }

  /// `In` and `Out`, as IPython keeps them: every cell's code, and the results by count.
  let inputs = ListObject([.string("")])
  let outputs = DictObject()

  /// Records a run cell in `In`, and its result in `Out` and `_`, `__`, `___`.
  func remember(code: String, count: Int?, result: Value?) {
    guard let count else { return }
    while inputs.items.count < count { inputs.items.append(.string("")) }
    if inputs.items.count == count { inputs.items.append(.string(code)) } else { inputs.items[count] = .string(code) }
    guard let result else { return }
    if case .none = result { return }
    try? outputs.set(.int(count), result)
    builtins["___"] = builtins["__"] ?? .string("")
    builtins["__"] = builtins["_"] ?? .string("")
    builtins["_"] = result
  }

  // MARK: Extension points

  /// Adds (or replaces) a built-in function; it appears in `help()`, completion and inspection.
  public func register(_ builtin: Builtin) {
    define(name: builtin.name, value: .function(builtin))
  }

  /// Adds (or replaces) a built-in name bound to a value (e.g. `cpu`, `gpu`).
  public func define(name: String, value: Value) {
    if builtins.updateValue(value, forKey: name) == nil { builtinNames.append(name) }
  }

  /// A user variable's value (nil when unset). Hosts and tests read results with it.
  public func variable(_ name: String) -> Value? { globals[name] }

  /// Sets a user variable.
  public func setVariable(_ name: String, _ value: Value) { globals[name] = value }

  /// The user's variable names, sorted (what `who()` lists).
  public var variableNames: [String] { globals.keys.sorted() }

  func lookup(_ name: String) -> Value? { globals[name] ?? builtins[name] }

  /// A built-in module by name, made on its first import; ModuleNotFoundError otherwise.
  func module(_ name: String) throws(CellError) -> ModuleObject {
    if let m = modules[name] { return m }
    guard let m = Modules.make(name, builtins: builtins) else { throw Modules.notFound(name) }
    modules[name] = m
    return m
  }

  // MARK: The kernel's API

  /// Runs a cell. Output streams to `context.sink`; errors come back as `LanguageError`.
  public func execute(_ code: String, context: ExecutionContext) throws(LanguageError) -> ExecutionOutcome {
    var src = Array(code.unicodeScalars)
    if let topic = HelpQuery.parse(src) {
      return ExecutionOutcome(pager: helpPage(topic))
    }
    // `name?` on a line of its own inside a longer cell: the rest runs, the help is paged.
    let topics = HelpQuery.extractLines(&src)
    let output = OutputBuffer(context.sink, flag: context.interrupt)
    defer { output.finish() }
    var context = context
    context.sink = output
    do throws(CellError) {
      let module = try Parser.parse(src)
      let evaluator = Evaluator(interpreter: self, context: CallContext(execution: context, interpreter: self))
      let value = try evaluator.runCell(module.body)
      remember(code: code, count: context.executionCount, result: value)
      let pager = topics.last.map(helpPage)
      guard let value, !module.trailingSemicolon else { return ExecutionOutcome(pager: pager) }
      if case .none = value { return ExecutionOutcome(pager: pager) }
      return ExecutionOutcome(result: value.mimeBundle, pager: pager)
    } catch {
      remember(code: code, count: context.executionCount, result: nil)
      throw renderer(context.executionCount).render(error, source: src)
    }
  }

  /// Evaluates one expression for `user_expressions` (no output, no stdin).
  public func evaluate(expression: String) throws(LanguageError) -> MimeBundle {
    let src = Array(expression.unicodeScalars)
    do throws(CellError) {
      let module = try Parser.parse(src)
      guard module.body.count == 1, case .expression = module.body[0].kind else {
        throw CellError.syntax("expected one expression", SourceSpan(0, src.count))
      }
      let context = ExecutionContext(sink: NullSink(), interrupt: InterruptFlag(), allowStdin: false)
      let evaluator = Evaluator(interpreter: self, context: CallContext(execution: context, interpreter: self))
      return (try evaluator.runCell(module.body) ?? .none).mimeBundle
    } catch {
      throw renderer(nil).render(error, source: src)
    }
  }

  /// Calls a function value or callable host object (also for hosts that call back).
  public func call(_ callee: Value, _ args: Arguments, context: CallContext) throws(CellError) -> Value {
    do {
      switch callee {
      case .function(let f): return try f.handler(try f.signature.bind(args), context)
      case .host(let h):
        guard let signature = h.callSignature else { break }
        return try h.call(try signature.bind(args), context: context)
      default: break
      }
    } catch {
      throw Self.cellError(from: error)
    }
    throw .typeError("'\(callee.typeName)' object is not callable")
  }

  /// Maps whatever a host handler threw to a named cell error.
  static func cellError(from error: any Error) -> CellError {
    switch error {
    case let e as CellError: return e
    case let e as LanguageError: return CellError(ename: e.ename, e.evalue)
    case let e as NamedError: return CellError(ename: e.ename, e.evalue)
    default: return CellError(ename: String(describing: type(of: error)), String(describing: error))
    }
  }

  func renderer(_ count: Int?) -> TracebackRenderer {
    TracebackRenderer(colors: colorTracebacks, cellLabel: count.map { "Cell In[\($0)]" } ?? "Cell")
  }
}

/// A sink that drops everything (for `evaluate(expression:)`).
final class NullSink: OutputSink {
  func stream(_ name: OutputStreamName, _ text: String) {}
  func display(_ bundle: MimeBundle, displayID: String?) {}
  func updateDisplay(_ bundle: MimeBundle, displayID: String) {}
  func clearOutput(wait: Bool) {}
  func readInput(prompt: String, password: Bool) throws -> String {
    throw CellError(ename: "StdinNotImplementedError", "input is not available here")
  }
}
