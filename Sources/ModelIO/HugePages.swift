#if canImport(Glibc)
  import Glibc
#endif

/// Prepares a large, not yet touched buffer for being written in full: transparent huge
/// pages for its 2 MiB-aligned interior, and its pages mapped in one call.
///
/// Loading a model writes each weight into fresh memory two or three times (file → array →
/// tensor); with 4 KiB pages taken one fault at a time, and on a virtual machine, the faults
/// cost more than the copies. A 2 MiB page takes one fault, and MADV_POPULATE_WRITE (Linux
/// 5.14) maps the remaining pages without a fault each. Both are hints: on an older kernel or
/// with THP off they fail and the buffer faults in as before.
func adviseHugePages(_ base: UnsafeMutableRawPointer?, byteCount: Int) {
  #if os(Linux)
    let (huge, page) = (2 << 20, 4096)
    guard let base, byteCount >= 16 * page else { return }
    let address = Int(bitPattern: base)
    let start = (address + huge - 1) & ~(huge - 1)
    let end = (address + byteCount) & ~(huge - 1)
    if end > start, let p = UnsafeMutableRawPointer(bitPattern: start) {
      _ = madvise(p, end - start, MADV_HUGEPAGE)
    }
    let first = (address + page - 1) & ~(page - 1)
    let last = (address + byteCount) & ~(page - 1)
    if last > first, let p = UnsafeMutableRawPointer(bitPattern: first) {
      _ = madvise(p, last - first, madvPopulateWrite)
    }
  #endif
}

/// MADV_POPULATE_WRITE from <linux/mman.h> (newer than Glibc's Swift module).
private let madvPopulateWrite: Int32 = 23
