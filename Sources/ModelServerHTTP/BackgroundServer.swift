import Classifier
import Foundation
import ModelServer

/// One loaded model served over HTTP in the background of another program (a notebook
/// kernel's `serve(model)`): the same core, batching and endpoints as `tabby serve`, no
/// signal handling of its own, stopped by `stop()` or with the process.
public final class BackgroundModelServer: @unchecked Sendable {
  /// `http://host:port`, with the port the system picked when asked for 0.
  public let url: String
  /// The name clients use in URLs (`/predictions/NAME`).
  public let name: String
  private let task: Task<Void, Never>
  private let finished = DispatchSemaphore(value: 0)
  private let served: ServedModel
  private let lock = NSLock()
  private var stopped = false

  private init(url: String, name: String, task: Task<Void, Never>, served: ServedModel) {
    self.url = url
    self.name = name
    self.task = task
    self.served = served
  }

  /// Starts serving `model` as `name` on `host:port`, running its batches on `context`, and
  /// returns once it listens; throws
  /// when the model does not run or the address cannot be bound (in use, not local).
  /// Call from a plain thread: it waits for the listener.
  public static func start(
    _ model: PretrainedModel, name: String, source: String, host: String = "127.0.0.1",
    port: Int = 8080, context: ComputeContext = ComputeContext(), maxBatch: Int = 8,
    batchDelay: Duration = .milliseconds(2)
  ) throws -> BackgroundModelServer {
    let description = try ModelLoader.describe(model, name: name, source: source, context: context)
    let served = ServedModel(
      description: description, engine: ClassifierEngine(model: model, context: context), maxBatch: maxBatch,
      delay: batchDelay, maxQueue: 256)
    let table = ModelTable(expecting: [(name, source)])
    table.add(served)
    let core = ServerCore(models: table, options: ServeOptions(token: nil, version: "notebook"))
    let settings = HTTPServerSettings(
      host: host, port: port, maxBody: 16 << 20, idleTimeout: .seconds(30), bodyTimeout: .seconds(30))
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let task = Task {
      do {
        try await ModelHTTPServer.run(core: core, settings: settings, handleSignals: false) { port in
          outcome.set(.success(port))
        }
        outcome.set(.failure(ServeError(500, "the server stopped before it listened")))
      } catch {
        outcome.set(.failure(error))
      }
      done.signal()
    }
    guard let result = outcome.wait(seconds: 30) else {
      task.cancel()
      served.stop()
      throw ServeError(500, "the server did not start listening within 30 s")
    }
    switch result {
    case .success(let bound):
      let server = BackgroundModelServer(
        url: "http://\(host.contains(":") ? "[\(host)]" : host):\(bound)", name: name, task: task,
        served: served)
      // The task's end is what `stop` waits for.
      Thread { done.wait(); server.finished.signal() }.start()
      return server
    case .failure(let error):
      served.stop()
      throw error
    }
  }

  /// Stops accepting, answers the requests in flight, then returns (at most ~10 s); a
  /// second call does nothing.
  public func stop() {
    let first = lock.withLock {
      defer { stopped = true }
      return !stopped
    }
    guard first else { return }
    task.cancel()
    _ = finished.wait(timeout: .now() + 10)
    served.stop()
  }
}

/// The first outcome of starting: the bound port or the error; later ones are ignored.
private final class Outcome: @unchecked Sendable {
  private let condition = NSCondition()
  private var value: Result<Int, any Error>?

  func set(_ result: Result<Int, any Error>) {
    condition.lock()
    if value == nil { value = result }
    condition.broadcast()
    condition.unlock()
  }

  func wait(seconds: Double) -> Result<Int, any Error>? {
    condition.lock()
    defer { condition.unlock() }
    let deadline = Date(timeIntervalSinceNow: seconds)
    while value == nil, condition.wait(until: deadline) {}
    return value
  }
}
