/// One lexical token; `span` is in code points of the cell.
struct Token: Equatable {
  enum Kind: Equatable {
    case name(String)
    case int(Int)
    case float(Double)
    case string(String)
    /// An f-string: literal text and `{expression!conversion:spec}` fields.
    case fstring([FStringPart])
    case op(String)
    case newline, indent, dedent, eof
  }
  var kind: Kind
  var span: SourceSpan
}

/// Python-style tokenizer: indentation becomes INDENT/DEDENT, newlines inside
/// brackets are ignored, `#` starts a comment.
struct Lexer {
  let src: [Unicode.Scalar]
  /// Where lexing stops: the whole cell, or the end of an f-string field.
  let end: Int
  var pos = 0
  private var tokens: [Token] = []
  private var brackets: [(Unicode.Scalar, Int)] = []
  /// Indentation levels as Python measures them: tabs to the next multiple of 8 and,
  /// to catch ambiguous mixing (a TabError), tabs counted as one column.
  private var indents: [(width: Int, alternative: Int)] = [(0, 0)]
  private var atLineStart = true
  private var isField = false

  init(_ src: [Unicode.Scalar], range: Range<Int>? = nil) {
    self.src = src
    self.pos = range?.lowerBound ?? 0
    self.end = range?.upperBound ?? src.count
    if range != nil {
      // An f-string field is one expression: no indentation, newlines as inside brackets.
      atLineStart = false
      brackets = [("{", pos)]
      isField = true
    }
  }

  /// Tokens of the whole source, or of a range of it (an f-string's `{expression}`).
  static func tokenize(_ src: [Unicode.Scalar], range: Range<Int>? = nil) throws(CellError) -> [Token] {
    var lexer = Lexer(src, range: range)
    return try lexer.run()
  }

  func peek(_ k: Int = 0) -> Unicode.Scalar? {
    pos + k < end ? src[pos + k] : nil
  }

  mutating func emit(_ kind: Token.Kind, from start: Int) {
    tokens.append(Token(kind: kind, span: SourceSpan(start, pos)))
  }

  private mutating func run() throws(CellError) -> [Token] {
    while pos < end {
      if atLineStart && brackets.isEmpty {
        try lineStart()
        continue
      }
      try next()
    }
    if isField { brackets.removeFirst() }
    if let (open, at) = brackets.last {
      throw .syntax("'\(open)' was never closed", SourceSpan(at, at + 1), atEnd: true)
    }
    if let last = tokens.last, last.kind != .newline { emit(.newline, from: pos) }
    for _ in indents.dropFirst() { emit(.dedent, from: pos) }
    emit(.eof, from: pos)
    return tokens
  }

