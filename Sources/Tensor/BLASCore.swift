import COpenBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// Which of OpenBLAS's kernel sets runs Tabby's gemms.
///
/// A DYNAMIC_ARCH OpenBLAS picks kernels for the CPU model it recognises. Debian 12's (0.3.21)
/// does not know CPUs newer than itself (Sapphire and Emerald Rapids among them) and falls
/// back to "Prescott", its SSE3 kernels: several times slower than the AVX-512 ones the CPU
/// can run (LeNet training went from ~1,000 to ~1,800 images/s on one thread here). So before
/// the first gemm, a fallback core is replaced by the kernels the CPU's vector level allows.
/// A user's own OPENBLAS_CORETYPE is always kept.
public enum BLASCore {
  /// The kernel set in use now, as OpenBLAS names it ("SkylakeX", "Haswell", …).
  public static var name: String {
    guard let p = openblas_get_corename() else { return "unknown" }
    return String(cString: p)
  }

  /// Re-picks once per process; every gemm goes through here first (a one-time check).
  public static let ensured: String = choose()

  /// The kernel set for a CPU of this vector level when OpenBLAS fell back to a generic one,
  /// nil when the current choice stands.
  static func replacement(current: String, vectorLevel: Int) -> String? {
    // The cores OpenBLAS falls back to for a CPU model it does not know.
    let fallbacks: Set<String> = ["prescott", "core2", "unknown"]
    guard fallbacks.contains(current.lowercased()) else { return nil }
    switch vectorLevel {
    case 3: return "SkylakeX"
    case 2: return "Haswell"
    case 1: return "Sandybridge"
    default: return nil
    }
  }

  private static func choose() -> String {
    guard getenv("OPENBLAS_CORETYPE") == nil, tabby_openblas_can_repick() != 0,
      let better = replacement(current: name, vectorLevel: Int(tabby_cpu_vector_level()))
    else { return name }
    setenv("OPENBLAS_CORETYPE", better, 1)
    tabby_openblas_repick()
    // Child processes (mpirun's ranks, a restarted kernel) then start with the same choice.
    return name
  }
}
