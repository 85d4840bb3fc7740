import CArgon2

/// The three Argon2 variants; the PHC string names which one made a hash.
public enum Argon2Variant: String, Sendable, CaseIterable {
  case d = "argon2d"
  case i = "argon2i"
  case id = "argon2id"

  var cType: argon2_type {
    switch self {
    case .d: Argon2_d
    case .i: Argon2_i
    case .id: Argon2_id
    }
  }
}

/// An Argon2 hash in the PHC string format, `$argon2id$v=19$m=…,t=…,p=…$salt$tag`.
struct Argon2Hash: Equatable {
  var variant: Argon2Variant
  var version: UInt32
  var memoryKiB: UInt32
  var iterations: UInt32
  var lanes: UInt32
  var salt: [UInt8]
  var tag: [UInt8]

  /// The parameters jupyter_server's `passwd()` uses (argon2-cffi with
  /// memory_cost=10240, time_cost=10, parallelism=8, 16-byte salt, 32-byte hash).
  static let jupyterDefaults = (memoryKiB: UInt32(10240), iterations: UInt32(10), lanes: UInt32(8))
  static let saltLength = 16
  static let tagLength = 32

  /// The PHC string, as libargon2 writes it.
  var encoded: String {
    "$\(variant.rawValue)$v=\(version)$m=\(memoryKiB),t=\(iterations),p=\(lanes)"
      + "$\(Base64.encode(salt))$\(Base64.encode(tag))"
  }

  /// Whether `password` produces this hash; the tags are compared in constant time.
  func matches(_ password: [UInt8]) throws(PasswordHashError) -> Bool {
    let computed = try Argon2.hash(
      variant: variant, version: version, memoryKiB: memoryKiB, iterations: iterations,
      lanes: lanes, password: password, salt: salt, length: tag.count)
    return ConstantTime.equal(computed, tag)
  }
}

/// The raw Argon2 function from libargon2.
enum Argon2 {
  /// Computes an Argon2 tag. `secret` and `associatedData` exist for the RFC 9106
  /// test vectors; Jupyter's hashes use neither.
  static func hash(
    variant: Argon2Variant, version: UInt32, memoryKiB: UInt32, iterations: UInt32,
    lanes: UInt32, password: [UInt8], salt: [UInt8], secret: [UInt8] = [],
    associatedData: [UInt8] = [], length: Int
  ) throws(PasswordHashError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: length)
    // argon2_context takes non-const pointers, so every input is copied into a
    // mutable buffer; the password copy is wiped before it is freed.
    var pwd = password
    var saltCopy = salt
    var secretCopy = secret
    var ad = associatedData
    defer { Wipe.bytes(&pwd) }
    let code = out.withUnsafeMutableBufferPointer { outBuf in
      pwd.withUnsafeMutableBufferPointer { pwdBuf in
        saltCopy.withUnsafeMutableBufferPointer { saltBuf in
          secretCopy.withUnsafeMutableBufferPointer { secretBuf in
            ad.withUnsafeMutableBufferPointer { adBuf in
              var context = argon2_context(
                out: outBuf.baseAddress, outlen: UInt32(length),
                pwd: pwdBuf.baseAddress, pwdlen: UInt32(pwdBuf.count),
                salt: saltBuf.baseAddress, saltlen: UInt32(saltBuf.count),
                secret: secretBuf.baseAddress, secretlen: UInt32(secretBuf.count),
                ad: adBuf.baseAddress, adlen: UInt32(adBuf.count),
                t_cost: iterations, m_cost: memoryKiB, lanes: lanes, threads: lanes,
                version: version, allocate_cbk: nil, free_cbk: nil,
                flags: 0)  // ARGON2_DEFAULT_FLAGS: the C macro does not import
              return argon2_ctx(&context, variant.cType)
            }
          }
        }
      }
    }
    guard code == ARGON2_OK.rawValue else {
      throw .library("argon2: \(String(cString: argon2_error_message(code)))")
    }
    return out
  }
}
