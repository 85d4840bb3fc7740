/// A half-open range of Unicode code points in a cell's source.
public struct SourceSpan: Equatable, Sendable {
  public var start: Int
  public var end: Int

  public init(_ start: Int, _ end: Int) {
    self.start = start
    self.end = max(start, end)
  }

  /// The span from the start of `self` to the end of `other`.
  func through(_ other: SourceSpan) -> SourceSpan { SourceSpan(start, other.end) }
}

/// An error raised while a cell runs, with a Python-like name (`ValueError`,
/// `DeviceError`, …). Built-in handlers and host objects throw it; the interpreter
/// adds where in the cell it happened and renders it into a `LanguageError`.
public struct CellError: Error, Equatable, Sendable, NamedError {
  public var ename: String
  public var message: String
  /// Where in the cell it happened; filled in by the evaluator when a handler leaves it nil.
  public var span: SourceSpan?
  /// True when the code is merely unfinished (an open bracket or triple-quoted string
  /// at the end): `isComplete` then answers "incomplete" rather than "invalid".
  var atEndOfInput = false
  /// The raised object when a cell raised an instance of its own exception class, so that
  /// `except` matches it by class and `as e` gets the same object back.
  var raisedObject: RaisedObject?

  public init(ename: String, _ message: String, span: SourceSpan? = nil) {
    self.ename = ename
    self.message = message
    self.span = span
  }

  public var evalue: String { message }

  public static func typeError(_ m: String, _ s: SourceSpan? = nil) -> CellError {
    CellError(ename: "TypeError", m, span: s)
  }
  public static func valueError(_ m: String, _ s: SourceSpan? = nil) -> CellError {
    CellError(ename: "ValueError", m, span: s)
  }
  public static func syntax(_ m: String, _ s: SourceSpan?, atEnd: Bool = false) -> CellError {
    var e = CellError(ename: "SyntaxError", m, span: s)
    e.atEndOfInput = atEnd
    return e
  }
  /// What an interrupted cell raises.
  public static var keyboardInterrupt: CellError { CellError(ename: "KeyboardInterrupt", "") }
}

/// Holds a raised instance inside a `CellError` (a Sendable value). The interpreter runs
/// a session's cells on one thread at a time, so the object is never shared across threads.
final class RaisedObject: @unchecked Sendable, Equatable {
  let instance: InstanceObject
  init(_ instance: InstanceObject) { self.instance = instance }
  static func == (a: RaisedObject, b: RaisedObject) -> Bool { a === b }
}

/// Any Swift error a host handler throws can name itself for Jupyter by conforming to this.
public protocol NamedError: Error {
  var ename: String { get }
  var evalue: String { get }
}

/// Turns a `CellError` and the cell's source into what Jupyter shows: the offending
/// line with carets under the fault. Kept apart from the error values on purpose.
public struct TracebackRenderer: Sendable {
  public var colors: Bool
  /// The frame header's label, e.g. "Cell In[3]".
  public var cellLabel: String

  public init(colors: Bool = false, cellLabel: String = "Cell") {
    self.colors = colors
    self.cellLabel = cellLabel
  }

  public func render(_ error: CellError, source: [Unicode.Scalar]) -> LanguageError {
    var lines: [String] = []
    if let span = error.span, let frame = frame(span, source) {
      lines.append(contentsOf: frame)
    }
    let name = colors ? "\u{1B}[0;31m\(error.ename)\u{1B}[0m" : error.ename
    lines.append(error.message.isEmpty ? name : "\(name): \(error.message)")
    return LanguageError(ename: error.ename, evalue: error.message, traceback: lines)
  }

  /// "  Cell, line 2", the source line, then the caret line.
  private func frame(_ span: SourceSpan, _ src: [Unicode.Scalar]) -> [String]? {
    let start = max(0, min(span.start, src.count))
    var lineStart = start
    while lineStart > 0, src[lineStart - 1] != "\n" { lineStart -= 1 }
    var lineEnd = start
    while lineEnd < src.count, src[lineEnd] != "\n" { lineEnd += 1 }
    // A span at a line's end (an unexpected newline) points at that line's last column.
    let lineNumber = src[0..<lineStart].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
    var text = String(String.UnicodeScalarView(src[lineStart..<lineEnd]))
    while text.last == "\r" { text.removeLast() }
    let width = max(1, min(span.end, lineEnd) - start)
    // Tabs are copied so the caret lines up however the frontend expands them.
    let pad = String(String.UnicodeScalarView(src[lineStart..<start].map { $0 == "\t" ? "\t" : " " }))
    let carets = String(repeating: "^", count: width)
    let header = "  \(cellLabel), line \(lineNumber)"
    let caretLine = colors ? "    \(pad)\u{1B}[0;31m\(carets)\u{1B}[0m" : "    \(pad)\(carets)"
    return [colors ? "\u{1B}[0;32m\(header)\u{1B}[0m" : header, "    \(text)", caretLine]
  }
}
