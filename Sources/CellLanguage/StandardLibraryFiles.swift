#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Files next to the notebook: text, JSON and CSV in and out, and folder listings. Paths
/// are relative to the kernel's working directory (the notebook's folder). Reads take
/// regular files only (a FIFO or /dev/zero would block or never end), within the memory
/// budget of one value, and check the interrupt between chunks.
extension StandardLibrary {
  static func files() -> [Builtin] {
    [
      Builtin(
        "open(file, mode='r', encoding='utf-8', newline=None)",
        summary: "Opens a text file: mode 'r' to read, 'w' to write it afresh, 'a' to add to its end.",
        details: "Use it in a with statement, which closes it: with open('log.txt', 'a') as f: f.write('done\\n')."
      ) { a, ctx in
        let mark = try FileObject.byteOrderMark(try a.string("encoding"))
        return .host(
          try FileObject(
            path: try a.path("file", default: ""), mode: try a.string("mode", default: "r"), newline: try a.string("newline"), byteOrderMark: mark, ctx))
      },
      Builtin(
        "read_text(path)", summary: "Returns a text file's contents as a string (UTF-8).",
        details: "A missing file is a FileNotFoundError; a file that is not UTF-8 a UnicodeDecodeError."
      ) { a, ctx in .string(try FileAccess.readText(try a.path("path", default: ""), ctx)) },
      Builtin(
        "write_text(path, text, append=False)",
        summary: "Writes a string to a file (replacing it, or at its end with append=True); returns the characters written."
      ) { a, ctx in
        let text = try a.string("text", default: "")
        try FileAccess.write(try a.path("path", default: ""), Array(text.utf8), append: try a.bool("append", default: false), ctx)
        return .int(text.count)
      },
      Builtin(
        "read_json(path)", summary: "Reads a JSON file into dicts, lists, strings, numbers, True/False and None.",
        details: "Whole numbers come back as ints, others as floats."
      ) { a, ctx in
        let path = try a.path("path", default: "")
        return try FileFormats.value(fromJSON: try FileAccess.readBytes(path, ctx), path: path)
      },
      Builtin(
        "write_json(path, value, indent=2)",
        summary: "Writes dicts, lists, strings, numbers, booleans and None to a file as JSON.",
        details: "Dict keys must be strings (numbers, booleans and None are written as their text, as Python does)."
      ) { a, ctx in
        let json = try FileFormats.json(a["value"] ?? .none)
        let indent = try a.int("indent", default: 2)
        let text = indent > 0 ? json.pretty(indent: min(indent, 16)) : json.text
        try FileAccess.write(try a.path("path", default: ""), Array((text + "\n").utf8), append: false, ctx)
        return .none
      },
      Builtin(
        "read_csv(path, delimiter=',')",
        summary: "Reads a CSV file with a header row into a list of dicts (one per row; values are strings).",
        details: "Quoted fields may hold the delimiter, quotes (doubled) and newlines. Convert with int()/float()."
      ) { a, ctx in
        let path = try a.path("path", default: "")
        let text = try FileAccess.readText(path, ctx)
        return try FileFormats.csvRows(text, a, ctx)
      },
      Builtin(
        "write_csv(path, rows, delimiter=',')",
        summary: "Writes a list of dicts (the header is their keys) or of lists to a CSV file; returns the rows written.",
        details: "Fields holding the delimiter, a quote or a newline are quoted."
      ) { a, ctx in
        guard case .list(let rows)? = a["rows"] else {
          throw CellError.typeError("write_csv() argument 'rows' must be a list of dicts or lists, not '\(a["rows"]?.typeName ?? "None")'")
        }
        let text = try FileFormats.csvText(rows.items, a)
        try FileAccess.write(try a.path("path", default: ""), Array(text.utf8), append: false, ctx)
        return .int(rows.items.count)
      },
      Builtin(
        "glob(pattern)", summary: "Returns the sorted paths matching a pattern: glob('photos/*.jpg').",
        details: "*, ? and [abc] match within one folder name; names starting with . match only a pattern that starts with one."
      ) { a, _ in .list(ListObject(try FileAccess.glob(try a.string("pattern", default: "")).map(Value.string))) },
      Builtin("listdir(path='.')", summary: "Returns the sorted names in a folder (without . and ..).") { a, _ in
        .list(ListObject(try FileAccess.listDirectory(try a.path("path", default: ".")).map(Value.string)))
      },
    ]
  }
}

