/// `iter`, `next` and `hash`: the iterator protocol's built-ins (for code that steps an
/// iterable by hand) and Python's hash of a value.
extension StandardLibrary {
  static func iteration() -> [Builtin] {
    [
      Builtin("iter(obj)", summary: "An iterator over obj's items, advanced by next(it).") { a, _ in
        let v = a["obj"]!
        if case .host(let h) = v, h is IteratorObject || h is Advancing { return v }
        return .host(IteratorObject(try ValueIterator(v)))
      },
      Builtin(
        "next(iterator, *default)", summary: "The iterator's next item; at the end, default if given, else StopIteration.",
        details: "next(it) or next(it, default); an explicit None default is returned as None."
      ) { a, _ in
        guard a.variadic.count <= 1 else {
          throw CellError.typeError("next expected at most 2 arguments, got \(a.variadic.count + 1)")
        }
        let fallback = a.variadic.first
        switch a["iterator"]! {
        case .host(let it as IteratorObject):
          if let v = it.iterator.next() { return v }
        case .host(let it as Advancing):
          if let v = try it.next() { return v }
        case .host(let i as InstanceObject) where i.cls.lookup("__next__") != nil:
          return try nextItem(i, default: fallback)
        case let other:
          throw CellError.typeError("'\(other.typeName)' object is not an iterator")
        }
        if let fallback { return fallback }
        throw CellError(ename: "StopIteration", "")
      },
      Builtin("hash(obj)", summary: "The hash of a hashable value (equal values hash alike; a class's __hash__).") { a, _ in
        .int(try pythonHash(a["obj"]!))
      },
    ]
  }

  /// `next(obj)` on an instance with `__next__`: its StopIteration becomes `default` when given.
  private static func nextItem(_ i: InstanceObject, default d: Value?) throws(CellError) -> Value {
    do {
      return try Protocols.call(i, "__next__", []) ?? .none
    } catch {
      guard error.ename == "StopIteration", let d else { throw error }
      return d
    }
  }

  /// Python's hash for integers (and the floats and bools equal to them): the value
  /// modulo 2^61 − 1, with −1 read as −2; other values hash as their dict keys do.
  static func pythonHash(_ v: Value) throws(CellError) -> Int {
    let key = try DictKey(v)
    switch key {
    case .int(let i):
      let modulus: UInt = (1 << 61) - 1
      let h = Int(i.magnitude % modulus)
      let signed = i < 0 ? -h : h
      return signed == -1 ? -2 : signed
    case .instance(let k): return k.hash == -1 ? -2 : k.hash
    default: return key.hashValue
    }
  }
}

/// A host object that is its own iterator and makes each item when asked (csv's readers,
/// which parse a line at a time so that `next(reader)` skips a header and errors come
/// with the row that has them): `next()` advances it, `iter()` returns it.
protocol Advancing: HostObject {
  func advance() throws -> Value?
}

extension Advancing {
  /// `advance()` with its error as the language's.
  func next() throws(CellError) -> Value? {
    do { return try advance() } catch { throw Interpreter.cellError(from: error) }
  }

  /// `for x in it` (or `list(it)`) takes the remaining items, as in Python.
  func remaining() throws -> [Value] {
    var rest: [Value] = []
    while let v = try advance() {
      if rest.count == Memory.maxItemCount { try Memory.checkItems(rest.count + 1, "list") }
      rest.append(v)
    }
    return rest
  }
}

/// What `iter(x)` returns: the items left to visit (a range stays lazy).
final class IteratorObject: HostObject {
  var iterator: ValueIterator
  let typeName: String
  init(_ iterator: ValueIterator, typeName: String = "iterator") {
    self.iterator = iterator
    self.typeName = typeName
  }

  var repr: String { "<\(typeName) object>" }
  /// `for x in it` (or `list(it)`) takes the remaining items, as in Python.
  func iterate() throws -> [Value]? {
    var rest: [Value] = []
    while let v = iterator.next() {
      if rest.count == Memory.maxItemCount { try Memory.checkItems(rest.count + 1, "list") }
      rest.append(v)
    }
    return rest
  }
}
