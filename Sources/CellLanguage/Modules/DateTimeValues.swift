#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

extension DateTimeModule.Types {
  typealias M = DateTimeModule

  /// `date` and `datetime` share most of their methods; `withTime` adds the clock's.
  private func calendarMethods(
    _ type: String, _ cls: ClassObject, _ delta: ClassObject, withTime: Bool, into attributes: inout [String: Value]
  ) {
    let names = ["year", "month", "day"] + (withTime ? ["hour", "minute", "second", "microsecond"] : [])
    for (i, name) in names.enumerated() { attributes[name] = property(type) { .int(M.fields($0)[i]) } }
    attributes["weekday"] = method("weekday(self)", type) { us, _, _ in .int(us / M.microsecondsPerDay % 7) }
    attributes["isoweekday"] = method("isoweekday(self)", type) { us, _, _ in .int(us / M.microsecondsPerDay % 7 + 1) }
    attributes["strftime"] = method("strftime(self, format)", type) { us, a, _ in
      .string(M.strftime(us, try a.string("format", default: "")))
    }
    attributes["__format__"] = method("__format__(self, spec)", type) { us, a, _ in .string(M.strftime(us, try a.string("spec", default: ""))) }
    attributes["isoformat"] = method("isoformat(self, sep='T')", type) { us, a, _ in
      let f = M.fields(us)
      var text = "\(M.pad(f[0], 4))-\(M.pad(f[1], 2))-\(M.pad(f[2], 2))"
      if withTime {
        text += try a.string("sep", default: "T") + "\(M.pad(f[3], 2)):\(M.pad(f[4], 2)):\(M.pad(f[5], 2))"
        if f[6] != 0 { text += ".\(M.pad(f[6], 6))" }
      }
      return .string(text)
    }
    attributes["__str__"] = method("__str__(self)", type) { us, _, ctx in
      try ctx.interpreter.call(try Access.attribute(try Self.make(cls, us), "isoformat"), Arguments(withTime ? [.string(" ")] : []), context: ctx)
    }
    attributes["__repr__"] = method("__repr__(self)", type) { us, _, _ in
      var f = M.fields(us)
      if withTime {
        // Python shows hour and minute always, then second and microsecond when set.
        while f.count > 5, f.last == 0 { f.removeLast() }
        if f.count == 6, f[5] == 0 { f.removeLast() }
      } else {
        f = Array(f.prefix(3))
      }
      return .string("datetime.\(type)(\(f.map(String.init).joined(separator: ", ")))")
    }
    attributes["replace"] = method("replace(self, **changes)", type) { us, a, _ in
      var f = M.fields(us)
      for (k, v) in a.extraKeywords {
        guard let i = names.firstIndex(of: k) else { throw CellError.typeError("'\(k)' is an invalid keyword argument for replace()") }
        guard case .int(let n) = v else { throw CellError.typeError("'\(v.typeName)' object cannot be interpreted as an integer") }
        f[i] = n
      }
      return try Self.make(cls, try M.instant(f))
    }
    let notImplemented = interpreter.builtins["NotImplemented"] ?? .none
    // One day in a date's value is a whole day; a timedelta added to a date moves it by its days.
    let step = { (d: Int) -> Int in
      guard !withTime else { return d }
      let days = d >= 0 ? d / M.microsecondsPerDay : (d - M.microsecondsPerDay + 1) / M.microsecondsPerDay  // floor, as timedelta.days
      return days * M.microsecondsPerDay
    }
    attributes["__add__"] = method("__add__(self, other)", type) { us, a, _ in
      guard let d = Self.value(a["other"]!, "timedelta") else { return notImplemented }
      return try Self.make(cls, try Self.checked(us + step(d)))
    }
    attributes["__radd__"] = attributes["__add__"]
    attributes["__sub__"] = method("__sub__(self, other)", type) { us, a, _ in
      if let other = Self.value(a["other"]!, type) { return try Self.make(delta, us - other) }
      guard let d = Self.value(a["other"]!, "timedelta") else { return notImplemented }
      return try Self.make(cls, try Self.checked(us - step(d)))
    }
    ordering(type, into: &attributes)
  }

