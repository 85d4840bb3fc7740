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
  /// Cells run so far (a warning shown once per cell, as Python's per-location registry does for a re-run cell).
  private(set) var cellsRun = 0
  /// Built-in functions and constants, in registration order (for `help()`).
  var builtins: [String: Value] = [:]
  var builtinNames: [String] = []
  /// The built-in modules this session imported, made on first import (see Modules).
  var modules: [String: ModuleObject] = [:]
  /// How many user functions are running (each call nests native frames).
  var callDepth = 0
  /// The running cell's context, for user code that Python calls implicitly (a class's
  /// `__repr__`, `__eq__`, `__len__`); nil between cells, so inspection never runs user code.
  var currentContext: CallContext?
  /// An error raised by such a call where no error can be thrown (`repr`, truth tests):
  /// raised by the evaluator at its next check (see `raiseDeferredError`).
  var deferredError: CellError? {
    didSet { errorPending.pointee = deferredError != nil }
  }
  /// `deferredError != nil`, read by the evaluator after every statement and call as a plain
  /// memory load (a class property's read costs a dynamic exclusivity check: ~10 % of a loop).
  let errorPending: UnsafeMutablePointer<Bool> = {
    let flag = UnsafeMutablePointer<Bool>.allocate(capacity: 1)
    flag.initialize(to: false)
    return flag
  }()
  /// The lowest stack address user functions may call at (see StackGuard); 0 outside a cell.
  var stackLimit: UInt = 0
  /// Colour tracebacks with ANSI escapes (as IPython does); tests turn it off.
  public var colorTracebacks: Bool

  public init(colorTracebacks: Bool = true) {
    self.colorTracebacks = colorTracebacks
    for b in StandardLibrary.builtins() { register(b) }
    for name in Builtin.typeNames { if case .function(let f)? = builtins[name] { f.isType = true } }
    define(name: "stderr", value: .host(StreamObject(.stderr)))
    define(name: "stdout", value: .host(StreamObject(.stdout)))
    for name in Exceptions.builtinNames.sorted() { define(name: name, value: .host(ExceptionType(name))) }
    for b in Members.builtins(self) { register(b) }
    if let root = try? ClassObject(
      name: "object", bases: [], exceptionBases: [], attributes: [:], doc: "The base of every class.", interpreter: self,
      isObjectRoot: true)
    {
      define(name: "object", value: .host(root))
    }
    define(name: "NotImplemented", value: .host(NotImplementedObject()))
    define(name: "Ellipsis", value: .host(EllipsisObject()))
    define(name: "In", value: .list(inputs))
    define(name: "Out", value: .dict(outputs))
  }

  deinit { errorPending.deallocate() }

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
    guard let m = Modules.make(name, builtins: builtins, interpreter: self) else { throw Modules.notFound(name) }
    modules[name] = m
    return m
  }

  // MARK: The kernel's API

  /// Runs a cell. Output streams to `context.sink`; errors come back as `LanguageError`.
  public func execute(_ code: String, context: ExecutionContext) throws(LanguageError) -> ExecutionOutcome {
    cellsRun += 1
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
      let (value, bundle) = try running(CallContext(execution: context, interpreter: self)) { (evaluator) throws(CellError) in
        let value = try evaluator.runCell(module.body)
        // The result's display may run a class's `__repr__`: its error is the cell's.
        let bundle = module.trailingSemicolon ? nil : value?.mimeBundle
        try raiseDeferredError()
        return (value, bundle)
      }
      remember(code: code, count: context.executionCount, result: value)
      let pager = topics.last.map(helpPage)
      guard let value, let bundle else { return ExecutionOutcome(pager: pager) }
      if case .none = value { return ExecutionOutcome(pager: pager) }
      return ExecutionOutcome(result: bundle, pager: pager)
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
      return try running(CallContext(execution: context, interpreter: self)) { (evaluator) throws(CellError) in
        let bundle = (try evaluator.runCell(module.body) ?? .none).mimeBundle
        try raiseDeferredError()
        return bundle
      }
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

  /// Runs `body` with an evaluator for `context`, which user code that Python calls
  /// implicitly (`__repr__`) runs in too, under the cell's stack bound.
  private func running<T>(_ context: CallContext, _ body: (Evaluator) throws(CellError) -> T) throws(CellError) -> T {
    let saved = (currentContext, deferredError, stackLimit)
    (currentContext, deferredError) = (context, nil)
    if stackLimit == 0 { stackLimit = StackGuard.limit(below: StackGuard.currentAddress()) }
    defer { (currentContext, deferredError, stackLimit) = saved }
    return try body(Evaluator(interpreter: self, context: context))
  }

  /// Calls `function` with `receiver` as its first argument (a method call).
  func callMethod(
    _ function: Value, on receiver: Value, _ args: [Value], keywords: [(name: String, value: Value)] = [], context: CallContext
  ) throws(CellError) -> Value {
    try call(function, Arguments([receiver] + args, keywords: keywords), context: context)
  }

  /// Keeps the first error of a call that could not throw, for `raiseDeferredError`.
  func deferError(_ error: CellError) {
    if deferredError == nil { deferredError = error }
  }

  /// Throws the error a `__repr__`, `__str__`, `__bool__` (…) call kept, if any.
  func raiseDeferredError() throws(CellError) {
    guard let e = deferredError else { return }
    deferredError = nil
    throw e
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
