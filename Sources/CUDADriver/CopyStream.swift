#if canImport(Glibc)
  import Glibc
#endif

/// Host → device copies that overlap the kernels queued on the default stream: a
/// non-blocking stream, two pinned (page-locked) staging buffers used in turn, and one
/// event per buffer. The next training batch is copied while the current one computes;
/// kernels that read it are queued behind its event (`makeDefaultStreamWait`), and a buffer
/// is refilled only after its last copy finished. One-to-one with the driver calls, like
/// `Driver`; the caller makes the context current.
public final class CopyStream: @unchecked Sendable {
  typealias Handle = UnsafeMutablePointer<DriverHandle?>
  let driver: Driver
  let cuStreamCreate: @convention(c) (Handle, UInt32) -> Int32
  let cuEventCreate: @convention(c) (Handle, UInt32) -> Int32
  let cuEventRecord: @convention(c) (DriverHandle?, DriverHandle?) -> Int32
  let cuEventSynchronize: @convention(c) (DriverHandle?) -> Int32
  let cuStreamWaitEvent: @convention(c) (DriverHandle?, DriverHandle?, UInt32) -> Int32
  let cuMemHostAlloc: @convention(c) (UnsafeMutablePointer<UnsafeMutableRawPointer?>, Int, UInt32) -> Int32
  let cuMemFreeHost: @convention(c) (UnsafeMutableRawPointer?) -> Int32
  let cuMemcpyHtoDAsync: @convention(c) (UInt64, UnsafeRawPointer, Int, DriverHandle?) -> Int32
  let stream: DriverHandle
  /// Per staging buffer: its pinned memory, capacity and the event after its last copy.
  private var staging: [(memory: UnsafeMutableRawPointer?, capacity: Int, event: DriverHandle)] = []

  /// Resolves the calls and makes the stream and two events (in the current context).
  public init(driver: Driver) throws(CUDALibraryError) {
    self.driver = driver
    let l = driver.library
    cuStreamCreate = try l.function("cuStreamCreate")
    cuEventCreate = try l.function("cuEventCreate")
    cuEventRecord = try l.function("cuEventRecord")
    cuEventSynchronize = try l.function("cuEventSynchronize")
    cuStreamWaitEvent = try l.function("cuStreamWaitEvent")
    cuMemHostAlloc = try l.function("cuMemHostAlloc")
    cuMemFreeHost = try l.function("cuMemFreeHost")
    cuMemcpyHtoDAsync = try l.function("cuMemcpyHtoDAsync_v2")
    var s: DriverHandle? = nil
    // CU_STREAM_NON_BLOCKING: no implicit ordering with the legacy default stream.
    try driver.check("cuStreamCreate", cuStreamCreate(&s, 1))
    stream = s!
    for _ in 0..<2 {
      var e: DriverHandle? = nil
      // CU_EVENT_DISABLE_TIMING: a pure ordering event.
      try driver.check("cuEventCreate", cuEventCreate(&e, 2))
      staging.append((nil, 0, e!))
    }
  }

  /// Copies `bytes` from `source` into device memory `dst` through staging buffer `slot`
  /// (0 or 1): waits for that buffer's previous copy, fills it, queues the async copy and
  /// records the buffer's event. `source` may be reused as soon as this returns.
  public func copy(to dst: DeviceAddress, from source: UnsafeRawPointer, bytes: Int, slot: Int)
    throws(CUDALibraryError)
  {
    let k = slot & 1
    try driver.check("cuEventSynchronize", cuEventSynchronize(staging[k].event))
    if staging[k].capacity < bytes {
      // The buffer's last copy is done (synchronized above): a larger one replaces it.
      if let old = staging[k].memory { _ = cuMemFreeHost(old) }
      (staging[k].memory, staging[k].capacity) = (nil, 0)
      var p: UnsafeMutableRawPointer? = nil
      try driver.check("cuMemHostAlloc", cuMemHostAlloc(&p, bytes, 0))
      staging[k].memory = p
      staging[k].capacity = bytes
    }
    guard let memory = staging[k].memory else { return }
    memory.copyMemory(from: source, byteCount: bytes)
    try driver.check("cuMemcpyHtoDAsync", cuMemcpyHtoDAsync(dst, memory, bytes, stream))
    try driver.check("cuEventRecord", cuEventRecord(staging[k].event, stream))
  }

  /// Queues the default stream behind staging buffer `slot`'s last copy (the GPU waits,
  /// not the host).
  public func makeDefaultStreamWait(slot: Int) throws(CUDALibraryError) {
    try driver.check("cuStreamWaitEvent", cuStreamWaitEvent(nil, staging[slot & 1].event, 0))
  }
}
