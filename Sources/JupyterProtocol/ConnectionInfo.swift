import JSON

/// Why a connection file could not be used.
public struct ConnectionFileError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}

/// The contents of a Jupyter connection file.
public struct ConnectionInfo: Sendable, Equatable {
  public var transport: String
  public var ip: String
  public var shellPort: Int
  public var iopubPort: Int
  public var stdinPort: Int
  public var controlPort: Int
  public var hbPort: Int
  public var key: String
  public var signatureScheme: String

  /// Parses connection-file JSON; names the field that is missing or wrong.
  public init(json bytes: [UInt8]) throws(ConnectionFileError) {
    let value: JSON
    do { value = try JSON.parse(bytes) } catch {
      throw ConnectionFileError(message: "connection file is not JSON: \(error)")
    }
    guard case .object(let o) = value else {
      throw ConnectionFileError(message: "connection file is not a JSON object")
    }
    func port(_ name: String) throws(ConnectionFileError) -> Int {
      guard let p = o[name]?.intValue, (0...65535).contains(p) else {
        throw ConnectionFileError(
          message: "connection file: '\(name)' is missing or not a port number")
      }
      return p
    }
    transport = o["transport"]?.stringValue ?? "tcp"
    guard transport == "tcp" || transport == "ipc" else {
      throw ConnectionFileError(message: "connection file: unsupported transport '\(transport)'")
    }
    ip = o["ip"]?.stringValue ?? "127.0.0.1"
    shellPort = try port("shell_port")
    iopubPort = try port("iopub_port")
    stdinPort = try port("stdin_port")
    controlPort = try port("control_port")
    hbPort = try port("hb_port")
    key = o["key"]?.stringValue ?? ""
    signatureScheme = o["signature_scheme"]?.stringValue ?? "hmac-sha256"
  }

  /// The ZeroMQ endpoint for `port`, as jupyter_client spells it for each transport.
  public func endpoint(_ port: Int) -> String {
    transport == "ipc"
      ? "ipc://\(ip)-\(port)" : "tcp://\(ip.contains(":") ? "[\(ip)]" : ip):\(port)"
  }
}
