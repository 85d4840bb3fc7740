#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// any/all/map/filter/reversed/isinstance/divmod/set/time: the built-ins people reach
/// for with functions and lambdas.
extension StandardLibrary {
  static func functional() -> [Builtin] {
    [
      Builtin("any(iterable)", summary: "True when some item is true.") { a, ctx in
        .bool(try firstTruth(a["iterable"]!, true, ctx))
      },
      Builtin("all(iterable)", summary: "True when every item is true (True for an empty iterable).") { a, ctx in
        .bool(!(try firstTruth(a["iterable"]!, false, ctx)))
      },
      Builtin(
        "map(function, *iterables)", summary: "An iterator of function(item) for each item (of several iterables in step).",
        details: "list(map(str, [1, 2])) is ['1', '2']; map(lambda a, b: a + b, xs, ys) pairs them up."
      ) { a, ctx in
        let lists = try a.variadic.map { (v) throws(CellError) in try ValueIterator.collect(v) }
        guard !lists.isEmpty else { throw CellError.typeError("map() must have at least two arguments.") }
        var out: [Value] = []
        for i in 0..<(lists.map(\.count).min() ?? 0) {
          if i & 0xFFF == 0xFFF { try ctx.checkInterrupt() }
          out.append(try ctx.interpreter.call(a["function"]!, Arguments(lists.map { $0[i] }), context: ctx))
        }
        return IteratorObject.over(out, "map")
      },
      Builtin("filter(function, iterable)", summary: "An iterator of the items for which function(item) is true (None: the true items).") { a, ctx in
        var out: [Value] = []
        for (i, x) in try ValueIterator.collect(a["iterable"]!).enumerated() {
          if i & 0xFFF == 0xFFF { try ctx.checkInterrupt() }
          let keep: Bool
          if case .none = a["function"]! { keep = x.isTruthy } else {
            keep = try ctx.interpreter.call(a["function"]!, Arguments([x]), context: ctx).isTruthy
          }
          if keep { out.append(x) }
        }
        return IteratorObject.over(out, "filter")
      },
      Builtin("reversed(sequence)", summary: "An iterator of the items in reverse order.") { a, _ in
        let v = a["sequence"]!
        let name = if case .list = v { "list_reverseiterator" } else if case .host(is RangeObject) = v { "range_iterator" } else { "reversed" }
        return IteratorObject.over(try ValueIterator.collect(v).reversed(), name)
      },
      Builtin(
        "isinstance(obj, classinfo)", summary: "Whether obj is of the type (or one of a tuple of types): isinstance(x, int).",
        details: "Types are the built-in names int, float, str, bool, list, tuple, dict, set, exception types and classes defined in cells."
      ) { a, _ in
        .bool(try isInstance(a["obj"]!, a["classinfo"]!))
      },
      Builtin("divmod(a, b)", summary: "The pair (a // b, a % b).") { a, _ in
        .tuple([try Operators.binary(.floorDivide, a["a"]!, a["b"]!), try Operators.binary(.modulo, a["a"]!, a["b"]!)])
      },
      Builtin("set(iterable=())", summary: "A new set of the items (duplicates dropped): set([1, 1, 2]) is {1, 2}.") { a, _ in
        .host(try SetObject(try a["iterable"].map(ValueIterator.collect) ?? []))
      },
      Builtin("frozenset(iterable=())", summary: "An immutable, hashable set of the items (usable as a dict key).") { a, _ in
        .host(try SetObject(try a["iterable"].map(ValueIterator.collect) ?? [], frozen: true))
      },
      Builtin("time()", summary: "Seconds since 1970 as a float; subtract two to time something (or use %time).") { _, _ in
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
      },
    ]
  }

  /// Whether some item's truth equals `wanted` (any: a true item; all: a false one).
  static func firstTruth(_ iterable: Value, _ wanted: Bool, _ ctx: CallContext) throws(CellError) -> Bool {
    var iterator = try ValueIterator(iterable)
    var i = 0
    while let x = iterator.next() {
      i &+= 1
      if i & 0xFFFF == 0 { try ctx.checkInterrupt() }
      if x.isTruthy == wanted { return true }
    }
    return false
  }

  static func isInstance(_ v: Value, _ type: Value) throws(CellError) -> Bool {
    switch type {
    case .tuple(let types):
      for t in types where try isInstance(v, t) { return true }
      return false
    case .function(let f) where !f.isUserFunction:
      // The conversion built-ins double as the types: int, str, list, …; bool is an int.
      return v.typeName == f.name || (f.name == "int" && v.typeName == "bool")
    case .host(let t as TypeObject):
      return v.typeName == t.name || (t.name == "int" && v.typeName == "bool")
    case .host(let t as ExceptionType):
      if case .host(let e as ExceptionValue) = v { return Exceptions.matches(e.ename, t.name) }
      if case .host(let i as InstanceObject) = v { return i.cls.derives(fromException: t.name) }
      return false
    case .host(let c as ClassObject):
      if c.isObjectRoot { return true }
      if case .host(let i as InstanceObject) = v { return i.cls.isSubclass(of: c) }
      return false
    default:
      throw .typeError("isinstance() arg 2 must be a type or tuple of types, not '\(type.typeName)'")
    }
  }
}
