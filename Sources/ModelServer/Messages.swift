import JSON

/// An HTTP request as the server core sees it: no sockets, the body already collected.
public struct ServerRequest: Sendable {
  /// `GET`, `POST`, …
  public var method: String
  /// The path without the query (`/predictions/squeezenet`), percent-decoded.
  public var path: String
  /// Query parameters (`topk=3`); a repeated name keeps its last value.
  public var query: [String: String]
  /// Header fields with lower-cased names.
  public var headers: [String: String]
  /// The body bytes.
  public var body: [UInt8]

  /// Makes a request; header names are lower-cased here.
  public init(
    method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:],
    body: [UInt8] = []
  ) {
    self.method = method
    self.path = path
    self.query = query
    self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }) { _, last in last }
    self.body = body
  }

  /// Splits a request target (`/a/b?x=1&y=2`) into a percent-decoded path and query.
  public static func split(target: String) -> (path: String, query: [String: String]) {
    let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
    let path = percentDecoded(parts.first.map(String.init) ?? "/", plusIsSpace: false)
    var query: [String: String] = [:]
    if parts.count == 2 {
      for pair in parts[1].split(separator: "&") {
        let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let key = percentDecoded(String(kv[0]), plusIsSpace: true)
        query[key] = kv.count == 2 ? percentDecoded(String(kv[1]), plusIsSpace: true) : ""
      }
    }
    return (path, query)
  }

  /// `%41` → `A`; malformed escapes stay as they are (never a crash).
  static func percentDecoded(_ s: String, plusIsSpace: Bool) -> String {
    let bytes = Array(s.utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "%"), i + 2 < bytes.count, let hi = hexValue(bytes[i + 1]),
        let lo = hexValue(bytes[i + 2])
      {
        out.append(hi << 4 | lo)
        i += 3
        continue
      }
      out.append(plusIsSpace && b == UInt8(ascii: "+") ? UInt8(ascii: " ") : b)
      i += 1
    }
    return String(decoding: out, as: UTF8.self)
  }

  private static func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 65...70: return c - 55
    case 97...102: return c - 87
    default: return nil
    }
  }
}

/// An HTTP response from the server core.
public struct ServerResponse: Sendable {
  /// The status code.
  public var status: Int
  /// Header fields (`Content-Type` is always set).
  public var headers: [(String, String)]
  /// The body bytes.
  public var body: [UInt8]

  /// Makes a response.
  public init(status: Int, headers: [(String, String)], body: [UInt8]) {
    self.status = status
    self.headers = headers
    self.body = body
  }

  /// A JSON response.
  public static func json(_ value: JSON, status: Int = 200, headers: [(String, String)] = [])
    -> ServerResponse
  {
    ServerResponse(
      status: status, headers: [("Content-Type", "application/json")] + headers, body: value.bytes)
  }

  /// A plain-text response.
  public static func text(_ text: String, status: Int = 200, contentType: String = "text/plain")
    -> ServerResponse
  {
    ServerResponse(status: status, headers: [("Content-Type", contentType)], body: Array(text.utf8))
  }

  /// The first value of a header, by case-insensitive name.
  public func header(_ name: String) -> String? {
    headers.first { $0.0.lowercased() == name.lowercased() }?.1
  }
}

/// A request the server refuses: the status and a message for the client's `{"error": …}`.
public struct ServeError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The HTTP status (400, 404, 413, 503, …).
  public var status: Int
  /// What went wrong, for the client.
  public var message: String
  /// Extra response headers (`Retry-After`, `WWW-Authenticate`).
  public var headers: [String: String]

  /// Makes an error.
  public init(_ status: Int, _ message: String, headers: [String: String] = [:]) {
    self.status = status
    self.message = message
    self.headers = headers
  }

  public var description: String { "\(status): \(message)" }

  /// The response: `{"code": status, "error": message}` (the Open Inference Protocol's
  /// `error` member; MMS clients read `code` too).
  public var response: ServerResponse {
    .json(
      ["code": .int(status), "error": .string(message)], status: status,
      headers: headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }
}
