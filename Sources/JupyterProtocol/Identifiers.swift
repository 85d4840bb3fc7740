#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A random (version 4) UUID in its usual text form.
public func makeUUID() -> String {
  // Two 64-bit draws: one getrandom(2) each, not one per byte.
  var g = SystemRandomNumberGenerator()
  let words = [g.next(), g.next()]
  var bytes = words.flatMap { w in (0..<8).map { UInt8(truncatingIfNeeded: w >> ($0 * 8)) } }
  bytes[6] = bytes[6] & 0x0F | 0x40
  bytes[8] = bytes[8] & 0x3F | 0x80
  let hex = Signer.hex(bytes)
  var out: [UInt8] = []
  for (i, c) in hex.enumerated() {
    if i == 8 || i == 12 || i == 16 || i == 20 { out.append(UInt8(ascii: "-")) }
    out.append(c)
  }
  return String(decoding: out, as: UTF8.self)
}

/// The current UTC time as ISO 8601 with microseconds, as jupyter_client writes it.
public func isoTimestamp() -> String {
  var ts = timespec()
  clock_gettime(CLOCK_REALTIME, &ts)
  var seconds = ts.tv_sec
  var t = tm()
  gmtime_r(&seconds, &t)
  func pad(_ v: Int, _ width: Int) -> String {
    let s = String(v)
    return String(repeating: "0", count: max(0, width - s.count)) + s
  }
  let micros = Int(ts.tv_nsec) / 1000
  return "\(pad(Int(t.tm_year) + 1900, 4))-\(pad(Int(t.tm_mon) + 1, 2))-\(pad(Int(t.tm_mday), 2))T"
    + "\(pad(Int(t.tm_hour), 2)):\(pad(Int(t.tm_min), 2)):\(pad(Int(t.tm_sec), 2)).\(pad(micros, 6))Z"
}
