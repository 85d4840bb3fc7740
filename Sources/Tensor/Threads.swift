import CKernels
import COpenBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// The engine's thread budget, shared by OpenBLAS's pool and the inference kernels' pool
/// (CKernels): both get the same count and never run at once.
public enum Threads {
  /// CPUs this process may use: the affinity mask, capped by a cgroup v2/v1 CPU quota.
  public static var available: Int {
    var count = affinityCount() ?? 0
    if count <= 0 { count = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }
    if let quota = cgroupQuota() { count = min(count, quota) }
    return max(1, count)
  }

  /// Sets how many threads OpenBLAS and the inference kernels use. The count may come from
  /// a cell (`ctx(threads=2**62)`): it is clamped into Int32, and both pools cap it further.
  public static func set(_ n: Int) {
    let count = Int32(clamping: max(1, n))
    openblas_set_num_threads(count)
    ck_set_threads(count)
  }

  /// For data-parallel training: OpenBLAS on one thread and the kernel pool on `n`, which
  /// runs the shards themselves (`parallelTasks`); the kernels inside a shard then run
  /// serially on its thread, so the two pools never oversubscribe the CPUs.
  public static func setForShards(_ n: Int) {
    openblas_set_num_threads(1)
    ck_set_threads(Int32(clamping: max(1, n)))
  }

  /// Runs `body` with this thread's parallel loops run by this thread alone: for callers
  /// that keep every core busy themselves (the model server's batch workers). The result is
  /// the same as on the pool.
  public static func serially<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
    let was = ck_set_serial(1)
    defer { ck_set_serial(was) }
    return try body()
  }

  /// Frees the scratch this thread's kernels keep between runs (packing panels, padded
  /// inputs, Winograd's transforms: megabytes for a batch): for a long-lived thread between
  /// bursts of work, never from inside a run. The pool's own threads free theirs before they
  /// sleep, and every thread when it exits. Results do not change.
  public static func releaseScratch() { ck_release_thread_scratch() }

  /// Waits up to `milliseconds` for the kernel pool's workers to be asleep, which they are
  /// 3 ms after their last job, their scratch freed; false when the pool is busy meanwhile.
  @discardableResult
  public static func waitForIdlePool(milliseconds: Int) -> Bool { ck_pool_wait_asleep(milliseconds) == 1 }

  /// Bytes of kernel scratch all threads hold now.
  public static var scratchBytes: Int { Int(ck_scratch_live_bytes()) }

  /// How many threads OpenBLAS uses now.
  public static var current: Int { Int(openblas_get_num_threads()) }

  /// Popcount of sched_getaffinity's mask; looked up at run time because Glibc's Swift
  /// overlay does not export the GNU-only declaration.
  private static func affinityCount() -> Int? {
    typealias Fn = @convention(c) (pid_t, Int, UnsafeMutableRawPointer) -> Int32
    guard let handle = dlopen(nil, RTLD_NOW), let sym = dlsym(handle, "sched_getaffinity") else {
      return nil
    }
    let call = unsafeBitCast(sym, to: Fn.self)
    var mask = [UInt64](repeating: 0, count: 16)  // 1024 CPUs
    let ok = mask.withUnsafeMutableBytes { call(0, $0.count, $0.baseAddress!) }
    guard ok == 0 else { return nil }
    return mask.reduce(0) { $0 + $1.nonzeroBitCount }
  }

  /// ceil(quota / period) from cpu.max (v2) or cpu.cfs_quota_us / cpu.cfs_period_us (v1).
  static func cgroupQuota() -> Int? {
    if let text = readSmallFile("/sys/fs/cgroup/cpu.max") {
      let parts = text.split(separator: " ")
      if parts.count >= 2, let q = Double(parts[0]), let p = Double(parts[1]), p > 0 {
        return max(1, Int((q / p).rounded(.up)))
      }
      return nil
    }
    if let q = readSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_quota_us").flatMap({ Double($0) }),
      let p = readSmallFile("/sys/fs/cgroup/cpu/cpu.cfs_period_us").flatMap({ Double($0) }),
      q > 0, p > 0
    {
      return max(1, Int((q / p).rounded(.up)))
    }
    return nil
  }

  private static func readSmallFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var buffer = [CChar](repeating: 0, count: 256)
    guard fgets(&buffer, 256, f) != nil else { return nil }
    let bytes = buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
    return String(decoding: bytes, as: UTF8.self).trimmingCharacters()
  }
}

extension String {
  fileprivate func trimmingCharacters() -> String {
    String(
      self.drop(while: { $0.isWhitespace }).reversed().drop(while: { $0.isWhitespace }).reversed())
  }
}
