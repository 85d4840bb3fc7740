/// The built-in functions every interpreter starts with. Each entry's signature,
/// summary and details feed `help()`, `name?`, Shift-Tab and keyword completion.
enum StandardLibrary {
  static func builtins() -> [Builtin] {
    io() + conversions() + characters() + sequences() + functional() + introspection() + files() + iteration() + [ArrayMath.builtin()]
  }

  // MARK: Conversions and numbers

  static func conversions() -> [Builtin] {
    [
      Builtin("str(object='')", summary: "Returns the text of a value (strings as they are, others as repr).") { a, _ in
        .string(a["object"]?.str ?? "")
      },
      Builtin("ascii(object)", summary: "repr(object) with non-ASCII characters escaped (\\xe9, \\u20ac, \\U0001f600).") { a, _ in
        .string(Format.asciiRepr(a["object"]!.repr))
      },
      Builtin("repr(object)", summary: "Returns the printable representation of a value, as Python writes it.") { a, _ in
        .string(a["object"]!.repr)
      },
      Builtin(
        "int(x=0, base=None)", summary: "Converts a number or a string of digits to an integer (64-bit).",
        details: """
          Floats are truncated toward zero: int(3.9) is 3, int(-3.9) is -3. With a base (2–36) a
          string is read in it: int('ff', 16) is 255, int('0b101', 2) is 5; base 0 reads the
          prefix (0x, 0o, 0b) as Python does.
          """
      ) { a, _ in
        guard let base = a["base"], base != .none else { return try toInt(a["x"] ?? .int(0)) }
        guard case .int(let b) = base else { throw CellError.typeError("'\(base.typeName)' object cannot be interpreted as an integer") }
        guard case .string(let s) = a["x"] else { throw CellError.typeError("int() can't convert non-string with explicit base") }
        return .int(try parseInt(s, base: b))
      },
      Builtin("float(x=0.0)", summary: "Converts a number or a string such as '1.5', 'inf' or 'nan' to a float.") { a, _ in
        try toFloat(a["x"] ?? .float(0))
      },
      Builtin("bool(x=False)", summary: "Returns True or False by Python's truth rules.") { a, _ in
        .bool(a["x"]?.isTruthy ?? false)
      },
      Builtin("abs(x)", summary: "Returns the absolute value of a number.") { a, _ in
        let x = a["x"]!
        switch x.numeric {
        case .int(let i)?:
          guard i != .min else { throw Operators.overflow() }
          return .int(abs(i))
        case .float(let d)?: return .float(abs(d))
        default: throw CellError.typeError("bad operand type for abs(): '\(x.typeName)'")
        }
      },
      Builtin(
        "round(number, ndigits=None)", summary: "Rounds to ndigits decimals (to an int when ndigits is omitted).",
        details: "Halves round to even, as in Python: round(2.5) is 2."
      ) { a, _ in try round(a) },
      Builtin(
        "min(*values, key=None, default=None)", summary: "Returns the smallest of the values (or of one iterable).",
        details: "With key, compares key(item): min(words, key=len). default is returned for an empty iterable."
      ) { a, ctx in
        try extreme(a, "min", wantLess: true, ctx)
      },
      Builtin(
        "max(*values, key=None, default=None)", summary: "Returns the largest of the values (or of one iterable).",
        details: "With key, compares key(item): max(scores, key=abs). default is returned for an empty iterable."
      ) { a, ctx in
        try extreme(a, "max", wantLess: false, ctx)
      },
      Builtin("sum(iterable, start=0)", summary: "Adds up the items of an iterable.") { a, ctx in
        try sum(a["iterable"]!, start: a["start"] ?? .int(0), ctx)
      },
    ]
  }

  /// `sum`: a range in closed form (sum(range(10**12)) needs no list), anything else item by item.
  static func sum(_ iterable: Value, start: Value, _ ctx: CallContext) throws(CellError) -> Value {
    if case .host(let r as RangeObject) = iterable, case .int(let s)? = start.numeric, start.typeName != "float" {
      guard r.count > 0 else { return start }
      // count × (first + last) / 2, exactly: halve whichever factor is even.
      let first = r.element(0)
      let (last, o1) = first.addingReportingOverflow((r.count - 1) * r.step)
      let (ends, o2) = first.addingReportingOverflow(last)
      let (n, e) = r.count % 2 == 0 ? (r.count / 2, ends) : (r.count, ends / 2)
      let (total, o3) = n.multipliedReportingOverflow(by: e)
      guard !o1, !o2, !o3 else { throw Operators.overflow() }
      return try Operators.integer(.add, total, s)
    }
    var total = start
    var iterator = try ValueIterator(iterable)
    var i = 0
    while let x = iterator.next() {
      i &+= 1
      if i & 0xFFFF == 0 { try ctx.checkInterrupt() }
      total = try Operators.binary(.add, total, x)
    }
    return total
  }

