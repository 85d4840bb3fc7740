#if canImport(Glibc)
  import Glibc
#endif

/// `time.strftime`, `localtime`, `gmtime`, `mktime`, `ctime`, `asctime`, `time_ns` and
/// `process_time`: the calendar side of Python's time module, on C's own functions.
enum TimeCalendar {
  static func functions() -> [Builtin] {
    [
      Builtin("strftime(format, t=None)", summary: "The time t (a struct_time; now by default) as text: strftime('%Y%m%d-%H%M%S').") { a, _ in
        var t = try tm(a["t"]) ?? now(local: true)
        return .string(format(try a.string("format", default: ""), &t))
      },
      Builtin("localtime(secs=None)", summary: "A struct_time of local time (now, or secs since 1970).") { a, _ in
        .host(StructTime(try broken(a["secs"], local: true)))
      },
      Builtin("gmtime(secs=None)", summary: "A struct_time of UTC (now, or secs since 1970).") { a, _ in
        .host(StructTime(try broken(a["secs"], local: false)))
      },
      Builtin("mktime(t)", summary: "Seconds since 1970 of a local struct_time.") { a, _ in
        guard var t = try tm(a["t"]) else { throw CellError.typeError("Tuple or struct_time argument required") }
        let s = Glibc.mktime(&t)
        guard s != -1 else { throw CellError(ename: "OverflowError", "mktime argument out of range") }
        return .float(Double(s))
      },
      Builtin("ctime(secs=None)", summary: "Local time as 'Mon Dec  7 20:23:19 2026'.") { a, _ in
        var t = try broken(a["secs"], local: true)
        return .string(format("%a %b %e %H:%M:%S %Y", &t))
      },
      Builtin("asctime(t=None)", summary: "A struct_time as 'Mon Dec  7 20:23:19 2026'.") { a, _ in
        var t = try tm(a["t"]) ?? now(local: true)
        return .string(format("%a %b %e %H:%M:%S %Y", &t))
      },
      Builtin("time_ns()", summary: "Nanoseconds since 1970 as an int.") { _, _ in
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return .int(Int(ts.tv_sec) * 1_000_000_000 + Int(ts.tv_nsec))
      },
      Builtin("process_time()", summary: "CPU seconds this process has used (user and system).") { _, _ in
        var ts = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
        return .float(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
      },
    ]
  }

  private static func now(local: Bool) -> Glibc.tm {
    var secs = Glibc.time(nil)
    var t = Glibc.tm()
    _ = local ? localtime_r(&secs, &t) : gmtime_r(&secs, &t)
    return t
  }

  private static func broken(_ secs: Value?, local: Bool) throws(CellError) -> Glibc.tm {
    guard let secs, !secs.isNoneValue else { return now(local: local) }
    guard let x = secs.numeric?.double else {
      throw CellError.typeError("'\(secs.typeName)' object cannot be interpreted as an integer")
    }
    guard x.isFinite, abs(x) < 1e17 else { throw CellError(ename: "OverflowError", "timestamp out of range for platform time_t") }
    var s = time_t(x.rounded(.down))
    var t = Glibc.tm()
    _ = local ? localtime_r(&s, &t) : gmtime_r(&s, &t)
    return t
  }

  /// A struct_time or 9-tuple as C's struct tm (nil for None).
  private static func tm(_ v: Value?) throws(CellError) -> Glibc.tm? {
    let fields: [Value]
    switch v {
    case nil, .none?: return nil  // now
    case .host(let s as StructTime)?: fields = s.fields.map(Value.int)
    case .tuple(let items)? where items.count == 9: fields = items
    case _?: throw CellError.typeError("Tuple or struct_time argument required")
    }
    var n: [Int32] = []
    for f in fields {
      guard case .int(let i) = f else { throw CellError.typeError("'\(f.typeName)' object cannot be interpreted as an integer") }
      n.append(Int32(truncatingIfNeeded: i))
    }
    var t = Glibc.tm()
    (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec) = (n[0] - 1900, n[1] - 1, n[2], n[3], n[4], n[5])
    (t.tm_wday, t.tm_yday, t.tm_isdst) = ((n[6] + 1) % 7, n[7] - 1, n[8])
    return t
  }

  /// C's strftime into a buffer roomy enough for any directive (datetime's strftime too).
  static func format(_ f: String, _ t: inout Glibc.tm) -> String {
    var buffer = [CChar](repeating: 0, count: 512 + f.utf8.count * 16)
    let n = Glibc.strftime(&buffer, buffer.count, f, &t)
    return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}

/// `time.struct_time`: a 9-tuple with names (tm_year … tm_isdst), Monday as weekday 0.
final class StructTime: HostObject {
  static let names = ["tm_year", "tm_mon", "tm_mday", "tm_hour", "tm_min", "tm_sec", "tm_wday", "tm_yday", "tm_isdst"]
  let fields: [Int]

  init(_ t: Glibc.tm) {
    fields = [Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec),
              (Int(t.tm_wday) + 6) % 7, Int(t.tm_yday) + 1, Int(t.tm_isdst)]
  }

  var typeName: String { "time.struct_time" }
  var repr: String { "time.struct_time(" + zip(Self.names, fields).map { "\($0)=\($1)" }.joined(separator: ", ") + ")" }
  var attributeNames: [String] { Self.names }
  func attribute(_ name: String) throws -> Value? { Self.names.firstIndex(of: name).map { .int(fields[$0]) } }
  func item(_ key: Value) throws -> Value? { try Access.item(.tuple(fields.map(Value.int)), key) }
  func iterate() throws -> [Value]? { fields.map(Value.int) }
  func isEqual(to other: any HostObject) -> Bool { (other as? StructTime)?.fields == fields }
  func hashParts() throws -> [Value]? { fields.map(Value.int) }
}
