extension Methods {
  static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace }

  static func strip(_ s: String, _ chars: String?, leading: Bool, trailing: Bool) -> String {
    let set = chars.map { Set($0.unicodeScalars) }
    let drop = { (c: Unicode.Scalar) in set?.contains(c) ?? isSpace(c) }
    var scalars = Substring(s).unicodeScalars[...]
    if leading { while let f = scalars.first, drop(f) { scalars.removeFirst() } }
    if trailing { while let l = scalars.last, drop(l) { scalars.removeLast() } }
    return String(String.UnicodeScalarView(scalars))
  }

  static func split(_ s: String, _ sep: String?, _ maxSplit: Int, _ ctx: CallContext? = nil) throws(CellError) -> [Value] {
    guard let sep else { return splitOnWhitespace(s, maxSplit) }
    guard !sep.isEmpty else { throw .valueError("empty separator") }
    let hay = Array(s.utf8)
    var parts: [Value] = []
    var start = 0
    for at in try occurrences(of: Array(sep.utf8), in: hay, limit: maxSplit < 0 ? .max : maxSplit, ctx) {
      parts.append(.string(String(decoding: hay[start..<at], as: UTF8.self)))
      start = at + sep.utf8.count
    }
    parts.append(.string(String(decoding: hay[start...], as: UTF8.self)))
    return parts
  }

  /// Runs of whitespace separate; leading and trailing whitespace gives no empty parts.
  static func splitOnWhitespace(_ s: String, _ maxSplit: Int) -> [Value] {
    let scalars = Array(s.unicodeScalars)
    var parts: [String] = []
    var start = 0
    var i = 0
    func piece(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(scalars[a..<b])) }
    while i < scalars.count {
      while i < scalars.count, isSpace(scalars[i]) { i += 1 }
      guard i < scalars.count else { break }
      if maxSplit >= 0 && parts.count == maxSplit {
        parts.append(piece(i, scalars.count))  // the rest as it is, trailing whitespace too (as Python)
        break
      }
      start = i
      while i < scalars.count, !isSpace(scalars[i]) { i += 1 }
      parts.append(piece(start, i))
    }
    return parts.map(Value.string)
  }

  /// Byte offsets of the non-overlapping occurrences of `needle` (at most `limit`),
  /// checking the interrupt every mebibyte. Searching UTF-8 finds exactly the code-point
  /// matches: a valid UTF-8 needle can only match at a code point boundary.
  static func occurrences(
    of needle: [UInt8], in hay: [UInt8], limit: Int = .max, _ ctx: CallContext?
  ) throws(CellError) -> [Int] {
    guard let first = needle.first, needle.count <= hay.count else { return [] }
    var found: [Int] = []
    var i = 0
    let last = hay.count - needle.count
    var nextCheck = 1 << 20
    while i <= last, found.count < limit {
      // Scanned a mebibyte at a time, so that an interrupt is seen between chunks.
      if i >= nextCheck {
        try ctx?.checkInterrupt()
        nextCheck = i + (1 << 20)
      }
      let chunkEnd = min(last, nextCheck - 1)
      guard let j = hay[i...chunkEnd].firstIndex(of: first) else {
        i = chunkEnd + 1
        continue
      }
      if hay[j..<j + needle.count].elementsEqual(needle) {
        found.append(j)
        i = j + needle.count
      } else {
        i = j + 1
      }
    }
    return found
  }

  /// The code-point position of the first occurrence of `sub`, or -1.
  static func find(_ s: String, _ sub: String, _ ctx: CallContext) throws(CellError) -> Int {
    let hay = Array(s.utf8)
    guard let at = try occurrences(of: Array(sub.utf8), in: hay, limit: 1, ctx).first else {
      return sub.isEmpty ? 0 : -1
    }
    return hay[..<at].reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
  }

  /// `s.replace(old, new, count)`: sized up front against the memory budget.
  static func replace(_ s: String, _ old: String, _ new: String, count: Int, _ ctx: CallContext) throws(CellError) -> String {
    guard !old.isEmpty else {
      let scalars = s.unicodeScalars.count
      let times = count < 0 ? scalars + 1 : min(count, scalars + 1)
      try Memory.checkText(Memory.sum(s.utf8.count, Memory.product(times, new.utf8.count)))
      var out = ""
      for (i, c) in s.unicodeScalars.enumerated() {
        if i < times { out += new }
        out.unicodeScalars.append(c)
      }
      if times > scalars { out += new }
      return out
    }
    let hay = Array(s.utf8)
    let at = try occurrences(of: Array(old.utf8), in: hay, limit: count < 0 ? .max : count, ctx)
    let grow = Memory.product(at.count, new.utf8.count) - at.count * old.utf8.count
    try Memory.checkText(Memory.sum(hay.count, grow))
    var out: [UInt8] = []
    out.reserveCapacity(hay.count + grow)
    var start = 0
    for j in at {
      out += hay[start..<j]
      out += new.utf8
      start = j + old.utf8.count
    }
    out += hay[start...]
    return String(decoding: out, as: UTF8.self)
  }

  static let stringMethods = basicStringMethods.merging(moreStringMethods) { basic, _ in basic }

  /// startswith/endswith's argument: one string, or a tuple of them.
  static func affixes(_ v: Value, _ method: String) throws(CellError) -> [String] {
    if case .string(let s) = v { return [s] }
    if case .tuple(let items) = v {
      return try items.map { (item) throws(CellError) -> String in
        guard case .string(let s) = item else { throw .typeError("tuple for \(method) must only contain str, not \(item.typeName)") }
        return s
      }
    }
    throw .typeError("\(method) first arg must be str or a tuple of str, not \(v.typeName)")
  }

  static let basicStringMethods: [String: Spec] = [
    "upper": Spec("upper()", "Returns the text in upper case.") { s, _, ctx in .string(string(s).uppercased()) },
    "lower": Spec("lower()", "Returns the text in lower case.") { s, _, ctx in .string(string(s).lowercased()) },
    "strip": Spec("strip(chars=None)", "Removes leading and trailing whitespace (or chars).") { s, a, ctx in
      .string(strip(string(s), try a.string("chars"), leading: true, trailing: true))
    },
    "lstrip": Spec("lstrip(chars=None)", "Removes leading whitespace (or chars).") { s, a, ctx in
      .string(strip(string(s), try a.string("chars"), leading: true, trailing: false))
    },
    "rstrip": Spec("rstrip(chars=None)", "Removes trailing whitespace (or chars).") { s, a, ctx in
      .string(strip(string(s), try a.string("chars"), leading: false, trailing: true))
    },
    "split": Spec("split(sep=None, maxsplit=-1)", "Splits at sep (or at runs of whitespace).") { s, a, ctx in
      .list(ListObject(try split(string(s), try a.string("sep"), try a.int("maxsplit", default: -1), ctx)))
    },
    "join": Spec("join(iterable)", "Joins strings with this string between them.") { s, a, ctx in
      var parts: [String] = []
      for (i, item) in try ValueIterator.collect(a["iterable"]!).enumerated() {
        guard case .string(let p) = item else {
          throw CellError.typeError("sequence item \(i): expected str instance, \(item.typeName) found")
        }
        parts.append(p)
      }
      let bytes = parts.reduce(Memory.product(max(0, parts.count - 1), string(s).utf8.count)) { Memory.sum($0, $1.utf8.count) }
      try Memory.checkText(bytes)
      return .string(parts.joined(separator: string(s)))
    },
    "replace": Spec("replace(old, new, count=-1)", "Replaces occurrences of old with new (the first count of them).") { s, a, ctx in
      .string(try replace(string(s), try a.string("old", default: ""), try a.string("new", default: ""), count: try a.int("count", default: -1), ctx))
    },
    "startswith": Spec("startswith(prefix)", "Whether the text starts with prefix (or one of a tuple of them).") { s, a, ctx in
      .bool(try affixes(a["prefix"]!, "startswith").contains { string(s).unicodeScalars.starts(with: $0.unicodeScalars) })
    },
    "endswith": Spec("endswith(suffix)", "Whether the text ends with suffix (or one of a tuple of them).") { s, a, ctx in
      .bool(try affixes(a["suffix"]!, "endswith").contains {
        string(s).unicodeScalars.reversed().starts(with: $0.unicodeScalars.reversed())
      })
    },
    "find": Spec("find(sub)", "The position of the first occurrence of sub, or -1.") { s, a, ctx in
      .int(try find(string(s), try a.string("sub", default: ""), ctx))
    },
    "count": Spec("count(sub)", "Counts the non-overlapping occurrences of sub.") { s, a, ctx in
      let sub = try a.string("sub", default: "")
      if sub.isEmpty { return .int(string(s).unicodeScalars.count + 1) }
      return .int(try occurrences(of: Array(sub.utf8), in: Array(string(s).utf8), ctx).count)
    },
    "format": Spec("format(*args, **kwargs)", "Fills {} / {0} / {name} fields, with specs such as {:.2f}.") { s, a, ctx in
      .string(try Format.apply(string(s), a.variadic, a.extraKeywords))
    },
  ]
}
