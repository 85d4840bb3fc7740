import CellLanguage
import JSON
import KernelCore

/// The one bridge between the Jupyter side and the language: adapts KernelCore's
/// interpreter protocol to `CellLanguage.Interpreter`. Built-ins that need the engine
/// hook in here later, keeping the language itself free of Jupyter and of the engine.
public final class TabbyInterpreter: KernelInterpreter {
  public let language: Interpreter
  /// Raised by `interrupt_request` and SIGINT; the language polls it between steps.
  public let interruptFlag = InterruptFlag()

  public init(language: Interpreter = Interpreter()) {
    self.language = language
    SessionBuiltins.install(into: language)
  }

  public var info: KernelInfo { TabbyInterpreter.kernelInfo }

  /// What kernel_info_reply says; also the source of the kernelspec's language name.
  public static let kernelInfo = KernelInfo(
    implementation: "tabby", implementationVersion: tabbyVersion,
    languageInfo: [
      "name": "tabby", "version": .string(tabbyVersion), "mimetype": "text/x-tabby",
      "file_extension": ".tabby", "pygments_lexer": "python", "codemirror_mode": "python",
      "nbconvert_exporter": "script",
    ],
    banner:
      "Tabby \(tabbyVersion): a native kernel with an image classifier inside. Type help() to start.",
    helpLinks: [(text: "Tabby", url: "https://github.com/tabby-kernel/tabby")])

  public func execute(_ request: ExecuteRequest, io: CellIO) throws -> ExecuteOutcome {
    interruptFlag.reset()
    let sink = IOPubOutput(io)
    let context = ExecutionContext(
      sink: sink, interrupt: interruptFlag, allowStdin: request.allowStdin,
      executionCount: request.executionCount)
    let outcome: ExecutionOutcome
    do { outcome = try language.execute(request.code, context: context) } catch {
      throw Self.kernelError(error)
    }
    var payload: [JSON] = []
    if let pager = outcome.pager {
      payload.append(
        .object(["source": "page", "data": .object(["text/plain": .string(pager)]), "start": 0]))
    }
    return ExecuteOutcome(result: outcome.result.map { ($0.data, $0.metadata) }, payload: payload)
  }

  public func evaluate(_ expression: String) throws -> (data: JSONObject, metadata: JSONObject) {
    do {
      let b = try language.evaluate(expression: expression)
      return (b.data, b.metadata)
    } catch { throw Self.kernelError(error) }
  }

  public func complete(_ code: String, cursor: Int) throws -> CompleteResult {
    let c = language.complete(code, cursor: cursor)
    return CompleteResult(matches: c.matches, cursorStart: c.cursorStart, cursorEnd: c.cursorEnd)
  }

  public func inspect(_ code: String, cursor: Int, detailLevel: Int) throws -> (
    data: JSONObject, metadata: JSONObject
  )? {
    language.inspect(code, cursor: cursor, detailLevel: detailLevel).map { ($0.data, $0.metadata) }
  }

  public func isComplete(_ code: String) -> CompletenessStatus {
    switch language.isComplete(code) {
    case .complete: .complete
    case .incomplete(let indent): .incomplete(indent: indent)
    case .invalid: .invalid
    case .unknown: .unknown
    }
  }

  public func interrupt() { interruptFlag.raise() }
  public var interruptPending: Bool { interruptFlag.isRaised }

  static func kernelError(_ e: LanguageError) -> KernelError {
    KernelError(ename: e.ename, evalue: e.evalue, traceback: e.traceback)
  }
}

/// The language's output sink, published on IOPub through the running cell's `CellIO`.
final class IOPubOutput: OutputSink {
  let io: CellIO
  init(_ io: CellIO) { self.io = io }

  func stream(_ name: OutputStreamName, _ text: String) { io.stream(name.rawValue, text) }

  func display(_ bundle: MimeBundle, displayID: String?) {
    io.display(data: bundle.data, metadata: bundle.metadata, displayID: displayID)
  }

  func updateDisplay(_ bundle: MimeBundle, displayID: String) {
    io.updateDisplay(data: bundle.data, metadata: bundle.metadata, displayID: displayID)
  }

  func clearOutput(wait: Bool) { io.clearOutput(wait: wait) }

  func readInput(prompt: String, password: Bool) throws -> String {
    do { return try io.readInput(prompt: prompt, password: password) } catch {
      throw LanguageError(ename: error.ename, evalue: error.evalue)
    }
  }
}
