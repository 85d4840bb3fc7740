/// `import re`: Python's regular expressions, on Tabby's own engine (RegexParser,
/// RegexProgram, RegexMachine) with Python's syntax, match rules and error messages.
enum RegexModule {
  static func make() -> ModuleObject {
    let cache = PatternCache()
    var constants: [(String, Value)] = [("error", .host(ExceptionType("error"))), ("NOFLAG", .int(0))]
    for (long, short, flag) in RegexFlags.names {
      constants.append((long, .int(flag.rawValue)))
      constants.append((short, .int(flag.rawValue)))
    }
    return ModuleObject(
      name: "re", summary: "Regular expressions, as Python's re module (flags are plain ints here: re.I | re.M).",
      functions: [
        Builtin("compile(pattern, flags=0)", summary: "A compiled pattern (re.Pattern) with search, match, findall, sub, split….") { a, _ in
          .host(try cache.pattern(a["pattern"]!, flags: try a.int("flags", default: 0)))
        },
        forward(cache, "search(pattern, string, flags=0)", "The first match of pattern anywhere in string, or None."),
        forward(cache, "match(pattern, string, flags=0)", "A match of pattern at the start of string, or None."),
        forward(cache, "fullmatch(pattern, string, flags=0)", "A match of pattern against the whole string, or None."),
        forward(cache, "findall(pattern, string, flags=0)", "Every match's text (group 1's, or a tuple of the groups, when there are groups)."),
        forward(cache, "finditer(pattern, string, flags=0)", "An iterator over every match object."),
        forward(cache, "sub(pattern, repl, string, count=0, flags=0)", "string with matches replaced by repl (a template with \\1, \\g<name>, or a function of the match)."),
        forward(cache, "subn(pattern, repl, string, count=0, flags=0)", "(new string, number of replacements)."),
        forward(cache, "split(pattern, string, maxsplit=0, flags=0)", "string split at the matches (captured groups included)."),
        Builtin("escape(pattern)", summary: "pattern with regex special characters backslash-escaped.") { a, _ in
          guard case .string(let s) = a["pattern"]! else { throw CellError.typeError("expected str instance, \(a["pattern"]!.typeName) found") }
          var out = String.UnicodeScalarView()
          for c in s.unicodeScalars {
            if special.contains(c) { out.append("\\") }
            out.append(c)
          }
          return .string(String(out))
        },
        Builtin("purge()", summary: "Clears the pattern cache (there is none to clear: patterns compile in microseconds).") { _, _ in .none },
      ],
      constants: constants)
  }

  /// The characters re.escape escapes (Python 3.7+).
  private static let special = Set("()[]{}?*+-|^$\\.&~# \t\n\r\u{0B}\u{0C}".unicodeScalars)

  /// A module function: compiles its pattern and runs the Pattern method of the same name.
  private static func forward(_ cache: PatternCache, _ signature: String, _ summary: String) -> Builtin {
    let name = String(signature.prefix { $0 != "(" })
    return Builtin(signature, summary: summary) { a, ctx in
      let p = try cache.pattern(a["pattern"]!, flags: try a.int("flags", default: 0))
      return try p.call(name, a, ctx)
    }
  }
}

/// The patterns a session compiled lately, as Python's re keeps them: a cell calling
/// `re.match(r'…', line)` per line compiles its pattern once. Bounded like Python's (512).
final class PatternCache {
  private struct Key: Hashable {
    let pattern: CodePoints
    let flags: Int
  }
  private var patterns: [Key: PatternObject] = [:]
  private var order: [Key] = []
  private static let capacity = 512

  func pattern(_ v: Value, flags: Int) throws(CellError) -> PatternObject {
    guard case .string(let s) = v else { return try PatternObject.from(v, flags: flags) }
    let key = Key(pattern: CodePoints(s), flags: flags)
    if let p = patterns[key] { return p }
    let p = try PatternObject(s, flags: flags)
    if order.count == Self.capacity { patterns[order.removeFirst()] = nil }
    patterns[key] = p
    order.append(key)
    return p
  }
}
