import JSON

/// Why a wire message was dropped. The message text never contains the key.
public enum WireError: Error, Equatable, CustomStringConvertible, Sendable {
  case missingDelimiter
  case tooFewFrames(Int)
  case badSignature
  case replayed
  case invalidJSON(part: String, JSONError)
  case notAnObject(part: String)
  case missingMessageType

  public var description: String {
    switch self {
    case .missingDelimiter: "no <IDS|MSG> delimiter frame"
    case .tooFewFrames(let n): "only \(n) frames after the delimiter (need signature + 4 parts)"
    case .badSignature: "signature missing or wrong"
    case .replayed: "replay of an already accepted message"
    case .invalidJSON(let part, let e): "\(part) is not JSON: \(e)"
    case .notAnObject(let part): "\(part) is not a JSON object"
    case .missingMessageType: "header has no msg_type"
    }
  }
}

/// Encodes and decodes the Jupyter multipart wire format:
/// identities…, "<IDS|MSG>", signature, header, parent_header, metadata, content, buffers….
public enum WireCodec {
  public static let delimiter: [UInt8] = Array("<IDS|MSG>".utf8)

  /// Signed frames for `message`.
  public static func encode(_ message: Message, signer: Signer) -> [[UInt8]] {
    let parts = [
      JSON.object(message.header).bytes, JSON.object(message.parentHeader).bytes,
      JSON.object(message.metadata).bytes, JSON.object(message.content).bytes,
    ]
    var frames = message.identities
    frames.reserveCapacity(frames.count + 6 + message.buffers.count)
    frames.append(delimiter)
    frames.append(signer.sign(parts))
    frames.append(contentsOf: parts)
    frames.append(contentsOf: message.buffers)
    return frames
  }

  /// Verifies the signature over the raw frames, refuses replays, and only then parses JSON.
  public static func decode(
    _ frames: [[UInt8]], signer: Signer, replayGuard: ReplayGuard? = nil
  ) throws(WireError) -> Message {
    guard let split = frames.firstIndex(of: delimiter) else { throw .missingDelimiter }
    let rest = frames.count - split - 1
    guard rest >= 5 else { throw .tooFewFrames(rest) }
    let signature = frames[split + 1]
    let signed = frames[(split + 2)..<(split + 6)]
    guard signer.verify(signature, signed) else { throw .badSignature }
    if signer.isEnabled, let replayGuard, !replayGuard.admit(signature) { throw .replayed }
    let names = ["header", "parent_header", "metadata", "content"]
    var objects: [JSONObject] = []
    for (name, bytes) in zip(names, signed) {
      let value: JSON
      do { value = try JSON.parse(bytes, maxDepth: 64) } catch {
        throw .invalidJSON(part: name, error)
      }
      guard case .object(let object) = value else { throw .notAnObject(part: name) }
      objects.append(object)
    }
    guard objects[0]["msg_type"]?.stringValue != nil else { throw .missingMessageType }
    return Message(
      identities: Array(frames[..<split]), header: objects[0], parentHeader: objects[1],
      metadata: objects[2], content: objects[3], buffers: Array(frames[(split + 6)...]))
  }
}
