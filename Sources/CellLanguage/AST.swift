/// An expression with the code-point span it came from (for carets in tracebacks).
struct Expr {
  indirect enum Kind {
    case literal(Value)
    case name(String)
    case list([Expr])
    case tuple([Expr])
    case dict([(Expr, Expr)])
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
    /// `[element for target in iterable if condition]`
    case listComprehension(element: Expr, target: Expr, iterable: Expr, condition: Expr?)
  }
  var kind: Kind
  var span: SourceSpan
}

enum Argument {
  case positional(Expr)
  case keyword(String, Expr)
}

enum UnaryOp { case negate, plus, not }

enum BinaryOp: String {
  case add = "+", subtract = "-", multiply = "*", divide = "/", floorDivide = "//"
  case modulo = "%", power = "**"
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
    case `if`([(Expr, [Stmt])], else: [Stmt]?)
    case `for`(target: Expr, iterable: Expr, body: [Stmt])
    case `while`(Expr, [Stmt])
    case delete([Expr])
    case pass, `break`, `continue`
  }
  var kind: Kind
  var span: SourceSpan
}
