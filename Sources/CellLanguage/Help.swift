/// `name?`, `?name`, `name??`: IPython's help syntax, answered through the pager.
enum HelpQuery {
  /// The dotted name asked about, or nil when the cell is not a help query.
  static func parse(_ src: [Unicode.Scalar]) -> [String]? {
    guard src.contains("?") else { return nil }  // the common case, kept cheap
    var s = Substring(String(String.UnicodeScalarView(src))).drop { $0 == " " || $0 == "\t" || $0 == "\n" }
    while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" { s.removeLast() }
    var marked = false
    while s.first == "?" { s.removeFirst(); marked = true }
    while s.last == "?" { s.removeLast(); marked = true }
    guard marked else { return nil }
    let parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    guard !parts.isEmpty, parts.allSatisfy(isIdentifier) else { return nil }
    return parts
  }

  /// Finds lines that are only a help query (`model?`, `  print??`) and turns each into
  /// `pass` at the same indentation, so the cell still parses; returns what they asked.
  static func extractLines(_ src: inout [Unicode.Scalar]) -> [[String]] {
    guard src.contains("?"), src.contains("\n") else { return [] }
    var topics: [[String]] = []
    var out: [Unicode.Scalar] = []
    for line in src.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.contains("?"), let topic = parse(Array(line)) {
        topics.append(topic)
        let indent = line.prefix { $0 == " " || $0 == "\t" }
        out += indent
        out += "pass".unicodeScalars
      } else {
        out += line
      }
      out.append("\n")
    }
    out.removeLast()
    if !topics.isEmpty { src = out }
    return topics
  }

  static func isIdentifier(_ s: String) -> Bool {
    guard let f = s.unicodeScalars.first, Lexer.startsIdentifier(f) else { return false }
    return s.unicodeScalars.allSatisfy(Lexer.continuesIdentifier)
  }
}

extension Interpreter {
  /// The pager text for `name?`; IPython's wording when the name is unknown.
  func helpPage(_ path: [String]) -> String {
    guard let value = resolve(path) else { return "Object `\(path.joined(separator: "."))` not found." }
    return helpText(for: value, name: path.joined(separator: "."))
  }

  /// Follows a dotted name without calling anything (for help, completion, inspection).
  func resolve(_ path: [String]) -> Value? {
    guard let first = path.first, var value = lookup(first) else { return nil }
    for name in path.dropFirst() {
      guard let next = try? Access.attribute(value, name) else { return nil }
      value = next
    }
    return value
  }

  /// The help shown for a value: a built-in's signature and text; a host's own help;
  /// otherwise its type and value.
  public func helpText(for value: Value, name: String) -> String {
    switch value {
    case .function(let f):
      return f.helpText
    case .host(let h):
      if let help = h.help { return help }
      var text = ""
      if let sig = h.callSignature { text += "Call: \(sig.text)\n" }
      return text + "Type: \(h.typeName)\nValue: \(h.repr)"
    default:
      var repr = value.repr
      if repr.count > 200 { repr = String(repr.prefix(200)) + "..." }
      return "Type: \(value.typeName)\nValue: \(repr)"
    }
  }

  /// `help()`: every built-in with its one-line summary, then the language's outline.
  public var helpIndex: String {
    let width = min(24, (builtinNames.map(\.count).max() ?? 0) + 2)
    var functions = ""
    var names = ""
    var exceptions: [String] = []
    for name in builtinNames {
      guard let v = builtins[name] else { continue }
      if case .host(is ExceptionType) = v {
        exceptions.append(name)
        continue
      }
      let pad = String(repeating: " ", count: max(1, width - name.count))
      if case .function(let f) = v {
        functions += "  \(name)\(pad)\(f.summary)\n"
      } else {
        let summary = helpText(for: v, name: name).split(separator: "\n").first.map(String.init) ?? ""
        names += "  \(name)\(pad)\(summary)\n"
      }
    }
    return """
      Built-in functions:
      \(functions)
      Built-in names:
      \(names)
      Exceptions (for try/except): \(exceptions.sorted().joined(separator: ", "))

      Write `name?` or help(name) for details. The language is a small Python:
      numbers, strings, lists, dicts, tuples, sets, if/elif/else, for, while,
      def, lambda, try/except, with open(...), assert, list, dict and set comprehensions (generator
      expressions make lists), and the built-in modules json, math, random and
      time (import math); see docs/language.md.
      File paths are relative to the notebook's folder; Tab inside a string
      completes file and folder names.
      """
  }
}