  /// An instant within years 1–9999, else Python's OverflowError.
  static func checked(_ us: Int) throws(CellError) -> Int {
    guard us >= 0, us < DateTimeModule.days(10000, 1, 1) * DateTimeModule.microsecondsPerDay else {
      throw CellError(ename: "OverflowError", "date value out of range")
    }
    return us
  }

  private func now() throws(CellError) -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return try M.local(Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9)
  }

  func date(_ delta: ClassObject) throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "date", bases: [], exceptionBases: [], attributes: [:], doc: "A calendar date: date(year, month, day).", interpreter: interpreter)
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(signature: Signature("__init__(self, year, month, day)"), summary: "", isUserFunction: true) { a, _ in
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        let f = [try a.int("year", default: 1), try a.int("month", default: 1), try a.int("day", default: 1), 0, 0, 0, 0]
        try me.fields.set(.string("_us"), .int(try M.instant(f)))
        return .none
      })
    calendarMethods("date", cls, delta, withTime: false, into: &attributes)
    attributes["today"] = .host(StaticMethodObject(.function(Builtin("today()", summary: "Today's date (local time).") { _, _ in
      let us = try now()
      return try Self.make(cls, us - us % M.microsecondsPerDay)
    })))
    attributes["fromisoformat"] = .host(StaticMethodObject(.function(Builtin("fromisoformat(date_string)", summary: "The date of 'YYYY-MM-DD' (or 'YYYYMMDD').") { a, _ in
      try Self.make(cls, try M.instant(try Self.isoFields(try a.string("date_string", default: ""), withTime: false)))
    })))
    cls.attributes = attributes
    return cls
  }

  func dateTime(_ delta: ClassObject, _ date: ClassObject) throws(CellError) -> ClassObject {
    let cls = try ClassObject(
      name: "datetime", bases: [], exceptionBases: [], attributes: [:],
      doc: "A date and time of day (no time zone): datetime(year, month, day, hour=0, minute=0, second=0, microsecond=0).",
      interpreter: interpreter)
    var attributes: [String: Value] = [:]
    attributes["__init__"] = .function(
      Builtin(
        signature: Signature("__init__(self, year, month, day, hour=0, minute=0, second=0, microsecond=0)"), summary: "", isUserFunction: true
      ) { a, _ in
        guard case .host(let me as InstanceObject)? = a["self"] else { return .none }
        var f: [Int] = []
        for (name, fallback) in [("year", 1), ("month", 1), ("day", 1), ("hour", 0), ("minute", 0), ("second", 0), ("microsecond", 0)] {
          f.append(try a.int(name, default: fallback))
        }
        try me.fields.set(.string("_us"), .int(try M.instant(f)))
        return .none
      })
    calendarMethods("datetime", cls, delta, withTime: true, into: &attributes)
    let current = Builtin("now()", summary: "The local date and time now.") { _, _ in try Self.make(cls, try now()) }
    attributes["now"] = .host(StaticMethodObject(.function(current)))
    attributes["today"] = attributes["now"]
    attributes["fromtimestamp"] = .host(StaticMethodObject(.function(Builtin("fromtimestamp(t)", summary: "The local date and time of a POSIX timestamp.") { a, _ in
      try Self.make(cls, try M.local(try a.double("t", default: 0)))
    })))
    attributes["timestamp"] = method("timestamp(self)", "datetime") { us, _, _ in
      var t = M.tmFields(us)
      let seconds = mktime(&t)
      return .float(Double(seconds) + Double(M.fields(us)[6]) / 1e6)
    }
    attributes["date"] = method("date(self)", "datetime") { us, _, _ in try Self.make(date, us - us % M.microsecondsPerDay) }
    attributes["fromisoformat"] = .host(StaticMethodObject(.function(Builtin(
      "fromisoformat(date_string)", summary: "The datetime of an ISO 8601 text: '2024-02-29', '2024-02-29T13:45', '2024-02-29 13:45:00.250'."
    ) { a, _ in
      try Self.make(cls, try M.instant(try Self.isoFields(try a.string("date_string", default: ""), withTime: true)))
    })))
    attributes["strptime"] = .host(StaticMethodObject(.function(Builtin(
      "strptime(date_string, format)", summary: "Parses a date and time by a format of %Y %m %d %H %M %S %f and literal text."
    ) { a, _ in
      try Self.make(cls, try M.instant(try Self.parse(try a.string("date_string", default: ""), try a.string("format", default: ""))))
    })))
    cls.attributes = attributes
    return cls
  }

  /// Python 3.11's fromisoformat: `YYYY-MM-DD` or `YYYYMMDD`, then (for a datetime) any one
  /// separator and `HH[:MM[:SS[.f…]]]` or `HH[MM[SS[.f…]]]` (a fraction of any length, cut to
  /// microseconds). A time zone suffix is an error: Tabby's datetimes have none.
  static func isoFields(_ text: String, withTime: Bool) throws(CellError) -> [Int] {
    let t = Array(text.unicodeScalars)
    let invalid = CellError.valueError("Invalid isoformat string: \(Value.string(text).repr)")
    var i = 0
    func number(_ width: Int) throws(CellError) -> Int {
      guard i + width <= t.count else { throw invalid }
      var n = 0
      for c in t[i..<(i + width)] {
        guard c.isASCII, let d = Int(String(c)) else { throw invalid }
        n = n * 10 + d
      }
      i += width
      return n
    }
    var f = [0, 0, 0, 0, 0, 0, 0]
    f[0] = try number(4)
    let extended = i < t.count && t[i] == "-"
    if extended { i += 1 }
    f[1] = try number(2)
    if extended { guard i < t.count, t[i] == "-" else { throw invalid }; i += 1 }
    f[2] = try number(2)
    guard i < t.count else { return f }
    guard withTime, i + 1 < t.count else { throw invalid }
    i += 1  // the separator: 'T', ' ' or any one character, as Python 3.11
    f[3] = try number(2)
    for slot in 4...5 where i < t.count && t[i] != "." && t[i] != "," && t[i] != "+" && t[i] != "-" && t[i] != "Z" {
      if t[i] == ":" { i += 1 }
      f[slot] = try number(2)
    }
    if i < t.count, t[i] == "." || t[i] == "," {
      i += 1
      let start = i
      while i < t.count, t[i].isASCII, Int(String(t[i])) != nil { i += 1 }
      guard i > start else { throw invalid }
      let digits = String(String.UnicodeScalarView(t[start..<min(i, start + 6)]))
      f[6] = (Int(digits) ?? 0) * [1, 10, 100, 1000, 10_000, 100_000, 1_000_000][6 - digits.count]
    }
    if i < t.count, t[i] == "+" || t[i] == "-" || t[i] == "Z" {
      throw CellError.valueError("\(Value.string(text).repr) has a time zone; Tabby's datetimes have none (drop the suffix)")
    }
    guard i == t.count else { throw invalid }
    return f
  }

  /// strptime for the numeric directives: each reads its digits (at most its width).
  static func parse(_ text: String, _ format: String) throws(CellError) -> [Int] {
    var f = [1900, 1, 1, 0, 0, 0, 0]
    let t = Array(text.unicodeScalars)
    var i = 0
    var spec = Array(format.unicodeScalars)[...]
    let mismatch = CellError.valueError("time data \(Value.string(text).repr) does not match format \(Value.string(format).repr)")
    while let c = spec.popFirst() {
      guard c == "%", let k = spec.popFirst(), k != "%" else {
        guard i < t.count, t[i] == c else { throw mismatch }
        i += 1
        continue
      }
      let slots: [Unicode.Scalar: (Int, Int)] = ["Y": (0, 4), "m": (1, 2), "d": (2, 2), "H": (3, 2), "M": (4, 2), "S": (5, 2), "f": (6, 6)]
      guard let (slot, width) = slots[k] else { throw .valueError("strptime directive %\(k) is not supported here (%Y %m %d %H %M %S %f are)") }
      var digits = ""
      while i < t.count, digits.count < width, t[i].properties.numericType == .decimal, let d = t[i].properties.numericValue {
        digits += String(Int(d))
        i += 1
      }
      guard let n = Int(digits) else { throw mismatch }
      // %f's digits are a fraction: '5' is 500000 microseconds.
      f[slot] = k == "f" ? n * [1, 10, 100, 1000, 10_000, 100_000, 1_000_000][6 - digits.count] : n
    }
    guard i == t.count else { throw .valueError("unconverted data remains: \(String(String.UnicodeScalarView(t[i...])))") }
    return f
  }
}
