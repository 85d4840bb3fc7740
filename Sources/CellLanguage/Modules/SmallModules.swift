/// `import copy`, `import string` and `import glob`: small modules notebook code imports
/// for one function or constant.
enum CopyModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "copy", summary: "copy (shallow) and deepcopy, as Python's copy module.",
      functions: [
        Builtin("copy(x)", summary: "A shallow copy: a new list, dict, set or object holding the same items.") { a, _ in
          try shallow(a["x"]!)
        },
        Builtin("deepcopy(x)", summary: "A copy of x and everything inside it (shared and cyclic parts copied once).") { a, _ in
          var memo: [ObjectIdentifier: Value] = [:]
          return try deep(a["x"]!, &memo, depth: 0)
        },
      ])
  }

  static func shallow(_ v: Value) throws(CellError) -> Value {
    switch v {
    case .list(let l): return .list(ListObject(l.items))
    case .dict(let d): return .dict(try copyDict(d) { (x) throws(CellError) in x })
    case .host(let s as SetObject): return .host(try s.like(s.items))
    case .host(let o as InstanceObject): return .host(try copyInstance(o) { (x) throws(CellError) in x })
    default: return v
    }
  }

  static func deep(_ v: Value, _ memo: inout [ObjectIdentifier: Value], depth: Int) throws(CellError) -> Value {
    guard depth < Value.maxRecursion else { throw Value.recursionError("while copying") }
    func inner(_ x: Value) throws(CellError) -> Value { try deep(x, &memo, depth: depth + 1) }
    switch v {
    case .list(let l):
      if let done = memo[ObjectIdentifier(l)] { return done }
      let copy = ListObject()
      memo[ObjectIdentifier(l)] = .list(copy)
      for x in l.items { copy.items.append(try inner(x)) }
      return .list(copy)
    case .dict(let d):
      if let done = memo[ObjectIdentifier(d)] { return done }
      let copy = DictObject()
      copy.flavor = d.flavor
      memo[ObjectIdentifier(d)] = .dict(copy)
      for (k, x) in zip(d.keys, d.values) { try copy.set(try inner(k), try inner(x)) }
      return .dict(copy)
    case .tuple(let t):
      var items: [Value] = []
      for x in t { items.append(try inner(x)) }
      return .tuple(items)
    case .host(let s as SetObject):
      if let done = memo[ObjectIdentifier(s)] { return done }
      let copy = SetObject(frozen: s.frozen)
      memo[ObjectIdentifier(s)] = .host(copy)
      for x in s.items { try copy.insert(try inner(x)) }
      return .host(copy)
    case .host(let o as InstanceObject):
      if let done = memo[ObjectIdentifier(o)] { return done }
      let copy = InstanceObject(o.cls)
      memo[ObjectIdentifier(o)] = .host(copy)
      copy.exceptionArgs = try o.exceptionArgs.map(inner)
      for (k, x) in zip(o.fields.keys, o.fields.values) { try copy.fields.set(k, try inner(x)) }
      return .host(copy)
    default:
      return v
    }
  }

  private static func copyDict(_ d: DictObject, _ each: (Value) throws(CellError) -> Value) throws(CellError) -> DictObject {
    let copy = DictObject()
    copy.flavor = d.flavor
    for (k, x) in zip(d.keys, d.values) { try copy.set(k, try each(x)) }
    return copy
  }

  private static func copyInstance(_ o: InstanceObject, _ each: (Value) throws(CellError) -> Value) throws(CellError) -> InstanceObject {
    let copy = InstanceObject(o.cls)
    copy.exceptionArgs = o.exceptionArgs
    for (k, x) in zip(o.fields.keys, o.fields.values) { try copy.fields.set(k, try each(x)) }
    return copy
  }
}

enum StringModule {
  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let lower = "abcdefghijklmnopqrstuvwxyz"
    let upper = lower.uppercased()
    return ModuleObject(
      name: "string", summary: "Character classes as strings, Template and capwords, as Python's string module.",
      functions: [StringTemplate.capwords()],
      constants: [
        ("Template", .host(try StringTemplate.make(interpreter))),
        ("ascii_letters", .string(lower + upper)), ("ascii_lowercase", .string(lower)), ("ascii_uppercase", .string(upper)),
        ("digits", .string("0123456789")), ("hexdigits", .string("0123456789abcdefABCDEF")), ("octdigits", .string("01234567")),
        ("punctuation", .string(##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"##)), ("whitespace", .string(" \t\n\r\u{0B}\u{0C}")),
        ("printable", .string("0123456789" + lower + upper + ##"!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"## + " \t\n\r\u{0B}\u{0C}")),
      ])
  }
}

enum GlobModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "glob", summary: "Paths matching a pattern, as Python's glob module (sorted here).",
      functions: [
        Builtin("glob(pathname, *, recursive=False)", summary: "The sorted paths matching a pattern; with recursive=True, ** matches any folders.") { a, ctx in
          let pattern = try a.string("pathname", default: "")
          guard try a.bool("recursive", default: false), let range = pattern.firstRange(of: "**") else {
            return .list(try FileAccess.glob(pattern).map(Value.string))
          }
          // `top/**/rest`: rest matched in top and in every folder below it.
          let top = String(pattern[..<range.lowerBound])
          var rest = String(pattern[range.upperBound...])
          if rest.hasPrefix("/") { rest.removeFirst() }
          var folders = [top.isEmpty ? "" : top]
          var i = 0
          while i < folders.count {
            try ctx.checkInterrupt()
            let dir = folders[i].isEmpty ? "." : folders[i]
            for name in (try? FileAccess.listDirectory(dir)) ?? [] where !name.hasPrefix(".") {
              let path = folders[i] + (folders[i].isEmpty || folders[i].hasSuffix("/") ? "" : "/") + name
              if FileAccess.isDirectory(path) { folders.append(path) }
            }
            i += 1
            try Memory.checkItems(folders.count, "list")
          }
          var found: [String] = []
          for f in folders {
            let prefix = f.isEmpty ? "" : f.hasSuffix("/") ? f : f + "/"
            found += rest.isEmpty ? (f.isEmpty ? [] : [prefix]) : try FileAccess.glob(prefix + rest)
          }
          return .list(Array(Set(found)).sorted().map(Value.string))
        },
      ])
  }
}
