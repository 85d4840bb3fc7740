/// `textwrap.TextWrapper`: CPython 3.11's wrapping algorithm (`_split`, `_wrap_chunks`,
/// `_handle_long_word`) step for step, with its word-splitting regex run on the language's
/// own `re` engine, so lines break where Python's do (hyphens and em-dashes included).
final class TextWrapper: HostObject {
  /// The options and their defaults, in `TextWrapper(...)`'s order; each is also an attribute.
  static var defaults: [(String, Value)] {
    [
      ("width", .int(70)), ("initial_indent", .string("")), ("subsequent_indent", .string("")),
      ("expand_tabs", .bool(true)), ("replace_whitespace", .bool(true)), ("fix_sentence_endings", .bool(false)),
      ("break_long_words", .bool(true)), ("drop_whitespace", .bool(true)), ("break_on_hyphens", .bool(true)),
      ("tabsize", .int(8)), ("max_lines", .none), ("placeholder", .string(" [...]")),
    ]
  }
  static let signature =
    "TextWrapper(width=70, initial_indent='', subsequent_indent='', expand_tabs=True, replace_whitespace=True, "
    + "fix_sentence_endings=False, break_long_words=True, drop_whitespace=True, break_on_hyphens=True, tabsize=8, *, "
    + "max_lines=None, placeholder=' [...]')"

  private var options: [String: Value]

  /// `given`: the options passed; an unknown one is Python's TypeError.
  init(_ given: [(name: String, value: Value)]) throws(CellError) {
    options = Dictionary(uniqueKeysWithValues: Self.defaults)
    for (name, value) in given {
      guard Self.defaults.contains(where: { $0.0 == name }) else { throw CellError.typeError("TextWrapper.__init__() got an unexpected keyword argument '\(name)'") }
      options[name] = value
    }
  }

  var typeName: String { "TextWrapper" }
  var repr: String { "<textwrap.TextWrapper object at 0x\(String(UInt(bitPattern: ObjectIdentifier(self)), radix: 16))>" }
  var attributeNames: [String] { (Array(options.keys) + ["fill", "wrap"]).sorted() }

  func attribute(_ name: String) throws -> Value? {
    if let v = options[name] { return v }
    guard name == "wrap" || name == "fill" else { return nil }
    let summary = name == "wrap" ? "The text's lines, wrapped to width." : "The wrapped lines joined with newlines."
    return .function(Builtin(signature: Signature("\(name)(text)"), summary: summary) { [self] a, ctx in
      let lines = try wrap(a["text"]!, ctx)
      return name == "wrap" ? .list(ListObject(lines.map(Value.string))) : .string(lines.joined(separator: "\n"))
    })
  }

  /// Any attribute may be set, as on Python's (plain) object; the options take effect.
  func setAttribute(_ name: String, _ value: Value) throws { options[name] = value }

  /// An int option; otherwise the error Python's first comparison with it raises.
  private func int(_ name: String, comparedBy op: String) throws(CellError) -> Int {
    switch options[name]! {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    case let v: throw CellError.typeError("'\(op)' not supported between instances of '\(v.typeName)' and 'int'")
    }
  }

  /// A str option; otherwise the error Python's `len()` of it raises.
  private func string(_ name: String) throws(CellError) -> String {
    guard case .string(let s) = options[name]! else { throw CellError.typeError("object of type '\(options[name]!.typeName)' has no len()") }
    return s
  }

  private func flag(_ name: String) -> Bool { options[name]!.isTruthy }

  // MARK: - CPython's algorithm

  /// `wrap(text)`: `_munge_whitespace`, `_split`, `_fix_sentence_endings`, `_wrap_chunks`.
  func wrap(_ text: Value, _ ctx: CallContext) throws -> [String] {
    guard case .string(var text) = text else { throw CellError(ename: "AttributeError", "'\(text.typeName)' object has no attribute 'expandtabs'") }
    if flag("expand_tabs") {
      let expand = try Access.attribute(.string(text), "expandtabs")
      text = try ctx.interpreter.call(expand, Arguments([options["tabsize"]!]), context: ctx).str
    }
    if flag("replace_whitespace") {
      text = String(String.UnicodeScalarView(text.unicodeScalars.map { Self.asciiWhitespace.contains($0) ? " " : $0 }))
    }
    var chunks = try split(text, ctx)
    if flag("fix_sentence_endings") {
      var i = 0
      while i < chunks.count - 1 {
        if chunks[i + 1] == " " && Self.endsSentence(chunks[i]) {
          chunks[i + 1] = "  "
          i += 2
        } else {
          i += 1
        }
      }
    }
    return try wrapChunks(chunks)
  }

  static let asciiWhitespace: Set<Unicode.Scalar> = ["\t", "\n", "\u{0B}", "\u{0C}", "\r", " "]

  /// CPython's `wordsep_re` (without re.VERBOSE's layout): whitespace runs, em-dashes
  /// between words, and words split after a hyphen between letters.
  static let wordSeparator: String = {
    let ws = #"[\t\n\x0b\x0c\r ]"#, nws = #"[^\t\n\x0b\x0c\r ]"#, wp = #"[\w!"'&.,?]"#, lt = #"[^\d\W]"#
    return "(\(ws)+|(?<=\(wp))-{2,}(?=\\w)|\(nws)+?(?:-(?:(?<=\(lt){2}-)|(?<=\(lt)-\(lt)-))(?=\(lt)-?\(lt))"
      + "|(?=\(ws)|\\Z)|(?<=\(wp))(?=-{2,}\\w)))"
  }()

