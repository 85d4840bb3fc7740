/// A built-in function: one entry of the command table from which `help`, completion
/// (keyword names) and inspection (`print?`, Shift-Tab) are all generated.
public final class Builtin {
  public let signature: Signature
  /// One line for `help()`'s listing.
  public let summary: String
  /// The longer text after the signature and summary in `help(name)`.
  public let details: String
  let handler: (BoundArguments, CallContext) throws -> Value
  /// Made by `def` or `lambda` in a cell (shown as `<function f>`, type `function`).
  let isUserFunction: Bool
  /// A built-in that is a type in Python (`int`, `list`, `dict`, …): shown as
  /// `<class 'int'>`, and what `type(3)` returns, so `type(x) is int` holds.
  var isType = false

  /// The built-ins that are classes in Python.
  static let typeNames: Set<String> = [
    "int", "float", "str", "bool", "list", "dict", "tuple", "set", "frozenset", "range", "slice", "type",
    "enumerate", "zip", "map", "filter", "reversed", "super", "property", "staticmethod", "classmethod", "complex", "bytes",
  ]

  /// `signature` is written the Python way and parsed: `"sleep(seconds)"`,
  /// `"print(*values, sep=' ', end='\\n', file=stdout)"`, `"train(model, data, *, epochs=1)"`.
  public init(
    _ signature: String, summary: String, details: String = "",
    handler: @escaping (BoundArguments, CallContext) throws -> Value
  ) {
    self.signature = Signature(signature)
    self.summary = summary
    self.details = details
    self.handler = handler
    self.isUserFunction = false
  }

  init(
    signature: Signature, summary: String, isUserFunction: Bool = false,
    handler: @escaping (BoundArguments, CallContext) throws -> Value
  ) {
    self.signature = signature
    self.summary = summary
    self.details = ""
    self.handler = handler
    self.isUserFunction = isUserFunction
  }

  public var name: String { signature.name }

  /// The text `print?`, Shift-Tab and `help(print)` show.
  public var helpText: String {
    var text = "\(signature.text)\n\n\(summary)"
    if !details.isEmpty { text += "\n\n\(details)" }
    return text
  }
}

/// A parsed Python-style signature: which arguments a call may pass and how they bind.
public struct Signature: Sendable {
  public enum Kind: Sendable {
    /// May be passed by position or by keyword.
    case normal
    /// After a bare `*` or `*args`: keyword only.
    case keywordOnly
    /// `*args`: takes the extra positional arguments.
    case variadic
    /// `**kwargs`: takes the unknown keyword arguments.
    case variadicKeywords
  }

  public struct Parameter: Sendable {
    public var name: String
    public var kind: Kind
    /// The default as written (shown in help); nil means the argument is required.
    public var defaultText: String?
  }

  public let name: String
  public let parameters: [Parameter]
  /// The signature as written, for help and inspection.
  public let text: String

  public init(_ text: String) {
    self.text = text
    let open = text.firstIndex(of: "(") ?? text.endIndex
    name = String(text[..<open]).trimmingSpaces
    var inner = open < text.endIndex ? String(text[text.index(after: open)...]) : ""
    if inner.hasSuffix(")") { inner.removeLast() }
    var params: [Parameter] = []
    var keywordOnly = false
    for piece in Self.splitTopLevel(inner) {
      let p = piece.trimmingSpaces
      if p.isEmpty || p == "/" { continue }
      if p == "*" {
        keywordOnly = true
      } else if p.hasPrefix("**") {
        params.append(Parameter(name: String(p.dropFirst(2)), kind: .variadicKeywords))
      } else if p.hasPrefix("*") {
        params.append(Parameter(name: String(p.dropFirst()), kind: .variadic))
        keywordOnly = true
      } else if let eq = p.firstIndex(of: "=") {
        let n = String(p[..<eq]).trimmingSpaces
        let d = String(p[p.index(after: eq)...]).trimmingSpaces
        params.append(Parameter(name: n, kind: keywordOnly ? .keywordOnly : .normal, defaultText: d))
      } else {
        params.append(Parameter(name: p, kind: keywordOnly ? .keywordOnly : .normal))
      }
    }
    parameters = params
  }

  /// Names a caller may write as `name=`, offered by completion inside the call.
  public var keywordNames: [String] {
    parameters.filter { $0.kind == .normal || $0.kind == .keywordOnly }.map(\.name)
  }

