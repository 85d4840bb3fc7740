/// `pprint.PrettyPrinter`: CPython 3.11's pprint algorithm (`_format`, `_safe_repr` and the
/// per-type `_pprint_*` steps) on the language's values, so a pretty-printed structure
/// breaks its lines exactly where Python's does.
final class PrettyPrinter: HostObject {
  let indentPerLevel: Int
  let width: Int
  let depth: Int?
  let compact: Bool
  let sortDicts: Bool
  let underscoreNumbers: Bool
  /// Where `.pprint` writes; nil: stdout.
  let stream: Value?

  /// Beyond this nesting the plain repr is used (it has its own bound), so a very deep
  /// structure cannot run the native stack out (Python raises RecursionError there).
  private static let maxNesting = 150

  init(_ a: BoundArguments) throws(CellError) {
    indentPerLevel = try a.int("indent", default: 1)
    width = try a.int("width", default: 80)
    depth = try a.int("depth")
    compact = try a.bool("compact", default: false)
    sortDicts = try a.bool("sort_dicts", default: true)
    underscoreNumbers = try a.bool("underscore_numbers", default: false)
    if case .none? = a["stream"] { stream = nil } else { stream = a["stream"] }
    if indentPerLevel < 0 { throw CellError(ename: "ValueError", "indent must be >= 0") }
    if let depth, depth <= 0 { throw CellError(ename: "ValueError", "depth must be > 0") }
    if width == 0 { throw CellError(ename: "ValueError", "width must be != 0") }
  }

  var typeName: String { "PrettyPrinter" }
  var repr: String { "<pprint.PrettyPrinter object at 0x\(String(UInt(bitPattern: ObjectIdentifier(self)), radix: 16))>" }
  var attributeNames: [String] { ["isreadable", "isrecursive", "pformat", "pprint"] }

  func attribute(_ name: String) throws -> Value? {
    let summary: String
    switch name {
    case "pformat": summary = "The pretty-printed text of object."
    case "pprint": summary = "Writes the pretty-printed object and a newline to the printer's stream."
    case "isreadable": summary = "Whether the object's repr could be read back (not recursive, no <...> parts)."
    case "isrecursive": summary = "Whether the object contains itself."
    default: return nil
    }
    return .function(Builtin(signature: Signature("\(name)(object)"), summary: summary) { [self] a, ctx in
      let object = a["object"]!
      switch name {
      case "pformat": return .string(try pformat(object, ctx))
      case "pprint":
        try write(try pformat(object, ctx) + "\n", ctx)
        return .none
      case "isreadable":
        let r = safeRepr(object, [], maxLevels: nil, level: 0)
        return .bool(r.readable && !r.recursive)
      default: return .bool(safeRepr(object, [], maxLevels: nil, level: 0).recursive)
      }
    })
  }

  func pformat(_ object: Value, _ ctx: CallContext) throws -> String {
    var out = ""
    var context: [ObjectIdentifier] = []
    format(object, &out, indent: 0, allowance: 0, &context, level: 0)
    try ctx.interpreter.raiseDeferredError()  // a `__repr__` that failed
    return out
  }

  /// To stdout/stderr, or through the stream's `write` (a file, a StringIO-like object).
  func write(_ text: String, _ ctx: CallContext) throws {
    switch stream {
    case nil: ctx.sink.stream(.stdout, text)
    case .host(let s as StreamObject)?: ctx.sink.stream(s.stream, text)
    case let f?:
      guard let write = try? Access.attribute(f, "write") else {
        throw CellError(ename: "AttributeError", "'\(f.typeName)' object has no attribute 'write'")
      }
      _ = try ctx.interpreter.call(write, Arguments([.string(text)]), context: ctx)
    }
  }

  /// The identity pprint's recursion check uses: tuples have none here (they are values,
  /// and cannot contain themselves without a list or dict in between).
  static func identity(_ v: Value) -> ObjectIdentifier? {
    switch v {
    case .list(let l): ObjectIdentifier(l)
    case .dict(let d): ObjectIdentifier(d)
    case .host(let h): ObjectIdentifier(h)
    default: nil
    }
  }

  /// `<Recursion on list with id=...>`; the id is this object's address (Python's is too).
  static func recursion(_ v: Value) -> String {
    let id = identity(v).map { UInt(bitPattern: $0) } ?? 0
    return "<Recursion on \(v.typeName) with id=\(id)>"
  }

  // MARK: - CPython's _format and its dispatch table