  /// `_split`: the regex's split less its empty pieces (break_on_hyphens must be True itself).
  private func split(_ text: String, _ ctx: CallContext) throws(CellError) -> [String] {
    let hyphens: Bool
    if case .bool(true) = options["break_on_hyphens"]! { hyphens = true } else { hyphens = false }
    let pattern = try PatternObject(hyphens ? Self.wordSeparator : #"([\t\n\x0b\x0c\r ]+)"#, flags: 0)
    let scalars = text.unicodeScalars.map(\.value)
    var scan = Scan(pattern, string: text, text: scalars, from: 0, to: scalars.count, ctx)
    var chunks: [String] = []
    var last = 0
    while let m = try scan.next() {
      let (start, end) = m.span(0)
      if start > last { chunks.append(RegexText.string(scalars[last..<start])) }
      if end > start { chunks.append(RegexText.string(scalars[start..<end])) }
      last = end
    }
    if last < scalars.count { chunks.append(RegexText.string(scalars[last...])) }
    return chunks
  }

  /// `sentence_end_re`: `[a-z][.!?]["']?\Z`.
  static func endsSentence(_ chunk: String) -> Bool {
    var s = Array(chunk.unicodeScalars)
    if let last = s.last, last == "\"" || last == "'" { s.removeLast() }
    guard s.count >= 2, ".!?".unicodeScalars.contains(s[s.count - 1]) else { return false }
    return ("a"..."z").contains(s[s.count - 2])
  }

  private static func length(_ s: String) -> Int { s.unicodeScalars.count }
  private static func isBlank(_ s: String) -> Bool { s.unicodeScalars.allSatisfy(PrettyPrinter.isSpace) }

  /// `_wrap_chunks`: fills each line from the chunks, dropping whitespace at line edges,
  /// and cuts at max_lines with the placeholder.
  private func wrapChunks(_ input: [String]) throws(CellError) -> [String] {
    // Checked in Python's order, so the same bad option is reported first.
    let width = try int("width", comparedBy: "<=")
    guard width > 0 else { throw CellError.valueError("invalid width \(width) (must be > 0)") }
    let maxLines: Int? = if case .none = options["max_lines"]! { nil } else { try int("max_lines", comparedBy: ">") }
    let initialIndent = try string("initial_indent"), subsequentIndent = try string("subsequent_indent")
    let placeholder = try string("placeholder")
    let drop = flag("drop_whitespace")
    var lines: [String] = []
    if let maxLines {
      let indent = maxLines > 1 ? subsequentIndent : initialIndent
      let stripped = Methods.strip(placeholder, nil, leading: true, trailing: false)
      if Self.length(indent) + Self.length(stripped) > width { throw CellError.valueError("placeholder too large for max width") }
    }
    var chunks = Array(input.reversed())
    while !chunks.isEmpty {
      var line: [String] = []
      var length = 0
      let indent = lines.isEmpty ? initialIndent : subsequentIndent
      let room = width - Self.length(indent)
      if drop && Self.isBlank(chunks.last!) && !lines.isEmpty { chunks.removeLast() }
      while let chunk = chunks.last, length + Self.length(chunk) <= room {
        line.append(chunks.removeLast())
        length += Self.length(chunk)
      }
      if let chunk = chunks.last, Self.length(chunk) > room {
        handleLongWord(&chunks, &line, length, room)
        length = line.reduce(0) { $0 + Self.length($1) }
      }
      if drop, let lastChunk = line.last, Self.isBlank(lastChunk) {
        length -= Self.length(lastChunk)
        line.removeLast()
      }
      guard !line.isEmpty else { continue }
      let restIsBlank = chunks.isEmpty || (drop && chunks.count == 1 && Self.isBlank(chunks[0]))
      if maxLines == nil || lines.count + 1 < maxLines! || (restIsBlank && length <= room) {
        lines.append(indent + line.joined())
        continue
      }
      // The last line allowed: as many chunks as leave room for the placeholder.
      while let lastChunk = line.last {
        if !Self.isBlank(lastChunk) && length + Self.length(placeholder) <= room {
          lines.append(indent + line.joined() + placeholder)
          return lines
        }
        length -= Self.length(lastChunk)
        line.removeLast()
      }
      if let previous = lines.last {
        let trimmed = Methods.strip(previous, nil, leading: false, trailing: true)
        if Self.length(trimmed) + Self.length(placeholder) <= width {
          lines[lines.count - 1] = trimmed + placeholder
          return lines
        }
      }
      lines.append(indent + Methods.strip(placeholder, nil, leading: true, trailing: false))
      return lines
    }
    return lines
  }

  /// `_handle_long_word`: a chunk longer than a whole line is cut to the room left
  /// (after its last hyphen there, with break_on_hyphens), or, with break_long_words off,
  /// put alone on a line that is then too long.
  private func handleLongWord(_ chunks: inout [String], _ line: inout [String], _ length: Int, _ width: Int) {
    let room = width < 1 ? 1 : width - length
    if flag("break_long_words") {
      var end = room
      let chunk = Array(chunks.last!.unicodeScalars)
      if flag("break_on_hyphens") && chunk.count > room {
        if let hyphen = chunk[..<max(0, min(room, chunk.count))].lastIndex(of: "-"), hyphen > 0,
          chunk[..<hyphen].contains(where: { $0 != "-" })
        {
          end = hyphen + 1
        }
      }
      let cut = min(max(end, 0), chunk.count)
      line.append(String(String.UnicodeScalarView(chunk[..<cut])))
      chunks[chunks.count - 1] = String(String.UnicodeScalarView(chunk[cut...]))
    } else if line.isEmpty {
      line.append(chunks.removeLast())
    }
  }
}
