import Classifier
import Foundation
import JSON

/// Settings the core needs from the command line.
public struct ServeOptions: Sendable {
  /// A bearer token every endpoint but the health checks requires; nil: none.
  public var token: String?
  /// The server's version, for `GET /v2`.
  public var version: String

  /// Makes options.
  public init(token: String? = nil, version: String = "0") {
    self.token = token
    self.version = version
  }
}

/// The model server without sockets: routes a collected request to the MMS/TorchServe or
/// Open Inference Protocol handlers and answers it; every failure is a JSON error response.
public final class ServerCore: Sendable {
  /// The models served.
  public let models: ModelTable
  /// The Prometheus metrics.
  public let metrics: ServerMetrics
  let options: ServeOptions

  /// Makes the core.
  public init(models: ModelTable, metrics: ServerMetrics = ServerMetrics(), options: ServeOptions) {
    self.models = models
    self.metrics = metrics
    self.options = options
  }

  /// Answers one request and records it in the metrics.
  public func handle(_ request: ServerRequest) async -> ServerResponse {
    let start = ContinuousClock.now
    // The runtime's threads decode images and build answers: their heaps are handed back
    // with the batch workers' when the server goes idle.
    ProcessMemory.noteThread()
    defer { ProcessMemory.noteThread() }
    let route = Route(request)
    let response: ServerResponse
    do {
      try authorize(request, route)
      response = try await answer(request, route)
    } catch let error as ServeError {
      response = error.response
    } catch {
      response = ServeError(500, "internal error: \(error)").response
    }
    let model = route.model.flatMap { models.isKnown($0) ? $0 : nil } ?? ""
    metrics.request(
      model: model, endpoint: route.endpoint, status: response.status,
      duration: ContinuousClock.now - start)
    return response
  }

  /// Health checks are open; with a token set, everything else needs `Bearer TOKEN`.
  private func authorize(_ request: ServerRequest, _ route: Route) throws(ServeError) {
    guard let token = options.token, !route.isHealth else { return }
    let given = request.headers["authorization"] ?? ""
    let expected = "Bearer " + token
    guard constantTimeEqual(Array(given.utf8), Array(expected.utf8)) else {
      throw ServeError(
        401, "a bearer token is required (Authorization: Bearer …)",
        headers: ["WWW-Authenticate": "Bearer"])
    }
  }

  /// Dispatches on the route.
  private func answer(_ request: ServerRequest, _ route: Route) async throws -> ServerResponse {
    try route.check(method: request.method)
    switch route.kind {
    case .ping: return ping()
    case .metrics: return metricsText()
    case .listModels: return listModels()
    case .describeModel(let name): return try describeModel(name)
    case .predictions(let name): return try await predictions(name, request)
    case .legacyPredict(let name): return try await legacyPredict(name, request)
    case .v2Server: return v2ServerMetadata()
    case .v2Live: return .json(["live": true])
    case .v2Ready:
      return .json(["ready": .bool(models.isReady)], status: models.isReady ? 200 : 503)
    case .v2Model(let name): return try v2ModelMetadata(name)
    case .v2ModelReady(let name): return try v2ModelReady(name)
    case .v2Infer(let name): return try await v2Infer(name, request)
    case .notFound:
      throw ServeError(404, "no endpoint \(request.method) \(request.path)")
    }
  }

  /// The loaded model, 404 when unknown and 503 while it loads.
  func model(_ name: String) throws(ServeError) -> ServedModel {
    if let model = models.model(name) { return model }
    if models.isKnown(name) {
      throw ServeError(503, "model '\(name)' is still loading", headers: ["Retry-After": "1"])
    }
    throw ServeError(404, "model '\(name)' is not served here")
  }

  private func ping() -> ServerResponse {
    models.isReady
      ? .json(["status": "Healthy"]) : .json(["status": "Unhealthy"], status: 503)
  }

  private func metricsText() -> ServerResponse {
    let body = metrics.exposition(queueDepths: models.all.map { ($0.description.name, $0.batcher.depth) })
    return ServerResponse(
      status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: body)
  }
}

/// Compares without an early exit, so the time taken does not tell how much matched.
func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
  var diff = UInt8(a.count == b.count ? 0 : 1)
  for i in 0..<max(a.count, b.count) {
    diff |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0)
  }
  return diff == 0
}
