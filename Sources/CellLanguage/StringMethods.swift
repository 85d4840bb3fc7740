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

  static func split(_ s: String, _ sep: String?, _ maxSplit: Int) throws(CellError) -> [Value] {
    let scalars = Array(s.unicodeScalars)
    var parts: [String] = []
    var start = 0
    var i = 0
    func piece(_ a: Int, _ b: Int) -> String { String(String.UnicodeScalarView(scalars[a..<b])) }
    guard let sep else {
      // Runs of whitespace separate; leading and trailing whitespace gives no empty parts.
      while i < scalars.count {
        while i < scalars.count, isSpace(scalars[i]) { i += 1 }
        guard i < scalars.count else { break }
        if maxSplit >= 0 && parts.count == maxSplit {
          parts.append(strip(piece(i, scalars.count), nil, leading: false, trailing: true))
          break
        }
        start = i
        while i < scalars.count, !isSpace(scalars[i]) { i += 1 }
        parts.append(piece(start, i))
      }
      return parts.map(Value.string)
    }
    let pattern = Array(sep.unicodeScalars)
    guard !pattern.isEmpty else { throw .valueError("empty separator") }
    while i + pattern.count <= scalars.count, maxSplit < 0 || parts.count < maxSplit {
      if Array(scalars[i..<i + pattern.count]) == pattern {
        parts.append(piece(start, i))
        i += pattern.count
        start = i
      } else {
        i += 1
      }
    }
    parts.append(piece(start, scalars.count))
    return parts.map(Value.string)
  }

  static func find(_ s: String, _ sub: String) -> Int {
    let hay = Array(s.unicodeScalars)
    let needle = Array(sub.unicodeScalars)
    guard needle.count <= hay.count else { return -1 }
    for i in 0...(hay.count - needle.count) where Array(hay[i..<i + needle.count]) == needle { return i }
    return -1
  }

  static func replace(_ s: String, _ old: String, _ new: String) -> String {
    guard !old.isEmpty else {
      return new + s.unicodeScalars.map { String($0) + new }.joined()
    }
    return split(s, old).joined(separator: new)
  }

  private static func split(_ s: String, _ sep: String) -> [String] {
    ((try? split(s, Optional(sep), -1)) ?? []).map(\.str)
  }

  static let stringMethods: [String: Spec] = [
    "upper": Spec("upper()", "Returns the text in upper case.") { s, _ in .string(string(s).uppercased()) },
    "lower": Spec("lower()", "Returns the text in lower case.") { s, _ in .string(string(s).lowercased()) },
    "strip": Spec("strip(chars=None)", "Removes leading and trailing whitespace (or chars).") { s, a in
      .string(strip(string(s), try a.string("chars"), leading: true, trailing: true))
    },
    "lstrip": Spec("lstrip(chars=None)", "Removes leading whitespace (or chars).") { s, a in
      .string(strip(string(s), try a.string("chars"), leading: true, trailing: false))
    },
    "rstrip": Spec("rstrip(chars=None)", "Removes trailing whitespace (or chars).") { s, a in
      .string(strip(string(s), try a.string("chars"), leading: false, trailing: true))
    },
    "split": Spec("split(sep=None, maxsplit=-1)", "Splits at sep (or at runs of whitespace).") { s, a in
      .list(ListObject(try split(string(s), try a.string("sep"), try a.int("maxsplit", default: -1))))
    },
    "join": Spec("join(iterable)", "Joins strings with this string between them.") { s, a in
      var parts: [String] = []
      for (i, item) in try ValueIterator.collect(a["iterable"]!).enumerated() {
        guard case .string(let p) = item else {
          throw CellError.typeError("sequence item \(i): expected str instance, \(item.typeName) found")
        }
        parts.append(p)
      }
      return .string(parts.joined(separator: string(s)))
    },
    "replace": Spec("replace(old, new)", "Replaces every occurrence of old with new.") { s, a in
      .string(replace(string(s), try a.string("old", default: ""), try a.string("new", default: "")))
    },
    "startswith": Spec("startswith(prefix)", "Whether the text starts with prefix.") { s, a in
      .bool(string(s).unicodeScalars.starts(with: try a.string("prefix", default: "").unicodeScalars))
    },
    "endswith": Spec("endswith(suffix)", "Whether the text ends with suffix.") { s, a in
      .bool(string(s).unicodeScalars.reversed().starts(with: try a.string("suffix", default: "").unicodeScalars.reversed()))
    },
    "find": Spec("find(sub)", "The position of the first occurrence of sub, or -1.") { s, a in
      .int(find(string(s), try a.string("sub", default: "")))
    },
    "count": Spec("count(sub)", "Counts the non-overlapping occurrences of sub.") { s, a in
      let sub = try a.string("sub", default: "")
      return .int(sub.isEmpty ? string(s).unicodeScalars.count + 1 : split(string(s), sub).count - 1)
    },
    "format": Spec("format(*args, **kwargs)", "Fills {} / {0} / {name} fields, with specs such as {:.2f}.") { s, a in
      .string(try Format.apply(string(s), a.variadic, a.extraKeywords))
    },
  ]
}
