import CellLanguage
import JSON
import Testing

/// A sink that records every event, with scripted answers for `input()`.
final class RecordingSink: OutputSink {
  enum Event: Equatable {
    case stream(OutputStreamName, String)
    case display(MimeBundle, String?)
    case update(MimeBundle, String)
    case clear(Bool)
  }
  var events: [Event] = []
  var inputs: [String] = []
  var prompts: [String] = []

  func stream(_ name: OutputStreamName, _ text: String) { events.append(.stream(name, text)) }
  func display(_ bundle: MimeBundle, displayID: String?) { events.append(.display(bundle, displayID)) }
  func updateDisplay(_ bundle: MimeBundle, displayID: String) { events.append(.update(bundle, displayID)) }
  func clearOutput(wait: Bool) { events.append(.clear(wait)) }
  func readInput(prompt: String, password: Bool) throws -> String {
    prompts.append(prompt)
    return inputs.isEmpty ? "" : inputs.removeFirst()
  }

  /// Everything written to one stream, concatenated.
  func text(_ name: OutputStreamName) -> String {
    events.reduce(into: "") { out, e in if case .stream(name, let t) = e { out += t } }
  }
}

/// Runs cells on a fresh (or given) interpreter and collects what they produce.
struct Session {
  let interpreter = Interpreter(colorTracebacks: false)
  let sink = RecordingSink()
  let flag = InterruptFlag()

  func run(_ code: String, allowStdin: Bool = true) throws(LanguageError) -> ExecutionOutcome {
    try interpreter.execute(code, context: ExecutionContext(sink: sink, interrupt: flag, allowStdin: allowStdin))
  }

  /// The text/plain of the cell's result ("" when there is none).
  func result(_ code: String) throws(LanguageError) -> String {
    try run(code).result?.data["text/plain"]?.stringValue ?? ""
  }

  /// The error a cell raises, or nil when it runs cleanly.
  func error(_ code: String, allowStdin: Bool = true) -> LanguageError? {
    do {
      _ = try run(code, allowStdin: allowStdin)
      return nil
    } catch {
      return error
    }
  }
}

/// Runs `code` in `session` and expects the error `ename` with the message `message` (with
/// `prefix`, a message that starts with it).
func expectError(
  _ code: String, _ ename: String, _ message: String, in session: Session = Session(), prefix: Bool = false,
  sourceLocation: SourceLocation = #_sourceLocation
) {
  let e = session.error(code)
  let matches = prefix ? e?.evalue.hasPrefix(message) == true : e?.evalue == message
  #expect(e?.ename == ename && matches, "\(code): \(e?.ename ?? "no error"): \(e?.evalue ?? "")", sourceLocation: sourceLocation)
}
