import ArgumentParser
import Classifier
import Foundation
import ModelServer
import ModelServerHTTP

/// `tabby serve`: serves models over HTTP with the MMS/TorchServe and KServe/Triton (Open
/// Inference Protocol v2) APIs, dynamic batching and Prometheus metrics.
struct ServeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "serve", abstract: "Serve models over HTTP (MMS/TorchServe and KServe/Triton v2 APIs).",
    discussion: """
      Each --models entry is NAME=SOURCE (or a bare SOURCE named after its file), where SOURCE \
      is anything `tabby predict --model` takes or an MMS legacy .model archive. Endpoints: \
      GET /ping, POST /predictions/NAME, POST /NAME/predict, GET /models[/NAME], GET /v2, \
      /v2/health/live|ready, /v2/models/NAME[/ready], POST /v2/models/NAME/infer, GET /metrics. \
      SIGTERM stops accepting, finishes the requests in flight and exits 0.
      """)

  @Option(name: .long, help: "Address to bind.")
  var host = "127.0.0.1"

  @Option(name: .long, help: "Port to listen on (0: any free port, printed at start).")
  var port = 8080

  @Option(name: .long, parsing: .upToNextOption, help: "Models as NAME=PATH_OR_ZOO_NAME.")
  var models: [String] = []

  @Option(name: .long, help: "Directory of models: sources are also looked for here; without --models every model in it is served.")
  var modelStore: String?

  @Option(name: .long, help: "Engine threads (default: every CPU available).")
  var threads: Int?

  @Option(name: .long, help: "Batches run at once per model (default: one per engine thread on the CPU, 1 on a GPU).")
  var workers: Int?

  @Option(name: .long, help: "Most inputs per network run.")
  var maxBatch = 8

  @Option(name: .long, help: "Milliseconds a request waits for others to join its batch.")
  var batchDelayMs = 2.0

  @Option(name: .long, help: "Largest request body (e.g. 16MiB, 512KiB, 1000000).")
  var maxBody = "16MiB"

  @Option(name: .long, help: "Most inputs waiting per model; beyond it requests get 503.")
  var maxQueue = 64

  @Option(name: .long, help: "Seconds a client may take to send its body, or stay idle.")
  var timeout = 30

  @Option(name: .long, help: "File holding a bearer token required by every endpoint but the health checks.")
  var tokenFile: String?

  @Option(name: .long, help: "Where batches run: cpu, gpu (the first CUDA GPU) or gpu:N.")
  var device = "cpu"

  func validate() throws {
    guard (0...65535).contains(port) else { throw ValidationError("--port must be 0…65535") }
    guard (1...1024).contains(maxBatch) else { throw ValidationError("--max-batch must be 1…1024") }
    guard batchDelayMs >= 0, batchDelayMs <= 10_000 else { throw ValidationError("--batch-delay-ms must be 0…10000") }
    guard (1...1_000_000).contains(maxQueue) else { throw ValidationError("--max-queue must be 1…1000000") }
    guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1…3600 seconds") }
    if let threads, !(1...1024).contains(threads) { throw ValidationError("--threads must be 1…1024") }
    if let workers, !(1...1024).contains(workers) { throw ValidationError("--workers must be 1…1024") }
    _ = try DeviceOption.parse(device)
    _ = try Self.byteCount(maxBody)
    guard !models.isEmpty || modelStore != nil else {
      throw ValidationError("give --models NAME=SOURCE or --model-store DIR")
    }
  }

  /// `16MiB`, `512KiB`, `2MB`, `1000` → bytes.
  static func byteCount(_ text: String) throws -> Int {
    let units: [(String, Int)] = [
      ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30), ("KB", 1000), ("MB", 1_000_000),
      ("GB", 1_000_000_000), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
    ]
    let unit = units.first { text.hasSuffix($0.0) } ?? ("", 1)
    guard let number = Double(text.dropLast(unit.0.count)), number >= 1,
      number * Double(unit.1) <= Double(1 << 40)
    else { throw ValidationError("--max-body \(text): expected a size such as 16MiB (1 byte … 1 TiB)") }
    return Int(number * Double(unit.1))
  }

  func run() throws {
    let token = try readToken()
    var session = try ClassifierSession()
    // The models' batches run on this context: its device is checked here, so an unusable
    // GPU stops the server before it loads anything, with the device's own message.
    session.context = try DeviceOption.context(device, threads: threads)
    let context = session.context
    if context.device != .cpu {
      printError("tabby serve: batches run on \(context.device)\(context.gpuIsEmulated ? " (emulated)" : "")")
    }
    session.batchSize = maxBatch
    var specs = try models.map { try ModelSpec.parse($0) }
    if specs.isEmpty, let modelStore { specs = ModelSpec.scan(store: modelStore) }
    guard !specs.isEmpty else { throw ValidationError("no models found in --model-store \(modelStore ?? "")") }
    let table = ModelTable(expecting: specs.map { ($0.name, $0.source) })
    let core = ServerCore(models: table, options: ServeOptions(token: token, version: Tabby.version))
    let scratch = NSTemporaryDirectory() + "/tabby-serve-\(getpid())"
    defer { try? FileManager.default.removeItem(atPath: scratch) }
    let loader = ModelLoader(session: session, store: modelStore, scratch: scratch, log: { printError($0) })
    // Under load each worker runs whole batches on its own core; a GPU takes one at a time.
    let workers = self.workers ?? (context.device == .cpu ? context.threads : 1)
    startLoading(specs, loader: loader, workers: workers, into: core)
    let settings = HTTPServerSettings(
      host: host, port: port, maxBody: try Self.byteCount(maxBody),
      idleTimeout: .seconds(timeout), bodyTimeout: .seconds(timeout))
    try runServer(core, settings)
    printError("tabby serve: draining the batch queues")
    for model in table.all { model.stop() }
    printError("tabby serve: stopped")
  }

  private func readToken() throws -> String? {
    guard let tokenFile else { return nil }
    guard let data = FileManager.default.contents(atPath: tokenFile),
      let text = String(data: data, encoding: .utf8)
    else { throw ValidationError("cannot read --token-file \(tokenFile)") }
    let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !token.isEmpty, !token.contains(where: \.isNewline) else {
      throw ValidationError("--token-file \(tokenFile) must hold one non-empty line")
    }
    return token
  }

  /// Loads the models on a thread of their own, so health checks answer (not ready) while
  /// they load; a model that fails to load stops the server with its error.
  private func startLoading(_ specs: [ModelSpec], loader: ModelLoader, workers: Int, into core: ServerCore) {
    let (maxBatch, maxQueue) = (self.maxBatch, self.maxQueue)
    let delay = Duration.microseconds(Int64(batchDelayMs * 1000))
    let thread = Thread {
      for spec in specs {
        do {
          let (model, loaded) = try loader.load(spec)
          var description = loaded
          // Warmed up on the CPU, the plan holds its own weights: the file's copy can go.
          if loader.session.context.device == .cpu, ModelLoader.releasePlanningWeights(model, &description) {
            printError("tabby serve: \(spec.name): planned; its source weights released")
          }
          let metrics = core.metrics
          let served = ServedModel(
            description: description, engine: ClassifierEngine(model: model, context: loader.session.context), maxBatch: maxBatch,
            delay: delay, maxQueue: maxQueue, workers: workers,
            onBatch: { metrics.batch(model: spec.name, size: $0, duration: $1) },
            onIdle: (after: .seconds(2), call: { ProcessMemory.returnFreePages() }))
          core.metrics.loaded(model: spec.name, seconds: description.loadSeconds)
          core.models.add(served)
        } catch {
          printError("tabby serve: cannot load model '\(spec.name)' from \(spec.source): \(error)")
          Foundation.exit(1)
        }
      }
      // What loading freed (file bytes, unpacked weights, the warm-up's activations) stays
      // resident under the inference malloc tuning until handed back.
      ProcessMemory.returnFreePages()
      printError("tabby serve: ready (\(specs.map(\.name).joined(separator: ", ")))")
    }
    thread.start()
  }

  /// Runs the async server from this synchronous command and waits for it to stop.
  private func runServer(_ core: ServerCore, _ settings: HTTPServerSettings) throws {
    let done = DispatchSemaphore(value: 0)
    let failure = FailureBox()
    Task {
      do {
        try await ModelHTTPServer.run(core: core, settings: settings) { port in
          printError("tabby serve: listening on http://\(settings.host):\(port)")
        }
      } catch {
        failure.error = error
      }
      done.signal()
    }
    done.wait()
    if let error = failure.error { throw error }
  }
}

/// Carries the server task's error back to the waiting thread.
private final class FailureBox: @unchecked Sendable {
  var error: (any Error)?
}
