/// `import functools`: reduce, partial, lru_cache/cache (memoising decorators), wraps and
/// total_ordering (a class decorator).
enum FuncToolsModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "functools", summary: "reduce, partial, lru_cache, cache, wraps and total_ordering, as Python's functools.",
      functions: [
        Builtin("reduce(function, iterable, *initial)", summary: "Folds the items with function: reduce(lambda a, b: a * b, xs, 1).") { a, ctx in
          var items = try ValueIterator.collect(a["iterable"]!)[...]
          guard var total = a.variadic.first ?? items.popFirst() else {
            throw CellError.typeError("reduce() of empty iterable with no initial value")
          }
          for (i, x) in items.enumerated() {
            if i & 0xFFF == 0xFFF { try ctx.checkInterrupt() }
            total = try ctx.interpreter.call(a["function"]!, Arguments([total, x]), context: ctx)
          }
          return total
        },
        Builtin("partial(func, *args, **keywords)", summary: "func with some arguments filled in: partial(round, ndigits=2).") { a, _ in
          .host(PartialObject(a["func"]!, a.variadic, a.extraKeywords))
        },
        Builtin(
          "lru_cache(maxsize=128, typed=False)", summary: "Decorator: remembers a function's results by its arguments (@lru_cache or @lru_cache(maxsize=None)).",
          details: "The wrapped function has cache_info() and cache_clear(). Arguments must be hashable."
        ) { a, _ in
          // `@lru_cache` hands the function itself as maxsize.
          if case .function = a["maxsize"] ?? .none { return .host(CachedFunction(a["maxsize"]!, maxsize: 128)) }
          let maxsize: Int?
          switch a["maxsize"] {
          case nil, .none?: maxsize = a["maxsize"] == nil ? 128 : nil
          case .int(let n)?: maxsize = max(0, n)
          case let v?: throw CellError.typeError("Expected first argument to be an integer, a callable, or None, not \(v.typeName)")
          }
          return .function(Builtin("decorating_function(user_function)", summary: "Caches user_function's results.") { b, _ in
            .host(CachedFunction(b["user_function"]!, maxsize: maxsize))
          })
        },
        Builtin("cache(user_function)", summary: "Decorator: remembers every result by the arguments (lru_cache(maxsize=None)).") { a, _ in
          .host(CachedFunction(a["user_function"]!, maxsize: nil))
        },
        Builtin("wraps(wrapped)", summary: "Decorator for a wrapper function; here it leaves the wrapper as it is.") { _, _ in
          .function(Builtin("decorator(wrapper)", summary: "Returns wrapper.") { b, _ in b["wrapper"]! })
        },
        Builtin("total_ordering(cls)", summary: "Class decorator: from __eq__ and one of __lt__ __le__ __gt__ __ge__, the others.") { a, _ in
          guard case .host(let cls as ClassObject) = a["cls"]! else { throw CellError.typeError("total_ordering() takes a class") }
          try TotalOrdering.complete(cls)
          return a["cls"]!
        },
      ])
  }
}

/// What `partial(f, *args, **kw)` returns: a callable adding its arguments before the call's.
final class PartialObject: HostObject {
  let function: Value
  let args: [Value]
  let keywords: [(name: String, value: Value)]

  init(_ function: Value, _ args: [Value], _ keywords: [(name: String, value: Value)]) {
    self.function = function
    self.args = args
    self.keywords = keywords
  }

  var typeName: String { "functools.partial" }
  var repr: String {
    let parts = [function.repr] + args.map(\.repr) + keywords.map { "\($0.name)=\($0.value.repr)" }
    return "functools.partial(\(parts.joined(separator: ", ")))"
  }
  var attributeNames: [String] { ["func", "args", "keywords"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "func": return function
    case "args": return .tuple(args)
    case "keywords": return .dict(DictObject(keywords.map { ($0.name, $0.value) }))
    default: return nil
    }
  }
  var callSignature: Signature? { Signature("partial(*args, **keywords)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    var merged = keywords.filter { k in !arguments.extraKeywords.contains { $0.name == k.name } }
    merged += arguments.extraKeywords
    return try context.interpreter.call(function, Arguments(args + arguments.variadic, keywords: merged), context: context)
  }
}

/// A function wrapped by lru_cache/cache: results kept by their arguments, the least
/// recently used dropped past maxsize.
final class CachedFunction: HostObject {
  let function: Value
  let maxsize: Int?
  private let results = DictObject()
  private var hits = 0
  private var misses = 0

