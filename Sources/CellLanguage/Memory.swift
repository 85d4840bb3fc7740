/// The memory budget for the interpreter's values: every operation that makes a value
/// from a count it did not already hold (`+`, `*`, `list(range(n))`, `append`, `join`,
/// `replace`, format widths, comprehensions) asks here first, so a runaway `s = s + s`
/// ends in a MemoryError that names what was asked instead of exhausting the machine.
public enum Memory {
  /// The most bytes one value may hold (its items, or its UTF-8 text).
  public static let maxBytes = 1 << 30

  /// The bytes one item of a list or tuple costs.
  static let itemBytes = MemoryLayout<Value>.stride

  /// `a × b`, saturating at `Int.max` (counts come from user code and may be huge).
  static func product(_ a: Int, _ b: Int) -> Int {
    let (p, overflow) = max(0, a).multipliedReportingOverflow(by: max(0, b))
    return overflow ? .max : p
  }

  static func sum(_ a: Int, _ b: Int) -> Int {
    let (s, overflow) = a.addingReportingOverflow(b)
    return overflow ? .max : s
  }

  /// The most items one list or tuple may hold.
  static let maxItemCount = maxBytes / itemBytes

  /// Refuses a list or tuple of `count` items.
  static func checkItems(_ count: Int, _ what: String) throws(CellError) {
    if count > maxItemCount {
      throw error("a \(what) of \(count) items (\(describe(product(count, itemBytes))))")
    }
  }

  /// Refuses a string of `count` UTF-8 bytes.
  static func checkText(_ count: Int) throws(CellError) {
    if count > maxBytes { throw error("a string of \(count) bytes (\(describe(count)))") }
  }

  static func error(_ asked: String) -> CellError {
    CellError(ename: "MemoryError", "cannot make \(asked): one value may use at most \(describe(maxBytes))")
  }

  /// Bytes in the largest unit that keeps a whole number in front: "6.4 GB", "2 GiB".
  static func describe(_ bytes: Int) -> String {
    if bytes == .max { return "more than 9 EB" }
    if bytes % (1 << 30) == 0 { return "\(bytes >> 30) GiB" }
    let units = ["bytes", "kB", "MB", "GB", "TB", "PB", "EB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1000, unit < units.count - 1 {
      value /= 1000
      unit += 1
    }
    return unit == 0 ? "\(bytes) bytes" : "\((value * 10).rounded() / 10) \(units[unit])"
  }
}
