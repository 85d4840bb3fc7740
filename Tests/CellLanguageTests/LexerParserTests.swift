@testable import CellLanguage
import Testing

/// Renders tokens compactly: names bare, literals tagged, layout tokens in caps.
func describe(_ tokens: [Token]) -> String {
  tokens.map { t -> String in
    switch t.kind {
    case .name(let n): n
    case .int(let i): "int:\(i)"
    case .float(let d): "float:\(formatFloat(d))"
    case .string(let s): "str:\(Value.quoted(s))"
    case .fstring(let parts): "fstr:\(parts.count)"
    case .op(let o): o
    case .newline: "NL"
    case .indent: "IN"
    case .dedent: "DE"
    case .eof: "EOF"
    }
  }.joined(separator: " ")
}

@Test(arguments: [
  ("x = 1", "x = int:1 NL EOF"),
  ("a.b(c=2.5)", "a . b ( c = float:2.5 ) NL EOF"),
  ("x //= 2 ** 3", "x //= int:2 ** int:3 NL EOF"),
  ("0x1F + 0b101 + 1_000", "int:31 + int:5 + int:1000 NL EOF"),
  (".5 + 1. + 1e3 + 2E-2", "float:0.5 + float:1.0 + float:1000.0 + float:0.02 NL EOF"),
  ("'a\\n' \"b\\\"\" '\\x41\\u00e9'", "str:'a\\n' str:'b\"' str:'Aé'"  + " NL EOF"),
  ("r'\\n'", "str:'\\\\n' NL EOF"),
  ("'''a\nb'''", "str:'a\\nb' NL EOF"),
  ("if x:\n    y\nz", "if x : NL IN y NL DE z NL EOF"),
  ("for i in r:\n  if i:\n    a\nb", "for i in r : NL IN if i : NL IN a NL DE DE b NL EOF"),
  ("f(1,\n  2)\n", "f ( int:1 , int:2 ) NL EOF"),
  ("x  # note\n\n   \n# only a comment\ny", "x NL y NL EOF"),
  ("a <= b != c", "a <= b != c NL EOF"),
  ("x\\\n+1", "x + int:1 NL EOF"),
  ("print?", "print ? NL EOF"),
  ("é = 1", "é = int:1 NL EOF"),
])
func tokenizes(_ code: String, _ expected: String) throws {
  #expect(describe(try Lexer.tokenize(Array(code.unicodeScalars))) == expected, "\(code)")
}

@Test func tokenSpansCountCodePoints() throws {
  let tokens = try Lexer.tokenize(Array("é = 'ü'".unicodeScalars))
  #expect(tokens.prefix(3).map(\.span) == [SourceSpan(0, 1), SourceSpan(2, 3), SourceSpan(4, 7)])
}

/// Renders an expression tree as a fully parenthesised string.
func show(_ e: Expr) -> String {
  switch e.kind {
  case .literal(let v): return v.repr
  case .name(let n): return n
  case .list(let xs): return "[" + xs.map(show).joined(separator: ", ") + "]"
  case .tuple(let xs): return "tuple(" + xs.map(show).joined(separator: ", ") + ")"
  case .dict(let ps): return "{" + ps.map { $0.0.map { show($0) + ": " } ?? "**" }.enumerated().map { $0.element + show(ps[$0.offset].1) }.joined(separator: ", ") + "}"
  case .unary(let op, let x): return "(\(op) \(show(x)))"
  case .binary(let op, let a, let b): return "(\(show(a)) \(op.rawValue) \(show(b)))"
  case .compare(let a, let rest): return "(" + show(a) + rest.map { " \($0.0.rawValue) \(show($0.1))" }.joined() + ")"
  case .and(let a, let b): return "(\(show(a)) and \(show(b)))"
  case .or(let a, let b): return "(\(show(a)) or \(show(b)))"
  case .conditional(let t, let a, let b): return "(\(show(a)) if \(show(t)) else \(show(b)))"
  case .call(let f, let args):
    let parts = args.map { a -> String in
      switch a {
      case .positional(let x): show(x)
      case .keyword(let k, let x): "\(k)=\(show(x))"
      case .star(let x): "*\(show(x))"
      case .doubleStar(let x): "**\(show(x))"
      }
    }
    return "\(show(f))(" + parts.joined(separator: ", ") + ")"
  case .attribute(let x, let n): return "\(show(x)).\(n)"
  case .index(let x, let i): return "\(show(x))[\(show(i))]"
  case .slice(let a, let b, let c): return [a, b, c].map { $0.map(show) ?? "" }.joined(separator: ":")
  case .format(let parts):
    return "f(" + parts.map(showPart).joined(separator: " ") + ")"
  case .comprehension(let c):
    let clauses = c.clauses.map { clause -> String in
      switch clause {
      case .loop(let t, let xs): " for \(show(t)) in \(show(xs))"
      case .filter(let x): " if \(show(x))"
      }
    }.joined()
    switch c.result {
    case .list: return "[\(show(c.element))\(clauses)]"
    case .generator: return "(\(show(c.element))\(clauses))"
    case .set: return "{\(show(c.element))\(clauses)}"
    case .dict(let v): return "{\(show(c.element)): \(show(v))\(clauses)}"
    }
  case .lambda(let def): return "lambda(\(def.parameters.map(\.name).joined(separator: ", ")))"
  case .starred(let x): return "*\(show(x))"
  case .namedValue(let n, let x): return "(\(n) := \(show(x)))"
  case .set(let xs): return "set(" + xs.map(show).joined(separator: ", ") + ")"
  }
}

