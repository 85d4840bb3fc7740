/// `re.compile(...)`'s result, `re.Pattern`: the compiled program and the operations
/// Python offers on it (the module's functions compile and call these).
final class PatternObject: HostObject {
  let pattern: String
  let flags: RegexFlags
  let program: RegexProgram
  let groupNames: [String: Int]

  init(_ pattern: String, flags: Int) throws(CellError) {
    var f = RegexFlags(rawValue: flags)
    let (node, groups, names) = try RegexParser.parse(pattern, flags: &f)
    if f.contains(.ascii) && f.contains(.unicode) { throw CellError.valueError("ASCII and UNICODE flags are incompatible") }
    // A str pattern is Unicode unless ASCII is asked for, and Python's .flags says so.
    if !f.contains(.ascii) { f.insert(.unicode) }
    self.pattern = pattern
    self.flags = f
    self.program = try RegexProgram(node, groups: groups)
    self.groupNames = names
  }

  /// A pattern argument: a compiled pattern as is, or a str compiled with `flags`.
  static func from(_ v: Value, flags: Int) throws(CellError) -> PatternObject {
    switch v {
    case .host(let p as PatternObject):
      guard flags == 0 else { throw CellError.valueError("cannot process flags argument with a compiled pattern") }
      return p
    case .string(let s): return try PatternObject(s, flags: flags)
    default: throw CellError.typeError("first argument must be string or compiled pattern")
    }
  }

  var typeName: String { "re.Pattern" }
  var repr: String {
    let shown = RegexFlags.names.filter { $0.2 != .unicode && flags.contains($0.2) }.map { "re." + $0.0 }
    let text = Value.string(pattern).repr
    return shown.isEmpty ? "re.compile(\(text))" : "re.compile(\(text), \(shown.joined(separator: "|")))"
  }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? PatternObject else { return false }
    return o.pattern.unicodeScalars.elementsEqual(pattern.unicodeScalars) && o.flags == flags
  }

  var attributeNames: [String] { ["flags", "groupindex", "groups", "pattern"] + Self.methods.map(\.0) }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "pattern": return .string(pattern)
    case "flags": return .int(flags.rawValue)
    case "groups": return .int(program.groups)
    case "groupindex":
      let d = DictObject()
      for (k, v) in groupNames.sorted(by: { $0.value < $1.value }) { try d.set(.string(k), .int(v)) }
      return .dict(d)
    default:
      guard let (signature, summary) = Self.methods.first(where: { $0.0 == name })?.1 else { return nil }
      return .function(Builtin(signature: Signature(signature), summary: summary) { [self] a, ctx in
        try self.call(name, a, ctx)
      })
    }
  }

  private static let methods: [(String, (String, String))] = [
    ("search", ("search(string, pos=0, endpos=None)", "The first match anywhere in string, or None.")),
    ("match", ("match(string, pos=0, endpos=None)", "A match at the start of string, or None.")),
    ("fullmatch", ("fullmatch(string, pos=0, endpos=None)", "A match of the whole string, or None.")),
    ("findall", ("findall(string, pos=0, endpos=None)", "Every match's text (or its groups), as a list.")),
    ("finditer", ("finditer(string, pos=0, endpos=None)", "An iterator over every match object.")),
    ("sub", ("sub(repl, string, count=0)", "string with matches replaced by repl (a template or a function of the match).")),
    ("subn", ("subn(repl, string, count=0)", "(new string, number of replacements).")),
    ("split", ("split(string, maxsplit=0)", "string split at the matches (captured groups included).")),
  ]

  /// Runs method `name` with arguments bound to its signature (shared with the module's functions).
  func call(_ name: String, _ a: BoundArguments, _ ctx: CallContext) throws(CellError) -> Value {
    let (string, text) = try Self.subject(a["string"]!)
    var from = 0
    var to = text.count
    if name != "sub" && name != "subn" && name != "split" {
      from = try Self.clamp(a.int("pos", default: 0), text.count)
      if case .int? = a["endpos"] { to = try Self.clamp(a.int("endpos", default: 0), text.count) }
    }
    var scan = Scan(self, string: string, text: text, from: from, to: to, ctx)
    switch name {
    case "search", "match", "fullmatch":
      return try scan.next(anchored: name != "search", full: name == "fullmatch").map { .host($0) } ?? Value.none
    case "findall": return .list(ListObject(try scan.all().map(findallItem)))
    case "finditer": return .host(IteratorObject(try ValueIterator(.list(ListObject(try scan.all().map { .host($0) }))), typeName: "callable_iterator"))
    case "sub", "subn":
      let (result, n) = try substitute(a["repl"]!, &scan, count: try a.int("count", default: 0), ctx)
      return name == "sub" ? .string(result) : .tuple([.string(result), .int(n)])
    default: return .list(ListObject(try split(&scan, maxsplit: try a.int("maxsplit", default: 0))))
    }
  }

  /// Whether the pattern matches at the start of `text` (re.match), for Swift callers.
  func matchesStart(of text: String) throws(CellError) -> Bool {
    var machine = RegexMachine(program, text: text.unicodeScalars.map(\.value), end: text.unicodeScalars.count) { () throws(CellError) in }
    return try machine.search(from: 0, anchored: true)
  }

  static func subject(_ v: Value) throws(CellError) -> (String, [UInt32]) {
    guard case .string(let s) = v else { throw CellError.typeError("expected string or bytes-like object, got '\(v.typeName)'") }
    return (s, s.unicodeScalars.map(\.value))
  }

  private static func clamp(_ i: Int, _ n: Int) -> Int { Swift.min(Swift.max(i, 0), n) }

  /// findall's item: the whole match, group 1, or a tuple of every group ('' when unmatched).
  private func findallItem(_ m: MatchObject) -> Value {
    switch program.groups {
    case 0: return .string(m.text(0) ?? "")
    case 1: return .string(m.text(1) ?? "")
    default: return .tuple((1...program.groups).map { .string(m.text($0) ?? "") })
    }
  }

  private func substitute(_ repl: Value, _ scan: inout Scan, count: Int, _ ctx: CallContext) throws(CellError) -> (String, Int) {
    let template: RegexTemplate?
    switch repl {
    case .string(let s): template = try RegexTemplate(s, groups: program.groups, names: groupNames)
    default: template = nil
    }
    var out = ""
    var last = 0
    var n = 0
    var pieces = 0  // counted as Python's join counts them, for its error message
    var size = 0  // code points written (the view's count is not O(1))
    while count == 0 || n < count, let m = try scan.next() {  // a negative count replaces nothing, as in CPython
      if m.span(0).start > last { pieces += 1 }
      out += RegexText.string(scan.text[last..<m.span(0).start])
      var replaced = 0
      if let template {
        let r = template.expand(m)
        replaced = r.unicodeScalars.count
        out += r
      } else {
        // As in Python, a function's None inserts nothing.
        switch try ctx.interpreter.call(repl, Arguments([.host(m)]), context: ctx) {
        case .none: break
        case .string(let s):
          out += s
          replaced = s.unicodeScalars.count
          pieces += 1
        case let r: throw CellError.typeError("sequence item \(pieces): expected str instance, \(r.typeName) found")
        }
      }
      size += m.span(0).start - last + replaced
      try Memory.checkText(size)
      last = m.span(0).end
      n += 1
    }
    out += RegexText.string(scan.text[last...])
    return (out, n)
  }

  private func split(_ scan: inout Scan, maxsplit: Int) throws(CellError) -> [Value] {
    var items: [Value] = []
    var last = 0
    var n = 0
    while maxsplit == 0 || n < maxsplit, let m = try scan.next() {  // a negative maxsplit splits nothing
      items.append(.string(RegexText.string(scan.text[last..<m.span(0).start])))
      for g in stride(from: 1, through: program.groups, by: 1) { items.append(m.text(g).map(Value.string) ?? Value.none) }
      if items.count >= Memory.maxItemCount { try Memory.checkItems(items.count + 1, "list") }
      last = m.span(0).end
      n += 1
    }
    items.append(.string(RegexText.string(scan.text[last...])))
    return items
  }
}

