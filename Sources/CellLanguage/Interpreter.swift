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

  public init(sink: OutputSink, interrupt: InterruptFlag, allowStdin: Bool) {
    self.sink = sink
    self.interrupt = interrupt
    self.allowStdin = allowStdin
  }
}

/// The cell language's entry points — the only API the kernel calls. Cursor
/// positions are in Unicode code points, as the Jupyter protocol (5.2+) counts them.
/// Placeholder bodies until the language lands; the signatures are the contract.
public final class Interpreter {
  public init() {}

  /// Runs a cell. Output streams to `context.sink`; errors come back as `LanguageError`.
  public func execute(_ code: String, context: ExecutionContext) throws(LanguageError) -> ExecutionOutcome {
    ExecutionOutcome()
  }

  /// Evaluates one expression for `user_expressions`.
  public func evaluate(expression: String) throws(LanguageError) -> MimeBundle {
    .plain(expression)
  }

  public func complete(_ code: String, cursor: Int) -> Completion {
    Completion(matches: [], cursorStart: cursor, cursorEnd: cursor)
  }

  /// Shift-Tab: the help of the name under the cursor, or nil when there is none.
  public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? { nil }

  public func isComplete(_ code: String) -> Completeness { .unknown }
}
