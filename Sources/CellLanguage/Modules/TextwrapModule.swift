/// `import textwrap`: wrap, fill, shorten, dedent, indent and TextWrapper, as Python's
/// (the wrapping itself is in TextWrapper.swift).
enum TextwrapModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "textwrap", summary: "Wrapping, shortening, dedenting and indenting text, as Python's textwrap.",
      functions: [
        Builtin("wrap(text, width=70, **kwargs)", summary: "The text's lines wrapped to width (kwargs: TextWrapper's options).") { a, ctx in
          .list(ListObject(try wrapper(a, extra: []).wrap(a["text"]!, ctx).map(Value.string)))
        },
        Builtin("fill(text, width=70, **kwargs)", summary: "The wrapped lines joined with newlines.") { a, ctx in
          .string(try wrapper(a, extra: []).wrap(a["text"]!, ctx).joined(separator: "\n"))
        },
        Builtin(
          "shorten(text, width, **kwargs)",
          summary: "The text with its whitespace collapsed, cut at a word to fit width with placeholder (' [...]') at the end."
        ) { a, ctx in
          guard case .string(let text) = a["text"]! else { throw CellError(ename: "AttributeError", "'\(a["text"]!.typeName)' object has no attribute 'strip'") }
          let words = text.unicodeScalars.split(whereSeparator: PrettyPrinter.isSpace).map { String(String.UnicodeScalarView($0)) }
          let w = try wrapper(a, extra: [("max_lines", .int(1))])
          return .string(try w.wrap(.string(words.joined(separator: " ")), ctx).joined(separator: "\n"))
        },
        Builtin("dedent(text)", summary: "The text with the leading whitespace common to its lines removed.") { a, _ in
          guard case .string(let text) = a["text"]! else { throw CellError.typeError("expected string or bytes-like object, got '\(a["text"]!.typeName)'") }
          return .string(dedent(text))
        },
        Builtin(
          "indent(text, prefix, predicate=None)",
          summary: "prefix added before each line that is not blank (or for which predicate(line) is true)."
        ) { a, ctx in
          guard case .string(let text) = a["text"]! else { throw CellError(ename: "AttributeError", "'\(a["text"]!.typeName)' object has no attribute 'splitlines'") }
          var out = ""
          for line in PrettyPrinter.linesKeepingEnds(text) {
            let chosen: Bool
            if let predicate = a.value("predicate") {
              chosen = try ctx.interpreter.call(predicate, Arguments([.string(line)]), context: ctx).isTruthy
            } else {
              chosen = !line.unicodeScalars.allSatisfy(PrettyPrinter.isSpace)
            }
            guard chosen else {
              out += line
              continue
            }
            // `prefix + line`: only a chosen line needs prefix to be a str, as in Python.
            guard case .string(let prefix) = a["prefix"]! else {
              throw CellError.typeError("unsupported operand type(s) for +: '\(a["prefix"]!.typeName)' and 'str'")
            }
            out += prefix + line
          }
          return .string(out)
        },
        // **kwargs only so that an unknown option fails with Python's words (TextWrapper.__init__()).
        Builtin(
          String(TextWrapper.signature.dropLast()) + ", **kwargs)",
          summary: "A wrapper with these options (also attributes): .wrap(text), .fill(text)."
        ) { a, _ in
          let given = TextWrapper.defaults.compactMap { name, _ in a[name].map { (name: name, value: $0) } } + a.extraKeywords
          return .host(try TextWrapper(given))
        },
      ])
  }

  /// The TextWrapper `wrap(text, width, **kwargs)` stands for.
  private static func wrapper(_ a: BoundArguments, extra: [(name: String, value: Value)]) throws(CellError) -> TextWrapper {
    var given: [(name: String, value: Value)] = [("width", a.value("width") ?? .int(70))] + extra
    for (name, value) in a.extraKeywords {
      if given.contains(where: { $0.name == name }) {
        throw CellError.typeError("textwrap.TextWrapper() got multiple values for keyword argument '\(name)'")
      }
      given.append((name, value))
    }
    return try TextWrapper(given)
  }

  /// CPython's `dedent`: blank lines emptied, then the longest run of spaces and tabs that
  /// begins every other line taken off each.
  static func dedent(_ text: String) -> String {
    // By scalars: as Characters "\r\n" would be one, and no line end.
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      line.allSatisfy({ $0 == " " || $0 == "\t" }) ? [] : Array(line)
    }
    var margin: [Unicode.Scalar]?
    for line in lines {
      let lead = Array(line.prefix { $0 == " " || $0 == "\t" })
      guard lead.count < line.count else { continue }  // no text on the line
      guard let m = margin else {
        margin = lead
        continue
      }
      if lead.starts(with: m) { continue }
      if m.starts(with: lead) {
        margin = lead
        continue
      }
      margin = Array(zip(m, lead).prefix { $0 == $1 }.map(\.0))
    }
    let cut = margin?.count ?? 0
    return lines.map { line in
      String(String.UnicodeScalarView(cut > 0 && line.starts(with: margin!) ? Array(line.dropFirst(cut)) : line))
    }.joined(separator: "\n")
  }
}