  /// Splits on commas outside quotes and brackets (defaults such as `sep=', '`).
  static func splitTopLevel(_ s: String) -> [String] {
    var parts: [String] = []
    var current = ""
    var quote: Character?
    var depth = 0
    for c in s {
      if let q = quote {
        if c == q { quote = nil }
      } else if c == "'" || c == "\"" {
        quote = c
      } else if "([{".contains(c) {
        depth += 1
      } else if ")]}".contains(c) {
        depth -= 1
      } else if c == ",", depth == 0 {
        parts.append(current)
        current = ""
        continue
      }
      current.append(c)
    }
    parts.append(current)
    return parts
  }

  /// Binds call arguments to the parameters with Python's rules and messages.
  public func bind(_ args: Arguments) throws(CellError) -> BoundArguments {
    var bound = BoundArguments(function: name)
    for p in parameters {
      if let text = p.defaultText, let value = Self.literal(text) { bound.declaredDefaults[p.name] = value }
    }
    let positional = parameters.filter { $0.kind == .normal }
    for (i, value) in args.positional.enumerated() {
      if i < positional.count {
        bound.values[positional[i].name] = value
      } else if parameters.contains(where: { $0.kind == .variadic }) {
        bound.variadic.append(value)
      } else {
        let n = positional.count
        let takes = n == 1 ? "1 positional argument" : "\(n) positional arguments"
        let was = args.positional.count == 1 ? "was" : "were"
        throw .typeError("\(name)() takes \(takes) but \(args.positional.count) \(was) given")
      }
    }
    let acceptsAny = parameters.contains { $0.kind == .variadicKeywords }
    for (key, value) in args.keywords {
      if let p = parameters.first(where: { $0.name == key && ($0.kind == .normal || $0.kind == .keywordOnly) }) {
        if bound.values[p.name] != nil {
          throw .typeError("\(name)() got multiple values for argument '\(key)'")
        }
        bound.values[p.name] = value
      } else if acceptsAny {
        bound.extraKeywords.append((key, value))
      } else {
        throw .typeError("\(name)() got an unexpected keyword argument '\(key)'")
      }
    }
    // An explicit None for a parameter declared `=None` means "use the default", as the
    // signature shown by help and inspection promises.
    for p in parameters where p.defaultText == "None" {
      if case .none? = bound.values[p.name] { bound.values[p.name] = nil }
    }
    let missing = parameters.filter {
      ($0.kind == .normal || $0.kind == .keywordOnly) && $0.defaultText == nil && bound.values[$0.name] == nil
    }
    if !missing.isEmpty {
      let names = missing.map { "'\($0.name)'" }
      let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
      let noun = missing.count == 1 ? "argument" : "arguments"
      let kind = missing.allSatisfy({ $0.kind == .keywordOnly }) ? "keyword-only" : "positional"
      throw .typeError("\(name)() missing \(missing.count) required \(kind) \(noun): \(list)")
    }
    return bound
  }
}

extension Signature {
  /// A default as written in a signature, as a value: None, True, False, an int, a float, a
  /// quoted string or a list of those; nil for anything else (the handler supplies it).
  static func literal(_ text: String) -> Value? {
    let t = text.trimmingSpaces
    switch t {
    case "None": return Value.none
    case "True": return .bool(true)
    case "False": return .bool(false)
    default: break
    }
    if let i = Int(t) { return .int(i) }
    if let d = Double(t), t.contains(where: { ".eE".contains($0) }) { return .float(d) }
    if t.count >= 2, let q = t.first, q == "'" || q == "\"", t.last == q {
      let body = t.dropFirst().dropLast()
      return body.contains(q) || body.contains("\\") ? nil : .string(String(body))
    }
    if t.hasPrefix("["), t.hasSuffix("]") {
      let inner = String(t.dropFirst().dropLast())
      if inner.trimmingSpaces.isEmpty { return .list(ListObject([])) }
      var items: [Value] = []
      for piece in splitTopLevel(inner) {
        guard let v = literal(piece) else { return nil }
        items.append(v)
      }
      return .list(ListObject(items))
    }
    return nil
  }
}

/// Arguments as the call site wrote them.
public struct Arguments {
  public var positional: [Value]
  public var keywords: [(name: String, value: Value)]

