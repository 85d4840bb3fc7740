import CellLanguage
import Classifier
import Synchronization

/// `serve(model, port=8080, name="model", host="127.0.0.1")` and `serve.stop()`: the
/// session's pretrained model behind `tabby serve`'s endpoints, in the background of the
/// kernel, so a notebook can try `/predictions/NAME` on it. One server per kernel: a new
/// `serve(...)` stops the last one; `serve.stop()` or the kernel's exit stops it.
/// The server itself is installed by the program that links one (`NotebookServing.install`,
/// done by the `tabby` executable): this module knows no HTTP and no server modules.
final class ServeValue: HostObject {
  private var running: (any RunningModelServer)?
  private let state: SessionState

  init(_ state: SessionState) { self.state = state }

  var typeName: String { "builtin_function_or_method" }
  var repr: String { "<built-in function serve>" }
  var attributeNames: [String] { ["stop", "url"] }
  var callSignature: Signature? {
    Signature("serve(model, port=8080, name=\"model\", host=\"127.0.0.1\")")
  }

  var help: String? {
    """
    serve(model, port=8080, name="model", host="127.0.0.1"): serves a model from load() over HTTP in the \
    background of the kernel, with tabby serve's endpoints (POST /predictions/NAME, /NAME/predict, \
    /v2/models/NAME/infer, /ping, /metrics). port=0 picks a free port; serve.url says where it listens. \
    serve.stop() stops it (so does a new serve(...) or the kernel's shutdown).
    """
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "stop": .host(StopServe(self))
    case "url": running.map { .string($0.url) } ?? Value.none
    default: nil
    }
  }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    guard case .host(let m as PretrainedValue)? = arguments["model"] else {
      throw CellError.typeError(
        "serve() takes a model from load(), not '\(arguments["model"]?.typeName ?? "None")'; a trained "
          + "LeNet or MLP is served by `tabby serve --models NAME=PREFIX` after save(model, PREFIX)")
    }
    let port = try arguments.int("port", default: 8080)
    guard (0...65535).contains(port) else { throw CellError.valueError("port must be 0…65535, got \(port)") }
    let name = try arguments.string("name", default: "model")
    guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
      throw CellError.valueError("name must be letters, digits, '-', '_' or '.', got '\(name)'")
    }
    let host = try arguments.string("host", default: "127.0.0.1")
    guard let start = NotebookServing.starter else {
      throw CellError(ename: "RuntimeError", "serve() needs a model server, and this program has none installed")
    }
    stop()
    do {
      running = try start(m.model, name, m.model.resolved.location.displayPath, host, port, state.context)
    } catch let error as ClassifierError {
      throw SessionBuiltins.cellError(error)
    } catch {
      throw CellError(ename: "OSError", "cannot serve on \(host):\(port): \(error)")
    }
    let url = running?.url ?? ""
    context.sink.display(
      MimeBundle(data: [
        "text/plain": .string("Serving '\(name)' at \(url) — POST an image to \(url)/predictions/\(name); serve.stop() stops it")
      ]), displayID: nil)
    return .string(url)
  }

  /// Stops the running server, if any; true when there was one.
  @discardableResult
  func stop() -> Bool {
    guard let server = running else { return false }
    running = nil
    server.stop()
    return true
  }
}

/// `serve.stop()`.
final class StopServe: HostObject {
  private let serve: ServeValue
  init(_ serve: ServeValue) { self.serve = serve }

  var typeName: String { "builtin_function_or_method" }
  var repr: String { "<built-in method stop of serve>" }
  var callSignature: Signature? { Signature("stop()") }
  var help: String? { "serve.stop(): stops the model server that serve(...) started (True if one ran)." }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    .bool(serve.stop())
  }
}

/// A model server running in the background of the kernel (what `serve(...)` started).
public protocol RunningModelServer: AnyObject, Sendable {
  /// `http://host:port`, with the port the system picked when asked for 0.
  var url: String { get }
  /// Stops serving; waits until the port is closed.
  func stop()
}

/// Starts a `RunningModelServer` for a model, its URL name and source, on host and port,
/// running batches on the session's compute context (its device follows `ctx`).
public typealias ModelServerStarter =
  @Sendable (
    _ model: PretrainedModel, _ name: String, _ source: String, _ host: String, _ port: Int,
    _ context: ComputeContext
  ) throws -> any RunningModelServer

/// Where `serve(...)` finds its server: the `tabby` executable (which links the HTTP server
/// for `tabby serve`) installs it at start-up, so the kernel bridge depends on neither.
public enum NotebookServing {
  private static let installed = Mutex<ModelServerStarter?>(nil)

  /// Makes `serve(...)` start servers with `starter`.
  public static func install(_ starter: @escaping ModelServerStarter) {
    installed.withLock { $0 = starter }
  }

  /// The installed starter; nil where the program has no server (serve() then says so).
  static var starter: ModelServerStarter? { installed.withLock { $0 } }
}