@Test(arguments: [
  ("1 + 2 * 3", "(1 + (2 * 3))"),
  ("-x ** 2", "(negate (x ** 2))"),
  ("2 ** -1", "(2 ** -1)"),
  ("a - b - c", "((a - b) - c)"),
  ("not a == b and c or d", "(((not (a == b)) and c) or d)"),
  ("a < b <= c", "(a < b <= c)"),
  ("x not in y is not z", "(x not in y is not z)"),
  ("f(a, b=1)(c)[0].d", "f(a, b=1)(c)[0].d"),
  ("xs[1:], xs[::2], xs[:-1]", "tuple(xs[1::], xs[::2], xs[:-1:])"),
  ("a if b else c if d else e", "(a if b else (c if d else e))"),
  ("f(*xs, **kw), {1, 2}, lambda a, b=1: a", "tuple(f(*xs, **kw), set(1, 2), lambda(a, b))"),
  ("[x for x in xs if x]", "[x for x in xs if x]"),
  ("[x * y for x in a if x for y in b if y if x < y]", "[(x * y) for x in a if x for y in b if y if (x < y)]"),
  ("{k: v for k, v in d}", "{k: v for tuple(k, v) in d}"),
  ("{x % 3 for x in xs}", "{(x % 3) for x in xs}"),
  ("(x for x in xs)", "(x for x in xs)"),
  ("(n := len(a)) > 10", "((n := len(a)) > 10)"),
  ("a | b ^ c & d << 1 + 2 == e", "((a | (b ^ (c & (d << (1 + 2))))) == e)"),
  ("[*a, 1], {**d, 'k': 2}", "tuple([*a, 1], {**d, 'k': 2})"),
  ("sum(x * x for x in xs)", "sum(((x * x) for x in xs))"),
  ("{'k': [1, (2,)]}", "{'k': [1, tuple(2)]}"),
  ("f'a{x + 1}b{y!r:>5}'", "f('a' {(x + 1)} 'b' {y!r:>5})"),
  ("'x' f'{d[\"k\"]}'", "f('x' {d['k']})"),
])
func parsesExpressions(_ code: String, _ expected: String) throws {
  let module = try Parser.parse(Array(code.unicodeScalars))
  guard case .expression(let e) = module.body.first?.kind else {
    Issue.record("not an expression: \(code)")
    return
  }
  #expect(show(e) == expected, "\(code)")
}

@Test func parsesStatements() throws {
  let module = try Parser.parse(Array("a = b = 1; c += 2\nif a:\n    pass\nelif b: del c\nelse:\n    for i in x:\n        break\nwhile 0: continue".unicodeScalars))
  let kinds = module.body.map { s -> String in
    switch s.kind {
    case .assign(let targets, _): "assign\(targets.count)"
    case .augmented(_, let op, _): "aug\(op.rawValue)"
    case .if(let branches, let e): "if\(branches.count)\(e == nil ? "" : "+else")"
    case .while: "while"
    default: "other"
    }
  }
  #expect(kinds == ["assign2", "aug+", "if2+else", "while"])
  #expect(module.trailingSemicolon == false)
  #expect(try Parser.parse(Array("x;".unicodeScalars)).trailingSemicolon)
}

@Test(arguments: [
  (0.1, "0.1"), (1e16, "1e+16"), (1.0, "1.0"), (1e22, "1e+22"), (123.456, "123.456"),
  (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (0.5, "0.5"),
  (100.0, "100.0"), (9999999999999998.0, "9999999999999998.0"), (1.5e-5, "1.5e-05"),
  (-2.5e20, "-2.5e+20"), (Double.nan, "nan"), (-Double.infinity, "-inf"), (12345678901234567.0, "1.2345678901234568e+16"),
])
func formatsFloatsLikePython(_ value: Double, _ expected: String) {
  #expect(formatFloat(value) == expected)
}

/// One f-string part as the tests write it: `'text'` or `{expr!c:spec}` (a spec's own
/// fields shown the same way inside it).
private func showPart(_ p: FormatPart) -> String {
  switch p {
  case .text(let s): return Value.quoted(s)
  case .field(let x, let c, let spec):
    let specText = spec.map { part -> String in
      if case .text(let s) = part { return s }
      return showPart(part)
    }.joined()
    let conversion = c.map { "!\($0)" } ?? ""
    return "{" + show(x) + conversion + (specText.isEmpty ? "" : ":" + specText) + "}"
  }
}
