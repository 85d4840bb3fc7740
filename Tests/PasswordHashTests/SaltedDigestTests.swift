import Testing

@testable import PasswordHash

/// Digests of "mypassword" + "0e112c3ddfce" from Python's hashlib; the sha1 line is
/// the example in jupyter_server's own `passwd_check` docstring.
@Test(arguments: [
  "md5:0e112c3ddfce:9cd36df1c16b1998765dc2a9841b2162",
  "sha1:0e112c3ddfce:a68df677475c2b47b6e86d0467eec97ac5f4b85a",
  "sha224:0e112c3ddfce:4f6616afa36264a30446e80199d81af947b260dc99ffb027586ee617",
  "sha256:0e112c3ddfce:152b38c1711d7c158cec3116a0bd4a88385065f6f6e77e05b0d525e4a5f7982b",
  "sha384:0e112c3ddfce:f865cb2a1ca744d8586a773959a389a33a4b77c837b656e5aea4f3babdab1fce56e443c365a3a0e459d0ce4fb5f29a11",
  "sha512:0e112c3ddfce:c7a6507003edab11f7c6d458bc42790002cea20ca52f8ce759d1bd3e19adf2c2c1c8b250f2d1f9796c959ed0f95efe69bcf8cca9c9bcdd02caeb582700fc23f1",
])
func knownSaltedDigestsVerify(stored: String) throws {
  #expect(try JupyterPassword.check(Array("mypassword".utf8), against: stored))
  #expect(try !JupyterPassword.check(Array("mypasswore".utf8), against: stored))
  #expect(try !JupyterPassword.check([], against: stored))
}

@Test func unicodePasswordAndEmptySalt() throws {
  let unicode = "sha256:abc:993e547ce96213ac36537b4b5d52a219328b1a7a33bd2bafed84d21eef7eb360"
  #expect(try JupyterPassword.check(Array("pässwörd ✓".utf8), against: unicode))
  // sha1 of the empty string: empty password, empty salt.
  let empty = "sha1::da39a3ee5e6b4b0d3255bfef95601890afd80709"
  #expect(try JupyterPassword.check([], against: empty))
  #expect(try !JupyterPassword.check([0x20], against: empty))
}

@Test(arguments: [JupyterPassword.Algorithm.sha1, .sha256, .sha512])
func newSaltedHashesHaveJupytersShape(algorithm: JupyterPassword.Algorithm) throws {
  let password = Array("tabby cat".utf8)
  let stored = try JupyterPassword.hash(password, algorithm: algorithm)
  let parts = stored.split(separator: ":", omittingEmptySubsequences: false)
  let hexLength = ["sha1": 40, "sha256": 64, "sha512": 128][algorithm.rawValue]!
  #expect(parts.count == 3)
  #expect(parts[0] == algorithm.rawValue)
  #expect(parts[1].count == 12 && parts[1].allSatisfy(\.isHexDigit))
  #expect(parts[2].count == hexLength && parts[2].allSatisfy { $0.isHexDigit && !$0.isUppercase })
  #expect(try JupyterPassword.check(password, against: stored))
  #expect(try !JupyterPassword.check(Array("tabby dog".utf8), against: stored))
  #expect(try JupyterPassword.hash(password, algorithm: algorithm) != stored)
}

/// Hashes jupyter_server can never match (or crashes on), each with the part named.
@Test(arguments: [
  ("", "expected argon2:"),
  ("nonsense", "expected argon2:"),
  ("sha1:0e112c3ddfce", "expected argon2:"),
  ("sha1:0e112c3ddfce:", "40 lowercase hexadecimal"),
  ("sha1:0e112c3ddfce:A68DF677475C2B47B6E86D0467EEC97AC5F4B85A", "lowercase"),
  ("sha1:0e112c3ddfce:a68df677475c2b47b6e86d0467eec97ac5f4b85", "40 lowercase"),
  ("sha1:sälz:a68df677475c2b47b6e86d0467eec97ac5f4b85a", "salt must be ASCII"),
  ("nosuchhash:salt:00", "unknown hash algorithm"),
  ("sha1,x:salt:00", "unknown hash algorithm"),
  ("shake_128:salt:00", "unknown hash algorithm"),
  ("argon2:", "must start with $argon2"),
  ("argon2:argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHQ$AAAAAA", "must start with $argon2"),
  ("argon2:$argon2x$v=19$m=64,t=2,p=2$c29tZXNhbHQ$AAAAAA", "unknown argon2 variant"),
  ("argon2:$argon2idd$v=19$m=64,t=2,p=2$c29tZXNhbHQ$AAAAAA", "unknown argon2 variant"),
  ("argon2:$argon2id$v=18$m=64,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA", "version"),
  ("argon2:$argon2id$v=19$m=064,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA", "memory cost"),
  ("argon2:$argon2id$v=19$m=4294967296,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA", "memory cost"),
  ("argon2:$argon2id$v=19$m=64,t=0,p=2$c29tZXNhbHRzYWx0$AAAAAA", "time cost"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=0$c29tZXNhbHRzYWx0$AAAAAA", "parallelism"),
  ("argon2:$argon2id$v=19$m=15,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA", "at least 8 × p"),
  ("argon2:$argon2id$v=19$t=2,m=64,p=2$c29tZXNhbHRzYWx0$AAAAAA", "$m="),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c2FsdA$AAAAAA", "salt is shorter"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0$AAA", "hash is shorter"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0=$AAAAAA", "salt is not"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA==", "hash is not"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAB", "hash is not"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0$AAAAAA$", "after the hash"),
  ("argon2:$argon2id$v=19$m=64,t=2,p=2$c29tZXNhbHRzYWx0", "before the hash"),
])
func malformedHashesAreNamed(stored: String, reason: String) {
  #expect {
    _ = try JupyterPassword.check(Array("pw".utf8), against: stored)
  } throws: { error in
    guard case .malformed(let why) = error as? PasswordHashError else { return false }
    return why.contains(reason)
  }
}
