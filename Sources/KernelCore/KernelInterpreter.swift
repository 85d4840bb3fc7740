import JSON

/// An error as Jupyter shows it (`ename`/`evalue`/`traceback`). Any handler may throw
/// it; the kernel turns it into an `error` reply (and, for execute, an IOPub `error`).
public struct KernelError: Error, Equatable, Sendable {
  public var ename: String
  public var evalue: String
  public var traceback: [String]

  public init(ename: String, evalue: String, traceback: [String] = []) {
    self.ename = ename
    self.evalue = evalue
    self.traceback = traceback.isEmpty ? ["\(ename): \(evalue)"] : traceback
  }

  /// The reply/IOPub content fields for this error.
  public var content: JSONObject {
    [
      "ename": .string(ename), "evalue": .string(evalue),
      "traceback": .array(traceback.map { .string($0) }),
    ]
  }
}

/// What `kernel_info_reply` says about the kernel and its language.
public struct KernelInfo: Sendable {
  public var implementation: String
  public var implementationVersion: String
  public var languageInfo: JSONObject
  public var banner: String
  public var helpLinks: [(text: String, url: String)]

  public init(
    implementation: String, implementationVersion: String, languageInfo: JSONObject,
    banner: String, helpLinks: [(text: String, url: String)] = []
  ) {
    self.implementation = implementation
    self.implementationVersion = implementationVersion
    self.languageInfo = languageInfo
    self.banner = banner
    self.helpLinks = helpLinks
  }
}

/// The parts of an `execute_request` an interpreter needs.
public struct ExecuteRequest: Sendable {
  public var code: String
  public var silent: Bool
  public var allowStdin: Bool
  public var executionCount: Int

  public init(code: String, silent: Bool = false, allowStdin: Bool = false, executionCount: Int = 1)
  {
    self.code = code
    self.silent = silent
    self.allowStdin = allowStdin
    self.executionCount = executionCount
  }
}

/// What a cell produced besides what it published while running.
public struct ExecuteOutcome: Sendable {
  /// The `execute_result` bundle: `data` and `metadata`.
  public var result: (data: JSONObject, metadata: JSONObject)?
  /// Reply payloads (e.g. `{"source": "page", ...}`).
  public var payload: [JSON]

  public init(result: (data: JSONObject, metadata: JSONObject)? = nil, payload: [JSON] = []) {
    self.result = result
    self.payload = payload
  }
}

/// `complete_reply` content.
public struct CompleteResult: Sendable, Equatable {
  public var matches: [String]
  public var cursorStart: Int
  public var cursorEnd: Int
  public init(matches: [String], cursorStart: Int, cursorEnd: Int) {
    self.matches = matches
    self.cursorStart = cursorStart
    self.cursorEnd = cursorEnd
  }
}

/// `is_complete_reply` status.
public enum CompletenessStatus: Equatable, Sendable {
  case complete, invalid, unknown
  case incomplete(indent: String)
}

/// The language side of a kernel, as the core calls it (like xeus's `xinterpreter`).
/// Called from the shell thread only, except `interrupt`, which any thread may call.
public protocol KernelInterpreter: AnyObject {
  var info: KernelInfo { get }
  /// Runs a cell, publishing through `io`; a thrown `KernelError` is the cell's error.
  func execute(_ request: ExecuteRequest, io: CellIO) throws -> ExecuteOutcome
  /// Evaluates one `user_expressions` entry to a mime bundle (`data`, `metadata`).
  func evaluate(_ expression: String) throws -> (data: JSONObject, metadata: JSONObject)
  func complete(_ code: String, cursor: Int) throws -> CompleteResult
  /// Inspection bundle for the name at `cursor`, or nil when nothing is found.
  func inspect(_ code: String, cursor: Int, detailLevel: Int) throws -> (
    data: JSONObject, metadata: JSONObject
  )?
  func isComplete(_ code: String) -> CompletenessStatus
  /// Asks the running cell to stop; must be safe from any thread and cheap.
  func interrupt()
  /// Whether an interrupt is pending (checked while waiting for stdin).
  var interruptPending: Bool { get }
}

extension KernelError: CustomStringConvertible {
  public var description: String { evalue.isEmpty ? ename : "\(ename): \(evalue)" }
}
