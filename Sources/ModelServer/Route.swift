/// Which endpoint a request path names.
struct Route {
  enum Kind: Equatable {
    case ping, metrics, listModels, v2Server, v2Live, v2Ready, notFound
    case describeModel(String), predictions(String), legacyPredict(String)
    case v2Model(String), v2ModelReady(String), v2Infer(String)
  }

  let kind: Kind

  init(_ request: ServerRequest) {
    kind = Self.match(request.path.split(separator: "/", omittingEmptySubsequences: true).map(String.init))
  }

  /// The model named in the path, if any.
  var model: String? {
    switch kind {
    case .describeModel(let m), .predictions(let m), .legacyPredict(let m), .v2Model(let m),
      .v2ModelReady(let m), .v2Infer(let m):
      return m
    default: return nil
    }
  }

  /// Whether this is a health check (open even with a token).
  var isHealth: Bool { kind == .ping || kind == .v2Live || kind == .v2Ready }

  /// The endpoint's name in metrics (never the raw path: clients choose paths).
  var endpoint: String {
    switch kind {
    case .ping: "ping"
    case .metrics: "metrics"
    case .listModels, .describeModel: "models"
    case .predictions: "predictions"
    case .legacyPredict: "predict"
    case .v2Server, .v2Live, .v2Ready, .v2Model, .v2ModelReady: "v2"
    case .v2Infer: "v2_infer"
    case .notFound: "unknown"
    }
  }

  /// 405 when the method does not fit the endpoint.
  func check(method: String) throws(ServeError) {
    if kind == .notFound { return }
    let post: Bool
    switch kind {
    case .predictions, .legacyPredict, .v2Infer: post = true
    default: post = false
    }
    let allowed = post ? "POST" : "GET"
    guard method == allowed || (!post && method == "HEAD") else {
      throw ServeError(405, "\(endpoint) takes \(allowed), not \(method)", headers: ["Allow": allowed])
    }
  }

  private static func match(_ p: [String]) -> Kind {
    switch p.count {
    case 1:
      return ["ping": .ping, "metrics": .metrics, "models": .listModels, "v2": .v2Server][p[0]] ?? .notFound
    case 2:
      if p[0] == "models" { return .describeModel(p[1]) }
      if p[0] == "predictions" { return .predictions(p[1]) }
      if p[1] == "predict" { return .legacyPredict(p[0]) }
      return .notFound
    case 3 where p[0] == "v2" && p[1] == "health":
      return p[2] == "live" ? .v2Live : p[2] == "ready" ? .v2Ready : .notFound
    case 3 where p[0] == "v2" && p[1] == "models":
      return .v2Model(p[2])
    case 3 where p[0] == "predictions":
      return .predictions(p[1])  // TorchServe's /predictions/{model}/{version}
    default:
      guard p.count >= 3, p[0] == "v2", p[1] == "models" else { return .notFound }
      // /v2/models/{m}[/versions/{v}][/ready|/infer]
      var rest = Array(p[3...])
      if rest.count >= 2, rest[0] == "versions" { rest.removeFirst(2) }
      switch rest {
      case []: return .v2Model(p[2])
      case ["ready"]: return .v2ModelReady(p[2])
      case ["infer"]: return .v2Infer(p[2])
      default: return .notFound
      }
    }
  }
}
