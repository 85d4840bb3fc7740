/// Numbers, strings and f-strings for the lexer.
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

  mutating func number() throws(CellError) {
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
    if let c = peek(), Lexer.startsIdentifier(c) {
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
  mutating func string(raw: Bool, from start: Int) throws(CellError) {
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

  mutating func escape(raw: Bool, into text: inout String.UnicodeScalarView) throws(CellError) {
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
  /// `spec` is text and (one level of) nested fields: `{x:>{width}.{digits}f}`.
  case field(source: Range<Int>, conversion: Unicode.Scalar?, spec: [FStringPart])
}

extension Lexer {
  /// `f"..."`: text with `{{`/`}}` escapes, and `{expr}`, `{expr!r}`, `{expr:spec}` fields.
  mutating func fstring(raw: Bool, from start: Int) throws(CellError) {
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
        parts += try field(quote)
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

  /// One `{...}` field; `pos` is at the `{`. A field `{expr=}` (Python 3.8's self-documenting
  /// form) is two parts: the text `expr=` as written, then the value (its repr unless a
  /// conversion or spec says otherwise).
  private mutating func field(_ quote: Unicode.Scalar, nested: Bool = false) throws(CellError) -> [FStringPart] {
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
    var exprEnd = pos
    guard exprEnd > exprStart, !src[exprStart..<exprEnd].allSatisfy({ $0 == " " }) else {
      throw .syntax("f-string: empty expression not allowed", SourceSpan(open, pos + 1))
    }
    // `{x=}` or `{x = }`: a last '=' that is not part of ==, !=, <= or >=.
    var label: String?
    if let at = src[exprStart..<exprEnd].lastIndex(where: { $0 != " " }), src[at] == "=",
      at == exprStart || !"=!<>".unicodeScalars.contains(src[at - 1])
    {
      label = String(String.UnicodeScalarView(src[exprStart..<exprEnd]))
      exprEnd = at
      guard !src[exprStart..<exprEnd].allSatisfy({ $0 == " " }) else {
        throw .syntax("f-string: empty expression not allowed", SourceSpan(open, pos + 1))
      }
    }
    var conversion: Unicode.Scalar?
    if peek() == "!" {
      guard let k = peek(1), k == "r" || k == "s" else {
        throw .syntax("f-string: invalid conversion character: expected 's' or 'r'", SourceSpan(pos, pos + 2))
      }
      conversion = k
      pos += 2
    }
    var spec: [FStringPart] = []
    if peek() == ":" {
      pos += 1
      var text = String.UnicodeScalarView()
      while let c = peek(), c != "}", c != quote, c != "\n" {
        guard c == "{" else {
          text.append(c)
          pos += 1
          continue
        }
        // A field inside the spec (`{x:{width}}`), evaluated first, as in Python.
        guard !nested else { throw .syntax("f-string: expressions nested too deeply", SourceSpan(pos, pos + 1)) }
        if !text.isEmpty { spec.append(.text(String(text))) }
        text = String.UnicodeScalarView()
        spec += try field(quote, nested: true)
      }
      if !text.isEmpty { spec.append(.text(String(text))) }
    }
    guard peek() == "}" else {
      throw .syntax("f-string: expecting '}'", SourceSpan(open, open + 1), atEnd: peek() == nil)
    }
    pos += 1
    guard let label else { return [.field(source: exprStart..<exprEnd, conversion: conversion, spec: spec)] }
    let shown = conversion ?? (spec.isEmpty ? "r" : nil)
    return [.text(label), .field(source: exprStart..<exprEnd, conversion: shown, spec: spec)]
  }
}
