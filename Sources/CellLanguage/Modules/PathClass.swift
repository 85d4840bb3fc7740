/// The PosixPath class of `import pathlib`: construction, the pure-path properties and
/// methods, and the special methods that give paths `/`, ==, ordering, hashing and
/// their str/repr. The file-system methods are added in PathLibFiles.swift.
enum PathClass {
  /// A path method: `body(text, arguments, context)` with the receiver's text.
  static func method(_ signature: String, _ summary: String, _ body: @escaping (String, BoundArguments, CallContext) throws -> Value) -> Value {
    .function(
      Builtin(signature: Signature(signature), summary: summary, isUserFunction: true) { a, ctx in
        guard let path = PathLib.text(a["self"] ?? .none) else { throw CellError.typeError("a PosixPath method needs a PosixPath") }
        return try body(path, a, ctx)
      })
  }

  static func property(_ get: @escaping (String) throws -> Value) -> Value {
    .host(PropertyObject(get: method("get(self)", "") { p, _, _ in try get(p) }, set: nil))
  }

  static func make(_ cls: ClassObject, _ text: String) throws(CellError) -> Value {
    let i = InstanceObject(cls)
    try i.fields.set(.string("_path"), .string(text))
    return .host(i)
  }

  /// The texts of path arguments (str or PathLike), with Python's TypeError for others.
  static func texts(_ values: [Value]) throws(CellError) -> [String] {
    try values.map { v throws(CellError) in
      guard let s = try PathLib.fspath(v) else { throw PathLib.fspathError(v) }
      return s
    }
  }

  static func make(_ interpreter: Interpreter) throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "PosixPath", bases: [], exceptionBases: [], attributes: [:],
      doc: "A file-system path: Path('data') / 'train.csv'. Its parts, name, suffix and parent; exists(), read_text(), glob(), mkdir() …",
      interpreter: interpreter)
    cls.module = "pathlib"
    let path = { (text: String) throws(CellError) -> Value in try Self.make(cls, text) }
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(signature: Signature("__init__(self, *pathsegments)"), summary: "", isUserFunction: true) { a, _ in
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        try me.fields.set(.string("_path"), .string(PathLib.join(try Self.texts(a.variadic))))
        return .none
      })
    attributes["__str__"] = method("__str__(self)", "The path's text.") { p, _, _ in .string(p) }
    attributes["__fspath__"] = attributes["__str__"]
    attributes["as_posix"] = method("as_posix(self)", "The path's text, with '/' separators.") { p, _, _ in .string(p) }
    attributes["__repr__"] = method("__repr__(self)", "PosixPath('…').") { p, _, _ in .string(PathLib.repr(p)) }
    pureOperators(interpreter, cls, into: &attributes)

    attributes["name"] = property { .string(PathLib.name($0)) }
    attributes["suffix"] = property { .string(PathLib.suffix(PathLib.name($0))) }
    attributes["suffixes"] = property { .list(PathLib.suffixes(PathLib.name($0)).map(Value.string)) }
    attributes["stem"] = property { p in
      let name = PathLib.name(p)
      return .string(String(name.dropLast(PathLib.suffix(name).count)))
    }
    attributes["parts"] = property { .tuple(PathLib.allParts($0).map(Value.string)) }
    attributes["root"] = property { .string(PathLib.parse($0).root) }
    attributes["anchor"] = attributes["root"]
    attributes["parent"] = property { try path(PathLib.parent($0)) }
    attributes["parents"] = property { p in
      var out: [Value] = []
      var current = p
      while PathLib.parent(current) != current {
        current = PathLib.parent(current)
        out.append(try path(current))
      }
      return .host(PathParentsObject(out))
    }
    attributes["is_absolute"] = method("is_absolute(self)", "Whether the path starts at the root.") { p, _, _ in
      .bool(!PathLib.parse(p).root.isEmpty)
    }
    attributes["joinpath"] = method("joinpath(self, *pathsegments)", "The path with the segments added (as p / a / b).") { p, a, _ in
      try path(PathLib.join([p] + Self.texts(a.variadic)))
    }
    attributes["is_relative_to"] = method("is_relative_to(self, *other)", "Whether other is this path or one of its parents.") { p, a, _ in
      .bool((try? PathLib.relative(p, to: PathLib.join(try Self.texts(a.variadic)))) != nil)
    }
    attributes["with_name"] = method("with_name(self, name)", "The path with its last part replaced.") { p, a, _ in
      try path(try PathLib.withName(p, try a.string("name", default: "")))
    }
    attributes["with_suffix"] = method("with_suffix(self, suffix)", "The path with its suffix replaced ('' removes it).") { p, a, _ in
      try path(try PathLib.withSuffix(p, try a.string("suffix", default: "")))
    }
    attributes["with_stem"] = method("with_stem(self, stem)", "The path with its name's stem replaced.") { p, a, _ in
      try path(try PathLib.withName(p, try a.string("stem", default: "") + PathLib.suffix(PathLib.name(p))))
    }
    attributes["relative_to"] = method("relative_to(self, *other)", "The path from other to this one.") { p, a, _ in
      try path(try PathLib.relative(p, to: PathLib.join(try Self.texts(a.variadic))))
    }
    fileMethods(cls, into: &attributes)
    cls.attributes = attributes
    return cls
  }

  /// `/` (with a str or a Path on either side), and comparison and hashing by the parts,
  /// against paths only (anything else is NotImplemented, so Python's TypeError follows).
  private static func pureOperators(_ interpreter: Interpreter, _ cls: ClassObject, into attributes: inout [String: Value]) {
    let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
    attributes["__truediv__"] = method("__truediv__(self, other)", "The path with a segment added.") { p, a, _ in
      guard let other = try PathLib.fspath(a["other"]!) else { return notImplemented }
      return try Self.make(cls, PathLib.join([p, other]))
    }
    attributes["__rtruediv__"] = method("__rtruediv__(self, other)", "A segment with this path added.") { p, a, _ in
      guard let other = try PathLib.fspath(a["other"]!) else { return notImplemented }
      return try Self.make(cls, PathLib.join([other, p]))
    }
    let parts = { (p: String) in Value.list(PathLib.allParts(p).map(Value.string)) }
    for (name, op) in Protocols.orderingMethods + [("__eq__", .equal)] {
      attributes[name] = method("\(name)(self, other)", "Compares paths by their parts.") { p, a, _ in
        guard let other = PathLib.text(a["other"]!) else { return notImplemented }
        return .bool(try Operators.compare(op, parts(p), parts(other)))
      }
    }
    attributes["__hash__"] = method("__hash__(self)", "The hash of the parts.") { p, _, _ in
      .int(try StandardLibrary.pythonHash(.tuple(PathLib.allParts(p).map(Value.string))))
    }
  }
}

/// `p.parents`: the ancestors, nearest first, as Python's sequence (indexable with
/// negative indexes and slices, iterable, sized), shown as Python shows it.
final class PathParentsObject: HostObject {
  let items: [Value]
  init(_ items: [Value]) { self.items = items }
  var typeName: String { "_PathParents" }
  var repr: String { "<PosixPath.parents>" }
  var truthValue: Bool { !items.isEmpty }
  func iterate() throws -> [Value]? { items }
  func item(_ key: Value) throws -> Value? { try Access.item(.tuple(items), key) }
}
