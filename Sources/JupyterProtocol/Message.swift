import JSON
import Synchronization

/// One Jupyter message, decoded: routing identities, the four JSON parts and raw buffers.
public struct Message: Sendable, Equatable {
  public var identities: [[UInt8]]
  public var header: JSONObject
  public var parentHeader: JSONObject
  public var metadata: JSONObject
  public var content: JSONObject
  public var buffers: [[UInt8]]

  public init(
    identities: [[UInt8]] = [], header: JSONObject, parentHeader: JSONObject = [:],
    metadata: JSONObject = [:], content: JSONObject = [:], buffers: [[UInt8]] = []
  ) {
    self.identities = identities
    self.header = header
    self.parentHeader = parentHeader
    self.metadata = metadata
    self.content = content
    self.buffers = buffers
  }

  /// `header.msg_type`, or "" when absent.
  public var type: String { header["msg_type"]?.stringValue ?? "" }
  /// `header.msg_id`, or "" when absent.
  public var id: String { header["msg_id"]?.stringValue ?? "" }
}

/// The protocol version Tabby speaks.
public let protocolVersion = "5.4"

/// Makes headers for outgoing messages of one kernel session.
public struct Session: Sendable {
  public let id: String
  public let username: String
  public let signer: Signer

  private let counter = MessageCounter()

  public init(signer: Signer, id: String = makeUUID(), username: String = "tabby") {
    self.signer = signer
    self.id = id
    self.username = username
  }

  /// A fresh message id: the session's random id and a counter, as jupyter_client
  /// makes them (unique without a getrandom call per message).
  public func nextMessageID() -> String {
    "\(id)_\(counter.next())"
  }

  /// A fresh header for a message of `type`.
  public func header(_ type: String) -> JSONObject {
    [
      "msg_id": .string(nextMessageID()), "session": .string(id), "username": .string(username),
      "date": .string(isoTimestamp()), "msg_type": .string(type),
      "version": .string(protocolVersion),
    ]
  }

  /// A message of `type` in reply to (or published on behalf of) `parent`.
  public func message(
    _ type: String, content: JSONObject, parent: Message?, identities: [[UInt8]]? = nil,
    metadata: JSONObject = [:]
  ) -> Message {
    Message(
      identities: identities ?? parent?.identities ?? [], header: header(type),
      parentHeader: parent?.header ?? [:], metadata: metadata, content: content)
  }

  /// Signed wire frames for `message`.
  public func encode(_ message: Message) -> [[UInt8]] {
    WireCodec.encode(message, signer: signer)
  }
}

/// A thread-safe message counter shared by every copy of a `Session`.
final class MessageCounter: Sendable {
  private let value = Atomic<Int>(0)
  func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue }
}
