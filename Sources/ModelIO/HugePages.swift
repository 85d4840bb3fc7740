#if canImport(Glibc)
  import Glibc
#endif

/// Asks the kernel to back a large, not yet touched buffer with transparent huge pages.
///
/// Loading a model writes each weight into fresh memory two or three times (file → array →
/// tensor); with 4 KiB pages that is one page fault per 4 KiB, and on a virtual machine
/// the faults cost more than the copies. A 2 MiB page takes one fault. Only the 2 MiB-aligned
/// interior of the buffer is advised; where THP is off (or `never`) this does nothing.
func adviseHugePages(_ base: UnsafeMutableRawPointer?, byteCount: Int) {
  #if os(Linux)
    let huge = 2 << 20
    guard let base, byteCount >= huge else { return }
    let start = (Int(bitPattern: base) + huge - 1) & ~(huge - 1)
    let end = (Int(bitPattern: base) + byteCount) & ~(huge - 1)
    guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(p, end - start, MADV_HUGEPAGE)
  #endif
}