  private func format(
    _ v: Value, _ out: inout String, indent: Int, allowance: Int, _ context: inout [ObjectIdentifier], level: Int
  ) {
    let id = Self.identity(v)
    if let id, context.contains(id) { return out += Self.recursion(v) }
    let rep = safeRepr(v, context, maxLevels: depth, level: level).text
    guard rep.unicodeScalars.count > width - indent - allowance, level < Self.maxNesting else { return out += rep }
    if let id { context.append(id) }
    defer { if id != nil { context.removeLast() } }
    let level = level + 1
    switch v {
    case .dict(let d):
      switch d.flavor {
      case nil: pprintDict(d, &out, indent, allowance, &context, level)
      case .ordered?:
        guard d.count > 0 else { return out += rep }
        out += "OrderedDict("
        let pairs = Value.list(ListObject(zip(d.keys, d.values).map { .tuple([$0, $1]) }))
        format(pairs, &out, indent: indent + 12, allowance: allowance + 1, &context, level: level)
        out += ")"
      case .counter?:
        guard d.count > 0 else { return out += rep }
        out += "Counter({" + spaces(indentPerLevel - 1)
        let pairs = (try? Counters.mostCommon(d)) ?? Array(zip(d.keys, d.values))
        formatDictItems(pairs, &out, indent + 8, allowance + 2, &context, level)
        out += "})"
      case .defaultDict(let f)?:
        guard d.count > 0 else { return out += rep }
        let factory = DictFlavor.factoryRepr(f.factory)
        out += "defaultdict(\(factory),\n" + spaces(indent + 12)
        pprintDict(d, &out, indent + 12, allowance + 1, &context, level)
        out += ")"
      }
    case .list(let l):
      out += "["
      formatItems(l.items, &out, indent, allowance + 1, &context, level)
      out += "]"
    case .tuple(let items):
      out += "("
      let end = items.count == 1 ? ",)" : ")"
      formatItems(items, &out, indent, allowance + end.count, &context, level)
      out += end
    case .host(let s as SetObject):
      guard !s.items.isEmpty else { return out += rep }
      let (open, end, extra) = s.frozen ? ("frozenset({", "})", 10) : ("{", "}", 0)
      out += open
      formatItems(Self.safeSorted(s.items), &out, indent + extra, allowance + end.count, &context, level)
      out += end
    case .host(let q as DequeObject):
      guard !q.items.isEmpty else { return out += rep }
      out += "deque(["
      if let maxlen = q.maxlen {
        formatItems(q.items, &out, indent + 6, 2, &context, level)
        out += "],\n" + spaces(indent + 6) + "maxlen=\(safeRepr(.int(maxlen), context, maxLevels: depth, level: level).text))"
      } else {
        formatItems(q.items, &out, indent + 6, allowance + 2, &context, level)
        out += "])"
      }
    case .string(let s): pprintString(s, rep, &out, indent, allowance, level)
    case .host(let me as InstanceObject) where Self.hasGeneratedRepr(me):
      pprintDataclass(me, &out, indent, allowance, &context, level)
    default: out += rep
    }
  }

  /// A dataclass instance whose repr @dataclass made (CPython breaks only those at fields).
  static func hasGeneratedRepr(_ me: InstanceObject) -> Bool {
    guard case .function(let f)? = me.cls.lookup("__repr__")?.value else { return false }
    return f.summary == "Made by @dataclass." && me.cls.lookup("__dataclass_fields__") != nil
  }

  /// CPython's `_pprint_dataclass` and `_format_namespace_items`: `Name(field=value,` one
  /// field a line, aligned after the parenthesis.
  private func pprintDataclass(
    _ me: InstanceObject, _ out: inout String, _ indent: Int, _ allowance: Int, _ context: inout [ObjectIdentifier], _ level: Int
  ) {
    let name = me.cls.name
    let indent = indent + name.unicodeScalars.count + 1
    let fields = ((try? DataClassesModule.fieldsOf(.host(me))) ?? []).filter(\.shown)
    out += name + "("
    for (i, field) in fields.enumerated() {
      let last = i == fields.count - 1
      let value = (try? me.fields.get(.string(field.name))) ?? .none
      out += field.name + "="
      if let id = Self.identity(value), context.contains(id) {
        out += "..."
      } else {
        format(value, &out, indent: indent + field.name.unicodeScalars.count + 1, allowance: last ? allowance : 1, &context, level: level)
      }
      if !last { out += ",\n" + spaces(indent) }
    }
    out += ")"
  }

  private func spaces(_ n: Int) -> String { n > 0 ? String(repeating: " ", count: n) : "" }

  private func pprintDict(
    _ d: DictObject, _ out: inout String, _ indent: Int, _ allowance: Int, _ context: inout [ObjectIdentifier], _ level: Int
  ) {
    out += "{" + spaces(indentPerLevel - 1)
    if d.count > 0 {
      formatDictItems(dictItems(d), &out, indent, allowance + 1, &context, level)
    }
    out += "}"
  }

  private func dictItems(_ d: DictObject) -> [(Value, Value)] {
    let pairs = Array(zip(d.keys, d.values))
    return sortDicts ? Self.safeSorted(pairs, by: \.0) : pairs
  }

