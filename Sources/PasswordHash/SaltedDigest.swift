import CLibCrypto

/// The legacy `algorithm:salt:hexdigest` form: hexdigest = H(utf8(password) + ascii(salt)),
/// H named as Python's `hashlib.new` names it.
struct SaltedDigest: Equatable {
  var algorithm: String
  var salt: String
  var hexDigest: String

  /// Python's own spellings that OpenSSL knows under another name (hashlib's
  /// `py_digest_by_name`); every other name goes to OpenSSL as is, as hashlib does.
  private static let pythonNames: [String: String] = [
    "sha512_224": "SHA512-224", "sha512_256": "SHA512-256",
    "sha3_224": "SHA3-224", "sha3_256": "SHA3-256", "sha3_384": "SHA3-384",
    "sha3_512": "SHA3-512", "blake2b": "BLAKE2B-512", "blake2s": "BLAKE2S-256",
  ]

  /// Splits on the first two colons, like jupyter_server's `split(":", 2)`.
  static func parse(_ text: Substring) throws(PasswordHashError) -> SaltedDigest {
    let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3 else {
      throw .malformed("expected argon2:… or algorithm:salt:hexdigest")
    }
    let parsed = SaltedDigest(
      algorithm: String(parts[0]), salt: String(parts[1]), hexDigest: String(parts[2]))
    guard parsed.salt.utf8.allSatisfy({ $0 < 0x80 }) else {
      throw .malformed("the salt must be ASCII")
    }
    let size = try Digest.size(of: parsed.openSSLName, shownAs: parsed.algorithm)
    let lowerHex = parsed.hexDigest.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
        || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f"))
    }
    guard lowerHex, parsed.hexDigest.utf8.count == 2 * size else {
      throw .malformed(
        "the \(parsed.algorithm) digest must be \(2 * size) lowercase hexadecimal digits")
    }
    return parsed
  }

  /// The name OpenSSL knows this algorithm by.
  var openSSLName: String { Self.pythonNames[algorithm] ?? algorithm }

  /// Makes the form jupyter_server's `passwd(pw, algorithm)` makes: 12 random hex digits of salt.
  static func make(_ password: [UInt8], algorithm: String) throws(PasswordHashError) -> SaltedDigest
  {
    let salt = Hex.lower(try SecureRandom.bytes(6))
    var input = password + Array(salt.utf8)
    defer { Wipe.bytes(&input) }
    let digest = try Digest.compute(Self.pythonNames[algorithm] ?? algorithm, input)
    return SaltedDigest(algorithm: algorithm, salt: salt, hexDigest: Hex.lower(digest))
  }

  var encoded: String { "\(algorithm):\(salt):\(hexDigest)" }

  /// Whether `password` produces this digest; compared in constant time.
  func matches(_ password: [UInt8]) throws(PasswordHashError) -> Bool {
    var input = password + Array(salt.utf8)
    defer { Wipe.bytes(&input) }
    let computed = Hex.lower(try Digest.compute(openSSLName, input))
    return ConstantTime.equal(Array(computed.utf8), Array(hexDigest.utf8))
  }
}

/// OpenSSL EVP message digests, fetched by name.
enum Digest {
  static func size(of name: String, shownAs shown: String) throws(PasswordHashError) -> Int {
    try withDigest(name, shownAs: shown) { Int(EVP_MD_get_size($0)) }
  }

  static func compute(_ name: String, _ input: [UInt8]) throws(PasswordHashError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    let ok = try withDigest(name, shownAs: name) { md in
      input.withUnsafeBytes { inBuf in
        EVP_Digest(inBuf.baseAddress, inBuf.count, &out, &length, md, nil)
      }
    }
    guard ok == 1 else { throw .library("OpenSSL: computing \(name) failed") }
    return Array(out.prefix(Int(length)))
  }

  private static func withDigest<T>(
    _ name: String, shownAs shown: String, _ body: (OpaquePointer) -> T
  ) throws(PasswordHashError) -> T {
    // Names reach OpenSSL's fetch, whose syntax gives meaning to some punctuation.
    let plain = name.utf8.allSatisfy {
      ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z"))
        || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z"))
        || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
        || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
    }
    guard plain, !name.isEmpty, name.utf8.count <= 32, let md = EVP_MD_fetch(nil, name, nil) else {
      ERR_clear_error()
      throw .malformed("unknown hash algorithm '\(shown.prefix(32))'")
    }
    defer { EVP_MD_free(md) }
    // Extendable-output functions (shake_*) have no fixed digest; hashlib's
    // hexdigest() fails on them too.
    guard EVP_MD_get_flags(md) & UInt(EVP_MD_FLAG_XOF) == 0 else {
      throw .malformed("'\(shown)' has no fixed-length digest")
    }
    return body(md)
  }
}
