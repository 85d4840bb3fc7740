import JSON
import Testing

@testable import JupyterProtocol

private let signer = try! Signer(scheme: "hmac-sha256", key: "a-test-key")
private let session = Session(signer: signer, id: "session-1")

private func sample(identities: [[UInt8]] = [Array("id-1".utf8)], buffers: [[UInt8]] = [])
  -> Message
{
  var m = session.message(
    "execute_request", content: ["code": "1+2", "silent": false], parent: nil)
  m.identities = identities
  m.buffers = buffers
  m.metadata = ["k": [1, 2]]
  return m
}

@Test(arguments: [
  [[UInt8]](), [Array("one".utf8)], [Array("a".utf8), [0, 1, 2, 255], []],
])
func roundTripKeepsIdentities(identities: [[UInt8]]) throws {
  let m = sample(identities: identities, buffers: [[9, 8, 7], []])
  let decoded = try WireCodec.decode(WireCodec.encode(m, signer: signer), signer: signer)
  #expect(decoded == m)
  #expect(decoded.identities == identities)
}

@Test func encodedLayoutIsTheJupyterWireFormat() {
  let frames = WireCodec.encode(sample(), signer: signer)
  #expect(frames.count == 7)
  #expect(frames[1] == Array("<IDS|MSG>".utf8))
  #expect(frames[2].count == 64)
  #expect(frames[2] == signer.sign(frames[3...6]))
}

@Test(arguments: 0..<6)
func rejectsShortFrameLists(keep: Int) {
  let frames = Array(WireCodec.encode(sample(), signer: signer).prefix(1 + keep))
  #expect(throws: WireError.self) { try WireCodec.decode(frames, signer: signer) }
}

@Test func rejectsMissingDelimiter() {
  var frames = WireCodec.encode(sample(), signer: signer)
  frames[1] = Array("<IDS|MSG".utf8)
  #expect(throws: WireError.missingDelimiter) { try WireCodec.decode(frames, signer: signer) }
  #expect(throws: WireError.missingDelimiter) { try WireCodec.decode([], signer: signer) }
}

@Test(arguments: [2, 3, 4, 5, 6])
func anyTamperedSignedFrameFailsVerification(index: Int) {
  var frames = WireCodec.encode(sample(), signer: signer)
  frames[index].append(0x20)
  #expect(throws: WireError.badSignature) { try WireCodec.decode(frames, signer: signer) }
}

@Test func buffersAreNotSigned() throws {
  var frames = WireCodec.encode(sample(buffers: [[1]]), signer: signer)
  frames[7] = [2]
  #expect(try WireCodec.decode(frames, signer: signer).buffers == [[2]])
}

@Test func rejectsEmptyAndForeignSignatures() throws {
  var frames = WireCodec.encode(sample(), signer: signer)
  frames[2] = []
  #expect(throws: WireError.badSignature) { try WireCodec.decode(frames, signer: signer) }
  let other = try Signer(scheme: "hmac-sha256", key: "another-key")
  #expect(throws: WireError.badSignature) {
    try WireCodec.decode(WireCodec.encode(sample(), signer: other), signer: signer)
  }
}

@Test(arguments: [
  (3, "not json"), (6, "{\"a\":"), (6, "[1,2]"), (4, "\"text\""), (3, "{\"msg_id\":\"x\"}"),
])
func rejectsNonObjectOrBrokenJSONAfterVerifying(index: Int, text: String) {
  var frames = WireCodec.encode(sample(), signer: signer)
  frames[index] = Array(text.utf8)
  frames[2] = signer.sign(frames[3...6])
  #expect(throws: WireError.self) { try WireCodec.decode(frames, signer: signer) }
}

@Test func replayGuardRefusesByteIdenticalReplays() throws {
  let guardian = ReplayGuard(capacity: 4)
  let frames = WireCodec.encode(sample(), signer: signer)
  _ = try WireCodec.decode(frames, signer: signer, replayGuard: guardian)
  #expect(throws: WireError.replayed) {
    try WireCodec.decode(frames, signer: signer, replayGuard: guardian)
  }
  // A fresh message (new msg_id, new signature) is accepted.
  _ = try WireCodec.decode(
    WireCodec.encode(sample(), signer: signer), signer: signer, replayGuard: guardian)
}

@Test func replayGuardIsBounded() {
  let guardian = ReplayGuard(capacity: 3)
  for i in 0..<5 { #expect(guardian.admit([UInt8(i)])) }
  #expect(!guardian.admit([4]))
  #expect(guardian.admit([0]))  // forgotten: the history holds only the newest 3
}

@Test func headersCarryProtocolFields() throws {
  let h = session.header("status")
  for key in ["msg_id", "session", "username", "date", "msg_type", "version"] {
    #expect(h[key] != nil)
  }
  #expect(h["version"] == .string(protocolVersion))
  let date = h["date"]!.stringValue!
  #expect(date.count == 27 && date.hasSuffix("Z"))
  #expect(makeUUID() != makeUUID())
  #expect(makeUUID().count == 36)
}

@Test func parsesConnectionFiles() throws {
  let text =
    #"{"shell_port": 1, "iopub_port": 2, "stdin_port": 3, "control_port": 4, "hb_port": 5,"#
    + #" "ip": "127.0.0.1", "key": "k", "transport": "tcp", "signature_scheme": "hmac-sha256"}"#
  let info = try ConnectionInfo(json: Array(text.utf8))
  #expect(info.endpoint(info.shellPort) == "tcp://127.0.0.1:1")
  var ipc = info
  ipc.transport = "ipc"
  ipc.ip = "/tmp/kernel"
  #expect(ipc.endpoint(5) == "ipc:///tmp/kernel-5")
  #expect(throws: ConnectionFileError.self) { try ConnectionInfo(json: Array("{}".utf8)) }
  #expect(throws: ConnectionFileError.self) {
    try ConnectionInfo(json: Array(text.split(separator: "tcp").joined(separator: "udp").utf8))
  }
}
