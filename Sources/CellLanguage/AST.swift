/// An expression with the code-point span it came from (for carets in tracebacks).
struct Expr {
  indirect enum Kind {
    case literal(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    /// `{k: v, **other}`: a nil key is a `**other` entry, its pairs merged in.
    case dict([(Expr?, Expr)])
    case unary(UnaryOp, Expr)
    case binary(BinaryOp, Expr, Expr)
    case compare(Expr, [(CompareOp, Expr)])
    case and(Expr, Expr)
    case or(Expr, Expr)
    case conditional(test: Expr, then: Expr, else: Expr)
    case call(Expr, [Argument])
    case attribute(Expr, String)
    case index(Expr, Expr)
    case slice(Expr?, Expr?, Expr?)
    /// An f-string: literal text and formatted fields.
    case format([FormatPart])
    /// `[x for t in xs if c]`, `{x for …}`, `{k: v for …}` or `(x for …)`.
    case comprehension(Comprehension)
    /// `lambda params: expression` (a function whose body returns the expression).
    case lambda(FunctionDef)
    /// `*xs` as an assignment target (`a, *rest = xs`).
    case starred(Expr)
    /// `{a, b}`
    case set([Expr])
    /// `name := value` (assigns, and is the value).
    case namedValue(String, Expr)
  }
  var kind: Kind
  var span: SourceSpan
  /// Height of the tree below; the parser bounds it so that evaluating (and freeing)
  /// an expression never recurses deeper than the native stack allows.
  let depth: Int

  init(kind: Kind, span: SourceSpan) {
    self.kind = kind
    self.span = span
    var below = 0
    func see(_ e: Expr?) { if let e { below = max(below, e.depth) } }
    switch kind {
    case .literal, .name: break
    case .format(let parts):
      for case .field(let x, _, let spec) in parts {
        see(x)
        for case .field(let y, _, _) in spec { see(y) }
      }
    case .list(let xs), .tuple(let xs), .set(let xs): xs.forEach(see)
    case .lambda: break
    case .starred(let x), .namedValue(_, let x): see(x)
    case .dict(let pairs): pairs.forEach { see($0.0); see($0.1) }
    case .unary(_, let x), .attribute(let x, _): see(x)
    case .binary(_, let a, let b), .and(let a, let b), .or(let a, let b), .index(let a, let b): see(a); see(b)
    case .compare(let a, let rest): see(a); rest.forEach { see($0.1) }
    case .conditional(let t, let a, let b): see(t); see(a); see(b)
    case .call(let f, let args):
      see(f)
      for arg in args {
        switch arg {
        case .positional(let x), .keyword(_, let x), .star(let x), .doubleStar(let x): see(x)
        }
      }
    case .slice(let a, let b, let c): see(a); see(b); see(c)
    case .comprehension(let c):
      see(c.element)
      if case .dict(let value) = c.result { see(value) }
      for clause in c.clauses {
        switch clause {
        case .loop(let t, let xs): see(t); see(xs)
        case .filter(let x): see(x)
        }
      }
      // Each clause is a level of the evaluator's recursion, so it counts as depth.
      below += c.clauses.count
    }
    depth = below + 1
  }
}

/// A comprehension: what it makes, and its `for` and `if` clauses in source order (the
/// first is a `for`; later ones nest inside the earlier, as in Python).
struct Comprehension {
  enum Result {
    case list
    /// `(…)`: a generator expression, evaluated at once into a single-pass iterator.
    case generator
    case set
    /// `{element: value …}`
    case dict(value: Expr)
  }
  enum Clause {
    case loop(target: Expr, iterable: Expr)
    case filter(Expr)
  }
  var result: Result
  var element: Expr
  var clauses: [Clause]
}

enum FormatPart {
  case text(String)
  /// The spec's text and nested fields (`{x:>{width}}`), joined when the field is formatted.
  case field(Expr, conversion: Unicode.Scalar?, spec: [FormatPart])
}

enum Argument {
  case positional(Expr)
  case keyword(String, Expr)
  /// `f(*xs)`
  case star(Expr)
  /// `f(**d)`
  case doubleStar(Expr)
}

/// A `def` or `lambda`: parameters (defaults evaluated when the function is made) and body.
final class FunctionDef {
  struct Parameter {
    var name: String
    var kind: Signature.Kind
    var defaultValue: Expr?
  }
  let name: String
  let parameters: [Parameter]
  let body: [Stmt]
  /// Names the body declares `global`.
  let globalNames: Set<String>
  /// Names the body declares `nonlocal`: assignments go to the enclosing function's variable.
  let nonlocalNames: Set<String>
  /// The body has a `yield`: a call runs it and returns what it yielded, as a generator.
  var isGenerator = false
  /// The first statement when it is a string: the function's help text.
  var docstring: String? {
    guard case .expression(let e)? = body.first?.kind, case .literal(.string(let s)) = e.kind else { return nil }
    return s
  }

