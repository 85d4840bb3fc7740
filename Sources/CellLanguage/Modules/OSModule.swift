#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `import os` and `os.path`: the file-system calls notebook code makes (paths, listing,
/// making folders, the environment), on the C library, with Python's OSError names.
enum OSModule {
  static func make(path: ModuleObject) -> ModuleObject {
    var environment: [(String, Value)] = []
    var p = environ
    while let entry = p.pointee {
      let text = String(cString: entry)
      if let eq = text.firstIndex(of: "=") { environment.append((String(text[..<eq]), .string(String(text[text.index(after: eq)...])))) }
      p += 1
    }
    return ModuleObject(
      name: "os", summary: "Files, folders and the environment, as Python's os module (os.path for paths).",
      functions: [
        Builtin("getcwd()", summary: "The current folder.") { _, _ in .string(currentDirectory()) },
        Builtin("listdir(path='.')", summary: "The names in a folder (sorted here; Python's order is the file system's).") { a, _ in
          .list(try FileAccess.listDirectory(try a.path("path", default: ".")).map(Value.string))
        },
        Builtin("makedirs(name, exist_ok=False)", summary: "Makes a folder and any missing parents.") { a, _ in
          try makeDirectories(try a.path("name", default: ""), existOK: try a.bool("exist_ok", default: false))
          return .none
        },
        Builtin("mkdir(path)", summary: "Makes a folder (its parent must exist).") { a, _ in
          let path = try a.path("path", default: "")
          guard Glibc.mkdir(path, 0o777) == 0 else { throw FileAccess.osError(errno, path) }
          return .none
        },
        Builtin("remove(path)", summary: "Deletes a file.") { a, _ in
          let path = try a.path("path", default: "")
          guard unlink(path) == 0 else { throw FileAccess.osError(errno, path) }
          return .none
        },
        Builtin("rename(src, dst)", summary: "Renames (moves) a file or folder.") { a, _ in
          let (src, dst) = (try a.path("src", default: ""), try a.path("dst", default: ""))
          guard Glibc.rename(src, dst) == 0 else { throw FileAccess.osError(errno, src) }
          return .none
        },
        Builtin("stat(path)", summary: "A file's size, times and mode: os.stat('x').st_size.") { a, _ in
          .host(try StatResult(try a.path("path", default: "")))
        },
        Builtin("getenv(key, default=None)", summary: "An environment variable's value, or default.") { a, _ in
          guard let v = Glibc.getenv(try a.string("key", default: "")) else { return a.value("default") ?? .none }
          return .string(String(cString: v))
        },
        Builtin("cpu_count()", summary: "The number of CPUs.") { _, _ in .int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) },
      ],
      constants: [("path", .host(path)), ("sep", .string("/")), ("environ", .dict(DictObject(environment)))])
  }

  static func currentDirectory() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  private static func makeDirectories(_ path: String, existOK: Bool) throws(CellError) {
    if FileAccess.isDirectory(path) {
      if existOK { return }
      throw FileAccess.osError(EEXIST, path)
    }
    let parent = PathModule.dirname(path)
    if !parent.isEmpty, parent != path, !FileAccess.isDirectory(parent) { try makeDirectories(parent, existOK: true) }
    guard Glibc.mkdir(path, 0o777) == 0 || (errno == EEXIST && existOK) else { throw FileAccess.osError(errno, path) }
  }
}