  static func toInt(_ v: Value) throws(CellError) -> Value {
    switch v {
    case .int: return v
    case .bool(let b): return .int(b ? 1 : 0)
    case .float(let d):
      if d.isNaN { throw .valueError("cannot convert float NaN to integer") }
      guard d.isFinite, abs(d) < 9.223372036854775e18 else {
        throw CellError(ename: "OverflowError", "cannot convert float \(formatFloat(d)) to a 64-bit integer")
      }
      return .int(Int(d))
    case .string(let s):
      let text = s.trimmingSpaces.filter { $0 != "_" }
      guard let i = Int(text) else { throw .valueError("invalid literal for int() with base 10: \(v.repr)") }
      return .int(i)
    case .host(let i as InstanceObject):
      // An object converts itself with __int__ (or __index__), as in Python.
      for name in ["__int__", "__index__"] {
        guard let r = try Protocols.call(i, name, []) else { continue }
        guard case .int = r else { throw .typeError("\(name) returned non-int (type \(r.typeName))") }
        return r
      }
      fallthrough
    default:
      throw .typeError("int() argument must be a string or a number, not '\(v.typeName)'")
    }
  }

  /// A string of digits in `base` (2–36, or 0: the prefix decides), with an optional sign,
  /// surrounding spaces, underscores between digits, and the base's own prefix.
  static func parseInt(_ s: String, base: Int) throws(CellError) -> Int {
    guard base == 0 || (2...36).contains(base) else { throw .valueError("int() base must be >= 2 and <= 36, or 0") }
    let invalid = CellError.valueError("invalid literal for int() with base \(base): \(Value.string(s).repr)")
    var text = Substring(s.trimmingSpaces)
    var negative = false
    if let sign = text.first, sign == "+" || sign == "-" { negative = sign == "-"; text = text.dropFirst() }
    var radix = base == 0 ? 10 : base
    let prefixes: [(String, Int)] = [("0x", 16), ("0o", 8), ("0b", 2)]
    if let r = prefixes.first(where: { text.lowercased().hasPrefix($0.0) })?.1, base == 0 || base == r {
      text = text.dropFirst(2)
      radix = r
      if text.first == "_" { text = text.dropFirst() }
    } else if base == 0, text.count > 1, text.first == "0", text.contains(where: { $0 != "0" && $0 != "_" }) {
      throw invalid  // Python 3 refuses leading zeros when the prefix decides
    }
    guard !text.isEmpty, text.first != "_", text.last != "_", !text.contains("__") else { throw invalid }
    let digits = text.filter { $0 != "_" }
    guard digits.allSatisfy({ $0.isASCII && Int(String($0), radix: radix) != nil }) else { throw invalid }
    let overflow = CellError(ename: "OverflowError", "integer overflow (integers are 64-bit)")
    guard let magnitude = UInt64(digits, radix: radix) else { throw overflow }
    if negative {
      guard magnitude <= UInt64(Int.max) + 1 else { throw overflow }
      return magnitude == UInt64(Int.max) + 1 ? .min : -Int(magnitude)
    }
    guard magnitude <= UInt64(Int.max) else { throw overflow }
    return Int(magnitude)
  }

  static func toFloat(_ v: Value) throws(CellError) -> Value {
    if let n = v.numeric { return .float(n.double) }
    guard case .string(let s) = v else {
      throw .typeError("float() argument must be a string or a real number, not '\(v.typeName)'")
    }
    let text = s.trimmingSpaces.lowercased()
    let specials: [String: Double] = [
      "inf": .infinity, "+inf": .infinity, "-inf": -.infinity, "infinity": .infinity,
      "+infinity": .infinity, "-infinity": -.infinity, "nan": .nan, "+nan": .nan, "-nan": .nan,
    ]
    if let d = specials[text] { return .float(d) }
    guard let d = Double(text.filter { $0 != "_" }), d.isFinite || text.contains("e") else {
      throw .valueError("could not convert string to float: \(v.repr)")
    }
    return .float(d)
  }

