/// `import pprint`: pprint, pformat, pp, PrettyPrinter, saferepr, isreadable and isrecursive,
/// as Python's (the layout itself is in PrettyPrinter.swift).
enum PprintModule {
  static func make() -> ModuleObject {
    let options = "indent=1, width=80, depth=None, *, compact=False, sort_dicts=True, underscore_numbers=False"
    let ppOptions = "indent=1, width=80, depth=None, *, compact=False, sort_dicts=False, underscore_numbers=False"
    return ModuleObject(
      name: "pprint", summary: "Pretty-printing of nested data, with Python's line breaks.",
      functions: [
        Builtin("pprint(object, stream=None, \(options))", summary: "Prints object pretty-printed to stdout (or stream).") { a, ctx in
          let p = try PrettyPrinter(a)
          try p.write(try p.pformat(a["object"]!, ctx) + "\n", ctx)
          return .none
        },
        Builtin("pformat(object, \(options))", summary: "The pretty-printed text of object.") { a, ctx in
          .string(try PrettyPrinter(a).pformat(a["object"]!, ctx))
        },
        Builtin(
          "pp(object, stream=None, \(ppOptions))",
          summary: "pprint with dicts in insertion order (sort_dicts=False)."
        ) { a, ctx in
          let p = try PrettyPrinter(a)
          try p.write(try p.pformat(a["object"]!, ctx) + "\n", ctx)
          return .none
        },
        Builtin(
          "PrettyPrinter(indent=1, width=80, depth=None, stream=None, *, compact=False, sort_dicts=True, underscore_numbers=False)",
          summary: "A printer with these settings: .pprint(object), .pformat(object)."
        ) { a, _ in .host(try PrettyPrinter(a)) },
        Builtin("saferepr(object)", summary: "repr that shows a structure containing itself as <Recursion on ...>.") { a, ctx in
          let r = try PrettyPrinter(BoundArguments(function: "saferepr")).safeRepr(a["object"]!, [], maxLevels: nil, level: 0)
          try ctx.interpreter.raiseDeferredError()
          return .string(r.text)
        },
        Builtin("isreadable(object)", summary: "Whether saferepr(object) could be read back (no <...> parts).") { a, _ in
          .bool(try PrettyPrinter(BoundArguments(function: "isreadable")).safeRepr(a["object"]!, [], maxLevels: nil, level: 0).readable)
        },
        Builtin("isrecursive(object)", summary: "Whether object contains itself.") { a, _ in
          .bool(try PrettyPrinter(BoundArguments(function: "isrecursive")).safeRepr(a["object"]!, [], maxLevels: nil, level: 0).recursive)
        },
      ])
  }
}

extension PrettyPrinter {
  /// CPython's `_safe_repr`: the one-line repr, with dicts sorted (sort_dicts), depth cut
  /// to `...`, ints with underscores (underscore_numbers), and a container met again inside
  /// itself shown as `<Recursion on ...>`; and whether it reads back, and whether it recursed.
  func safeRepr(
    _ v: Value, _ context: [ObjectIdentifier], maxLevels: Int?, level: Int
  ) -> (text: String, readable: Bool, recursive: Bool) {
    var context = context
    switch v {
    case .int(let i) where underscoreNumbers: return (Self.underscored(i), true, false)
    case .none, .bool, .int, .float, .string: return (v.repr, true, false)
    case .dict(let d) where d.isPlain:
      guard d.count > 0 else { return ("{}", true, false) }
      let pairs = Array(zip(d.keys, d.values))
      return container(v, "{", "}", context: &context, maxLevels: maxLevels, level: level) { parts, context in
        var readable = true
        var recursive = false
        for (key, value) in sortDicts ? Self.safeSorted(pairs, by: \.0) : pairs {
          let k = safeRepr(key, context, maxLevels: maxLevels, level: level + 1)
          let x = safeRepr(value, context, maxLevels: maxLevels, level: level + 1)
          parts.append(k.text + ": " + x.text)
          readable = readable && k.readable && x.readable
          recursive = recursive || k.recursive || x.recursive
        }
        return (readable, recursive)
      }
    case .list(let l) where !l.items.isEmpty: return sequence(v, l.items, "[", "]", context: &context, maxLevels: maxLevels, level: level)
    case .tuple(let items) where !items.isEmpty:
      return sequence(v, items, "(", items.count == 1 ? ",)" : ")", context: &context, maxLevels: maxLevels, level: level)
    default:
      let rep = v.repr
      return (rep, !rep.isEmpty && !rep.hasPrefix("<"), false)
    }
  }

  private func sequence(
    _ v: Value, _ items: [Value], _ open: String, _ close: String, context: inout [ObjectIdentifier], maxLevels: Int?, level: Int
  ) -> (text: String, readable: Bool, recursive: Bool) {
    container(v, open, close, context: &context, maxLevels: maxLevels, level: level) { parts, context in
      var readable = true
      var recursive = false
      for item in items {
        let r = safeRepr(item, context, maxLevels: maxLevels, level: level + 1)
        parts.append(r.text)
        readable = readable && r.readable
        recursive = recursive || r.recursive
      }
      return (readable, recursive)
    }
  }

  /// The part `_safe_repr` shares between dicts, lists and tuples: the depth cut, the
  /// recursion check, and the items joined with ", ".
  private func container(
    _ v: Value, _ open: String, _ close: String, context: inout [ObjectIdentifier], maxLevels: Int?, level: Int,
    items: (inout [String], [ObjectIdentifier]) -> (Bool, Bool)
  ) -> (text: String, readable: Bool, recursive: Bool) {
    let id = Self.identity(v)
    if let maxLevels, level >= maxLevels { return (open + "..." + close, false, id.map(context.contains) ?? false) }
    if let id, context.contains(id) { return (Self.recursion(v), false, true) }
    if level > 150 { return (v.repr, true, false) }  // the plain repr's own bound, so deep nests end
    if let id { context.append(id) }
    var parts: [String] = []
    let (readable, recursive) = items(&parts, context)
    return (open + parts.joined(separator: ", ") + close, readable, recursive)
  }

  /// `f"{i:_d}"`.
  static func underscored(_ i: Int) -> String {
    let digits = Array(String(i.magnitude))
    var out = ""
    for (n, d) in digits.enumerated() {
      if n > 0 && (digits.count - n) % 3 == 0 { out += "_" }
      out.append(d)
    }
    return (i < 0 ? "-" : "") + out
  }

  /// CPython's `_safe_key` sort: by `<` where the items compare, else by their type's name
  /// (`<class 'int'>` before `<class 'str'>`); stable, so equal items keep their order.
  static func safeSorted(_ items: [Value]) -> [Value] { safeSorted(items, by: \.self) }

  static func safeSorted<T>(_ items: [T], by key: (T) -> Value) -> [T] {
    var keyed = items.enumerated().map { ($0.offset, key($0.element), $0.element) }
    keyed.sort { x, y in
      if let less = try? Operators.compare(.less, x.1, y.1) {
        if less { return true }
        if (try? Operators.compare(.less, y.1, x.1)) == true { return false }
        return x.0 < y.0
      }
      let (tx, ty) = ("<class '\(x.1.typeName)'>", "<class '\(y.1.typeName)'>")
      return tx != ty ? tx < ty : x.0 < y.0
    }
    return keyed.map(\.2)
  }
}

extension DictObject {
  /// A plain dict, not a Counter, defaultdict or OrderedDict (those have their own reprs).
  var isPlain: Bool {
    if case nil = flavor { return true }
    return false
  }
}