  private func formatDictItems(
    _ items: [(Value, Value)], _ out: inout String, _ indent: Int, _ allowance: Int, _ context: inout [ObjectIdentifier],
    _ level: Int
  ) {
    let indent = indent + indentPerLevel
    for (i, (key, value)) in items.enumerated() {
      let last = i == items.count - 1
      let rep = safeRepr(key, context, maxLevels: depth, level: level).text
      out += rep + ": "
      format(value, &out, indent: indent + rep.unicodeScalars.count + 2, allowance: last ? allowance : 1, &context, level: level)
      if !last { out += ",\n" + spaces(indent) }
    }
  }

  /// CPython's `_format_items`: one item a line, or with compact=True as many as fit.
  private func formatItems(
    _ items: [Value], _ out: inout String, _ indent: Int, _ allowance: Int, _ context: inout [ObjectIdentifier], _ level: Int
  ) {
    let indent = indent + indentPerLevel
    out += spaces(indentPerLevel - 1)
    let newline = ",\n" + spaces(indent)
    var delimiter = ""
    var width = self.width - indent + 1
    var maxWidth = width
    for (i, item) in items.enumerated() {
      let last = i == items.count - 1
      if last {
        maxWidth -= allowance
        width -= allowance
      }
      if compact {
        let rep = safeRepr(item, context, maxLevels: depth, level: level).text
        let w = rep.unicodeScalars.count + 2
        if width < w {
          width = maxWidth
          if !delimiter.isEmpty { delimiter = newline }
        }
        if width >= w {
          width -= w
          out += delimiter + rep
          delimiter = ", "
          continue
        }
      }
      out += delimiter
      delimiter = newline
      format(item, &out, indent: indent, allowance: last ? allowance : 1, &context, level: level)
    }
  }

  /// CPython's `_pprint_str`: a long string as implicitly joined pieces, split after
  /// whitespace and at line ends, in parentheses at the top level.
  private func pprintString(_ s: String, _ rep: String, _ out: inout String, _ indent: Int, _ allowance: Int, _ level: Int) {
    guard !s.isEmpty else { return out += rep }
    var indent = indent
    var allowance = allowance
    if level == 1 {
      indent += 1
      allowance += 1
    }
    let maxWidth = width - indent
    var maxWidth1 = maxWidth
    var chunks: [String] = []
    let lines = Self.linesKeepingEnds(s)
    for (i, line) in lines.enumerated() {
      let lineRep = Value.quoted(line)
      if i == lines.count - 1 { maxWidth1 -= allowance }
      if lineRep.unicodeScalars.count <= maxWidth1 {
        chunks.append(lineRep)
        continue
      }
      let parts = Self.wordsWithSpace(line)
      var maxWidth2 = maxWidth
      var current = ""
      for (j, part) in parts.enumerated() {
        let candidate = current + part
        if j == parts.count - 1 && i == lines.count - 1 { maxWidth2 -= allowance }
        if Value.quoted(candidate).unicodeScalars.count > maxWidth2 {
          if !current.isEmpty { chunks.append(Value.quoted(current)) }
          current = part
        } else {
          current = candidate
        }
      }
      if !current.isEmpty { chunks.append(Value.quoted(current)) }
    }
    if chunks.count == 1 { return out += Value.quoted(lines.last!) }
    if level == 1 { out += "(" }
    out += chunks.joined(separator: "\n" + spaces(indent))
    if level == 1 { out += ")" }
  }

  /// `str.splitlines(True)`.
  static func linesKeepingEnds(_ s: String) -> [String] {
    var lines: [String] = []
    var line = String.UnicodeScalarView()
    let scalars = Array(s.unicodeScalars)
    var i = 0
    while i < scalars.count {
      let c = scalars[i]
      line.append(c)
      if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" {
        line.append("\n")
        i += 1
      }
      if "\n\r\u{0B}\u{0C}\u{1C}\u{1D}\u{1E}\u{85}\u{2028}\u{2029}".unicodeScalars.contains(c) {
        lines.append(String(line))
        line = .init()
      }
      i += 1
    }
    if !line.isEmpty { lines.append(String(line)) }
    return lines
  }

  /// `re.findall(r'\S*\s*', line)` less its final empty match: runs of non-space, each
  /// with the whitespace after it.
  static func wordsWithSpace(_ line: String) -> [String] {
    var parts: [String] = []
    var part = String.UnicodeScalarView()
    var inSpace = false
    for c in line.unicodeScalars {
      let space = isSpace(c)
      if inSpace && !space {
        parts.append(String(part))
        part = .init()
      }
      inSpace = space
      part.append(c)
    }
    if !part.isEmpty { parts.append(String(part)) }
    return parts
  }

  /// Python's `\s` and str.isspace (which also count the separators \x1c–\x1f).
  static func isSpace(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || (0x1C...0x1F).contains(c.value) }
}
