#if canImport(Glibc)
  import Glibc
#endif

/// `import shutil` and `import tempfile`: copying, moving and deleting file trees, and
/// scratch folders (`with tempfile.TemporaryDirectory() as d:`), as Python's.
enum ShutilModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "shutil", summary: "Copy, move and delete files and folder trees, as Python's shutil.",
      functions: [
        Builtin("copyfile(src, dst)", summary: "Copies a file's contents to dst (a file path); returns dst.") { a, ctx in
          let (src, dst) = (try a.path("src", default: ""), try a.path("dst", default: ""))
          try copyFile(src, dst, ctx)
          return .string(dst)
        },
        Builtin("copy(src, dst)", summary: "Copies a file (contents and permissions) to dst, a file or a folder; returns the new file's path.") { a, ctx in
          .string(try copyInto(try a.path("src", default: ""), try a.path("dst", default: ""), ctx))
        },
        Builtin("copy2(src, dst)", summary: "Same as copy (times are not copied here).") { a, ctx in
          .string(try copyInto(try a.path("src", default: ""), try a.path("dst", default: ""), ctx))
        },
        Builtin("copytree(src, dst, dirs_exist_ok=False)", summary: "Copies a folder and everything in it to dst; returns dst.") { a, ctx in
          let (src, dst) = (try a.path("src", default: ""), try a.path("dst", default: ""))
          try copyTree(src, dst, existOK: try a.bool("dirs_exist_ok", default: false), ctx)
          return .string(dst)
        },
        Builtin("rmtree(path, ignore_errors=False)", summary: "Deletes a folder and everything in it.") { a, ctx in
          let path = try a.path("path", default: "")
          if try a.bool("ignore_errors", default: false) { try? removeTree(path, ctx) } else { try removeTree(path, ctx) }
          return .none
        },
        Builtin("move(src, dst)", summary: "Moves a file or folder (into dst when dst is a folder); returns the new path.") { a, ctx in
          let (src, dst) = (try a.path("src", default: ""), try a.path("dst", default: ""))
          let target = FileAccess.isDirectory(dst) ? dst + "/" + PathModule.split(src).1 : dst
          if Glibc.rename(src, target) == 0 { return .string(target) }
          guard errno == EXDEV else { throw FileAccess.osError(errno, src) }
          // Another file system: copy, then delete the original.
          if FileAccess.isDirectory(src) { try copyTree(src, target, existOK: false, ctx) } else { try copyFile(src, target, ctx) }
          try removeTree(src, ctx)
          return .string(target)
        },
        Builtin("which(cmd)", summary: "The path of an executable on PATH, or None.") { a, _ in
          let cmd = try a.string("cmd", default: "")
          if cmd.contains("/") { return access(cmd, X_OK) == 0 ? .string(cmd) : .none }
          let dirs = (getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin").split(separator: ":")
          for d in dirs where access("\(d)/\(cmd)", X_OK) == 0 && FileAccess.isFile("\(d)/\(cmd)") { return .string("\(d)/\(cmd)") }
          return .none
        },
      ])
  }

  static func copyFile(_ src: String, _ dst: String, _ ctx: CallContext) throws(CellError) {
    guard FileAccess.isFile(src) else { throw FileAccess.osError(FileAccess.isDirectory(src) ? EISDIR : ENOENT, src) }
    do {
      try FileAccess.write(dst, try FileAccess.readBytes(src, ctx), append: false, ctx)
    } catch {
      throw Interpreter.cellError(from: error)
    }
    if let mode = FileAccess.info(src)?.st_mode { chmod(dst, mode & 0o7777) }
  }

  private static func copyInto(_ src: String, _ dst: String, _ ctx: CallContext) throws(CellError) -> String {
    let target = FileAccess.isDirectory(dst) ? dst + "/" + PathModule.split(src).1 : dst
    try copyFile(src, target, ctx)
    return target
  }

  static func copyTree(_ src: String, _ dst: String, existOK: Bool, _ ctx: CallContext) throws(CellError) {
    guard FileAccess.isDirectory(src) else { throw FileAccess.osError(FileAccess.info(src) == nil ? ENOENT : ENOTDIR, src) }
    if Glibc.mkdir(dst, 0o777) != 0 && !(errno == EEXIST && existOK && FileAccess.isDirectory(dst)) { throw FileAccess.osError(errno, dst) }
    let names: [String]
    do { names = try FileAccess.listDirectory(src) } catch { throw Interpreter.cellError(from: error) }
    for name in names {
      try ctx.checkInterrupt()
      let (s, d) = (src + "/" + name, dst + "/" + name)
      if FileAccess.isDirectory(s) { try copyTree(s, d, existOK: existOK, ctx) } else { try copyFile(s, d, ctx) }
    }
  }

  /// Deletes a file, or a folder with everything in it (a link is removed, not followed).
  static func removeTree(_ path: String, _ ctx: CallContext) throws(CellError) {
    var st = stat()
    guard lstat(path, &st) == 0 else { throw FileAccess.osError(errno, path) }
    guard st.st_mode & S_IFMT == S_IFDIR else {
      guard unlink(path) == 0 else { throw FileAccess.osError(errno, path) }
      return
    }
    let names: [String]
    do { names = try FileAccess.listDirectory(path) } catch { throw Interpreter.cellError(from: error) }
    for name in names {
      try ctx.checkInterrupt()
      try removeTree(path + "/" + name, ctx)
    }
    guard rmdir(path) == 0 else { throw FileAccess.osError(errno, path) }
  }
}

