import CLibCrypto

/// Comparison whose time depends only on the lengths, through OpenSSL's CRYPTO_memcmp.
enum ConstantTime {
  static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    guard !a.isEmpty else { return true }
    return a.withUnsafeBytes { pa in
      b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, pa.count) == 0 }
    }
  }
}

/// Bytes from OpenSSL's CSPRNG (seeded from getrandom), for salts.
enum SecureRandom {
  static func bytes(_ count: Int) throws(PasswordHashError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    let ok = out.withUnsafeMutableBytes {
      RAND_bytes($0.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(count))
    }
    guard ok == 1 else { throw .library("OpenSSL: RAND_bytes could not produce a salt") }
    return out
  }
}

/// Overwrites secrets before their memory is released, in a way the optimiser keeps.
public enum Wipe {
  /// Zeroes `bytes` in place with OPENSSL_cleanse.
  public static func bytes(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buf in
      if let base = buf.baseAddress { OPENSSL_cleanse(base, buf.count) }
    }
  }
}

enum Hex {
  private static let digits = Array("0123456789abcdef".utf8)

  static func lower(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