  init(_ function: Value, maxsize: Int?) {
    self.function = function
    self.maxsize = maxsize
  }

  var typeName: String { "functools._lru_cache_wrapper" }
  var repr: String { "<functools._lru_cache_wrapper \(function.repr)>" }
  var attributeNames: [String] { ["cache_info", "cache_clear", "__wrapped__"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "__wrapped__": return function
    case "cache_info":
      return .function(Builtin("cache_info()", summary: "hits, misses, maxsize and currsize.") { [self] _, _ in
        .string("CacheInfo(hits=\(hits), misses=\(misses), maxsize=\(maxsize.map(String.init) ?? "None"), currsize=\(results.count))")
      })
    case "cache_clear":
      return .function(Builtin("cache_clear()", summary: "Forgets every result.") { [self] _, _ in
        while let k = results.keys.last { _ = try results.remove(k) }
        (hits, misses) = (0, 0)
        return .none
      })
    default: return nil
    }
  }
  var callSignature: Signature? { Signature("cached(*args, **kwargs)") }
  var help: String? { if case .function(let f) = function { f.helpText } else { nil } }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    let key = Value.tuple(arguments.variadic + arguments.extraKeywords.flatMap { [.string($0.name), $0.value] })
    if let v = try results.get(key) {
      hits += 1
      // Most recently used last: re-adding moves it behind the others.
      _ = try results.remove(key)
      try results.set(key, v)
      return v
    }
    misses += 1
    let v = try context.interpreter.call(function, Arguments(arguments.variadic, keywords: arguments.extraKeywords), context: context)
    guard maxsize != 0 else { return v }
    try results.set(key, v)
    if let maxsize, results.count > maxsize, let oldest = results.keys.first { _ = try results.remove(oldest) }
    return v
  }
}

/// `@total_ordering`: the comparisons a class lacks, from `__eq__` and the one it has.
enum TotalOrdering {
  static func complete(_ cls: ClassObject) throws(CellError) {
    let names = ["__lt__", "__le__", "__gt__", "__ge__"]
    guard let root = names.first(where: { cls.lookup($0) != nil }) else {
      throw .valueError("must define at least one ordering operation: < > <= >=")
    }
    // Each derived comparison in terms of the root (`a < b`) and equality, as Python's.
    let derived: [String: (Bool, Bool) -> Bool] = switch root {
    case "__lt__": ["__le__": { lt, eq in lt || eq }, "__gt__": { lt, eq in !lt && !eq }, "__ge__": { lt, _ in !lt }]
    case "__le__": ["__lt__": { le, eq in le && !eq }, "__gt__": { le, _ in !le }, "__ge__": { le, eq in !le || eq }]
    case "__gt__": ["__lt__": { gt, eq in !gt && !eq }, "__ge__": { gt, eq in gt || eq }, "__le__": { gt, _ in !gt }]
    default: ["__le__": { ge, eq in !ge || eq }, "__gt__": { ge, eq in ge && !eq }, "__lt__": { ge, _ in !ge }]
    }
    let rootMethod = cls.lookup(root)!.value
    for (name, rule) in derived where cls.lookup(name) == nil {
      cls.attributes[name] = .function(
        Builtin(signature: Signature("\(name)(self, other)"), summary: "Derived by total_ordering.", isUserFunction: true) { a, ctx in
          let (me, other) = (a["self"]!, a["other"]!)
          let r = try ctx.interpreter.callMethod(rootMethod, on: me, [other], context: ctx).isTruthy
          return .bool(rule(r, try Value.equals(me, other)))
        })
    }
  }
}
