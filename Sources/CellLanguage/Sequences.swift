/// `range(start, stop, step)`: a lazy sequence of integers, like Python's.
final class RangeObject: HostObject {
  let start: Int, stop: Int, step: Int
  let count: Int

  init(_ start: Int, _ stop: Int, _ step: Int) throws(CellError) {
    guard step != 0 else { throw .valueError("range() arg 3 must not be zero") }
    (self.start, self.stop, self.step) = (start, stop, step)
    let (span, overflow) = step > 0 ? stop.subtractingReportingOverflow(start) : start.subtractingReportingOverflow(stop)
    guard !overflow, step != .min else { throw CellError(ename: "OverflowError", "range too large (integers are 64-bit)") }
    count = span > 0 ? (span - 1) / abs(step) + 1 : 0
  }

  func element(_ i: Int) -> Int { start + i * step }

  func index(of v: Int) -> Int? {
    let (offset, overflow) = v.subtractingReportingOverflow(start)
    guard !overflow, offset % step == 0 else { return nil }
    let i = offset / step
    return i >= 0 && i < count ? i : nil
  }

  var typeName: String { "range" }
  var truthValue: Bool { count > 0 }
  var repr: String { step == 1 ? "range(\(start), \(stop))" : "range(\(start), \(stop), \(step))" }
  var attributeNames: [String] { ["count", "index", "start", "step", "stop"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "start": .int(start)
    case "stop": .int(stop)
    case "step": .int(step)
    case "index":
      .function(Builtin("index(value)", summary: "The position of value in the range (ValueError when absent).") { a, _ in
        guard case .int(let i)? = a["value"]!.numeric, a["value"]!.typeName != "float", let at = self.index(of: i) else {
          throw CellError.valueError("\(a["value"]!.repr) is not in range")
        }
        return .int(at)
      })
    case "count":
      .function(Builtin("count(value)", summary: "1 when value is in the range, else 0.") { a, _ in
        guard case .int(let i)? = a["value"]!.numeric, a["value"]!.typeName != "float" else { return .int(0) }
        return .int(self.index(of: i) == nil ? 0 : 1)
      })
    default: nil
    }
  }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? RangeObject else { return false }
    return o.count == count && (count == 0 || (o.start == start && (count == 1 || o.step == step)))
  }
  /// As Python's: equal ranges (the same items) hash alike.
  func hashParts() throws -> [Value]? { [.int(count), .int(count == 0 ? 0 : start), .int(count < 2 ? 0 : step)] }
}

/// `a[lower:upper:step]` as an index value.
final class SliceObject: HostObject {
  let lower: Value, upper: Value, step: Value

  init(_ lower: Value, _ upper: Value, _ step: Value) {
    (self.lower, self.upper, self.step) = (lower, upper, step)
  }

  var typeName: String { "slice" }
  func hashParts() throws -> [Value]? { throw CellError.typeError("unhashable type: 'slice'") }  // as Python 3.11's
  var repr: String { "slice(\(lower.repr), \(upper.repr), \(step.repr))" }
  var attributeNames: [String] { ["indices", "start", "step", "stop"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "start": lower
    case "stop": upper
    case "step": step
    case "indices":
      .function(Builtin("indices(length)", summary: "(start, stop, step) for a sequence of that length.") { a, _ in
        let n = try a.int("length", default: 0)
        guard n >= 0 else { throw CellError.valueError("length should not be negative") }
        let (start, stop, step) = try self.adjusted(count: n)
        return .tuple([.int(start), .int(stop), .int(step)])
      })
    default: nil
    }
  }
  func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? SliceObject else { return false }
    return Value.tuple([lower, upper, step]) == Value.tuple([o.lower, o.upper, o.step])
  }

  private static func bound(_ v: Value) throws(CellError) -> Int? {
    if case .none = v { return nil }
    guard case .int(let i)? = v.numeric, !(v.typeName == "float") else {
      throw .typeError("slice indices must be integers or None")
    }
    return i
  }

  var isContiguous: Bool { (try? Self.bound(step)) ?? 1 == 1 }

  /// Where an empty contiguous slice starts (for `a[2:2] = [x]`).
  func startPosition(count: Int) -> Int? {
    guard let s = try? Self.bound(lower) else { return 0 }
    return s < 0 ? max(0, s + count) : min(s, count)
  }

  /// Python's `slice.indices(count)`: start, stop and step adjusted to a sequence of
  /// `count` items (what a range's slice is made from).
  func adjusted(count: Int) throws(CellError) -> (start: Int, stop: Int, step: Int) {
    let step = try Self.bound(self.step) ?? 1
    guard step != 0 else { throw .valueError("slice step cannot be zero") }
    let (low, high) = step > 0 ? (0, count) : (-1, count - 1)
    func clamp(_ v: Int?, _ fallback: Int) -> Int {
      guard let v else { return fallback }
      return v < 0 ? max(v &+ count, low) : min(v, high)
    }
    return (clamp(try Self.bound(lower), step > 0 ? low : high), clamp(try Self.bound(upper), step > 0 ? high : low), step)
  }

  /// The positions selected in a sequence of `count` items (Python's slice.indices).
  func indices(count: Int) throws(CellError) -> [Int] {
    var step = try Self.bound(self.step) ?? 1
    guard step != 0 else { throw .valueError("slice step cannot be zero") }
    // A step longer than the sequence picks the same items; clamping keeps stride from overflowing.
    step = max(-(count + 1), min(step, count + 1))
    let (low, high) = step > 0 ? (0, count) : (-1, count - 1)
    func clamp(_ v: Int?, _ fallback: Int) -> Int {
      guard let v else { return fallback }
      return v < 0 ? max(v + count, low) : min(v, high)
    }
    let start = clamp(try Self.bound(lower), step > 0 ? low : high)
    let stop = clamp(try Self.bound(upper), step > 0 ? high : low)
    return Array(stride(from: start, to: stop, by: step))
  }
}
