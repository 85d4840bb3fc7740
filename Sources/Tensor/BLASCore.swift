import CKernels

/// Which of OpenBLAS's kernel sets runs Tabby's gemms. Debian 12's OpenBLAS falls back to its
/// SSE3 kernels on CPUs newer than itself; CKernels' `blas_core.c` replaces that fallback by
/// the CPU's AVX-512/AVX2 kernels before main runs (see there for why then).
public enum BLASCore {
  /// The kernel set in use, as OpenBLAS names it ("SkylakeX", "Haswell", …).
  public static var name: String { ck_blas_core().map { String(cString: $0) } ?? "none" }

  /// The widest vector level of this CPU that OpenBLAS has kernels for (0 … 3).
  public static var cpuVectorLevel: Int { Int(ck_cpu_vector_level()) }

  /// The kernel set that replaces `current` on a CPU of `vectorLevel`, nil when it stands.
  static func replacement(current: String, vectorLevel: Int) -> String? {
    ck_blas_replacement(current, Int32(vectorLevel)).map { String(cString: $0) }
  }
}
