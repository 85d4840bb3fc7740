/// The string methods beyond the basics (StringMethods.swift): case, classification,
/// padding, searching from either end and splitting into parts, as Python's `str` does them,
/// by code point.
extension Methods {
  private typealias Scalars = [Unicode.Scalar]

  private static func scalars(_ v: Value) -> Scalars { Array(string(v).unicodeScalars) }
  private static func text(_ s: some Sequence<Unicode.Scalar>) -> Value {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: s)
    return .string(String(view))
  }

  /// Python's classification of one code point.
  private static func isDigit(_ c: Unicode.Scalar) -> Bool {
    c.properties.numericType == .decimal || c.properties.numericType == .digit
  }
  private static func isCased(_ c: Unicode.Scalar) -> Bool { c.properties.isLowercase || c.properties.isUppercase }

  /// All of a non-empty string's code points pass `test`.
  private static func every(_ v: Value, _ test: @escaping (Unicode.Scalar) -> Bool) -> Value {
    let s = scalars(v)
    return .bool(!s.isEmpty && s.allSatisfy(test))
  }

  /// The text padded to `width` with `fill`: `left` of the padding before it.
  private static func padded(_ v: Value, _ a: BoundArguments, left: (Int, Int) -> Int) throws(CellError) -> Value {
    let s = scalars(v)
    let width = try a.int("width", default: 0)
    let fill = try a.string("fillchar", default: " ").unicodeScalars
    guard fill.count == 1, let f = fill.first else {
      throw .typeError("The fill character must be exactly one character long")
    }
    guard width > s.count else { return v }
    try Memory.checkText(Memory.sum(string(v).utf8.count, Memory.product(width - s.count, String(f).utf8.count)))
    let before = left(width - s.count, width)
    return text(repeatElement(f, count: before) + s + repeatElement(f, count: width - s.count - before))
  }

  /// The code-point position of the last occurrence of `sub`, or -1; the interrupt is
  /// checked every mebibyte of positions, as `find` checks it.
  private static func rfind(_ s: Scalars, _ sub: Scalars, before end: Int? = nil, _ ctx: CallContext) throws(CellError) -> Int {
    let end = end ?? s.count
    guard sub.count <= end else { return -1 }
    for i in stride(from: end - sub.count, through: 0, by: -1) {
      if i & 0xFFFFF == 0 { try ctx.checkInterrupt() }
      if s[i..<(i + sub.count)].elementsEqual(sub) { return i }
    }
    return -1
  }

  private static func notFound() -> CellError { .valueError("substring not found") }

  /// `partition`/`rpartition`: (before, sep, after), or the whole text on the side Python puts it.
  private static func partition(_ v: Value, _ a: BoundArguments, last: Bool, _ ctx: CallContext) throws(CellError) -> Value {
    let sep = Array(try a.string("sep", default: "").unicodeScalars)
    guard !sep.isEmpty else { throw .valueError("empty separator") }
    let s = scalars(v)
    let at = last ? try rfind(s, sep, ctx) : try find(string(v), String(String.UnicodeScalarView(sep)), ctx)
    guard at >= 0 else { return last ? .tuple([.string(""), .string(""), v]) : .tuple([v, .string(""), .string("")]) }
    return .tuple([text(s[..<at]), text(sep), text(s[(at + sep.count)...])])
  }

  /// `rsplit` with a limit: the splits counted from the right (without one it is `split`).
  private static func rsplit(_ v: Value, _ sep: String?, _ maxSplit: Int, _ ctx: CallContext) throws(CellError) -> [Value] {
    let t = scalars(v)
    var parts: [Value] = []
    var end = t.count
    if let sep {
      let p = Array(sep.unicodeScalars)
      guard !p.isEmpty else { throw .valueError("empty separator") }
      while parts.count < maxSplit {
        let at = try rfind(t, p, before: end, ctx)
        guard at >= 0 else { break }
        parts.append(text(t[(at + p.count)..<end]))
        end = at
      }
      parts.append(text(t[..<end]))
    } else {
      while true {
        while end > 0, isSpace(t[end - 1]) { end -= 1 }
        guard end > 0 else { break }
        if parts.count == maxSplit {
          parts.append(text(t[..<end]))  // the rest keeps its leading whitespace, as in Python
          break
        }
        var start = end
        while start > 0, !isSpace(t[start - 1]) { start -= 1 }
        parts.append(text(t[start..<end]))
        end = start
      }
    }
    return parts.reversed()
  }

  /// `str.maketrans(x, y=None, z=None)`: a translation table (code point → str or None).
  static func translationTable(_ a: BoundArguments) throws(CellError) -> Value {
    let table = DictObject()
    guard case .string(let from)? = a["y"].flatMap({ $0 }) ?? nil else {
      guard a["y"] == nil, case .dict(let d) = a["x"]! else {
        throw .typeError(a["y"] == nil ? "if you give only one argument to maketrans it must be a dict" : "maketrans() arguments must be strings")
      }
      for (k, v) in zip(d.keys, d.values) {
        switch k {
        case .int: try table.set(k, v)
        case .string(let c) where c.unicodeScalars.count == 1: try table.set(.int(Int(c.unicodeScalars.first!.value)), v)
        default: throw .valueError("string keys in translate table must be of length 1")
        }
      }
      return .dict(table)
    }
    guard case .string(let x) = a["x"]! else { throw .typeError("first maketrans argument must be a string if there is a second argument") }
    let (xs, ys) = (Array(x.unicodeScalars), Array(from.unicodeScalars))
    guard xs.count == ys.count else { throw .valueError("the first two maketrans arguments must have equal length") }
    for (c, d) in zip(xs, ys) { try table.set(.int(Int(c.value)), .int(Int(d.value))) }
    if case .string(let z)? = a["z"] { for c in z.unicodeScalars { try table.set(.int(Int(c.value)), .none) } }
    return .dict(table)
  }

  static let moreStringMethods: [String: Spec] = [
    "rsplit": Spec("rsplit(sep=None, maxsplit=-1)", "Splits at sep (or runs of whitespace), at most maxsplit times from the right.") { s, a, ctx in
      let (sep, maxSplit) = (try a.string("sep"), try a.int("maxsplit", default: -1))
      return .list(ListObject(maxSplit < 0 ? try split(string(s), sep, -1, ctx) : try rsplit(s, sep, maxSplit, ctx)))
    },
    "isascii": Spec("isascii()", "Whether every character is ASCII (True for '').") { s, _, _ in
      .bool(string(s).unicodeScalars.allSatisfy(\.isASCII))
    },
    "isprintable": Spec("isprintable()", "Whether every character prints as itself in repr (True for '').") { s, _, _ in
      .bool(string(s).unicodeScalars.allSatisfy(Value.isPrintable))
    },
    "isidentifier": Spec("isidentifier()", "Whether the text is a valid name (a letter or _ first).") { s, _, _ in
      let t = scalars(s)
      return .bool(t.first.map { $0 == "_" || $0.properties.isXIDStart } == true && t.allSatisfy { $0 == "_" || $0.properties.isXIDContinue })
    },
    "expandtabs": Spec("expandtabs(tabsize=8)", "Tabs replaced by spaces up to the next multiple of tabsize columns.") { s, a, _ in
      let size = try a.int("tabsize", default: 8)
      var out = String.UnicodeScalarView()
      var column = 0
      var written = 0
      for c in string(s).unicodeScalars {
        written += 1
        if c == "\t" {
          let n = size > 0 ? size - column % size : 0
          written += n
          try Memory.checkText(written)
          out.append(contentsOf: repeatElement(" ", count: n))
          column += n
        } else {
          out.append(c)
          column = c == "\n" || c == "\r" ? 0 : column + 1
        }
      }
      return .string(String(out))
    },
    "format_map": Spec("format_map(mapping)", "format() with the fields' names looked up in mapping.") { s, a, _ in
      guard case .dict(let d) = a["mapping"]! else { throw CellError.typeError("format_map() argument must be a dict here") }
      var named: [(name: String, value: Value)] = []
      for (k, v) in zip(d.keys, d.values) { if case .string(let name) = k { named.append((name, v)) } }
      return .string(try Format.apply(string(s), [], named))
    },
    "maketrans": Spec("maketrans(x, y=None, z=None)", "A table for translate(): str.maketrans('ab', 'xy', 'delete these').") { _, a, _ in
      try translationTable(a)
    },
    "translate": Spec("translate(table)", "Each character mapped through table (from str.maketrans): to a str, a code point, or None to drop it.") { s, a, _ in
      guard case .dict(let table) = a["table"]! else { throw CellError.typeError("translate() needs a dict table here (str.maketrans makes one)") }
      var out = ""
      for c in string(s).unicodeScalars {
        switch try table.get(.int(Int(c.value))) {
        case nil: out.unicodeScalars.append(c)
        case .none?: break
        case .string(let r)?:
          out += r
          try Memory.checkText(out.utf8.count)  // a mapping to long strings could grow it without bound
        case .int(let n)?:
          guard let u = n >= 0 && n <= 0x10FFFF ? Unicode.Scalar(UInt32(n)) : nil else {
            throw CellError.valueError("character mapping must be in range(0x110000)")
          }
          out.unicodeScalars.append(u)
        default: throw CellError.typeError("character mapping must return integer, None or str")
        }
      }
      return .string(out)
    },
    "capitalize": Spec("capitalize()", "The first character in upper case, the rest in lower case.") { s, _, _ in
      let t = string(s)
      return .string(t.prefix(1).uppercased() + t.dropFirst().lowercased())
    },
    "title": Spec("title()", "Each word's first letter in upper case, the rest in lower case.") { s, _, _ in
      var out = ""
      var previousCased = false
      for c in string(s).unicodeScalars {
        out += previousCased ? String(c).lowercased() : String(c).uppercased()
        previousCased = isCased(c)
      }
      return .string(out)
    },
    "swapcase": Spec("swapcase()", "Upper case letters in lower case and lower case in upper.") { s, _, _ in
      .string(string(s).unicodeScalars.map { c in
        c.properties.isUppercase ? String(c).lowercased() : c.properties.isLowercase ? String(c).uppercased() : String(c)
      }.joined())
    },
    "casefold": Spec("casefold()", "The text folded for caseless comparison ('Straße' and 'STRASSE' alike).") { s, _, _ in
      // Upper then lower case folds as Python does for the scripts data carries (ß → ss).
      .string(string(s).uppercased().lowercased())
    },
    "isdigit": Spec("isdigit()", "Whether every character is a digit (and there is one).") { s, _, _ in every(s, isDigit) },
    "isdecimal": Spec("isdecimal()", "Whether every character is a decimal digit (and there is one).") { s, _, _ in
      every(s) { $0.properties.numericType == .decimal }
    },
    "isnumeric": Spec("isnumeric()", "Whether every character is numeric (digits, fractions, numerals).") { s, _, _ in
      every(s) { $0.properties.numericType != nil }
    },
    "isalpha": Spec("isalpha()", "Whether every character is a letter (and there is one).") { s, _, _ in
      every(s) { $0.properties.isAlphabetic && $0.properties.numericType == nil }
    },
    "isalnum": Spec("isalnum()", "Whether every character is a letter or a digit (and there is one).") { s, _, _ in
      every(s) { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    },
    "isspace": Spec("isspace()", "Whether every character is whitespace (and there is one).") { s, _, _ in every(s, isSpace) },
    "isupper": Spec("isupper()", "Whether there are letters and none is lower case.") { s, _, _ in
      let t = scalars(s)
      return .bool(t.contains(where: isCased) && !t.contains { $0.properties.isLowercase })
    },
    "islower": Spec("islower()", "Whether there are letters and none is upper case.") { s, _, _ in
      let t = scalars(s)
      return .bool(t.contains(where: isCased) && !t.contains { $0.properties.isUppercase })
    },
    "istitle": Spec("istitle()", "Whether each word starts upper case and goes on lower case.") { s, _, _ in
      var (previousCased, sawCased) = (false, false)
      for c in string(s).unicodeScalars {
        if c.properties.isUppercase {
          if previousCased { return .bool(false) }
          (previousCased, sawCased) = (true, true)
        } else if c.properties.isLowercase {
          if !previousCased { return .bool(false) }
          (previousCased, sawCased) = (true, true)
        } else {
          previousCased = false
        }
      }
      return .bool(sawCased)
    },
    "zfill": Spec("zfill(width)", "Pads with zeros on the left to width, after a leading sign.") { s, a, _ in
      var t = scalars(s)
      let width = try a.int("width", default: 0)
      guard width > t.count else { return s }
      try Memory.checkText(width)
      let sign = t.first == "+" || t.first == "-" ? [t.removeFirst()] : []
      return text(sign + repeatElement("0", count: width - t.count - sign.count) + t)
    },
    "ljust": Spec("ljust(width, fillchar=' ')", "The text left-aligned in width (padded on the right).") { s, a, _ in
      try padded(s, a) { _, _ in 0 }
    },
    "rjust": Spec("rjust(width, fillchar=' ')", "The text right-aligned in width (padded on the left).") { s, a, _ in
      try padded(s, a) { n, _ in n }
    },
    "center": Spec("center(width, fillchar=' ')", "The text centred in width.") { s, a, _ in
      // CPython's rule for which side gets the odd padding character.
      try padded(s, a) { n, width in n / 2 + (n & width & 1) }
    },
    "index": Spec("index(sub)", "The position of the first occurrence of sub (ValueError if absent).") { s, a, ctx in
      let at = try find(string(s), try a.string("sub", default: ""), ctx)
      guard at >= 0 else { throw notFound() }
      return .int(at)
    },
    "rfind": Spec("rfind(sub)", "The position of the last occurrence of sub, or -1.") { s, a, ctx in
      .int(try rfind(scalars(s), Array(try a.string("sub", default: "").unicodeScalars), ctx))
    },
    "rindex": Spec("rindex(sub)", "The position of the last occurrence of sub (ValueError if absent).") { s, a, ctx in
      let at = try rfind(scalars(s), Array(try a.string("sub", default: "").unicodeScalars), ctx)
      guard at >= 0 else { throw notFound() }
      return .int(at)
    },
    "partition": Spec("partition(sep)", "(before, sep, after) around the first sep; (text, '', '') without one.") { s, a, ctx in
      try partition(s, a, last: false, ctx)
    },
    "rpartition": Spec("rpartition(sep)", "(before, sep, after) around the last sep; ('', '', text) without one.") { s, a, ctx in
      try partition(s, a, last: true, ctx)
    },
    "splitlines": Spec("splitlines(keepends=False)", "The lines of the text (\\n, \\r\\n or \\r ends one).") { s, a, ctx in
      let keep = try a.bool("keepends", default: false)
      var lines: [Value] = []
      var line = String.UnicodeScalarView()
      var previousCR = false
      for c in string(s).unicodeScalars {
        if previousCR && c == "\n" {
          if keep, case .string(let last)? = lines.popLast() { lines.append(.string(last + "\n")) }
          previousCR = false
          continue
        }
        previousCR = c == "\r"
        if c == "\n" || c == "\r" || c == "\u{0B}" || c == "\u{0C}" || c == "\u{1C}" || c == "\u{1D}" || c == "\u{1E}"
          || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
        {
          if keep { line.append(c) }
          lines.append(.string(String(line)))
          line = String.UnicodeScalarView()
        } else {
          line.append(c)
        }
      }
      if !line.isEmpty { lines.append(.string(String(line))) }
      return .list(ListObject(lines))
    },
    "removeprefix": Spec("removeprefix(prefix)", "The text without prefix at its start (unchanged if absent).") { s, a, _ in
      let (t, p) = (scalars(s), Array(try a.string("prefix", default: "").unicodeScalars))
      return t.starts(with: p) ? text(t.dropFirst(p.count)) : s
    },
    "removesuffix": Spec("removesuffix(suffix)", "The text without suffix at its end (unchanged if absent).") { s, a, _ in
      let (t, p) = (scalars(s), Array(try a.string("suffix", default: "").unicodeScalars))
      return !p.isEmpty && t.reversed().starts(with: p.reversed()) ? text(t.dropLast(p.count)) : s
    },
  ]
}
