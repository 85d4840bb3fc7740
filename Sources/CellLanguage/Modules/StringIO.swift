/// `import io`: `StringIO`, an in-memory text file (for csv.writer, print(file=…), code that
/// wants a file), with Python's read/write position rules.
enum IOModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "io", summary: "StringIO, an in-memory text file, as Python's io.StringIO.",
      functions: [
        Builtin("StringIO(initial_value='')", summary: "A text file in memory: write to it, then getvalue() or read() it.") { a, _ in
          .host(StringIOObject(try a.string("initial_value", default: "")))
        }
      ],
      constants: [("SEEK_SET", .int(0)), ("SEEK_CUR", .int(1)), ("SEEK_END", .int(2))])
  }
}

final class StringIOObject: ContextManager {
  private var text: [Unicode.Scalar]
  private var position = 0
  private(set) var closed = false

  init(_ initial: String) { text = Array(initial.unicodeScalars) }

  var typeName: String { "_io.StringIO" }
  var repr: String { "<_io.StringIO object>" }
  func enter() throws(CellError) -> Value { try open(); return .host(self) }
  func exit() { closed = true }

  private func open() throws(CellError) {
    if closed { throw .valueError("I/O operation on closed file") }
  }
  private func string(_ s: ArraySlice<Unicode.Scalar>) -> String { String(String.UnicodeScalarView(s)) }

  /// `for line in f` / `list(f)`: the lines from the position on, as readlines().
  func iterate() throws -> [Value]? { try lines() }

  func write(_ s: String) throws(CellError) -> Int {
    try open()
    let new = Array(s.unicodeScalars)
    // A write past the end fills the gap with NULs (as Python): check the size first.
    try Memory.checkText(Memory.product(Memory.sum(max(position, text.count), new.count), 4))
    if position > text.count { text += repeatElement("\0", count: position - text.count) }
    let end = min(text.count, position + new.count)
    text.replaceSubrange(position..<end, with: new)
    position += new.count
    return new.count
  }

  func readLine(_ limit: Int = -1) throws(CellError) -> String {
    try open()
    guard position < text.count else { return "" }
    var end = text[position...].firstIndex(of: "\n").map { $0 + 1 } ?? text.count
    if limit >= 0 { end = min(end, position + limit) }
    defer { position = end }
    return string(text[position..<end])
  }

  private func lines() throws(CellError) -> [Value] {
    var out: [Value] = []
    while case let line = try readLine(), !line.isEmpty { out.append(.string(line)) }
    return out
  }

  var attributeNames: [String] {
    ["close", "closed", "flush", "getvalue", "read", "readable", "readline", "readlines", "seek", "seekable", "tell", "truncate", "writable", "write", "writelines"]
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "closed": return .bool(closed)
    case "write":
      return .method("write(s)", "Writes s at the position; returns the characters written.") { [self] a, _ in
        guard case .string(let s) = a["s"]! else { throw CellError.typeError("string argument expected, got '\(a["s"]!.typeName)'") }
        return .int(try write(s))
      }
    case "writelines":
      return .method("writelines(lines)", "Writes each string in turn (no newlines added).") { [self] a, _ in
        for line in try ValueIterator.collect(a["lines"]!) {
          guard case .string(let s) = line else { throw CellError.typeError("string argument expected, got '\(line.typeName)'") }
          _ = try write(s)
        }
        return .none
      }
    case "getvalue":
      return .method("getvalue()", "Everything in the buffer, wherever the position is.") { [self] _, _ in
        try open()
        return .string(string(text[...]))
      }
    case "read":
      return .method("read(size=-1)", "The text from the position on (at most size characters).") { [self] a, _ in
        try open()
        let size = try a.int("size", default: -1)
        let start = min(position, text.count)
        let end = size < 0 ? text.count : min(text.count, start + size)
        position = end
        return .string(string(text[start..<end]))
      }
    case "readline":
      return .method("readline(size=-1)", "The next line with its '\\n' ('' at the end).") { [self] a, _ in
        .string(try readLine(try a.int("size", default: -1)))
      }
    case "readlines":
      return .method("readlines()", "The remaining lines, each with its '\\n'.") { [self] _, _ in .list(ListObject(try lines())) }
    case "seek":
      return .method("seek(pos, whence=0)", "Moves the position (whence 0: from the start; 1 and 2 only with pos 0).") { [self] a, _ in
        try open()
        let (pos, whence) = (try a.int("pos", default: 0), try a.int("whence", default: 0))
        switch whence {
        case 0:
          guard pos >= 0 else { throw CellError.valueError("Negative seek position \(pos)") }
          position = pos
        case 1, 2:
          guard pos == 0 else { throw CellError(ename: "OSError", "Can't do nonzero cur-relative seeks") }
          if whence == 2 { position = text.count }
        default: throw CellError.valueError("Invalid whence (\(whence), should be 0, 1 or 2)")
        }
        return .int(position)
      }
    case "tell":
      return .method("tell()", "The position, in characters.") { [self] _, _ in
        try open()
        return .int(position)
      }
    case "truncate":
      return .method("truncate(size=None)", "Cuts the text at size (the position by default); returns the new size.") { [self] a, _ in
        try open()
        let size = try a.int("size") ?? position
        guard size >= 0 else { throw CellError.valueError("Negative size value \(size)") }
        if size < text.count { text.removeSubrange(size...) }
        return .int(size)
      }
    case "close":
      return .method("close()", "Frees the buffer; later reads and writes are errors.") { [self] _, _ in
        closed = true
        return .none
      }
    case "flush": return .method("flush()", "Nothing to do (it is in memory).") { _, _ in .none }
    case "readable", "writable", "seekable":
      return .method("\(name)()", "True (a StringIO reads, writes and seeks).") { [self] _, _ in
        try open()
        return .bool(true)
      }
    default: return nil
    }
  }
}