enum TempFileModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "tempfile", summary: "Scratch folders, as Python's tempfile.",
      functions: [
        Builtin("gettempdir()", summary: "The folder for temporary files ($TMPDIR, else /tmp).") { _, _ in .string(tempDir()) },
        Builtin("mkdtemp(suffix=None, prefix=None, dir=None)", summary: "Makes a new private folder and returns its path (yours to delete).") { a, _ in
          .string(try makeTemporaryFolder(a))
        },
        Builtin("TemporaryDirectory(suffix=None, prefix=None, dir=None)", summary: "A new folder, deleted with its contents when the with-block ends.") { a, ctx in
          .host(TemporaryDirectory(try makeTemporaryFolder(a), ctx))
        },
      ])
  }

  static func tempDir() -> String { getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp" }

  /// Python's names: prefix ('tmp'), 8 random characters, suffix; made with mode 0700.
  private static func makeTemporaryFolder(_ a: BoundArguments) throws(CellError) -> String {
    let dir = try a.path("dir", default: tempDir())
    let (prefix, suffix) = (try a.string("prefix") ?? "tmp", try a.string("suffix") ?? "")
    let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789_")
    for _ in 0..<100 {
      let name = prefix + String((0..<8).map { _ in letters.randomElement()! }) + suffix
      let path = dir + "/" + name
      if Glibc.mkdir(path, 0o700) == 0 { return path }
      guard errno == EEXIST else { throw FileAccess.osError(errno, path) }
    }
    throw CellError(ename: "FileExistsError", "No usable temporary directory name found")
  }
}

/// `tempfile.TemporaryDirectory()`: `with` gives its path and deletes the folder after.
final class TemporaryDirectory: ContextManager {
  let name: String
  private let context: CallContext
  init(_ name: String, _ context: CallContext) {
    self.name = name
    self.context = context
  }

  var typeName: String { "TemporaryDirectory" }
  var repr: String { "<TemporaryDirectory \(Value.string(name).repr)>" }
  var attributeNames: [String] { ["name", "cleanup"] }
  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "name": return .string(name)
    case "cleanup":
      return .function(Builtin("cleanup()", summary: "Deletes the folder and its contents now.") { [self] _, ctx in
        if FileAccess.info(name) != nil { try ShutilModule.removeTree(name, ctx) }
        return .none
      })
    default: return nil
    }
  }
  func enter() throws(CellError) -> Value { .string(name) }
  func exit() { if FileAccess.info(name) != nil { try? ShutilModule.removeTree(name, context) } }
}