  public init(_ positional: [Value] = [], keywords: [(name: String, value: Value)] = []) {
    self.positional = positional
    self.keywords = keywords
  }
}

/// Arguments bound to a signature's parameter names, with typed accessors whose
/// errors read like Python's (`sleep() argument 'seconds' must be a number, not 'str'`).
public struct BoundArguments {
  public let function: String
  public var values: [String: Value] = [:]
  /// What `*args` collected.
  public var variadic: [Value] = []
  /// What `**kwargs` collected, in call order.
  public var extraKeywords: [(name: String, value: Value)] = []
  /// The defaults the signature declares, as values: the typed accessors fall back to these
  /// before the handler's own, so the declaration is the one source of a default.
  public var declaredDefaults: [String: Value] = [:]

  public init(function: String) { self.function = function }

  public subscript(name: String) -> Value? { values[name] }

  private func wrongType(_ name: String, _ expected: String, _ v: Value) -> CellError {
    .typeError("\(function)() argument '\(name)' must be \(expected), not '\(v.typeName)'")
  }

  /// The argument as given, else the signature's declared default (nil for a None default).
  public func value(_ name: String) -> Value? { given(name) }

  /// The argument, else the declared default; `d` only where the signature declares none.
  private func given(_ name: String) -> Value? {
    if let v = values[name] { return v }
    if let v = declaredDefaults[name] {
      if case .none = v { return nil }
      return v
    }
    return nil
  }

  public func int(_ name: String, default d: Int) throws(CellError) -> Int {
    guard let v = given(name) else { return d }
    switch v {
    case .int(let i): return i
    case .bool(let b): return b ? 1 : 0
    default: throw wrongType(name, "an int", v)
    }
  }

  public func int(_ name: String) throws(CellError) -> Int? {
    guard let v = given(name) else { return nil }
    if case .none = v { return nil }
    return try int(name, default: 0)
  }

  public func double(_ name: String, default d: Double) throws(CellError) -> Double {
    guard let v = given(name) else { return d }
    guard let n = v.numeric else { throw wrongType(name, "a number", v) }
    return n.double
  }

  public func double(_ name: String) throws(CellError) -> Double? {
    guard let v = given(name) else { return nil }
    if case .none = v { return nil }
    return try double(name, default: 0)
  }

  public func string(_ name: String, default d: String) throws(CellError) -> String {
    guard let v = given(name) else { return d }
    guard case .string(let s) = v else { throw wrongType(name, "a str", v) }
    return s
  }

  public func string(_ name: String) throws(CellError) -> String? {
    guard let v = given(name) else { return nil }
    if case .none = v { return nil }
    return try string(name, default: "")
  }

  public func bool(_ name: String, default d: Bool) throws(CellError) -> Bool {
    guard let v = given(name) else { return d }
    return v.isTruthy
  }

  /// A host object of a given Swift type, or a TypeError naming the expected type.
  public func host<T: HostObject>(_ name: String, as type: T.Type, expected: String) throws(CellError) -> T? {
    guard let v = values[name] else { return nil }
    guard case .host(let h) = v, let t = h as? T else { throw wrongType(name, expected, v) }
    return t
  }
}

/// What a running built-in may use: the cell's sink, interrupt flag and stdin
/// permission, and the interpreter (for `help`, `who`).
public struct CallContext {
  public let execution: ExecutionContext
  public let interpreter: Interpreter

  public var sink: OutputSink { execution.sink }
  public var interrupt: InterruptFlag { execution.interrupt }

  /// Throws KeyboardInterrupt if the user interrupted; long-running work calls it between
  /// steps. It also sends buffered output when it is due, so one flag load serves both.
  public func checkInterrupt() throws(CellError) {
    let flag = execution.interrupt
    guard flag.needsAttention else { return }
    if flag.hasPendingOutput { (execution.sink as? OutputBuffer)?.flushIfDue() }
    if flag.isRaised {
      flag.reset()
      throw CellError.keyboardInterrupt
    }
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
    while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
    return String(s)
  }
}

extension Value {
  /// A host object's method as a value: `.method("write(s)", "Writes s.") { a, ctx in … }`.
  static func method(_ signature: String, _ summary: String, _ body: @escaping (BoundArguments, CallContext) throws -> Value) -> Value {
    .function(Builtin(signature, summary: summary, handler: body))
  }
}
