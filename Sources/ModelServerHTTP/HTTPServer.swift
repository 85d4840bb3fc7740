import HTTPTypes
import Hummingbird
import Logging
import ModelServer
import NIOCore

/// Where and how the HTTP server listens.
public struct HTTPServerSettings: Sendable {
  /// The address to bind (127.0.0.1 unless told otherwise).
  public var host: String
  /// The port; 0 picks a free one (reported to `onListening`).
  public var port: Int
  /// Bodies over this many bytes get 413 (checked on Content-Length before reading).
  public var maxBody: Int
  /// A connection with nothing to read or write for this long is closed.
  public var idleTimeout: Duration
  /// A request whose body has not arrived in full by then gets 408.
  public var bodyTimeout: Duration

  /// Makes settings.
  public init(
    host: String = "127.0.0.1", port: Int = 8080, maxBody: Int = 16 << 20,
    idleTimeout: Duration = .seconds(30), bodyTimeout: Duration = .seconds(30)
  ) {
    self.host = host
    self.port = port
    self.maxBody = maxBody
    self.idleTimeout = idleTimeout
    self.bodyTimeout = bodyTimeout
  }
}

/// The HTTP layer: Hummingbird 2 on SwiftNIO in front of `ServerCore`.
public enum ModelHTTPServer {
  /// Serves until SIGTERM or SIGINT (or the task is cancelled): then stops accepting,
  /// finishes the requests in flight and returns. With `handleSignals` false only
  /// cancellation stops it: a host process (the notebook kernel) keeps its own signals.
  public static func run(
    core: ServerCore, settings: HTTPServerSettings, handleSignals: Bool = true,
    onListening: @escaping @Sendable (Int) -> Void
  ) async throws {
    var logger = Logger(label: "tabby.serve")
    logger.logLevel = .warning
    let idle = TimeAmount.nanoseconds(Int64(settings.idleTimeout.components.seconds) * 1_000_000_000)
    let app = Application(
      responder: Responder(core: core, maxBody: settings.maxBody, bodyTimeout: settings.bodyTimeout),
      server: .http1(configuration: .init(idleTimeout: idle)),
      configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "tabby"),
      onServerRunning: { channel in onListening(channel.localAddress?.port ?? settings.port) },
      logger: logger)
    try await app.runService(gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [])
  }
}

/// The request context: the default one plus the channel, to close a connection whose
/// body was refused.
struct ServeContext: RequestContext {
  var coreContext: CoreRequestContextStorage
  let channel: any Channel

  init(source: ApplicationRequestContextSource) {
    coreContext = .init(source: source)
    channel = source.channel
  }
}

/// Collects the body (bounded in size and time), hands the request to the core, writes
/// its answer.
struct Responder: HTTPResponder {
  let core: ServerCore
  let maxBody: Int
  let bodyTimeout: Duration

  func respond(to request: Request, context: ServeContext) async throws -> Response {
    if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > maxBody {
      return refuse(tooLarge: length, context: context)
    }
    let body: ByteBuffer
    do {
      body = try await collect(request.body)
    } catch is BodyTooLarge {
      return refuse(tooLarge: nil, context: context)
    } catch is BodyTimeout {
      closeSoon(context.channel)
      return response(ServeError(408, "the request body did not arrive within \(bodyTimeout)").response)
    }
    var headers: [String: String] = [:]
    for field in request.headers { headers[field.name.canonicalName] = field.value }
    let (path, query) = ServerRequest.split(target: request.uri.string)
    let served = await core.handle(
      ServerRequest(
        method: request.method.rawValue, path: path, query: query, headers: headers,
        body: Array(buffer: body)))
    return response(served)
  }

  /// 413 before reading the body; the connection closes soon after, so the rest is not read.
  private func refuse(tooLarge length: Int?, context: ServeContext) -> Response {
    closeSoon(context.channel)
    let size = length.map { "\($0) bytes" } ?? "the body"
    var answer = ServeError(413, "\(size) is over the \(maxBody)-byte limit (--max-body)").response
    answer.headers.append(("Connection", "close"))
    return response(answer)
  }

  /// Closes the connection after the answer had time to leave.
  private func closeSoon(_ channel: any Channel) {
    channel.eventLoop.scheduleTask(in: .milliseconds(200)) { channel.close(promise: nil) }
  }

  private struct BodyTooLarge: Error {}
  private struct BodyTimeout: Error {}

  /// The whole body, or an error past `maxBody` bytes or `bodyTimeout`.
  private func collect(_ body: RequestBody) async throws -> ByteBuffer {
    let limit = maxBody
    let timeout = bodyTimeout
    return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
      group.addTask {
        var collected = ByteBuffer()
        for try await chunk in body {
          guard collected.readableBytes + chunk.readableBytes <= limit else { throw BodyTooLarge() }
          var chunk = chunk
          collected.writeBuffer(&chunk)
        }
        return collected
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        return nil
      }
      defer { group.cancelAll() }
      guard let first = try await group.next(), let buffer = first else { throw BodyTimeout() }
      return buffer
    }
  }

  private func response(_ served: ServerResponse) -> Response {
    var fields = HTTPFields()
    for (name, value) in served.headers {
      if let field = HTTPField.Name(name) { fields.append(HTTPField(name: field, value: value)) }
    }
    return Response(
      status: HTTPResponse.Status(code: served.status), headers: fields,
      body: ResponseBody(byteBuffer: ByteBuffer(bytes: served.body)))
  }
}
