/// Exception types and values for `try`/`except`/`raise`. An error is a `CellError`
/// named like Python's (`ValueError`, or a host's own `ImageError`, `DeviceError`);
/// `except` matches it by name through the hierarchy below.
enum Exceptions {
  /// Each built-in exception's parent; names not listed (a host's `ImageError`) derive
  /// from Exception.
  static let parents: [String: String] = [
    "Exception": "BaseException", "KeyboardInterrupt": "BaseException", "SystemExit": "BaseException",
    "ArithmeticError": "Exception", "ZeroDivisionError": "ArithmeticError", "OverflowError": "ArithmeticError",
    "LookupError": "Exception", "IndexError": "LookupError", "KeyError": "LookupError",
    "OSError": "Exception", "FileNotFoundError": "OSError", "PermissionError": "OSError",
    "IsADirectoryError": "OSError", "NotADirectoryError": "OSError", "FileExistsError": "OSError",
    "TimeoutError": "OSError", "ValueError": "Exception", "UnicodeError": "ValueError",
    "RuntimeError": "Exception", "RecursionError": "RuntimeError", "NotImplementedError": "RuntimeError",
    "NameError": "Exception", "SyntaxError": "Exception", "IndentationError": "SyntaxError",
    "TabError": "IndentationError", "TypeError": "Exception", "AttributeError": "Exception",
    "MemoryError": "Exception", "DataError": "ValueError", "UnicodeDecodeError": "UnicodeError",
    "JSONDecodeError": "ValueError", "AssertionError": "Exception", "StopIteration": "Exception",
    "ImportError": "Exception", "ModuleNotFoundError": "ImportError", "UnsupportedOperation": "OSError",
  ]

  /// The types every interpreter defines, including the classifier's own errors.
  static let builtinNames = Array(parents.keys) + [
    "BaseException", "ImageError", "DeviceError", "ModelLoadError", "StdinNotImplementedError",
  ]

  /// Whether an error named `ename` is caught by `except name`.
  static func matches(_ ename: String, _ name: String) -> Bool {
    var current: String? = ename
    while let c = current {
      if c == name { return true }
      current = parents[c] ?? (c == "BaseException" || c == "Exception" ? (c == "Exception" ? "BaseException" : nil) : "Exception")
    }
    return false
  }

  /// Names that read as exception types (`except SomeHostError:` works before it is defined).
  static func looksLikeType(_ name: String) -> Bool {
    name.hasSuffix("Error") || name.hasSuffix("Exception") || name.hasSuffix("Interrupt")
  }
}

/// An exception type: `ValueError`, callable to make an exception value.
final class ExceptionType: HostObject {
  let name: String
  init(_ name: String) { self.name = name }

  var typeName: String { "type" }
  var repr: String { "<class '\(name)'>" }
  var callSignature: Signature? { Signature("\(name)(*args)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    .host(ExceptionValue(name, arguments.variadic.map(\.str).joined(separator: ", "), args: arguments.variadic))
  }
  var help: String? { "\(name): an exception type. raise \(name)('message'); except \(name) as e: ..." }
  func isEqual(to other: any HostObject) -> Bool { (other as? ExceptionType)?.name == name }
}

/// A caught or constructed exception (`except ValueError as e`): `str(e)` is its message.
final class ExceptionValue: HostObject {
  let ename: String
  let message: String
  let args: [Value]

  init(_ ename: String, _ message: String, args: [Value]? = nil) {
    self.ename = ename
    self.message = message
    self.args = args ?? (message.isEmpty ? [] : [.string(message)])
  }

  var typeName: String { ename }
  var repr: String { "\(ename)(\(args.map(\.repr).joined(separator: ", ")))" }
  var attributeNames: [String] { ["args"] }
  func attribute(_ name: String) throws -> Value? { name == "args" ? .tuple(args) : nil }

  var error: CellError { CellError(ename: ename, message) }
}

extension Evaluator {
  /// What `raise value` throws; a bare `raise` re-raises the error being handled.
  func raised(_ valueExpr: Expr?, span: SourceSpan) throws(CellError) -> CellError {
    guard let valueExpr else {
      guard let current = handling.last else { return CellError(ename: "RuntimeError", "No active exception to reraise", span: span) }
      return current
    }
    let value = try eval(valueExpr)
    var error: CellError
    switch value {
    case .host(let e as ExceptionValue): error = e.error
    case .host(let t as ExceptionType): error = CellError(ename: t.name, "")
    default: throw .typeError("exceptions must derive from BaseException, not '\(value.typeName)'", valueExpr.span)
    }
    error.span = span
    return error
  }

  /// The exception type names an `except` clause lists.
  func exceptionNames(_ e: Expr) throws(CellError) -> [String] {
    if case .name(let n) = e.kind, scope?.lookup(n) ?? interpreter.lookup(n) == nil, Exceptions.looksLikeType(n) {
      return [n]
    }
    if case .tuple(let items) = e.kind {
      var names: [String] = []
      for item in items { names += try exceptionNames(item) }
      return names
    }
    return try typeNames(try eval(e), span: e.span)
  }

  private func typeNames(_ v: Value, span: SourceSpan) throws(CellError) -> [String] {
    switch v {
    case .host(let t as ExceptionType): return [t.name]
    case .tuple(let items):
      var names: [String] = []
      for item in items { names += try typeNames(item, span: span) }
      return names
    default: throw .typeError("catching classes that do not inherit from BaseException is not allowed", span)
    }
  }

  /// `try` / `except` / `else` / `finally`. A bare `except:` does not catch
  /// KeyboardInterrupt, so that a loop around it can still be interrupted.
  func runTry(_ body: [Stmt], _ handlers: [ExceptHandler], _ elseBody: [Stmt]?, _ finallyBody: [Stmt]?) throws(CellError) -> Flow {
    var flow = Flow.normal
    var failure: CellError?
    var failed = false
    do {
      flow = try run(body)
    } catch {
      failed = true
      do {
        if let handler = try handler(for: error, handlers) {
          handling.append(error)
          defer { handling.removeLast() }
          if let name = handler.name {
            try assign(Expr(kind: .name(name), span: SourceSpan(0, 0)), .host(ExceptionValue(error.ename, error.message)))
          }
          flow = try run(handler.body)
        } else {
          failure = error
        }
      } catch {
        failure = error
      }
    }
    if !failed, flow == .normal, let elseBody {
      do { flow = try run(elseBody) } catch { failure = error }
    }
    if let finallyBody {
      let saved = returnValue
      let finallyFlow = try run(finallyBody)
      if finallyFlow != .normal { return finallyFlow }
      returnValue = saved
    }
    if let failure { throw failure }
    return flow
  }

  private func handler(for error: CellError, _ handlers: [ExceptHandler]) throws(CellError) -> ExceptHandler? {
    for h in handlers {
      guard let types = h.types else {
        if error.ename == "KeyboardInterrupt" { continue }
        return h
      }
      if try exceptionNames(types).contains(where: { Exceptions.matches(error.ename, $0) }) { return h }
    }
    return nil
  }
}
