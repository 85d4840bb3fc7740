#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The 32-bit words random.seed(a) hands to init_by_array, as CPython 3.11 makes them (seed
/// version 2): an int's absolute value; a float's hash() as an unsigned 64-bit number; a str's
/// UTF-8 bytes followed by their SHA-512 digest, read as one big-endian integer. The words go
/// least significant first, with none above the top nonzero one (0 gives [0]).
enum RandomSeeds {
  /// nil: seed from the operating system's entropy (None, and NaN, whose hash CPython takes
  /// from the object's address, so no two runs agree there either).
  static func key(_ a: Value?, version: Int = 2) throws(CellError) -> [UInt32]? {
    switch a {
    case .string(let s)? where version == 1: return words(versionOne(s))
    case nil, .none?: return nil
    case .int(let i)?: return words(UInt64(i.magnitude))
    case .bool(let b)?: return [b ? 1 : 0]
    case .float(let d)?: return d.isNaN ? nil : words(UInt64(bitPattern: Int64(StandardLibrary.floatHash(d))))
    case .string(let s)?: return words(bigEndian: Array(s.utf8) + SHA512.digest(Array(s.utf8)))
    default:
      throw .typeError("The only supported seed types are: None,\nint, float, str, bytes, and bytearray.")
    }
  }

  /// seed(s, version=1): the str hash of Python 2 that random.py keeps for old sequences.
  static func versionOne(_ s: String) -> UInt64 {
    let scalars = s.unicodeScalars.map { UInt64($0.value) }
    var x = scalars.first.map { $0 << 7 } ?? 0
    for c in scalars { x = (1_000_003 &* x) ^ c }
    return x ^ UInt64(scalars.count)
  }

  /// A key of 624 words of entropy, as CPython's random_seed_urandom.
  static func entropy() -> [UInt32] {
    var g = SystemRandomNumberGenerator()
    return (0..<MersenneTwister.n).map { _ in UInt32.random(in: .min ... .max, using: &g) }
  }

  static func words(_ x: UInt64) -> [UInt32] {
    x >> 32 == 0 ? [UInt32(x)] : [UInt32(truncatingIfNeeded: x), UInt32(x >> 32)]
  }

  static func words(bigEndian bytes: [UInt8]) -> [UInt32] {
    var bytes = bytes.drop { $0 == 0 }
    if bytes.isEmpty { return [0] }
    while bytes.count % 4 != 0 { bytes.insert(0, at: bytes.startIndex) }
    let all = Array(bytes)
    return stride(from: all.count - 4, through: 0, by: -4).map { i in
      all[i..<i + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
  }
}
