/// A host object that `with` can manage: `enter` gives what `as` binds, and `exit` runs
/// however the body ends (normally, by an error, `break` or `return`).
protocol ContextManager: HostObject {
  func enter() throws(CellError) -> Value
  func exit()
}

/// A text file `open()` returns. Mode 'r' reads the whole file (UTF-8, newlines made `\n`
/// as Python's text mode does) when it opens and serves reads from that; 'w' empties the
/// file when it opens and 'a' keeps it, and each write goes straight to the file, so
/// nothing is lost if the cell stops halfway. `with open(...) as f:` closes it.
final class FileObject: ContextManager {
  let path: String
  let mode: String
  private var text: [Unicode.Scalar] = []
  private var position = 0
  private(set) var closed = false

  /// `newline` as Python's open(): None reads \r\n and \r as \n; '' (what the csv module
  /// asks for) and the others keep line endings as they are, and a line ends at that one
  /// ('' at any of them). Writing turns \n into it when it is '\r' or '\r\n'.
  private let newline: String?
  /// 'utf-8-sig' (as Excel writes CSV): a byte-order mark is dropped when read, and written
  /// before the first text of a file that starts empty.
  private var markPending = false

  /// Whether a call's encoding= asks for the byte-order mark; anything but UTF-8 is
  /// Python's LookupError for an encoding it lacks.
  static func byteOrderMark(_ encoding: String?) throws(CellError) -> Bool {
    switch (encoding ?? "utf-8").lowercased().replacing("_", with: "-") {
    case "utf-8", "utf8", "u8": return false
    case "utf-8-sig": return true
    case let other: throw CellError(ename: "LookupError", "only UTF-8 text files are supported, not '\(other)'")
    }
  }

  init(path: String, mode: String, newline: String? = nil, byteOrderMark: Bool = false, _ ctx: CallContext) throws {
    guard ["r", "w", "a", "rt", "wt", "at"].contains(mode) else {
      if mode.contains("b") { throw CellError.valueError("binary mode '\(mode)' is not supported (Tabby files are text)") }
      throw CellError.valueError("invalid mode: '\(mode)'")
    }
    guard newline.map({ ["", "\n", "\r", "\r\n"].contains($0) }) ?? true else {
      throw CellError.valueError("illegal newline value: \(newline!)")
    }
    (self.path, self.mode, self.newline) = (path, String(mode.prefix(1)), newline)
    switch self.mode {
    case "r":
      guard newline == nil else {
        text = Array(try FileAccess.readText(path, ctx).unicodeScalars)
        break
      }
      // Universal newlines: \r\n and \r read as \n.
      var previousCR = false
      for c in try FileAccess.readText(path, ctx).unicodeScalars {
        defer { previousCR = c == "\r" }
        if c == "\n" && previousCR { continue }
        text.append(c == "\r" ? "\n" : c)
      }
    case "w": try FileAccess.write(path, [], append: false, ctx)
    default: try FileAccess.write(path, [], append: true, ctx)
    }
    if byteOrderMark {
      if self.mode == "r" {
        if text.first == "\u{FEFF}" { text.removeFirst() }
      } else {
        markPending = FileAccess.info(path)?.st_size == 0
      }
    }
  }

  var typeName: String { "TextIOWrapper" }
  var repr: String { "<_io.TextIOWrapper name='\(path)' mode='\(mode)' encoding='UTF-8'>" }
  var attributeNames: [String] {
    ["close", "closed", "mode", "name", "read", "readline", "readlines", "write", "writelines"]
  }

  func enter() throws(CellError) -> Value {
    try open()
    return .host(self)
  }

  func exit() { closed = true }

