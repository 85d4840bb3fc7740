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
    "StatisticsError": "ValueError",
    "Warning": "Exception", "UserWarning": "Warning", "DeprecationWarning": "Warning",
    "PendingDeprecationWarning": "Warning", "FutureWarning": "Warning", "RuntimeWarning": "Warning",
    "SyntaxWarning": "Warning", "ImportWarning": "Warning", "UnicodeWarning": "Warning",
    "BytesWarning": "Warning", "ResourceWarning": "Warning", "EncodingWarning": "Warning",
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
  var attributeNames: [String] { ["__name__", "__qualname__"] }
  func attribute(_ attr: String) throws -> Value? { attr == "__name__" || attr == "__qualname__" ? .string(name) : nil }
  var callSignature: Signature? { Signature("\(name)(*args)") }
  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    // Python's str(KeyError(k)) is repr(k), as a missing key's message is.
    let args = arguments.variadic
    let message =
      switch args.count {
      case 0: ""
      case 1: name == "KeyError" ? args[0].repr : args[0].str
      default: Value.tuple(args).repr
      }
    return .host(ExceptionValue(name, message, args: args))
  }
  var help: String? { "\(name): an exception type. raise \(name)('message'); except \(name) as e: ..." }
  func isEqual(to other: any HostObject) -> Bool { (other as? ExceptionType)?.name == name }
  func hashParts() throws -> [Value]? { [.string(name)] }
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
    case .host(let i as InstanceObject) where i.cls.isException:
      error = CellError(ename: i.cls.name, i.str)
      error.raisedObject = RaisedObject(i)
    case .host(let c as ClassObject) where c.isException:
      // `raise MyError` makes the instance with no arguments, as Python does.
      let made = try at(valueExpr.span) { () throws(CellError) in try interpreter.call(value, Arguments(), context: context) }
      guard case .host(let i as InstanceObject) = made else { return CellError(ename: c.name, "") }
      error = CellError(ename: c.name, i.str)
      error.raisedObject = RaisedObject(i)
    default: throw .typeError("exceptions must derive from BaseException, not '\(value.typeName)'", valueExpr.span)
    }
    error.span = span
    return error
  }

  /// What an `except` clause lists: built-in exception type names, or exception classes
  /// defined in cells.
  enum Caught {
    case name(String)
    case cls(ClassObject)

    /// Whether `error` is of this type: by class for a raised instance, by name otherwise.
    func matches(_ error: CellError) -> Bool {
      let raisedClass = error.raisedObject?.instance.cls
      switch self {
      case .name(let n):
        guard let raisedClass else { return Exceptions.matches(error.ename, n) }
        return raisedClass.derives(fromException: n)
      case .cls(let c):
        return raisedClass?.isSubclass(of: c) ?? false
      }
    }
  }

  func caughtTypes(_ e: Expr) throws(CellError) -> [Caught] {
    if case .name(let n) = e.kind, scope?.lookup(n) ?? interpreter.lookup(n) == nil, Exceptions.looksLikeType(n) {
      return [.name(n)]
    }
    if case .tuple(let items) = e.kind {
      var types: [Caught] = []
      for item in items { types += try caughtTypes(item) }
      return types
    }
    return try caughtTypes(try eval(e), span: e.span)
  }

  private func caughtTypes(_ v: Value, span: SourceSpan) throws(CellError) -> [Caught] {
    switch v {
    case .host(let t as ExceptionType): return [.name(t.name)]
    case .host(let c as ClassObject) where c.isException: return [.cls(c)]
    case .tuple(let items):
      var types: [Caught] = []
      for item in items { types += try caughtTypes(item, span: span) }
      return types
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
            let caught: any HostObject = error.raisedObject?.instance ?? ExceptionValue(error.ename, error.message)
            try assign(Expr(kind: .name(name), span: SourceSpan(0, 0)), .host(caught))
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
      if try caughtTypes(types).contains(where: { $0.matches(error) }) { return h }
    }
    return nil
  }
}