  static func round(_ a: BoundArguments) throws(CellError) -> Value {
    let x = a["number"]!
    guard let n = x.numeric else { throw .typeError("type \(x.typeName) doesn't define __round__ method") }
    // Beyond ±400 digits every double rounds the same way; clamping avoids overflow.
    let digits = try a.int("ndigits").map { max(-400, min($0, 400)) }
    switch (n, digits) {
    case (.int(let i), nil): return .int(i)
    case (.int(let i), let k?): return k >= 0 ? .int(i) : try roundInteger(i, -k)
    case (.float(let d), nil):
      return try toInt(.float(d.rounded(.toNearestOrEven)))
    case (.float(let d), let k?):
      guard d.isFinite else { return .float(d) }
      // C's %.*f rounds the exact binary value, as Python's round does: round(2.675, 2) is 2.67.
      if k >= 0 { return .float(Double(Format.printf("%.\(min(k, 340))f", d)) ?? d) }
      var scale = 1.0
      for _ in 0..<min(-k, 308) { scale *= 10 }
      let r = (d / scale).rounded(.toNearestOrEven) * scale
      return .float(r.isFinite ? r : d)
    }
  }

  /// `round(i, -k)` exactly, halves to even: round(2**63-1, -1) overflows as in 64 bits it must.
  static func roundInteger(_ i: Int, _ k: Int) throws(CellError) -> Value {
    guard k <= 19 else { return .int(0) }
    var p: UInt64 = 1
    for _ in 0..<k { p *= 10 }
    let m = UInt64(i.magnitude)
    var q = m / p
    let r = m % p
    if r > p - r || (r == p - r && q % 2 == 1) { q += 1 }
    let (rounded, overflow) = q.multipliedReportingOverflow(by: p)
    guard !overflow, rounded <= UInt64(Int.max) else { throw Operators.overflow() }
    return .int(i < 0 ? -Int(rounded) : Int(rounded))
  }

  static func extreme(_ a: BoundArguments, _ name: String, wantLess: Bool, _ ctx: CallContext) throws(CellError) -> Value {
    let values = a.variadic
    let items = values.count == 1 ? try ValueIterator.collect(values[0]) : values
    guard !items.isEmpty else {
      if let d = a["default"] { return d }
      throw .valueError("\(name)() arg is an empty sequence")
    }
    let keys = try keyed(items, a["key"], ctx) ?? items
    var best = 0
    for i in keys.indices.dropFirst() {
      if i & 0xFFFF == 0 { try ctx.checkInterrupt() }
      // Python's test (`item < best`, `item > best`): a NaN or a class's `__gt__` sees the same one.
      let order = try Operators.ordering(keys[i], keys[best], wantLess ? .less : .greater)
      if wantLess ? order < 0 : order > 0 { best = i }
    }
    return items[best]
  }

  // MARK: Sequences

