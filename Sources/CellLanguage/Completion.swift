#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Tab completion, Shift-Tab inspection and is_complete, all read from the same
/// tables as `help`: the built-ins' signatures and the user's variables.
extension Interpreter {
  static func isIdentifierScalar(_ c: Unicode.Scalar) -> Bool {
    Lexer.continuesIdentifier(c)
  }

  /// Names after `obj.`; otherwise keyword arguments of the call the cursor is in
  /// (`sep=`) followed by variables, built-ins and keywords.
  public func complete(_ code: String, cursor: Int) -> Completion {
    let src = Array(code.unicodeScalars)
    let cur = max(0, min(cursor, src.count))
    var start = cur
    while start > 0, Self.isIdentifierScalar(src[start - 1]) { start -= 1 }
    let prefix = String(String.UnicodeScalarView(src[start..<cur]))
    let scan = PrefixScan(src[0..<start])
    if let field = scan.openFStringField {
      // Inside an f-string's `{...}`: complete that expression on its own.
      let inner = complete(String(String.UnicodeScalarView(src[field..<cur])), cursor: cur - field)
      return Completion(matches: inner.matches, cursorStart: inner.cursorStart + field, cursorEnd: inner.cursorEnd + field)
    }
    if scan.inString, let content = scan.openStringContent {
      return Self.completePath(src, from: content, cursor: cur)
    }
    if scan.inString || scan.inComment { return Completion(matches: [], cursorStart: cur, cursorEnd: cur) }
    // A module name may be dotted (`import os.pa|`): the word runs back over dots.
    var wordStart = start
    while wordStart > 0, Self.isIdentifierScalar(src[wordStart - 1]) || src[wordStart - 1] == "." { wordStart -= 1 }
    if let names = importCompletions(line: src[..<wordStart]) {
      let typed = String(String.UnicodeScalarView(src[wordStart..<cur]))
      // Submodules (os.path) once the word has a dot, as IPython offers them.
      let matches = names.filter { $0.hasPrefix(typed) && (typed.contains(".") || !$0.contains(".")) }
      return Completion(matches: matches, cursorStart: wordStart, cursorEnd: cur)
    }
    var matches: [String] = []
    if start > 0, src[start - 1] == "." {
      if let path = dottedName(endingAt: start - 1, in: src), let object = resolve(path) {
        matches = StandardLibrary.attributeNames(of: object).filter { $0.hasPrefix(prefix) }
      }
    } else {
      if let callee = scan.openCalls.last, let callee, let value = resolve(callee), let sig = signature(of: value) {
        matches += sig.keywordNames.filter { $0.hasPrefix(prefix) }.map { $0 + "=" }
      }
      let names = Set(globals.keys).union(builtinNames).union(Parser.keywords)
      // Underscore names are offered only when asked for, as in IPython.
      matches += names.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix("_") || !$0.hasPrefix("_")) }.sorted()
    }
    return Completion(matches: matches, cursorStart: start, cursorEnd: cur)
  }

  /// Inside a string: the files and folders (with a trailing `/`) whose names continue
  /// what is typed after the last `/`, as IPython completes paths in strings.
  static func completePath(_ src: [Unicode.Scalar], from content: Int, cursor: Int) -> Completion {
    let typed = String(String.UnicodeScalarView(src[content..<cursor]))
    let none = Completion(matches: [], cursorStart: cursor, cursorEnd: cursor)
    guard !typed.contains("\\"), !typed.contains("\n") else { return none }
    let slash = typed.lastIndex(of: "/")
    let folder = slash.map { String(typed[...$0]) } ?? ""
    let prefix = slash.map { String(typed[typed.index(after: $0)...]) } ?? typed
    var directory = folder.isEmpty ? "." : folder
    if directory.hasPrefix("~/"), let home = getenv("HOME") { directory = String(cString: home) + directory.dropFirst() }
    guard let names = try? FileAccess.listDirectory(directory) else { return none }
    let matches = names.filter { $0.hasPrefix(prefix) && (prefix.hasPrefix(".") || !$0.hasPrefix(".")) }
      .prefix(Self.maxPathMatches)
      .map { FileAccess.isDirectory(directory + "/" + $0) ? $0 + "/" : $0 }
    return Completion(matches: matches, cursorStart: cursor - prefix.unicodeScalars.count, cursorEnd: cursor)
  }

  /// Path completion offers at most this many names (a folder of 100,000 files).
  static let maxPathMatches = 500

  /// Shift-Tab: the help of the name under the cursor, or of the call the cursor is in.
  public func inspect(_ code: String, cursor: Int, detailLevel: Int) -> MimeBundle? {
    let src = Array(code.unicodeScalars)
    let cur = max(0, min(cursor, src.count))
    var end = cur
    while end < src.count, Self.isIdentifierScalar(src[end]) { end += 1 }
    if let path = dottedName(endingAt: end, in: src), let value = resolve(path) {
      return .plain(helpText(for: value, name: path.joined(separator: ".")))
    }
    let scan = PrefixScan(src[0..<cur])
    for callee in scan.openCalls.reversed() {
      if let callee, let value = resolve(callee) {
        return .plain(helpText(for: value, name: callee.joined(separator: ".")))
      }
    }
    return nil
  }

  func signature(of value: Value) -> Signature? {
    switch value {
    case .function(let f): f.signature
    case .host(let h): h.callSignature
    default: nil
    }
  }

  /// The `a.b.c` written just before position `end` (exclusive), if any.
  func dottedName(endingAt end: Int, in src: [Unicode.Scalar]) -> [String]? {
    var start = end
    while start > 0, Self.isIdentifierScalar(src[start - 1]) || src[start - 1] == "." { start -= 1 }
    let text = String(String.UnicodeScalarView(src[start..<end]))
    let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !text.isEmpty, parts.allSatisfy(HelpQuery.isIdentifier) else { return nil }
    return parts
  }

  /// is_complete: unfinished brackets, strings and blocks ask for more lines;
  /// a block ends with an empty line, as in IPython.
  public func isComplete(_ code: String) -> Completeness {
    let src = Array(code.unicodeScalars)
    if src.allSatisfy({ $0.properties.isWhitespace }) || HelpQuery.parse(src) != nil { return .complete }
    let lines = code.split(separator: "\n", omittingEmptySubsequences: false)
    let lastLine = lines.last(where: { !$0.allSatisfy(\.isWhitespace) }).map(String.init) ?? ""
    let indent = String(lastLine.prefix { $0 == " " || $0 == "\t" })
    do {
      _ = try Parser.parse(src)
    } catch {
      guard error.atEndOfInput else { return .invalid }
      let opensBlock = error.ename == "IndentationError"
      return .incomplete(indent: indent + (opensBlock ? "    " : ""))
    }
    let endsWithBlankLine = lines.count > 1 && lines.last!.allSatisfy(\.isWhitespace)
    if !indent.isEmpty && !endsWithBlankLine { return .incomplete(indent: indent) }
    return .complete
  }
}