  init(name: String, parameters: [Parameter], body: [Stmt], globalNames: Set<String>, nonlocalNames: Set<String> = []) {
    self.name = name
    self.parameters = parameters
    self.body = body
    self.globalNames = globalNames
    self.nonlocalNames = nonlocalNames
  }
}

/// A `class` statement: its bases (evaluated when it runs) and the body that makes its
/// attributes.
final class ClassDef {
  let name: String
  let bases: [Expr]
  let body: [Stmt]
  /// The first statement when it is a string: the class's help text.
  var docstring: String? {
    guard case .expression(let e)? = body.first?.kind, case .literal(.string(let s)) = e.kind else { return nil }
    return s
  }

  init(name: String, bases: [Expr], body: [Stmt]) {
    self.name = name
    self.bases = bases
    self.body = body
  }
}

/// `except Types as name: body`
struct ExceptHandler {
  var types: Expr?
  var name: String?
  var body: [Stmt]
}

enum UnaryOp { case negate, plus, not, invert }

enum BinaryOp: String {
  case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
  case modulo = "%", power = "**"
  case bitAnd = "&", bitOr = "|", bitXor = "^", shiftLeft = "<<", shiftRight = ">>"

  var isBitwise: Bool { [.bitAnd, .bitOr, .bitXor, .shiftLeft, .shiftRight].contains(self) }
}

enum CompareOp: String {
  case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">"
  case greaterEqual = ">=", `in` = "in", notIn = "not in", `is` = "is", isNot = "is not"
}

/// A statement with its span.
struct Stmt {
  indirect enum Kind {
    case expression(Expr)
    /// `a = b = value`: every target gets the value.
    case assign([Expr], Expr)
    case augmented(Expr, BinaryOp, Expr)
    /// `target: annotation [= value]`
    case annotated(Expr, annotation: Expr, value: Expr?)
    case `if`([(Expr, [Stmt])], else: [Stmt]?)
    /// `for … in …: body`, and an `else:` body run when the loop ends without `break`.
    case `for`(target: Expr, iterable: Expr, body: [Stmt], else: [Stmt]?)
    case `while`(Expr, [Stmt], else: [Stmt]?)
    case delete([Expr])
    case pass, `break`, `continue`
    case def(FunctionDef)
    /// `class Name(Bases): body`
    case classDef(ClassDef)
    /// `@decorator` lines, then the `def` or `class` they apply to (innermost last).
    case decorated([Expr], Stmt)
    case `return`(Expr?)
    /// `yield value` / `yield from iterable` (a statement; generators run to completion).
    case yield(Expr?, from: Bool)
    case raise(Expr?)
    /// `import math, random as r`
    case importModules([ImportedName])
    /// `from math import sqrt, pi as PI`; no names: `from math import *`.
    case importNames(module: String, names: [ImportedName])
    /// `with open(p) as f: body`
    case with([WithItem], body: [Stmt])
    /// `assert test, message`: an AssertionError (with the message's str) when test is false.
    case assert(Expr, message: Expr?)
    case `try`(body: [Stmt], handlers: [ExceptHandler], else: [Stmt]?, finally: [Stmt]?)
    /// `match subject:` and its `case pattern [if guard]:` blocks (MatchStatement.swift).
    case match(Expr, [MatchCase])
    case global([String])
    /// `%time statement` or a `%%time` cell: runs the statements and prints the wall time.
    case timed([Stmt])
    /// `%timeit statement` or a `%%timeit` cell (its first line's rest is the setup).
    case timeIt(setup: [Stmt], body: [Stmt], TimeItOptions)
  }
  var kind: Kind
  var span: SourceSpan
}

/// A name an import binds: `name`, or `name as alias`.
struct ImportedName {
  var name: String
  var alias: String?
}

/// One `with` item: the context manager's expression and the optional `as` target.
struct WithItem {
  var manager: Expr
  var target: Expr?
}
