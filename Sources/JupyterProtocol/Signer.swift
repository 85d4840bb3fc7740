import CLibCrypto

/// Why a `Signer` could not be made.
public struct SignerError: Error, Equatable, CustomStringConvertible, Sendable {
  public var scheme: String
  public var description: String {
    "unsupported signature_scheme '\(scheme)': expected hmac-<digest> with a digest OpenSSL knows (e.g. hmac-sha256)"
  }
}

/// Signs and verifies Jupyter messages: an HMAC, through OpenSSL, over the raw bytes
/// of header, parent header, metadata and content. An empty key turns signing off.
public struct Signer: @unchecked Sendable {
  // EVP_MD pointers from EVP_get_digestbyname are static OpenSSL tables: immutable, shareable.
  private let digest: OpaquePointer?
  private let key: [UInt8]
  /// Length of the lowercase hex signature (0 when signing is off).
  public let signatureLength: Int

  /// A signer for `scheme` (e.g. "hmac-sha256") and the key as it appears in the connection file.
  public init(scheme: String, key: String) throws(SignerError) {
    try self.init(scheme: scheme, rawKey: Array(key.utf8))
  }

  /// A signer with the key given as raw bytes.
  public init(scheme: String, rawKey bytes: [UInt8]) throws(SignerError) {
    guard scheme.hasPrefix("hmac-"), let md = EVP_get_digestbyname(String(scheme.dropFirst(5)))
    else {
      throw SignerError(scheme: scheme)
    }
    let size = Int(EVP_MD_get_size(md))
    guard size > 0 else { throw SignerError(scheme: scheme) }
    self.digest = md
    self.key = bytes
    self.signatureLength = bytes.isEmpty ? 0 : size * 2
  }

  /// Whether messages are signed at all.
  public var isEnabled: Bool { !key.isEmpty }

  /// Raw HMAC bytes over the concatenation of `parts`.
  public func mac<C: Collection<[UInt8]>>(_ parts: C) -> [UInt8] {
    var data: [UInt8] = []
    data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
    for p in parts { data.append(contentsOf: p) }
    var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var outLength: UInt32 = 0
    let ok = key.withUnsafeBufferPointer { k in
      data.withUnsafeBufferPointer { d in
        out.withUnsafeMutableBufferPointer { o in
          HMAC(
            digest, k.baseAddress, Int32(k.count), d.baseAddress, d.count, o.baseAddress, &outLength
          )
        }
      }
    }
    // HMAC only fails on allocation failure; an all-zero MAC then fails every verification.
    return ok == nil ? [] : Array(out[0..<Int(outLength)])
  }

  /// The lowercase hex signature of the four signed frames ("" when signing is off).
  public func sign<C: Collection<[UInt8]>>(_ parts: C) -> [UInt8] {
    guard isEnabled else { return [] }
    return Signer.hex(mac(parts))
  }

  /// Checks `signature` against the four signed frames. The length is checked before
  /// any comparison, and the comparison takes the same time wherever the bytes differ.
  public func verify<C: Collection<[UInt8]>>(_ signature: [UInt8], _ parts: C) -> Bool {
    guard isEnabled else { return true }
    guard signature.count == signatureLength else { return false }
    let expected = sign(parts)
    guard expected.count == signatureLength else { return false }
    let lowered = signature.map { $0 >= 0x41 && $0 <= 0x46 ? $0 | 0x20 : $0 }
    return lowered.withUnsafeBytes { a in
      expected.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0 }
    }
  }

  static func hex(_ bytes: [UInt8]) -> [UInt8] {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count * 2)
    for b in bytes {
      out.append(digits[Int(b >> 4)])
      out.append(digits[Int(b & 15)])
    }
    return out
  }
}