/// Successive matches over one text, stepping past empty matches as Python does (the
/// next match may not be empty at the place the previous empty one was).
struct Scan {
  let pattern: PatternObject
  let string: String
  let text: [UInt32]
  let from: Int
  let to: Int
  private var machine: RegexMachine
  private var position: Int
  private var mustAdvance = false

  init(_ pattern: PatternObject, string: String, text: [UInt32], from: Int, to: Int, _ ctx: CallContext) {
    self.pattern = pattern
    self.string = string
    self.text = text
    self.from = from
    self.to = to
    position = from
    machine = RegexMachine(pattern.program, text: text, end: to) { () throws(CellError) in try ctx.checkInterrupt() }
  }

  mutating func next(anchored: Bool = false, full: Bool = false) throws(CellError) -> MatchObject? {
    guard position <= to, try machine.search(from: position, anchored: anchored, mustAdvance: mustAdvance, full: full) else {
      position = to + 1
      return nil
    }
    let m = MatchObject(pattern, string: string, text: text, captures: machine.captures, lastGroup: machine.lastClosedGroup, pos: from, endpos: to)
    let (s, e) = m.span(0)
    mustAdvance = s == e
    position = e
    return m
  }

  mutating func all() throws(CellError) -> [MatchObject] {
    var found: [MatchObject] = []
    while let m = try next() {
      found.append(m)
      if found.count >= Memory.maxItemCount { try Memory.checkItems(found.count + 1, "list") }
    }
    return found
  }
}
