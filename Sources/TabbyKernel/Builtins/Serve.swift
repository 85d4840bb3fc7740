import CellLanguage
import Classifier
import ModelServerHTTP

/// `serve(model, port=8080, name="model", host="127.0.0.1")` and `serve.stop()`: the
/// session's pretrained model behind `tabby serve`'s endpoints, in the background of the
/// kernel, so a notebook can try `/predictions/NAME` on it. One server per kernel: a new
/// `serve(...)` stops the last one; `serve.stop()` or the kernel's exit stops it.
/// TabbyKernel reaches it through `ModelServerHTTP` (a service beside the engine, built on
/// `Classifier`), never through the engine's inner modules.
final class ServeValue: HostObject {
  private var running: BackgroundModelServer?

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
    stop()
    do {
      running = try BackgroundModelServer.start(
        m.model, name: name, source: m.model.resolved.location.displayPath, host: host, port: port)
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
