import Testing

@testable import PasswordHash

private func bytes(hex: String) -> [UInt8] {
  let chars = Array(hex.utf8)
  return stride(from: 0, to: chars.count, by: 2).map {
    UInt8(String(decoding: chars[$0..<$0 + 2], as: UTF8.self), radix: 16)!
  }
}

/// RFC 9106 §5: 32 KiB, 3 passes, 4 lanes, password 32×0x01, salt 16×0x02,
/// secret 8×0x03, associated data 12×0x04, version 0x13, 32-byte tag.
@Test(arguments: [
  (Argon2Variant.d, "512b391b6f1162975371d30919734294f868e3be3984f3c1a13a4db9fabe4acb"),
  (.i, "c814d9d1dc7f37aa13f0d77f2494bda1c8de6b016dd388d29952a4c4672b6ce8"),
  (.id, "0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659"),
])
func rfc9106TestVector(variant: Argon2Variant, tag: String) throws {
  let out = try Argon2.hash(
    variant: variant, version: 0x13, memoryKiB: 32, iterations: 3, lanes: 4,
    password: [UInt8](repeating: 1, count: 32), salt: [UInt8](repeating: 2, count: 16),
    secret: [UInt8](repeating: 3, count: 8), associatedData: [UInt8](repeating: 4, count: 12),
    length: 32)
  #expect(out == bytes(hex: tag))
}

/// Encoded hashes made by argon2-cffi's `argon2.low_level.hash_secret` (a separate
/// build of the reference code), covering each variant, version 1.0 and short tags.
let argon2CffiVectors: [(password: String, encoded: String)] = [
  (
    "password",
    "$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$wmMxfQAvhLU0L6ZvoWnkvOajVqE/GRkzRjIu81IuBwI"
  ),
  (
    "password",
    "$argon2i$v=19$m=64,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$0TX/+XJqtnbmpNjOkMcRLUkG9vfnYaa8eCdEcQFOtBE"
  ),
  (
    "password",
    "$argon2d$v=19$m=64,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$WNlIX5xzlOejo3Wa59ERwn/ME4SL/Hj6bx1mGOKQGnk"
  ),
  ("pässwörd ✓", "$argon2id$v=16$m=16,t=1,p=1$MTIzNDU2Nzg$+zI0sJDVZFkQ9QtIAZ51Jw"),
  ("", "$argon2i$v=19$m=8,t=1,p=1$c2FsdHNhbHRzYWx0$mWUOng"),
]

@Test(arguments: argon2CffiVectors)
func argon2CffiHashesVerify(password: String, encoded: String) throws {
  let stored = "argon2:" + encoded
  #expect(try JupyterPassword.check(Array(password.utf8), against: stored))
  #expect(try !JupyterPassword.check(Array((password + "x").utf8), against: stored))
  #expect(try !JupyterPassword.check(Array("Password".utf8), against: stored))
}

@Test(arguments: argon2CffiVectors)
func argon2EncodingRoundTrips(password: String, encoded: String) throws {
  let parsed = try Argon2Parser.parse(Substring(encoded))
  #expect(parsed.encoded == encoded)
}

@Test func versionDefaultsToOnePointZeroWhenAbsent() throws {
  // libargon2 reads a missing $v= as version 1.0 (0x10).
  let parsed = try Argon2Parser.parse("$argon2id$m=16,t=1,p=1$MTIzNDU2Nzg$+zI0sJDVZFkQ9QtIAZ51Jw")
  #expect(parsed.version == 0x10)
  #expect(try parsed.matches(Array("pässwörd ✓".utf8)))
}

@Test func newArgon2HashHasJupytersParameters() throws {
  let password = Array("correct horse".utf8)
  let first = try JupyterPassword.hash(password)
  let second = try JupyterPassword.hash(password)
  #expect(first.hasPrefix("argon2:$argon2id$v=19$m=10240,t=10,p=8$"))
  #expect(first != second, "each hash needs a fresh random salt")
  guard case .argon2(let parsed) = try JupyterPassword.parse(first) else {
    Issue.record("not parsed as argon2: \(first)")
    return
  }
  #expect(parsed.salt.count == 16)
  #expect(parsed.tag.count == 32)
  let fields = first.split(separator: "$")
  #expect(fields.suffix(2).allSatisfy { !$0.contains("=") }, "base64 without padding")
  #expect(try JupyterPassword.check(password, against: first))
  #expect(try !JupyterPassword.check(Array("correct horse ".utf8), against: first))
}

@Test(arguments: [
  ([UInt8](), ""), ([0x00], "AA"), ([0xFF, 0xFE], "//4"), ([1, 2, 3], "AQID"),
  (Array("somesaltsomesalt".utf8), "c29tZXNhbHRzb21lc2FsdA"),
])
func base64RoundTrips(raw: [UInt8], text: String) {
  #expect(Base64.encode(raw) == text)
  #expect(Base64.decode(Array(text.utf8)) == raw)
}

@Test(arguments: ["AQID=", "A", "AB", "AR", "//5", "A-B", "AQ ID"])
func base64RejectsNonCanonicalText(text: String) {
  #expect(Base64.decode(Array(text.utf8)) == nil)
}