  /// Measures indentation; blank and comment-only lines produce no tokens.
  private mutating func lineStart() throws(CellError) {
    let lineStart = pos
    var width = 0
    var alternative = 0
    while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" {
      width = c == "\t" ? (width / 8 + 1) * 8 : width + 1
      alternative += 1
      pos += 1
    }
    guard let c = peek(), c != "#", c != "\n", c != "\r" else {
      while let c = peek(), c != "\n" { pos += 1 }
      pos += 1
      return
    }
    atLineStart = false
    let indentSpan = SourceSpan(lineStart, pos)
    let tabError = CellError(ename: "TabError", "inconsistent use of tabs and spaces in indentation", span: indentSpan)
    if width > indents.last!.width {
      guard alternative > indents.last!.alternative else { throw tabError }
      guard endsBlockHeader else {
        throw CellError(ename: "IndentationError", "unexpected indent", span: indentSpan)
      }
      indents.append((width, alternative))
      emit(.indent, from: pos)
    } else {
      while width < indents.last!.width {
        indents.removeLast()
        emit(.dedent, from: pos)
      }
      if width != indents.last!.width {
        throw CellError(
          ename: "IndentationError", "unindent does not match any outer indentation level", span: indentSpan)
      }
      guard alternative == indents.last!.alternative else { throw tabError }
    }
  }

  /// Whether the logical line just ended was `...:`, the only place a deeper indent may start.
  private var endsBlockHeader: Bool {
    tokens.count >= 2 && tokens[tokens.count - 1].kind == .newline
      && tokens[tokens.count - 2].kind == .op(":")
  }

  private mutating func next() throws(CellError) {
    let c = src[pos]
    let start = pos
    switch c {
    case " ", "\t", "\r", "\u{0C}":
      pos += 1
    case "#":
      while let c = peek(), c != "\n" { pos += 1 }
    case "\n":
      pos += 1
      if brackets.isEmpty {
        if let last = tokens.last, last.kind != .newline { emit(.newline, from: start) }
        atLineStart = true
      }
    case "\\":
      if peek(1) == nil { throw .syntax("unexpected end of input", SourceSpan(start, pos + 1), atEnd: true) }
      guard peek(1) == "\n" || (peek(1) == "\r" && peek(2) == "\n") else {
        throw .syntax("unexpected character after line continuation character", SourceSpan(pos, pos + 1))
      }
      pos += peek(1) == "\n" ? 2 : 3
      if pos >= end { throw .syntax("unexpected end of input", SourceSpan(start, pos), atEnd: true) }
    case "0"..."9":
      try number()
    case ".":
      if let d = peek(1), ("0"..."9").contains(d) { try number() } else { try op() }
    case "\"", "'":
      try string(raw: false, from: start)
    default:
      if Lexer.startsIdentifier(c) {
        try identifier()
      } else {
        try op()
      }
    }
  }

  private mutating func identifier() throws(CellError) {
    let start = pos
    while let c = peek(), Lexer.continuesIdentifier(c) {
      pos += 1
    }
    let name = String(String.UnicodeScalarView(src[start..<pos]))
    if let q = peek(), q == "\"" || q == "'" {
      switch name.lowercased() {
      case "r": return try string(raw: true, from: start)
      case "f": return try fstring(raw: false, from: start)
      case "rf", "fr": return try fstring(raw: true, from: start)
      default: break
      }
    }
    emit(.name(name), from: start)
  }

  private static let threeCharOps: Set<String> = ["**=", "//=", "...", "<<=", ">>="]
  private static let twoCharOps: Set<String> = [
    "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "->", "<<", ">>", "&=", "|=", "^=", ":=",
  ]
  private static let oneCharOps: Set<Unicode.Scalar> = [
    "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "@",
    "?", "!", "&", "|", "^", "~",
  ]

  private mutating func op() throws(CellError) {
    let start = pos
    for n in [3, 2] where pos + n <= end {
      let text = String(String.UnicodeScalarView(src[pos..<pos + n]))
      if (n == 3 ? Self.threeCharOps : Self.twoCharOps).contains(text) {
        pos += n
        emit(.op(text), from: start)
        return
      }
    }
    let c = src[pos]
    guard Self.oneCharOps.contains(c) else {
      throw .syntax("invalid character '\(c)' (U+\(String(c.value, radix: 16, uppercase: true)))", SourceSpan(pos, pos + 1))
    }
    pos += 1
    try trackBracket(c, at: start)
    emit(.op(String(c)), from: start)
  }

  private mutating func trackBracket(_ c: Unicode.Scalar, at start: Int) throws(CellError) {
    switch c {
    case "(", "[", "{":
      brackets.append((c, start))
    case ")", "]", "}":
      guard let (open, _) = brackets.popLast() else {
        throw .syntax("unmatched '\(c)'", SourceSpan(start, start + 1))
      }
      let expected: Unicode.Scalar = open == "(" ? ")" : open == "[" ? "]" : "}"
      if c != expected {
        throw .syntax(
          "closing parenthesis '\(c)' does not match opening parenthesis '\(open)'",
          SourceSpan(start, start + 1))
      }
    default: break
    }
  }
}

extension Lexer {
  /// A letter or `_` (ASCII checked first: Unicode property lookups are slow).
  static func startsIdentifier(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return ("a"..."z").contains(c) || ("A"..."Z").contains(c) || c == "_" }
    return c.properties.isAlphabetic
  }

  static func continuesIdentifier(_ c: Unicode.Scalar) -> Bool {
    if c.isASCII { return startsIdentifier(c) || ("0"..."9").contains(c) }
    return c.properties.isAlphabetic || c.properties.numericType != nil
  }
}
