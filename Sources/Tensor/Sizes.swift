#if canImport(Glibc)
  import Glibc
#endif

/// A size that cannot be allocated or even counted: negative, overflowing, or larger than
/// the machine's memory. The message names what was asked for and what the machine has.
public struct MemoryError: Error, CustomStringConvertible, Equatable, Sendable {
  /// What went wrong, e.g. "a 1,099,511,627,776 × 784 layer needs 3.4 PB; this machine has 24 GiB".
  public let message: String
  /// Creates an error with a message.
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// The one checked path for sizes that come from a file, a cell or a flag: dimensions are
/// multiplied with overflow checks, negatives are refused, and an allocation larger than
/// the machine's physical memory is refused before it is tried.
public enum Sizes {
  /// Physical memory in bytes (sysconf), or `Int.max` where it cannot be read.
  public static let physicalMemory: Int = {
    let pages = sysconf(Int32(_SC_PHYS_PAGES))
    let size = sysconf(Int32(_SC_PAGESIZE))
    guard pages > 0, size > 0 else { return Int.max }
    let (bytes, overflow) = pages.multipliedReportingOverflow(by: size)
    return overflow ? Int.max : bytes
  }()

  /// The product of `dims`, refusing negative dimensions and overflow; `what` names the
  /// thing in the message ("layer", "IDX file x", "ONNX output 'y'").
  public static func elementCount(_ dims: [Int], of what: String) throws(MemoryError) -> Int {
    if let bad = dims.first(where: { $0 < 0 }) {
      throw MemoryError("a \(shapeText(dims)) \(what) has a negative dimension \(grouped(bad))")
    }
    var total = 1
    for d in dims {
      let (p, overflow) = total.multipliedReportingOverflow(by: d)
      if overflow {
        throw MemoryError(
          "a \(shapeText(dims)) \(what) needs more than \(bytesText(Int.max)); "
            + "this machine has \(bytesText(physicalMemory))")
      }
      total = p
    }
    return total
  }

  /// The bytes of `dims` elements of `elementSize` bytes each, refused (before any
  /// allocation) when negative, overflowing, or more than the machine's physical memory.
  @discardableResult
  public static func checkedByteCount(_ dims: [Int], elementSize: Int, of what: String) throws(MemoryError) -> Int {
    let count = try elementCount(dims, of: what)
    let (bytes, overflow) = count.multipliedReportingOverflow(by: max(elementSize, 1))
    let limit = physicalMemory
    if overflow || bytes > limit {
      let need = overflow ? "more than \(bytesText(Int.max))" : bytesText(bytes)
      throw MemoryError(
        "a \(shapeText(dims)) \(what) needs \(need); this machine has \(bytesText(limit))")
    }
    return bytes
  }

  /// `checkedByteCount` for float32 elements; returns the element count.
  @discardableResult
  public static func checkedFloats(_ dims: [Int], of what: String) throws(MemoryError) -> Int {
    try checkedByteCount(dims, elementSize: MemoryLayout<Float>.stride, of: what)
    return try elementCount(dims, of: what)
  }

  /// An integer with thousands separators: 1099511627776 → "1,099,511,627,776".
  public static func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
      out.append(c)
    }
    return n < 0 ? "-" + out : out
  }

  /// Dimensions joined by "×" with separators: "1,099,511,627,776 × 784".
  public static func shapeText(_ dims: [Int]) -> String {
    dims.isEmpty ? "scalar" : dims.map(grouped).joined(separator: " × ")
  }

  /// A byte count in binary units (KiB … EiB), one decimal: the request and the machine's
  /// memory are shown in the same scheme so they compare at a glance.
  public static func bytesText(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    var v = Double(bytes)
    var u = 0
    while v >= 1024 && u < units.count - 1 {
      v /= 1024
      u += 1
    }
    if u == 0 { return "\(bytes) bytes" }
    let tenths = (v * 10).rounded() / 10
    let text = tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    return "\(text) \(units[u])"
  }
}
