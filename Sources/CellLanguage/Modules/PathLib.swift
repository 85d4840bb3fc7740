/// `import pathlib` / `from pathlib import Path`: POSIX paths as objects, as Python's
/// pathlib. `Path` is a class made here (PosixPath, as Python names it on Linux), so `/`,
/// ==, ordering, hashing and display go through the class protocol (ClassProtocol.swift).
/// An instance keeps its normalised text in the field `_path`; the file-system methods are
/// in PathLibFiles.swift.
enum PathLib {
  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let cls = try PathClass.make(interpreter)
    return ModuleObject(
      name: "pathlib", summary: "File-system paths as objects (Path), as Python's pathlib.", functions: [],
      constants: [("Path", .host(cls)), ("PosixPath", .host(cls)), ("PurePath", .host(cls)), ("PurePosixPath", .host(cls))])
  }

  /// The text of a path argument: a str, a Path, or an object with `__fspath__` (os.fspath).
  static func fspath(_ v: Value) throws(CellError) -> String? {
    if case .string(let s) = v { return s }
    if let p = text(v) { return p }
    if case .host(let i as InstanceObject) = v, let r = try Protocols.call(i, "__fspath__", []) {
      guard case .string(let s) = r else { throw .typeError("expected \(i.typeName).__fspath__() to return str or bytes, not \(r.typeName)") }
      return s
    }
    return nil
  }

  static func fspathError(_ v: Value) -> CellError {
    .typeError("expected str, bytes or os.PathLike object, not \(v.typeName)")
  }

  /// The normalised text of a Path instance, nil for anything else.
  static func text(_ v: Value) -> String? {
    guard case .host(let i as InstanceObject) = v, i.cls.name == "PosixPath", case .string(let s)? = try? i.fields.get(.string("_path")) else {
      return nil
    }
    return s
  }

  // MARK: Pure paths (text only), as PurePosixPath parses and joins them

  /// The root ('/', or '//' exactly, as POSIX allows) and the parts after it, without
  /// empty parts and '.'.
  static func parse(_ path: String) -> (root: String, parts: [String]) {
    let root = path.hasPrefix("//") && !path.hasPrefix("///") ? "//" : path.hasPrefix("/") ? "/" : ""
    return (root, path.split(separator: "/").filter { $0 != "." }.map(String.init))
  }

  static func text(root: String, parts: [String]) -> String {
    let s = root + parts.joined(separator: "/")
    return s.isEmpty ? "." : s
  }

  /// Pieces joined as Path(a, b, …) does: an absolute piece starts over.
  static func join(_ pieces: [String]) -> String {
    var root = ""
    var parts: [String] = []
    for piece in pieces {
      let (r, p) = parse(piece)
      if !r.isEmpty { (root, parts) = (r, []) }
      parts += p
    }
    return text(root: root, parts: parts)
  }

  /// The parts as `p.parts` lists them (the root first) and as paths compare.
  static func allParts(_ path: String) -> [String] {
    let (root, parts) = parse(path)
    return (root.isEmpty ? [] : [root]) + parts
  }

  static func name(_ path: String) -> String { parse(path).parts.last ?? "" }

  static func suffix(_ name: String) -> String {
    guard let dot = name.lastIndex(of: "."), dot != name.startIndex, name.index(after: dot) != name.endIndex else { return "" }
    return String(name[dot...])
  }

  static func suffixes(_ name: String) -> [String] {
    if name.hasSuffix(".") { return [] }
    let pieces = name.drop { $0 == "." }.split(separator: ".", omittingEmptySubsequences: false)
    return pieces.dropFirst().map { "." + $0 }
  }

  static func parent(_ path: String) -> String {
    let (root, parts) = parse(path)
    return parts.isEmpty ? path : text(root: root, parts: Array(parts.dropLast()))
  }

  static func withName(_ path: String, _ name: String) throws(CellError) -> String {
    let (root, parts) = parse(path)
    guard !parts.isEmpty else { throw .valueError("\(repr(path)) has an empty name") }
    let (r, p) = parse(name)
    guard !name.isEmpty, !name.hasSuffix("/"), r.isEmpty, p.count == 1 else { throw .valueError("Invalid name \(Value.string(name).repr)") }
    return text(root: root, parts: parts.dropLast() + p)
  }

  static func withSuffix(_ path: String, _ suffix: String) throws(CellError) -> String {
    if suffix.contains("/") || (!suffix.isEmpty && !suffix.hasPrefix(".")) || suffix == "." {
      throw .valueError("Invalid suffix \(Value.string(suffix).repr)")
    }
    let name = name(path)
    guard !name.isEmpty else { throw .valueError("\(repr(path)) has an empty name") }
    let old = self.suffix(name)
    return try withName(path, String(name.dropLast(old.count)) + suffix)
  }

  static func relative(_ path: String, to other: String) throws(CellError) -> String {
    let (mine, base) = (allParts(path), allParts(other))
    guard mine.count >= base.count, Array(mine.prefix(base.count)) == base else {
      throw .valueError(
        "\(Value.string(path).repr) is not in the subpath of \(Value.string(other).repr) OR one path is relative and the other is absolute.")
    }
    return text(root: "", parts: Array(mine.dropFirst(base.count)))
  }

  static func repr(_ path: String) -> String { "PosixPath(\(Value.string(path).repr))" }
}

extension BoundArguments {
  /// A path argument: a str or a Path (any os.PathLike), converted to its text here, once.
  func path(_ name: String, default d: String) throws(CellError) -> String {
    guard let v = value(name) else { return d }
    guard let s = try PathLib.fspath(v) else { throw PathLib.fspathError(v) }
    return s
  }
}
