/// Jupyter server password hashes: made and checked the way `jupyter_server.auth`'s
/// `passwd` and `passwd_check` do, so either side can read the other's.
public enum JupyterPassword {
  /// The algorithms `tabby passwd --algorithm` offers for new hashes.
  public enum Algorithm: String, Sendable, CaseIterable {
    case argon2, sha1, sha256, sha512
  }

  /// Hashes `password` (UTF-8 bytes): `argon2:$argon2id$v=19$m=10240,t=10,p=8$…` by
  /// default, or the legacy `alg:salt:hexdigest` form.
  public static func hash(
    _ password: [UInt8], algorithm: Algorithm = .argon2
  ) throws(PasswordHashError) -> String {
    switch algorithm {
    case .argon2:
      let salt = try SecureRandom.bytes(Argon2Hash.saltLength)
      let p = Argon2Hash.jupyterDefaults
      let tag = try Argon2.hash(
        variant: .id, version: 0x13, memoryKiB: p.memoryKiB, iterations: p.iterations,
        lanes: p.lanes, password: password, salt: salt, length: Argon2Hash.tagLength)
      let hash = Argon2Hash(
        variant: .id, version: 0x13, memoryKiB: p.memoryKiB, iterations: p.iterations,
        lanes: p.lanes, salt: salt, tag: tag)
      return "argon2:" + hash.encoded
    case .sha1, .sha256, .sha512:
      return try SaltedDigest.make(password, algorithm: algorithm.rawValue).encoded
    }
  }

  /// Whether `password` matches `stored`; throws `.malformed` when `stored` is not a
  /// hash jupyter_server could ever match.
  public static func check(_ password: [UInt8], against stored: String) throws(PasswordHashError)
    -> Bool
  {
    switch try parse(stored) {
    case .argon2(let hash): try hash.matches(password)
    case .salted(let digest): try digest.matches(password)
    }
  }

  enum Stored: Equatable {
    case argon2(Argon2Hash)
    case salted(SaltedDigest)
  }

  static func parse(_ stored: String) throws(PasswordHashError) -> Stored {
    let prefix = "argon2:"
    if stored.hasPrefix(prefix) {
      return .argon2(try Argon2Parser.parse(stored.dropFirst(prefix.count)))
    }
    return .salted(try SaltedDigest.parse(Substring(stored)))
  }
}
