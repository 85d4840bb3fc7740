#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

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

  /// Python's hash where CPython's is deterministic: integers (modulo 2^61 − 1, −1 read
  /// as −2), floats (CPython's `_Py_HashDouble`, so `hash(1.5)` is 1152921504606846977),
  /// bools, and tuples of those (CPython's xxHash-based tuple hash). Strings, None and
  /// other objects hash as their dict keys do (CPython randomises strings per process too).
  static func pythonHash(_ v: Value, depth: Int = 0) throws(CellError) -> Int {
    guard depth < Value.maxRecursion else { throw Value.recursionError("while hashing") }
    switch v {
    case .float(let d) where !d.isNaN: return floatHash(d)
    case .tuple(let items):
      // CPython 3.8+'s tuplehash (xxHash's prime multipliers and rotation).
      let prime1: UInt64 = 11_400_714_785_074_694_791, prime2: UInt64 = 14_029_467_366_897_019_727
      let prime5: UInt64 = 2_870_177_450_012_600_261
      var acc = prime5
      for item in items {
        let lane = UInt64(bitPattern: Int64(try pythonHash(item, depth: depth + 1)))
        acc = acc &+ lane &* prime2
        acc = (acc << 31) | (acc >> 33)
        acc = acc &* prime1
      }
      acc = acc &+ (UInt64(items.count) ^ (prime5 ^ 3_527_539))
      return acc == UInt64.max ? 1_546_275_796 : Int(Int64(bitPattern: acc))
    default: break
    }
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

  /// CPython's `_Py_HashDouble` (also what random.seed(float) seeds by): a finite float's
  /// exact value modulo 2^61 − 1, built 28 bits of mantissa at a time; ±inf are ±314159.
  static func floatHash(_ value: Double) -> Int {
    if value.isInfinite { return value > 0 ? 314_159 : -314_159 }
    let modulus: UInt64 = (1 << 61) - 1
    // Swift's frexp gives the magnitude's mantissa: the sign is taken from the value.
    let m = frexp(abs(value))
    var e = Int(m.1)
    var mantissa = m.0
    let sign = value < 0 ? -1 : 1
    var x: UInt64 = 0
    while mantissa != 0 {
      x = ((x << 28) & modulus) | x >> (61 - 28)
      mantissa *= 268_435_456.0
      e -= 28
      let y = UInt64(mantissa)
      mantissa -= Double(y)
      x += y
      if x >= modulus { x -= modulus }
    }
    e = e >= 0 ? e % 61 : 61 - 1 - ((-1 - e) % 61)
    x = ((x << UInt64(e)) & modulus) | x >> UInt64(61 - e)
    let h = Int(x) * sign
    return h == -1 ? -2 : h
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
final class IteratorObject: Advancing {
  // Advanced once per loop pass: no dynamic exclusivity check (one session runs one cell at a time).
  @exclusivity(unchecked) var iterator: ValueIterator
  let typeName: String
  init(_ iterator: ValueIterator, typeName: String = "iterator") {
    self.iterator = iterator
    self.typeName = typeName
  }

  var repr: String { "<\(typeName) object>" }
  /// `for x in it` takes an item a pass (a `break` leaves the rest for later, and the body
  /// may call `next(it)`); `list(it)` takes the remaining items; as in Python.
  func advance() throws -> Value? { iterator.next() }
  func iterate() throws -> [Value]? { try iterator.remaining() }

  /// A single-pass iterator over items made at once: what `zip`, `map`, `filter`,
  /// `enumerate`, `reversed` and a generator expression return, so `next()` works on them
  /// and a second `list(z)` is empty, as in Python.
  static func over(_ items: [Value], _ typeName: String) -> Value {
    var iterator: ValueIterator
    do { iterator = try ValueIterator(.tuple(items)) } catch { preconditionFailure("a tuple is iterable") }
    return .host(IteratorObject(iterator, typeName: typeName))
  }
}
