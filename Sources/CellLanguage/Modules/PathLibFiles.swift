#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The Path methods that ask the file system: tests, folders, files, listings and globs,
/// on the same calls (and Python's OSError texts) as the file built-ins and `os`.
extension PathClass {
  static func fileMethods(_ cls: ClassObject, into attributes: inout [String: Value]) {
    let path = { (text: String) throws(CellError) -> Value in try Self.make(cls, text) }
    /// Iterators that Python makes as generators (their order here: sorted).
    let paths = { (texts: [String]) throws(CellError) -> Value in
      var items: [Value] = []
      for t in texts { items.append(try path(t)) }
      return .host(IteratorObject(try ValueIterator(.list(items)), typeName: "generator"))
    }
    attributes["exists"] = method("exists(self)", "Whether a file or folder is there.") { p, _, _ in .bool(FileAccess.info(p) != nil) }
    attributes["stat"] = method("stat(self)", "The file's size, times and mode (as os.stat).") { p, _, _ in .host(try StatResult(p)) }
    attributes["is_file"] = method("is_file(self)", "Whether the path is a regular file.") { p, _, _ in .bool(FileAccess.isFile(p)) }
    attributes["is_dir"] = method("is_dir(self)", "Whether the path is a folder.") { p, _, _ in .bool(FileAccess.isDirectory(p)) }
    attributes["mkdir"] = method("mkdir(self, mode=511, parents=False, exist_ok=False)", "Makes the folder (parents=True: any missing parents too).") { p, a, _ in
      try Self.makeDirectory(p, mode: try a.int("mode", default: 0o777), parents: try a.bool("parents", default: false), existOK: try a.bool("exist_ok", default: false))
      return .none
    }
    attributes["rmdir"] = method("rmdir(self)", "Removes the (empty) folder.") { p, _, _ in
      guard rmdir(p) == 0 else { throw FileAccess.osError(errno, p) }
      return .none
    }
    attributes["unlink"] = method("unlink(self, missing_ok=False)", "Deletes the file.") { p, a, _ in
      let missingOK = try a.bool("missing_ok", default: false)
      guard unlink(p) == 0 || (errno == ENOENT && missingOK) else { throw FileAccess.osError(errno, p) }
      return .none
    }
    attributes["touch"] = method("touch(self, mode=438, exist_ok=True)", "Makes the file if it is missing (else updates its time).") { p, a, _ in
      let exclusive = try a.bool("exist_ok", default: true) ? 0 : O_EXCL
      let fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC | exclusive, mode_t(truncatingIfNeeded: try a.int("mode", default: 0o666)))
      guard fd >= 0 else { throw FileAccess.osError(errno, p) }
      close(fd)
      utimensat(AT_FDCWD, p, nil, 0)
      return .none
    }
    attributes["rename"] = method("rename(self, target)", "Renames (moves) the file or folder; returns the new path.") { p, a, _ in
      let target = try a.path("target", default: "")
      guard rename(p, target) == 0 else { throw FileAccess.osError(errno, p) }
      return try path(PathLib.join([target]))
    }
    attributes["open"] = method("open(self, mode='r', buffering=-1, encoding=None, errors=None, newline=None)", "Opens the file, as open(path, mode) does.") { p, a, ctx in
      let mark = try FileObject.byteOrderMark(try a.string("encoding"))
      return .host(try FileObject(path: p, mode: try a.string("mode", default: "r"), newline: try a.string("newline"), byteOrderMark: mark, ctx))
    }
    attributes["read_text"] = method("read_text(self, encoding=None, errors=None)", "The file's text.") { p, a, ctx in
      .string(try FileObject(path: p, mode: "r", byteOrderMark: try FileObject.byteOrderMark(try a.string("encoding")), ctx).readRest())
    }
    attributes["write_text"] = method("write_text(self, data, encoding=None, errors=None, newline=None)", "Writes the text (replacing the file); returns the characters written.") { p, a, ctx in
      guard case .string(let data)? = a["data"] else { throw CellError.typeError("data must be str, not \(a["data"]?.typeName ?? "None")") }
      let f = try FileObject(
        path: p, mode: "w", newline: try a.string("newline"), byteOrderMark: try FileObject.byteOrderMark(try a.string("encoding")), ctx)
      return try f.write(data, ctx)
    }
    attributes["iterdir"] = method("iterdir(self)", "The paths of the folder's entries.") { p, _, _ in
      try paths(try FileAccess.listDirectory(p).map { PathLib.join([p, $0]) })
    }
    attributes["glob"] = method("glob(self, pattern)", "The paths below this folder matching a pattern ('*.csv', '**/*.jpg').") { p, a, ctx in
      try paths(try Self.glob(p, try a.string("pattern", default: ""), ctx))
    }
    attributes["rglob"] = method("rglob(self, pattern)", "The paths matching a pattern in this folder and every folder below it.") { p, a, ctx in
      try paths(try Self.glob(p, "**/" + (try a.string("pattern", default: "")), ctx))
    }
    attributes["absolute"] = method("absolute(self)", "The path from the root (not normalised).") { p, _, _ in
      try path(PathLib.join([OSModule.currentDirectory(), p]))
    }
    attributes["resolve"] = method("resolve(self, strict=False)", "The absolute path with symbolic links and '..' resolved.") { p, _, _ in
      try path(Self.resolve(p))
    }
    attributes["expanduser"] = method("expanduser(self)", "The path with ~ (or ~user) replaced by that home folder.") { p, _, _ in
      guard p.hasPrefix("~") else { return try path(p) }
      let first = PathLib.parse(p).parts[0]
      let user = first.dropFirst()
      guard let home = user.isEmpty ? Self.home() : getpwnam(String(user)).map({ String(cString: $0.pointee.pw_dir) }) else {
        throw CellError(ename: "RuntimeError", "Could not determine home directory.")
      }
      return try path(PathLib.join([home] + PathLib.parse(p).parts.dropFirst()))
    }
    attributes["cwd"] = .host(StaticMethodObject(.function(Builtin("cwd()", summary: "The current folder.") { _, _ in
      try path(OSModule.currentDirectory())
    })))
    attributes["home"] = .host(StaticMethodObject(.function(Builtin("home()", summary: "The home folder.") { _, _ in try path(Self.home()) })))
  }

  static func home() -> String { getenv("HOME").map { String(cString: $0) } ?? "/" }

  /// Path.mkdir, as Python's: missing parents made first when asked, an existing folder
  /// fine with exist_ok.
  static func makeDirectory(_ path: String, mode: Int, parents: Bool, existOK: Bool) throws(CellError) {
    if mkdir(path, mode_t(truncatingIfNeeded: mode)) == 0 { return }
    let code = errno
    if code == ENOENT, parents, PathLib.parent(path) != path {
      try makeDirectory(PathLib.parent(path), mode: mode, parents: true, existOK: true)
      return try makeDirectory(path, mode: mode, parents: false, existOK: existOK)
    }
    if code != ENOENT, existOK, FileAccess.isDirectory(path) { return }
    throw FileAccess.osError(code, path)
  }

  /// The longest leading part that exists, through realpath(3); the rest added as text.
  static func resolve(_ path: String) -> String {
    let absolute = PathLib.join([OSModule.currentDirectory(), path])
    let parts = PathLib.allParts(absolute)
    for k in stride(from: parts.count, through: 1, by: -1) {
      guard let real = realpath(PathLib.join(Array(parts[..<k])), nil) else { continue }
      defer { free(real) }
      let rest = parts[k...].joined(separator: "/")
      return PathModule.normpath(String(cString: real) + (rest.isEmpty ? "" : "/" + rest))
    }
    return PathModule.normpath(absolute)
  }

  /// Path.glob: the pattern matched part by part below `base`. As pathlib (unlike the glob
  /// module), `*` matches names starting with a dot and `**` is this folder and every one
  /// below it. Sorted and without repeats (Python gives the file system's order).
  static func glob(_ base: String, _ pattern: String, _ ctx: CallContext) throws -> [String] {
    guard !pattern.isEmpty else { throw CellError.valueError("Unacceptable pattern: ''") }
    let (root, pieces) = PathLib.parse(pattern)
    guard root.isEmpty else { throw CellError(ename: "NotImplementedError", "Non-relative patterns are unsupported") }
    var current = [base]
    for (i, piece) in pieces.enumerated() {
      let last = i == pieces.count - 1
      var next: [String] = []
      for folder in current {
        try ctx.checkInterrupt()
        if piece == "**" {
          next += try folders(below: folder, ctx)
        } else if piece.contains(where: { "*?[".contains($0) }) {
          let names = (try? FileAccess.listDirectory(folder)) ?? []
          for name in names where fnmatch(piece, name, FNM_NOESCAPE) == 0 {
            let p = PathLib.join([folder, name])
            if last || FileAccess.isDirectory(p) { next.append(p) }
          }
        } else {
          let p = PathLib.join([folder, piece])
          if FileAccess.info(p) != nil, last || FileAccess.isDirectory(p) { next.append(p) }
        }
        try Memory.checkItems(next.count, "list")
      }
      current = next
    }
    return Array(Set(current)).sorted()
  }

  /// A folder and every folder below it.
  private static func folders(below top: String, _ ctx: CallContext) throws -> [String] {
    var found = [top]
    var i = 0
    while i < found.count {
      try ctx.checkInterrupt()
      for name in (try? FileAccess.listDirectory(found[i])) ?? [] {
        let p = PathLib.join([found[i], name])
        var link = stat()
        // Linked folders are not followed (as pathlib): a link to a parent would never end.
        if FileAccess.isDirectory(p), lstat(p, &link) == 0, link.st_mode & 0o170000 != 0o120000 { found.append(p) }
      }
      i += 1
      try Memory.checkItems(found.count, "list")
    }
    return found
  }
}