/// `os.path`: pure string operations on POSIX paths, and a few questions to the file system.
enum PathModule {
  static func make() -> ModuleObject {
    func text(_ a: BoundArguments, _ name: String = "path") throws(CellError) -> String {
      guard let v = a[name], let s = try PathLib.fspath(v) else { throw PathLib.fspathError(a[name] ?? .none) }
      return s
    }
    let info = FileAccess.info
    return ModuleObject(
      name: "os.path", summary: "Path names: join, split, splitext, basename, dirname, exists, isfile, isdir, getsize.",
      functions: [
        Builtin("join(path, *paths)", summary: "Joins path parts with '/' (an absolute part starts over).") { a, _ in
          var out = try text(a)
          for v in a.variadic {
            guard let part = try PathLib.fspath(v) else { throw CellError.typeError("join() argument must be str, bytes, or os.PathLike object, not '\(v.typeName)'") }
            if part.hasPrefix("/") || out.isEmpty { out = part } else { out += (out.hasSuffix("/") ? "" : "/") + part }
          }
          return .string(out)
        },
        Builtin("basename(path)", summary: "The last part: basename('a/b.jpg') is 'b.jpg'.") { a, _ in .string(split(try text(a)).1) },
        Builtin("dirname(path)", summary: "All but the last part: dirname('a/b.jpg') is 'a'.") { a, _ in .string(dirname(try text(a))) },
        Builtin("split(path)", summary: "(dirname, basename).") { a, _ in
          let (head, tail) = split(try text(a))
          return .tuple([.string(head), .string(tail)])
        },
        Builtin("splitext(path)", summary: "(root, extension): splitext('a/b.tar.gz') is ('a/b.tar', '.gz').") { a, _ in
          let (root, ext) = splitext(try text(a))
          return .tuple([.string(root), .string(ext)])
        },
        Builtin("exists(path)", summary: "Whether a file or folder is there.") { a, _ in .bool(info(try text(a)) != nil) },
        Builtin("isfile(path)", summary: "Whether path is a regular file.") { a, _ in .bool(FileAccess.isFile(try text(a))) },
        Builtin("isdir(path)", summary: "Whether path is a folder.") { a, _ in .bool(FileAccess.isDirectory(try text(a))) },
        Builtin("isabs(path)", summary: "Whether path starts at the root.") { a, _ in .bool(try text(a).hasPrefix("/")) },
        Builtin("getsize(path)", summary: "A file's size in bytes.") { a, _ in
          let path = try text(a)
          guard let s = info(path) else { throw FileAccess.osError(errno, path) }
          return .int(Int(s.st_size))
        },
        Builtin("abspath(path)", summary: "The path from the root, normalised.") { a, _ in
          let path = try text(a)
          return .string(normpath(path.hasPrefix("/") ? path : OSModule.currentDirectory() + "/" + path))
        },
        Builtin("normpath(path)", summary: "The path with '.', '..' and doubled '/' resolved as text.") { a, _ in .string(normpath(try text(a))) },
        Builtin("expanduser(path)", summary: "~ replaced by the home folder.") { a, _ in
          let path = try text(a)
          guard path == "~" || path.hasPrefix("~/"), let home = getenv("HOME") else { return .string(path) }
          return .string(String(cString: home) + path.dropFirst())
        },
      ],
      constants: [("sep", .string("/"))])
  }

  /// Python's posixpath.split: the head keeps a leading run of slashes, loses trailing ones.
  static func split(_ path: String) -> (String, String) {
    guard let slash = path.lastIndex(of: "/") else { return ("", path) }
    var head = String(path[...slash])
    let tail = String(path[path.index(after: slash)...])
    if head.contains(where: { $0 != "/" }) { while head.hasSuffix("/") { head.removeLast() } }
    return (head, tail)
  }

  static func dirname(_ path: String) -> String { split(path).0 }

  /// posixpath.splitext: the last dot of the last part, unless the part starts with dots only before it.
  static func splitext(_ path: String) -> (String, String) {
    let base = split(path).1
    guard let dot = base.lastIndex(of: "."), base[..<dot].contains(where: { $0 != "." }) else { return (path, "") }
    let ext = String(base[dot...])
    return (String(path.dropLast(ext.count)), ext)
  }

  /// posixpath.normpath.
  static func normpath(_ path: String) -> String {
    if path.isEmpty { return "." }
    let initial = path.hasPrefix("//") && !path.hasPrefix("///") ? 2 : path.hasPrefix("/") ? 1 : 0
    var parts: [Substring] = []
    for part in path.split(separator: "/") where part != "." {
      if part == "..", let last = parts.last, last != ".." {
        parts.removeLast()
      } else if part != ".." || initial == 0 {
        parts.append(part)
      }
    }
    let joined = String(repeating: "/", count: initial) + parts.joined(separator: "/")
    return joined.isEmpty ? "." : joined
  }
}

/// What `os.stat` and `Path.stat()` return: the fields of stat(2) by name (times as float
/// seconds) or, as Python's tuple, by position (times as whole seconds).
final class StatResult: HostObject {
  private static let names = ["st_mode", "st_ino", "st_dev", "st_nlink", "st_uid", "st_gid", "st_size", "st_atime", "st_mtime", "st_ctime"]
  private let whole: [Int]
  private let times: [Double]

  init(_ path: String) throws(CellError) {
    var s = stat()
    guard stat(path, &s) == 0 else { throw FileAccess.osError(errno, path) }
    let seconds = [s.st_atim, s.st_mtim, s.st_ctim].map { Double($0.tv_sec) + Double($0.tv_nsec) / 1e9 }
    whole = [Int(s.st_mode), Int(s.st_ino), Int(s.st_dev), Int(s.st_nlink), Int(s.st_uid), Int(s.st_gid), Int(s.st_size)]
      + seconds.map { Int($0.rounded(.down)) }
    times = seconds
  }

  var typeName: String { "os.stat_result" }
  var repr: String { "os.stat_result(" + zip(Self.names, whole).map { "\($0)=\($1)" }.joined(separator: ", ") + ")" }
  var attributeNames: [String] { Self.names }
  func attribute(_ name: String) throws -> Value? {
    guard let i = Self.names.firstIndex(of: name) else { return nil }
    return i < 7 ? .int(whole[i]) : .float(times[i - 7])
  }
  func item(_ key: Value) throws -> Value? { .int(whole[try Access.position(key, count: whole.count, kind: "tuple")]) }
  func iterate() throws -> [Value]? { whole.map(Value.int) }
}
