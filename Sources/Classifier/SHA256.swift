import CLibCrypto
import Foundation

/// Incremental SHA-256 over OpenSSL's EVP interface, rendered as lowercase hex.
final class SHA256Hasher {
  private let context: OpaquePointer

  init() {
    // EVP_MD_CTX_new only fails when memory is exhausted, which Swift treats as fatal anyway.
    context = EVP_MD_CTX_new()!
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
  }

  deinit { EVP_MD_CTX_free(context) }

  /// Feeds `count` bytes at `bytes` into the hash.
  func update(_ bytes: UnsafeRawPointer, count: Int) {
    EVP_DigestUpdate(context, bytes, count)
  }

  /// Feeds a byte array into the hash.
  func update(_ bytes: [UInt8]) {
    bytes.withUnsafeBytes { update($0.baseAddress!, count: $0.count) }
  }

  /// The digest as 64 lowercase hex digits; call once, the hasher is spent afterwards.
  func finalize() -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &digest, &length)
    return hexString(digest[..<Int(length)])
  }
}

/// Lowercase hex of some bytes.
func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
  let digits = Array("0123456789abcdef".utf8)
  var out = [UInt8]()
  for b in bytes {
    out.append(digits[Int(b >> 4)])
    out.append(digits[Int(b & 15)])
  }
  return String(decoding: out, as: UTF8.self)
}

/// The sha256 of a whole file, read in 1 MiB chunks.
func sha256(ofFile path: String) throws -> String {
  guard let handle = FileHandle(forReadingAtPath: path) else {
    throw ClassifierError(.modelNotFound, "cannot read \(path)")
  }
  defer { try? handle.close() }
  let hasher = SHA256Hasher()
  while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
    chunk.withUnsafeBytes { hasher.update($0.baseAddress!, count: $0.count) }
  }
  return hasher.finalize()
}