/// A light scan of the text before the cursor: whether it ends inside a string or
/// comment, and for each open bracket the dotted name it calls (nil for `[`, `{`, `(`
/// not preceded by a name).
struct PrefixScan {
  var inString = false
  var inComment = false
  var openCalls: [[String]?] = []
  /// When the text ends inside an f-string field (`f"{pri`), where the field's code starts.
  var openFStringField: Int?
  /// When the text ends inside a string literal, where its text starts (after the quotes).
  var openStringContent: Int?

  init(_ text: ArraySlice<Unicode.Scalar>) {
    let src = Array(text)
    var i = 0
    var nameStart: Int?
    var lastName: [String]?
    while i < src.count {
      let c = src[i]
      if c == "#" {
        while i < src.count, src[i] != "\n" { i += 1 }
        if i == src.count { inComment = true }
        continue
      }
      if c == "\"" || c == "'" {
        let isFString = i > 0 && (src[i - 1] == "f" || src[i - 1] == "F")
        let start = i
        i = Self.skipString(src, i, &inString)
        if inString && isFString { openFStringField = Self.openField(src, after: start) }
        if inString {
          let triple = start + 2 < src.count && src[start + 1] == c && src[start + 2] == c
          openStringContent = start + (triple ? 3 : 1)
        }
        lastName = nil
        continue
      }
      if Interpreter.isIdentifierScalar(c) || (c == "." && nameStart != nil) {
        if nameStart == nil { nameStart = i }
        i += 1
        continue
      }
      if let s = nameStart {
        let text = String(String.UnicodeScalarView(src[s..<i]))
        lastName = text.split(separator: ".").map(String.init)
        nameStart = nil
      }
      switch c {
      case "(": openCalls.append(lastName)
      case "[", "{": openCalls.append(nil)
      case ")", "]", "}": if !openCalls.isEmpty { openCalls.removeLast() }
      default: break
      }
      if c != " " && c != "\t" { lastName = nil }
      i += 1
    }
  }

  /// The start of the last unclosed `{` field of an f-string whose quote is at `quote`.
  static func openField(_ src: [Unicode.Scalar], after quote: Int) -> Int? {
    var open: Int?
    var i = quote + 1
    while i < src.count {
      if src[i] == "{" {
        if open == nil && i + 1 < src.count && src[i + 1] == "{" {
          i += 2
          continue
        }
        open = i + 1
      } else if src[i] == "}" {
        open = nil
      }
      i += 1
    }
    return open
  }

  /// Skips a string literal starting at `i`; sets `unterminated` when the text ends inside it.
  static func skipString(_ src: [Unicode.Scalar], _ start: Int, _ unterminated: inout Bool) -> Int {
    let q = src[start]
    let triple = start + 2 < src.count && src[start + 1] == q && src[start + 2] == q
    var i = start + (triple ? 3 : 1)
    while i < src.count {
      if src[i] == "\\" {
        i += 2
        continue
      }
      if src[i] == q && (!triple || (i + 2 < src.count && src[i + 1] == q && src[i + 2] == q)) {
        return i + (triple ? 3 : 1)
      }
      if src[i] == "\n" && !triple { return i }
      i += 1
    }
    unterminated = true
    return src.count
  }
}

extension Interpreter {
  /// After `import ` or `from ` the module names; after `from m import ` (or a comma in
  /// that list) m's members. Nil when the line is not an import.
  func importCompletions(line before: ArraySlice<Unicode.Scalar>) -> [String]? {
    let lineStart = before.lastIndex(of: "\n").map { $0 + 1 } ?? before.startIndex
    let words = String(String.UnicodeScalarView(before[lineStart...])).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "(" })
      .map(String.init)
    guard let first = words.first else { return nil }
    let endsInSpace = before.last.map { $0 == " " || $0 == "," || $0 == "(" } ?? false
    switch first {
    case "import" where words.count == 1 || (words.count == 2 && !endsInSpace) || endsInSpace && words.last != "as":
      return Modules.available
    case "from" where words.count == 1 || (words.count == 2 && !endsInSpace):
      return Modules.available
    case "from" where words.count >= 3 && words[2] == "import":
      return (try? module(words[1]))?.order
    default:
      return nil
    }
  }
}
