/// Reads a PHC string with the rules libargon2's `decode_string` applies, so that a
/// hash argon2-cffi (and so jupyter_server) accepts is accepted here and the rest is
/// rejected with the name of the faulty part.
struct Argon2Parser {
  private var rest: Substring.UTF8View

  static func parse(_ text: Substring) throws(PasswordHashError) -> Argon2Hash {
    var parser = Argon2Parser(rest: text.utf8)
    return try parser.hash()
  }

  private mutating func hash() throws(PasswordHashError) -> Argon2Hash {
    try expect("$", "it must start with $argon2id$, $argon2i$ or $argon2d$")
    let variant = try variantName()
    var version: UInt32 = 0x10  // libargon2: an absent version means 1.0
    if take("$v=") { version = try decimal("version") }
    try expect("$m=", "expected $m= after the variant and version")
    let memory = try decimal("memory cost m")
    try expect(",t=", "expected ,t= after the memory cost")
    let iterations = try decimal("time cost t")
    try expect(",p=", "expected ,p= after the time cost")
    let lanes = try decimal("parallelism p")
    try expect("$", "expected $ before the salt")
    let salt = try base64("salt")
    try expect("$", "expected $ before the hash")
    let tag = try base64("hash")
    guard rest.isEmpty else { throw .malformed("unexpected text after the hash") }
    let parsed = Argon2Hash(
      variant: variant, version: version, memoryKiB: memory, iterations: iterations,
      lanes: lanes, salt: salt, tag: tag)
    try Self.validate(parsed)
    return parsed
  }

  /// The limits libargon2 checks before hashing (`validate_inputs`).
  private static func validate(_ h: Argon2Hash) throws(PasswordHashError) {
    guard h.version == 0x10 || h.version == 0x13 else {
      throw .malformed("unknown argon2 version v=\(h.version) (expected 16 or 19)")
    }
    guard h.salt.count >= 8 else { throw .malformed("the salt is shorter than 8 bytes") }
    guard h.tag.count >= 4 else { throw .malformed("the hash is shorter than 4 bytes") }
    guard h.iterations >= 1 else { throw .malformed("the time cost t must be at least 1") }
    guard (1...0xFF_FFFF).contains(h.lanes) else {
      throw .malformed("the parallelism p must be between 1 and 16777215")
    }
    guard UInt64(h.memoryKiB) >= 8 * UInt64(h.lanes) else {
      throw .malformed("the memory cost m must be at least 8 × p KiB")
    }
  }

  private mutating func variantName() throws(PasswordHashError) -> Argon2Variant {
    // Longest name first: "argon2i" is a prefix of "argon2id".
    for variant in [Argon2Variant.id, .i, .d] where take(variant.rawValue) {
      if rest.first == UInt8(ascii: "$") { return variant }
      break
    }
    throw .malformed("unknown argon2 variant (expected argon2id, argon2i or argon2d)")
  }

  private mutating func take(_ literal: String) -> Bool {
    guard rest.starts(with: literal.utf8) else { return false }
    rest = rest.dropFirst(literal.utf8.count)
    return true
  }

  private mutating func expect(_ literal: String, _ why: String) throws(PasswordHashError) {
    guard take(literal) else { throw .malformed(why) }
  }

  /// A decimal UInt32 without sign or leading zeros, as libargon2 reads it.
  private mutating func decimal(_ name: String) throws(PasswordHashError) -> UInt32 {
    let digits = rest.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    guard !digits.isEmpty, digits.first != UInt8(ascii: "0") || digits.count == 1,
      let value = UInt32(String(decoding: digits, as: UTF8.self))
    else { throw .malformed("the \(name) is not a decimal number below 2^32") }
    rest = rest.dropFirst(digits.count)
    return value
  }

  private mutating func base64(_ name: String) throws(PasswordHashError) -> [UInt8] {
    let text = rest.prefix { $0 != UInt8(ascii: "$") }
    guard let bytes = Base64.decode(text) else {
      throw .malformed("the \(name) is not unpadded base64")
    }
    rest = rest.dropFirst(text.count)
    return bytes
  }
}
