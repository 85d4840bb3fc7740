/// string.Template and string.capwords. A Template is a class made here (the field
/// `template` holds its text), scanned as CPython's pattern reads it: `$$` is a `$`,
/// `$name` and `${name}` are placeholders (ASCII identifiers), and any other `$` is invalid —
/// a ValueError naming its line and column in substitute, left as it is in safe_substitute.
/// (Subclasses that change the delimiter or pattern are not supported.)
enum StringTemplate {
  /// One piece of a template: literal text, `$$`, a placeholder, or an invalid `$`.
  enum Piece {
    case text(String)
    case escaped
    case placeholder(name: String, source: String)
    case invalid(offset: Int)
  }

  static func pieces(_ template: String) -> [Piece] {
    let s = Array(template.unicodeScalars)
    func isStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && c.properties.isAlphabetic) }
    func isPart(_ c: Unicode.Scalar) -> Bool { isStart(c) || ("0"..."9").contains(c) }
    /// The end of an identifier starting at i (i itself when there is none).
    func identifierEnd(_ i: Int) -> Int {
      guard i < s.count, isStart(s[i]) else { return i }
      var j = i + 1
      while j < s.count, isPart(s[j]) { j += 1 }
      return j
    }
    func text(_ r: Range<Int>) -> String {
      var out = ""
      out.unicodeScalars.append(contentsOf: s[r])
      return out
    }
    var out: [Piece] = []
    var literalStart = 0
    var i = 0
    while i < s.count {
      guard s[i] == "$" else {
        i += 1
        continue
      }
      if literalStart < i { out.append(.text(text(literalStart..<i))) }
      let end = identifierEnd(i + 1)
      if i + 1 < s.count, s[i + 1] == "$" {
        out.append(.escaped)
        i += 2
      } else if end > i + 1 {
        out.append(.placeholder(name: text(i + 1..<end), source: text(i..<end)))
        i = end
      } else if i + 1 < s.count, s[i + 1] == "{", identifierEnd(i + 2) > i + 2, identifierEnd(i + 2) < s.count, s[identifierEnd(i + 2)] == "}" {
        let close = identifierEnd(i + 2)
        out.append(.placeholder(name: text(i + 2..<close), source: text(i..<close + 1)))
        i = close + 1
      } else {
        out.append(.invalid(offset: i + 1))
        out.append(.text("$"))
        i += 1
      }
      literalStart = i
    }
    if literalStart < s.count { out.append(.text(text(literalStart..<s.count))) }
    return out
  }

  /// Python's message for an invalid `$`: the line and column of the `$`, lines split as
  /// str.splitlines splits them.
  static func invalid(_ template: String, _ offset: Int) -> CellError {
    let prefix = Array(template.unicodeScalars.prefix(offset))
    let breaks: Set<Unicode.Scalar> = ["\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}"]
    var (line, lineStart) = (1, 0)
    var k = 0
    while k < prefix.count {
      if breaks.contains(prefix[k]) {
        if prefix[k] == "\r", k + 1 < prefix.count, prefix[k + 1] == "\n" { k += 1 }
        (line, lineStart) = (line + 1, k + 1)
      }
      k += 1
    }
    return .valueError("Invalid placeholder in string: line \(line), col \(offset - lineStart)")
  }

  static func make(_ interpreter: Interpreter) throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "Template", bases: [], exceptionBases: [], attributes: [:],
      doc: "Template(template): a string with $name and ${name} placeholders; substitute(mapping, **kws), safe_substitute(...).",
      interpreter: interpreter)
    cls.module = "string"
    func method(_ signature: String, _ summary: String, _ body: @escaping (String, BoundArguments) throws -> Value) -> Value {
      .function(
        Builtin(signature: Signature(signature), summary: summary, isUserFunction: true) { a, _ in
          guard case .host(let me as InstanceObject)? = a["self"], case .string(let t)? = try me.fields.get(.string("template")) else {
            throw CellError.typeError("a Template method needs a Template whose template is a str")
          }
          return try body(t, a)
        })
    }
    /// The value for a name: keywords first, then the mapping (as Python's ChainMap(kws, mapping)).
    func lookup(_ name: String, _ a: BoundArguments) throws(CellError) -> Value {
      if let v = a.extraKeywords.last(where: { $0.name == name })?.value { return v }
      guard let mapping = a.value("mapping") else { throw CellError(ename: "KeyError", Value.string(name).repr) }
      return try Access.item(mapping, .string(name))
    }
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(signature: Signature("__init__(self, template)"), summary: "", isUserFunction: true) { a, _ in
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        try me.fields.set(.string("template"), a["template"] ?? .none)
        return .none
      })
    attributes["substitute"] = method("substitute(self, mapping=None, **kws)", "The text with every placeholder replaced (KeyError for a missing one).") { t, a in
      var out = ""
      for piece in pieces(t) {
        switch piece {
        case .text(let s): out += s
        case .escaped: out += "$"
        case .placeholder(let name, _): out += try lookup(name, a).str
        case .invalid(let offset): throw invalid(t, offset)
        }
      }
      return .string(out)
    }
    attributes["safe_substitute"] = method("safe_substitute(self, mapping=None, **kws)", "The text with the placeholders it can fill replaced; the rest left as written.") { t, a in
      var out = ""
      for piece in pieces(t) {
        switch piece {
        case .text(let s): out += s
        case .escaped: out += "$"
        case .placeholder(let name, let source):
          out += try Access.unlessKeyError({ () throws(CellError) in try lookup(name, a) })?.str ?? source
        case .invalid: break
        }
      }
      return .string(out)
    }
    attributes["is_valid"] = method("is_valid(self)", "Whether the template has no invalid $ placeholder.") { t, _ in
      .bool(!pieces(t).contains { if case .invalid = $0 { true } else { false } })
    }
    attributes["get_identifiers"] = method("get_identifiers(self)", "The placeholder names, each once, in order.") { t, _ in
      var names: [String] = []
      for case .placeholder(let name, _) in pieces(t) where !names.contains(name) { names.append(name) }
      return .list(ListObject(names.map(Value.string)))
    }
    cls.attributes = attributes
    return cls
  }

  static func capwords() -> Builtin {
    Builtin("capwords(s, sep=None)", summary: "The words of s capitalized and joined by sep (a space when None).") { a, ctx in
      let s = a["s"] ?? .none
      let sep = a.value("sep")
      let words = try ctx.interpreter.call(try Access.attribute(s, "split"), Arguments(sep.map { [$0] } ?? []), context: ctx)
      var out: [Value] = []
      for w in try ValueIterator.collect(words) {
        out.append(try ctx.interpreter.call(try Access.attribute(w, "capitalize"), Arguments(), context: ctx))
      }
      let joiner = sep.flatMap { $0.isTruthy ? $0 : nil } ?? .string(" ")
      return try ctx.interpreter.call(try Access.attribute(joiner, "join"), Arguments([.list(ListObject(out))]), context: ctx)
    }
  }
}
