#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A bound on the native stack a cell may use. A user function's call costs tens of
/// kilobytes of stack in a debug build, more when it is reached through a class's
/// `__repr__` or `__eq__`, so counting calls alone cannot keep a deep recursion off the
/// end of the stack: calls also stop (a RecursionError) once the cell has used three
/// quarters of the stack limit (at most 6 MiB) below where it started.
enum StackGuard {
  /// The address of the caller's frame (near enough: a local of this call).
  @inline(never)
  static func currentAddress() -> UInt {
    var marker: UInt8 = 0
    return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) }
  }

  /// The lowest address a cell that starts at `top` may reach (stacks grow down).
  static func limit(below top: UInt) -> UInt {
    var limits = rlimit()
    let size: UInt
    if getrlimit(Int32(RLIMIT_STACK.rawValue), &limits) == 0, limits.rlim_cur > 0, limits.rlim_cur < 1 << 40 {
      size = UInt(limits.rlim_cur)
    } else {
      size = 8 << 20
    }
    let budget = min(size / 4 * 3, 6 << 20)
    return top > budget ? top - budget : 0
  }
}