  static func sequences() -> [Builtin] {
    [
      Builtin("len(obj)", summary: "Returns the number of items of a string, list, tuple, dict or range.") { a, _ in
        try length(a["obj"]!)
      },
      Builtin(
        "range(*args)", summary: "The integers from start up to (not including) stop, by step.",
        details: "range(stop) or range(start, stop[, step]); lazy, so range(10**9) costs nothing until iterated."
      ) { a, _ in
        var ints: [Int] = []
        for v in a.variadic {
          guard case .int(let i)? = v.numeric, v.typeName != "float" else {
            throw CellError.typeError("'\(v.typeName)' object cannot be interpreted as an integer")
          }
          ints.append(i)
        }
        switch ints.count {
        case 1: return .host(try RangeObject(0, ints[0], 1))
        case 2: return .host(try RangeObject(ints[0], ints[1], 1))
        case 3: return .host(try RangeObject(ints[0], ints[1], ints[2]))
        default: throw CellError.typeError("range expected 1 to 3 arguments, got \(ints.count)")
        }
      },
      Builtin(
        "slice(*args)", summary: "A slice object, as a[start:stop:step] makes: slice(stop) or slice(start, stop[, step])."
      ) { a, _ in
        let v = a.variadic
        switch v.count {
        case 1: return .host(SliceObject(.none, v[0], .none))
        case 2: return .host(SliceObject(v[0], v[1], .none))
        case 3: return .host(SliceObject(v[0], v[1], v[2]))
        case 0: throw CellError.typeError("slice expected at least 1 argument, got 0")
        default: throw CellError.typeError("slice expected at most 3 arguments, got \(v.count)")
        }
      },
      Builtin("list(iterable=())", summary: "Makes a new list from the items of an iterable.") { a, _ in
        .list(ListObject(try a["iterable"].map(ValueIterator.collect) ?? []))
      },
      Builtin("tuple(iterable=())", summary: "Makes a tuple from the items of an iterable.") { a, _ in
        .tuple(try a["iterable"].map(ValueIterator.collect) ?? [])
      },
      Builtin(
        "dict(*source, **pairs)", summary: "Makes a dict: dict(a=1, b=2), dict(other), dict(zip(keys, values)).",
        details: "source is a dict, or an iterable of (key, value) pairs; keyword arguments are added after it."
      ) { a, ctx in
        let d = DictObject()
        guard a.variadic.count <= 1 else {
          throw CellError.typeError("dict expected at most 1 argument, got \(a.variadic.count)")
        }
        if let source = a.variadic.first { try d.update(from: source, context: ctx) }
        for (k, v) in a.extraKeywords { try d.set(.string(k), v) }
        return .dict(d)
      },
      Builtin(
        "sorted(iterable, *, key=None, reverse=False)", summary: "Returns a new sorted list of the items.",
        details: "key is a function applied to each item to get what is compared: sorted(words, key=len)."
      ) { a, ctx in
        .list(ListObject(try sortedValues(try ValueIterator.collect(a["iterable"]!), a, ctx)))
      },
      Builtin("enumerate(iterable, start=0)", summary: "An iterator of (index, item) pairs.") { a, _ in
        let start = try a.int("start", default: 0)
        return IteratorObject.over(try ValueIterator.collect(a["iterable"]!).enumerated().map { .tuple([.int(start &+ $0), $1]) }, "enumerate")
      },
      Builtin("zip(*iterables)", summary: "An iterator of tuples pairing up the items of the iterables.") { a, _ in
        let lists = try a.variadic.map { (v) throws(CellError) in try ValueIterator.collect(v) }
        let n = lists.map(\.count).min() ?? 0
        return IteratorObject.over((0..<n).map { i in .tuple(lists.map { $0[i] }) }, "zip")
      },
    ]
  }

  static func length(_ v: Value) throws(CellError) -> Value {
    switch v {
    case .string(let s): return .int(s.unicodeScalars.count)
    case .list(let l): return .int(l.items.count)
    case .tuple(let t): return .int(t.count)
    case .dict(let d): return .int(d.count)
    case .host(let r as RangeObject): return .int(r.count)
    case .host(let v as DictView): return .int(v.dict.count)
    case .host(is IteratorObject): throw .typeError("object of type '\(v.typeName)' has no len()")
    case .host(let a as ArrayValue): return .int(a.shape[0])
    case .host(let i as InstanceObject):
      guard let n = try Protocols.length(i) else { throw .typeError("object of type '\(v.typeName)' has no len()") }
      return .int(n)
    case .host(let h):
      if let items = try? h.iterate() { return .int(items.count) }
      fallthrough
    default: throw .typeError("object of type '\(v.typeName)' has no len()")
    }
  }

  /// `sorted`/`list.sort`: by `key(item)` when a key function is given, stable, with
  /// `reverse` keeping equal items in their original order (as Python's does); the
  /// interrupt is checked every 65,536 comparisons.
  static func sortedValues(_ items: [Value], _ a: BoundArguments, _ ctx: CallContext) throws(CellError) -> [Value] {
    let reverse = try a.bool("reverse", default: false)
    let keys = try keyed(items, a["key"], ctx)
    var comparisons = 0
    func less(_ x: Value, _ y: Value) throws(CellError) -> Bool {
      comparisons &+= 1
      if comparisons & 0xFFFF == 0 { try ctx.checkInterrupt() }
      return try Operators.ordering(reverse ? y : x, reverse ? x : y, .less) < 0
    }
    do {
      guard let keys else { return try items.sorted { (x, y) throws(CellError) in try less(x, y) } }
      let order = try keys.indices.sorted { (i, j) throws(CellError) in try less(keys[i], keys[j]) }
      return order.map { items[$0] }
    } catch {
      throw Interpreter.cellError(from: error)
    }
  }

  /// `key(item)` for every item, or nil when no key function was given.
  static func keyed(_ items: [Value], _ key: Value?, _ ctx: CallContext) throws(CellError) -> [Value]? {
    guard let key else { return nil }
    if case .none = key { return nil }
    var keys: [Value] = []
    keys.reserveCapacity(items.count)
    for (i, x) in items.enumerated() {
      if i & 0xFFF == 0xFFF { try ctx.checkInterrupt() }
      keys.append(try ctx.interpreter.call(key, Arguments([x]), context: ctx))
    }
    return keys
  }
}
