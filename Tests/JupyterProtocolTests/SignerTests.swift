import JSON
import Testing

@testable import JupyterProtocol

/// RFC 4231 HMAC-SHA256 test cases 1–4, 6 and 7 (5 truncates the output).
struct RFC4231Case: Sendable, CustomTestStringConvertible {
  var key: [UInt8]
  var data: [UInt8]
  var mac: String
  var testDescription: String { mac.prefix(8) + "…" }
}

private func hexBytes(_ s: String) -> [UInt8] {
  var out: [UInt8] = []
  var i = s.startIndex
  while i < s.endIndex {
    let j = s.index(i, offsetBy: 2)
    out.append(UInt8(s[i..<j], radix: 16)!)
    i = j
  }
  return out
}

let rfc4231: [RFC4231Case] = [
  RFC4231Case(
    key: [UInt8](repeating: 0x0b, count: 20), data: Array("Hi There".utf8),
    mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
  RFC4231Case(
    key: Array("Jefe".utf8), data: Array("what do ya want for nothing?".utf8),
    mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
  RFC4231Case(
    key: [UInt8](repeating: 0xaa, count: 20), data: [UInt8](repeating: 0xdd, count: 50),
    mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
  RFC4231Case(
    key: hexBytes("0102030405060708090a0b0c0d0e0f10111213141516171819"),
    data: [UInt8](repeating: 0xcd, count: 50),
    mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
  RFC4231Case(
    key: [UInt8](repeating: 0xaa, count: 131),
    data: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
    mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
  RFC4231Case(
    key: [UInt8](repeating: 0xaa, count: 131),
    data: Array(
      ("This is a test using a larger than block-size key and a larger than block-size data. "
        + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
    mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
]

@Test(arguments: rfc4231)
func hmacSHA256MatchesRFC4231(c: RFC4231Case) throws {
  // Most RFC keys are not UTF-8 text, hence the raw-key initialiser.
  let signer = try Signer(scheme: "hmac-sha256", rawKey: c.key)
  #expect(Signer.hex(signer.mac([c.data])) == Array(c.mac.utf8))
  // Splitting the data into parts must not change the MAC: frames are concatenated.
  let mid = c.data.count / 2
  #expect(
    Signer.hex(signer.mac([Array(c.data[..<mid]), Array(c.data[mid...])])) == Array(c.mac.utf8))
}

@Test func verifiesAMessageSignedByJupyterClient() throws {
  let signer = try Signer(scheme: JupyterClientFixture.scheme, key: JupyterClientFixture.key)
  let frames = JupyterClientFixture.frames.map { Array($0.utf8) }
  let msg = try WireCodec.decode(frames, signer: signer)
  #expect(msg.type == "execute_request")
  #expect(msg.identities == [Array("client-identity".utf8)])
  #expect(msg.content["code"] == .string("print(\"héllo\")\n1+2"))
  #expect(msg.header["username"] == "alice")
  // Re-encoding the same parts with our signer gives jupyter_client's signature.
  #expect(signer.sign(frames[3...6]) == frames[2])
}

@Test(arguments: ["hmac-sha256", "hmac-sha512", "hmac-sha1", "hmac-md5", "hmac-sha384"])
func supportsOpenSSLDigests(scheme: String) throws {
  let signer = try Signer(scheme: scheme, key: "k")
  let sig = signer.sign([[1, 2, 3]])
  #expect(sig.count == signer.signatureLength)
  #expect(signer.verify(sig, [[1, 2, 3]]))
}

@Test(arguments: ["", "sha256", "hmac-", "hmac-nosuchdigest", "rsa-sha256"])
func rejectsUnknownSchemes(scheme: String) {
  #expect(throws: SignerError.self) { try Signer(scheme: scheme, key: "k") }
}

@Test func unknownSchemeErrorNamesSchemeNotKey() {
  do {
    _ = try Signer(scheme: "hmac-bogus", key: "secret-key-value")
    Issue.record("expected an error")
  } catch {
    #expect(error.description.contains("hmac-bogus"))
    #expect(!error.description.contains("secret-key-value"))
  }
}

@Test func verifyRejectsWrongLengthsAndTampering() throws {
  let signer = try Signer(scheme: "hmac-sha256", key: "key")
  let parts: [[UInt8]] = [Array("{}".utf8), [], [], []]
  let good = signer.sign(parts)
  #expect(signer.verify(good, parts))
  #expect(signer.verify(good.map { $0 >= 0x61 && $0 <= 0x66 ? $0 - 0x20 : $0 }, parts))  // uppercase hex
  #expect(!signer.verify([], parts))
  #expect(!signer.verify(Array(good.dropLast()), parts))
  #expect(!signer.verify(good + [0x30], parts))
  var flipped = good
  flipped[10] = flipped[10] == 0x30 ? 0x31 : 0x30
  #expect(!signer.verify(flipped, parts))
  #expect(!signer.verify(good, [Array("{ }".utf8), [], [], []]))
}

@Test func emptyKeyTurnsSigningOff() throws {
  let signer = try Signer(scheme: "hmac-sha256", key: "")
  #expect(!signer.isEnabled)
  #expect(signer.sign([[1]]) == [])
  #expect(signer.verify([], [[1]]))
}
