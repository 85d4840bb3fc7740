#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `import datetime`: naive (time-zone-less) `datetime`, `date` and `timedelta`, as Python's.
/// Each is a class made here, so their instances get the language's operators, comparisons,
/// hashing and display through the special methods (see ClassProtocol.swift). A value is kept
/// as one integer: microseconds since 0001-01-01 (timedelta: microseconds).
enum DateTimeModule {
  static let microsecondsPerDay = 86_400_000_000

  static func make(_ interpreter: Interpreter) throws(CellError) -> ModuleObject {
    let types = Types(interpreter)
    let delta = try types.timedelta()
    let date = try types.date(delta)
    let dateTime = try types.dateTime(delta, date)
    return ModuleObject(
      name: "datetime", summary: "datetime, date and timedelta (without time zones), as Python's datetime module.", functions: [],
      constants: [("datetime", .host(dateTime)), ("date", .host(date)), ("timedelta", .host(delta)), ("MINYEAR", .int(1)), ("MAXYEAR", .int(9999))])
  }

  // MARK: Calendar arithmetic

  /// Days from 0001-01-01 to y-m-d (proleptic Gregorian; Howard Hinnant's days_from_civil).
  static func days(_ y: Int, _ m: Int, _ d: Int) -> Int {
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 306  // 306: days from 0000-03-01 to 0001-01-01
  }

  static func civil(_ days: Int) -> (Int, Int, Int) {
    let z = days + 306
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
  }

  static func daysInMonth(_ y: Int, _ m: Int) -> Int {
    if m == 2 { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28 }
    return [4, 6, 9, 11].contains(m) ? 30 : 31
  }

  /// Microseconds since 0001-01-01 for the wall-clock fields, with Python's range errors.
  static func instant(_ f: [Int]) throws(CellError) -> Int {
    let (y, m, d, h, mi, s, us) = (f[0], f[1], f[2], f[3], f[4], f[5], f[6])
    guard (1...9999).contains(y) else { throw .valueError("year \(y) is out of range") }
    guard (1...12).contains(m) else { throw .valueError("month must be in 1..12") }
    guard (1...daysInMonth(y, m)).contains(d) else { throw .valueError("day is out of range for month") }
    guard (0...23).contains(h) else { throw .valueError("hour must be in 0..23") }
    guard (0...59).contains(mi) else { throw .valueError("minute must be in 0..59") }
    guard (0...59).contains(s) else { throw .valueError("second must be in 0..59") }
    guard (0...999_999).contains(us) else { throw .valueError("microsecond must be in 0..999999") }
    return days(y, m, d) * microsecondsPerDay + ((h * 60 + mi) * 60 + s) * 1_000_000 + us
  }

  /// (year, month, day, hour, minute, second, microsecond) of an instant.
  static func fields(_ instant: Int) -> [Int] {
    let day = instant >= 0 ? instant / microsecondsPerDay : (instant - microsecondsPerDay + 1) / microsecondsPerDay
    let rest = instant - day * microsecondsPerDay
    let (y, m, d) = civil(day)
    let seconds = rest / 1_000_000
    return [y, m, d, seconds / 3600, seconds / 60 % 60, seconds % 60, rest % 1_000_000]
  }

  /// The local wall-clock instant of a POSIX time (seconds since 1970, UTC).
  static func local(_ posix: Double) throws(CellError) -> Int {
    if posix.isNaN { throw CellError.valueError("Invalid value NaN (not a number)") }
    guard posix.isFinite, abs(posix) < 1e17 else { throw CellError(ename: "OverflowError", "timestamp out of range for platform time_t") }
    var whole = time_t(posix.rounded(.down))
    var t = tm()
    guard localtime_r(&whole, &t) != nil else { throw CellError(ename: "OverflowError", "timestamp out of range for platform time_t") }
    let us = Int(((posix - posix.rounded(.down)) * 1e6).rounded())
    return try instant([Int(t.tm_year) + 1900, Int(t.tm_mon) + 1, Int(t.tm_mday), Int(t.tm_hour), Int(t.tm_min), Int(t.tm_sec), 0]) + us
  }

  /// C's struct tm for strftime.
  static func tmFields(_ instant: Int) -> tm {
    let f = fields(instant)
    var t = tm()
    (t.tm_year, t.tm_mon, t.tm_mday) = (Int32(f[0] - 1900), Int32(f[1] - 1), Int32(f[2]))
    (t.tm_hour, t.tm_min, t.tm_sec) = (Int32(f[3]), Int32(f[4]), Int32(f[5]))
    let day = instant / microsecondsPerDay
    t.tm_wday = Int32((day + 1) % 7)  // 0001-01-01 was a Monday; C counts from Sunday
    t.tm_yday = Int32(day - days(f[0], 1, 1))
    t.tm_isdst = -1
    return t
  }

  /// Python's strftime: C's, with `%f` (microseconds) added.
  static func strftime(_ instant: Int, _ format: String) -> String {
    var fmt = ""
    var scalars = format.unicodeScalars.makeIterator()
    while let c = scalars.next() {
      guard c == "%", let k = scalars.next() else { fmt.unicodeScalars.append(c); continue }
      if k == "f" {
        fmt += pad(fields(instant)[6], 6)
      } else {
        fmt.unicodeScalars.append(c)
        fmt.unicodeScalars.append(k)
      }
    }
    var t = tmFields(instant)
    return TimeCalendar.format(fmt, &t)
  }

  static func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, width - s.count)) + s
  }
}