/// The file system calls behind the file built-ins, with Python's error names.
enum FileAccess {
  /// A failed call on `path` as Python names it: `FileNotFoundError: [Errno 2] No such file or directory: 'x'`.
  static func osError(_ code: Int32, _ path: String) -> CellError {
    let name =
      switch code {
      case ENOENT: "FileNotFoundError"
      case EACCES, EPERM: "PermissionError"
      case EISDIR: "IsADirectoryError"
      case ENOTDIR: "NotADirectoryError"
      case EEXIST: "FileExistsError"
      default: "OSError"
      }
    return CellError(ename: name, "[Errno \(code)] \(String(cString: strerror(code))): '\(path)'")
  }

  /// The whole of a regular file, read in 1 MiB chunks with the interrupt checked.
  static func readBytes(_ path: String, _ ctx: CallContext) throws -> [UInt8] {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw osError(errno, path) }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw osError(errno, path) }
    switch info.st_mode & 0o170000 {
    case 0o100000: break
    case 0o040000: throw osError(EISDIR, path)
    default: throw CellError(ename: "OSError", "'\(path)' is not a regular file (a device, pipe or socket)")
    }
    try Memory.checkText(Int(info.st_size))
    var out: [UInt8] = []
    out.reserveCapacity(Int(info.st_size))
    var chunk = [UInt8](repeating: 0, count: 1 << 20)
    while true {
      try ctx.checkInterrupt()
      let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw osError(errno, path)
      }
      if n == 0 { return out }
      // A file that grows while it is read is still held to the budget.
      try Memory.checkText(out.count + n)
      out.append(contentsOf: chunk[0..<n])
    }
  }

  static func readText(_ path: String, _ ctx: CallContext) throws -> String {
    let bytes = try readBytes(path, ctx)
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw CellError(ename: "UnicodeDecodeError", "'\(path)' is not UTF-8 text")
    }
    return text
  }

  /// Writes (or appends) `bytes`; the interrupt is checked between 1 MiB chunks.
  static func write(_ path: String, _ bytes: [UInt8], append: Bool, _ ctx: CallContext) throws {
    let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
    let fd = open(path, flags, 0o644)
    guard fd >= 0 else { throw osError(errno, path) }
    defer { close(fd) }
    var offset = 0
    while offset < bytes.count {
      try ctx.checkInterrupt()
      let end = min(offset + (1 << 20), bytes.count)
      let n = bytes[offset..<end].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw osError(errno, path)
      }
      offset += n
    }
  }

  /// Paths matching a shell pattern, sorted (glob(3) without `~` or brace expansion).
  static func glob(_ pattern: String) throws -> [String] {
    guard !pattern.isEmpty else { return [] }
    var g = glob_t()
    defer { globfree(&g) }
    let status = Glibc.glob(pattern, 0, nil, &g)
    if status == GLOB_NOMATCH { return [] }
    guard status == 0 else { throw CellError(ename: "OSError", "glob('\(pattern)') failed (status \(status))") }
    try Memory.checkItems(Int(g.gl_pathc), "list")
    return (0..<Int(g.gl_pathc)).compactMap { g.gl_pathv[$0].map { String(cString: $0) } }
  }

  /// stat(2) of a path, nil when it cannot be read (missing, no permission).
  static func info(_ path: String) -> stat? {
    var s = stat()
    return stat(path, &s) == 0 ? s : nil
  }

  static func isFile(_ path: String) -> Bool {
    info(path).map { $0.st_mode & 0o170000 == 0o100000 } ?? false
  }

  static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & 0o170000 == 0o040000
  }

  /// The names in a folder, sorted, without `.` and `..`.
  static func listDirectory(_ path: String) throws -> [String] {
    guard let dir = opendir(path) else { throw osError(errno, path) }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
      try Memory.checkItems(names.count, "list")
    }
    return names.sorted()
  }
}
