/// Standard-alphabet base64 without padding, as in the PHC string format that
/// libargon2 and argon2-cffi write.
enum Base64 {
  private static let alphabet = Array(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  static func encode(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count * 4 + 2) / 3)
    var acc: UInt32 = 0
    var bits = 0
    for byte in bytes {
      acc = (acc << 8) | UInt32(byte)
      bits += 8
      while bits >= 6 {
        bits -= 6
        out.append(alphabet[Int((acc >> UInt32(bits)) & 63)])
      }
    }
    if bits > 0 { out.append(alphabet[Int((acc << UInt32(6 - bits)) & 63)]) }
    return String(decoding: out, as: UTF8.self)
  }

  /// Decodes strictly like libargon2: no padding, and the unused low bits of the
  /// last character must be zero, so every byte string has exactly one spelling.
  static func decode(_ text: some Collection<UInt8>) -> [UInt8]? {
    var out: [UInt8] = []
    var acc: UInt32 = 0
    var bits = 0
    for char in text {
      guard let value = sextet(char) else { return nil }
      acc = ((acc << 6) | UInt32(value)) & 0xFFFF
      bits += 6
      if bits >= 8 {
        bits -= 8
        out.append(UInt8((acc >> UInt32(bits)) & 0xFF))
      }
    }
    guard bits <= 4, acc & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
    return out
  }

  private static func sextet(_ c: UInt8) -> UInt8? {
    switch c {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): c - UInt8(ascii: "A")
    case UInt8(ascii: "a")...UInt8(ascii: "z"): c - UInt8(ascii: "a") + 26
    case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0") + 52
    case UInt8(ascii: "+"): 62
    case UInt8(ascii: "/"): 63
    default: nil
    }
  }
}
