/// One lexical token; `span` is in code points of the cell.
struct Token: Equatable {
  enum Kind: Equatable {
    case name(String)
    case int(Int)
    case float(Double)
    case string(String)
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
  private var pos = 0
  private var tokens: [Token] = []
  private var brackets: [(Unicode.Scalar, Int)] = []
  private var indents: [Int] = [0]
  private var atLineStart = true

  init(_ src: [Unicode.Scalar]) { self.src = src }

  static func tokenize(_ src: [Unicode.Scalar]) throws(CellError) -> [Token] {
    var lexer = Lexer(src)
    return try lexer.run()
  }

  private func peek(_ k: Int = 0) -> Unicode.Scalar? {
    pos + k < src.count ? src[pos + k] : nil
  }

  private mutating func emit(_ kind: Token.Kind, from start: Int) {
    tokens.append(Token(kind: kind, span: SourceSpan(start, pos)))
  }

  private mutating func run() throws(CellError) -> [Token] {
    while pos < src.count {
      if atLineStart && brackets.isEmpty {
        try lineStart()
        continue
      }
      try next()
    }
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
      if pos >= src.count { throw .syntax("unexpected end of input", SourceSpan(start, pos), atEnd: true) }
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
    if let q = peek(), q == "\"" || q == "'", name == "r" || name == "R" {
      try string(raw: true, from: start)
      return
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
    for n in [3, 2] where pos + n <= src.count {
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
