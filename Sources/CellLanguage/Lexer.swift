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
  private let src: [Unicode.Scalar]
  /// Where lexing stops: the whole cell, or the end of an f-string field.
  private let end: Int
  private var pos = 0
  private var tokens: [Token] = []
  private var brackets: [(Unicode.Scalar, Int)] = []
  private var indents: [Int] = [0]
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

  private func peek(_ k: Int = 0) -> Unicode.Scalar? {
    pos + k < end ? src[pos + k] : nil
  }

  private mutating func emit(_ kind: Token.Kind, from start: Int) {
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
    var width = 0
    while let c = peek(), c == " " || c == "\t" || c == "\u{0C}" {
      width = c == "\t" ? (width / 8 + 1) * 8 : width + 1
      pos += 1
    }
    guard let c = peek(), c != "#", c != "\n", c != "\r" else {
      while let c = peek(), c != "\n" { pos += 1 }
      pos += 1
      return
    }
    atLineStart = false
    if width > indents.last! {
      guard endsBlockHeader else {
        throw CellError(ename: "IndentationError", "unexpected indent", span: SourceSpan(pos - width, pos))
      }
      indents.append(width)
      emit(.indent, from: pos)
    } else {
      while width < indents.last! {
        indents.removeLast()
        emit(.dedent, from: pos)
      }
      if width != indents.last! {
        throw CellError(
          ename: "IndentationError", "unindent does not match any outer indentation level",
          span: SourceSpan(pos - width, pos))
      }
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
      if c == "_" || c.properties.isAlphabetic {
        try identifier()
      } else {
        try op()
      }
    }
  }

  private mutating func identifier() throws(CellError) {
    let start = pos
    while let c = peek(), c == "_" || c.properties.isAlphabetic || c.properties.numericType != nil {
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

  private static let threeCharOps: Set<String> = ["**=", "//=", "..."]
  private static let twoCharOps: Set<String> = [
    "**", "//", "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "%=", "->",
  ]
  private static let oneCharOps: Set<Unicode.Scalar> = [
    "+", "-", "*", "/", "%", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "@",
    "?", "!",
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

// MARK: Literals

extension Lexer {
  private static func isDigit(_ c: Unicode.Scalar?, radix: Int = 10) -> Bool {
    guard let c else { return false }
    switch radix {
    case 16: return c.properties.isASCIIHexDigit
    case 8: return ("0"..."7").contains(c)
    case 2: return c == "0" || c == "1"
    default: return ("0"..."9").contains(c)
    }
  }

  private mutating func digits(radix: Int = 10) -> String {
    var text = ""
    while let c = peek(), Self.isDigit(c, radix: radix) || (c == "_" && Self.isDigit(peek(1), radix: radix)) {
      if c != "_" { text.unicodeScalars.append(c) }
      pos += 1
    }
    return text
  }

  fileprivate mutating func number() throws(CellError) {
    let start = pos
    if peek() == "0", let p = peek(1), let radix = ["x": 16, "X": 16, "o": 8, "O": 8, "b": 2, "B": 2][Character(p)] {
      pos += 2
      let text = digits(radix: radix)
      guard !text.isEmpty, let value = Int(text, radix: radix) else {
        throw overflowOrInvalid(text.isEmpty, start)
      }
      return emit(.int(value), from: start)
    }
    var text = digits()
    var isFloat = false
    if peek() == ".", !(peek(1) == "." && peek(2) == ".") {
      pos += 1
      isFloat = true
      text += "." + digits()
    }
    if let e = peek(), e == "e" || e == "E" {
      let signed = peek(1) == "+" || peek(1) == "-"
      if Self.isDigit(peek(signed ? 2 : 1)) {
        text += "e" + (signed ? String(src[pos + 1]) : "")
        pos += signed ? 2 : 1
        text += digits()
        isFloat = true
      }
    }
    if let c = peek(), c == "_" || c.properties.isAlphabetic {
      throw .syntax("invalid decimal literal", SourceSpan(start, pos + 1))
    }
    if isFloat {
      emit(.float(Double(text.hasPrefix(".") ? "0" + text : text) ?? .nan), from: start)
    } else if let value = Int(text) {
      emit(.int(value), from: start)
    } else {
      throw overflowOrInvalid(false, start)
    }
  }

  private func overflowOrInvalid(_ empty: Bool, _ start: Int) -> CellError {
    if empty { return .syntax("invalid number literal", SourceSpan(start, pos)) }
    return CellError(
      ename: "OverflowError", "integer literal too large (integers are 64-bit)", span: SourceSpan(start, pos))
  }

  /// A quoted string starting at `pos` (after any `r` prefix that began at `start`).
  fileprivate mutating func string(raw: Bool, from start: Int) throws(CellError) {
    let quote = src[pos]
    let triple = peek(1) == quote && peek(2) == quote
    pos += triple ? 3 : 1
    var text = String.UnicodeScalarView()
    while true {
      guard let c = peek() else {
        let what = triple ? "unterminated triple-quoted string literal" : "unterminated string literal"
        throw .syntax(what, SourceSpan(start, start + 1), atEnd: triple)
      }
      if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
        pos += triple ? 3 : 1
        break
      }
      if c == "\n" && !triple {
        throw .syntax("unterminated string literal", SourceSpan(start, start + 1))
      }
      if c == "\\" {
        try escape(raw: raw, into: &text)
      } else {
        text.append(c)
        pos += 1
      }
    }
    emit(.string(String(text)), from: start)
  }

  private mutating func escape(raw: Bool, into text: inout String.UnicodeScalarView) throws(CellError) {
    let start = pos
    pos += 1
    guard let c = peek() else { return }
    pos += 1
    if raw {
      text.append("\\")
      text.append(c)
      return
    }
    let simple: [Unicode.Scalar: Unicode.Scalar] = [
      "n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", "\"": "\"", "0": "\0",
      "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "v": "\u{0B}",
    ]
    if let s = simple[c] {
      text.append(s)
      return
    }
    if c == "\n" { return }  // backslash-newline joins the lines
    let width = c == "x" ? 2 : c == "u" ? 4 : c == "U" ? 8 : 0
    guard width > 0 else {
      text.append("\\")  // Python keeps unknown escapes as written
      text.append(c)
      return
    }
    var hex = ""
    for _ in 0..<width where Self.isDigit(peek(), radix: 16) {
      hex.unicodeScalars.append(src[pos])
      pos += 1
    }
    guard hex.count == width, let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else {
      throw .syntax("invalid \\\(c) escape", SourceSpan(start, pos))
    }
    text.append(scalar)
  }
}

/// A piece of an f-string as lexed: literal text, or a field whose expression is the
/// code-point range `source` of the cell (parsed later, so carets point into the cell).
enum FStringPart: Equatable {
  case text(String)
  case field(source: Range<Int>, conversion: Unicode.Scalar?, spec: String)
}

extension Lexer {
  /// `f"..."`: text with `{{`/`}}` escapes, and `{expr}`, `{expr!r}`, `{expr:spec}` fields.
  fileprivate mutating func fstring(raw: Bool, from start: Int) throws(CellError) {
    let quote = src[pos]
    let triple = peek(1) == quote && peek(2) == quote
    pos += triple ? 3 : 1
    var parts: [FStringPart] = []
    var text = String.UnicodeScalarView()
    func unterminated() -> CellError {
      .syntax(triple ? "unterminated triple-quoted string literal" : "unterminated string literal",
        SourceSpan(start, start + 1), atEnd: triple)
    }
    while true {
      guard let c = peek(), triple || c != "\n" else { throw unterminated() }
      if c == quote && (!triple || (peek(1) == quote && peek(2) == quote)) {
        pos += triple ? 3 : 1
        break
      }
      if (c == "{" || c == "}") && peek(1) == c {
        text.append(c)
        pos += 2
      } else if c == "}" {
        throw .syntax("f-string: single '}' is not allowed", SourceSpan(pos, pos + 1))
      } else if c == "{" {
        if !text.isEmpty { parts.append(.text(String(text))) }
        text = String.UnicodeScalarView()
        parts.append(try field(quote))
      } else if c == "\\" && !raw && peek(1) != "{" && peek(1) != "}" {
        try escape(raw: false, into: &text)
      } else {
        text.append(c)  // a raw backslash, or one before a brace (which still opens a field)
        pos += 1
      }
    }
    if !text.isEmpty { parts.append(.text(String(text))) }
    emit(.fstring(parts), from: start)
  }

  /// One `{...}` field; `pos` is at the `{`.
  private mutating func field(_ quote: Unicode.Scalar) throws(CellError) -> FStringPart {
    let open = pos
    pos += 1
    let exprStart = pos
    var depth = 0
    var inner: Unicode.Scalar?
    while let c = peek() {
      if let q = inner {
        if c == q { inner = nil }
      } else if c == "'" || c == "\"" {
        if c == quote { break }
        inner = c
      } else if "([{".unicodeScalars.contains(c) {
        depth += 1
      } else if ")]}".unicodeScalars.contains(c) {
        if depth == 0 { break }
        depth -= 1
      } else if depth == 0 && (c == "!" || c == ":") && peek(1) != "=" {
        break
      }
      pos += 1
    }
    let exprEnd = pos
    guard exprEnd > exprStart, !src[exprStart..<exprEnd].allSatisfy({ $0 == " " }) else {
      throw .syntax("f-string: empty expression not allowed", SourceSpan(open, pos + 1))
    }
    var conversion: Unicode.Scalar?
    if peek() == "!" {
      guard let k = peek(1), k == "r" || k == "s" else {
        throw .syntax("f-string: invalid conversion character: expected 's' or 'r'", SourceSpan(pos, pos + 2))
      }
      conversion = k
      pos += 2
    }
    var spec = ""
    if peek() == ":" {
      pos += 1
      while let c = peek(), c != "}", c != quote, c != "\n" {
        spec.unicodeScalars.append(c)
        pos += 1
      }
    }
    guard peek() == "}" else {
      throw .syntax("f-string: expecting '}'", SourceSpan(open, open + 1), atEnd: peek() == nil)
    }
    pos += 1
    return .field(source: exprStart..<exprEnd, conversion: conversion, spec: spec)
  }
}