  /// Iterating gives the lines still unread.
  func iterate() throws -> [Value]? {
    try open()
    var lines: [Value] = []
    while let line = nextLine() { lines.append(line) }
    return lines
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "closed": return .bool(closed)
    case "name": return .string(path)
    case "mode": return .string(mode)
    case "read":
      return method("read(size=-1)", "The rest of the file (or up to size characters) as a string.") { f, a, _ in
        try f.readable()
        let size = try a.int("size", default: -1)
        let end = size < 0 ? f.text.count : min(f.text.count, f.position + size)
        defer { f.position = end }
        return f.string(f.position..<end)
      }
    case "readline":
      return method("readline()", "The next line, with its '\\n' ('' at the end of the file).") { f, _, _ in
        try f.readable()
        return f.nextLine() ?? .string("")
      }
    case "readlines":
      return method("readlines()", "The remaining lines, each with its '\\n'.") { f, _, _ in
        try f.readable()
        var lines: [Value] = []
        while let line = f.nextLine() { lines.append(line) }
        return .list(ListObject(lines))
      }
    case "write":
      return method("write(s)", "Writes a string to the file; returns the characters written.") { f, a, ctx in
        guard case .string(let s)? = a["s"] else { throw CellError.typeError("write() argument must be str, not \(a["s"]?.typeName ?? "None")") }
        return try f.write(s, ctx)
      }
    case "writelines":
      return method("writelines(lines)", "Writes each string in turn (no newlines are added).") { f, a, ctx in
        try f.writable()
        var bytes: [UInt8] = []
        for item in try ValueIterator.collect(a["lines"]!) {
          guard case .string(let s) = item else { throw CellError.typeError("write() argument must be str, not \(item.typeName)") }
          bytes += f.translated(s).utf8
        }
        try FileAccess.write(f.path, bytes, append: true, ctx)
        return .none
      }
    case "close":
      return method("close()", "Closes the file (reads and writes then fail).") { f, _, _ in
        f.closed = true
        return .none
      }
    default: return nil
    }
  }

  private func method(
    _ signature: String, _ summary: String, _ body: @escaping (FileObject, BoundArguments, CallContext) throws -> Value
  ) -> Value {
    .function(Builtin(signature, summary: summary) { [self] a, ctx in try body(self, a, ctx) })
  }

  private func open() throws(CellError) {
    if closed { throw .valueError("I/O operation on closed file.") }
  }

  private func readable() throws(CellError) {
    try open()
    if mode != "r" { throw CellError(ename: "UnsupportedOperation", "not readable") }
  }

  private func writable() throws(CellError) {
    try open()
    if mode == "r" { throw CellError(ename: "UnsupportedOperation", "not writable") }
  }

  private func string(_ range: Range<Int>) -> Value {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: text[range])
    return .string(String(view))
  }

  /// `f.write(s)` (and pathlib's write_text): the characters written.
  func write(_ s: String, _ ctx: CallContext) throws -> Value {
    try writable()
    try FileAccess.write(path, Array(translated(s).utf8), append: true, ctx)
    return .int(s.unicodeScalars.count)
  }

  /// The next line for a reader that takes a file a line at a time (csv.reader): nil at the
  /// end, and Python's error once the file is closed.
  func readLine() throws(CellError) -> String? {
    try readable()
    guard case .string(let line)? = nextLine() else { return nil }
    return line
  }

  /// The rest of the file (pathlib's read_text).
  func readRest() throws(CellError) -> String {
    try readable()
    defer { position = text.count }
    return string(position..<text.count).str
  }

  /// Text to write, with each \n made `newline` where that is '\r' or '\r\n' (by code
  /// point: "\r\n" is one Character to Swift, so String's own matching would miss it).
  private func translated(_ s: String) -> String {
    // The first write puts the mark first, even an empty one (as Python's encoder does).
    let s = markPending ? "\u{FEFF}" + s : s
    markPending = false
    guard let newline, newline == "\r" || newline == "\r\n" else { return s }
    var out = String.UnicodeScalarView()
    for c in s.unicodeScalars {
      if c == "\n" { out.append(contentsOf: newline.unicodeScalars) } else { out.append(c) }
    }
    return String(out)
  }

  private func nextLine() -> Value? {
    guard position < text.count else { return nil }
    var end = position
    while end < text.count {
      let c = text[end]
      end += 1
      let crlf = c == "\r" && end < text.count && text[end] == "\n"
      let ends =
        switch newline {
        case nil, "\n"?: c == "\n"
        case "\r"?: c == "\r"
        case "\r\n"?: crlf
        default: c == "\n" || c == "\r"  // '': any of the three
        }
      guard ends else { continue }
      if crlf && newline != "\r" { end += 1 }
      break
    }
    defer { position = end }
    return string(position..<end)
  }
}
