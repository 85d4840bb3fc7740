#if canImport(Glibc)
  import Glibc
#endif

/// The NVIDIA devices the kernel driver exposes, counted from the file system without loading
/// any CUDA library (so asking costs nothing on a machine without a GPU).
public enum DeviceNodes {
  /// How many NVIDIA GPUs the driver exposes (0 where there is no driver).
  public static func count() -> Int {
    let gpus = directoryEntries("/proc/driver/nvidia/gpus")
    if !gpus.isEmpty { return gpus.count }
    // Containers may mount the device nodes without /proc/driver/nvidia.
    var n = 0
    while access("/dev/nvidia\(n)", F_OK) == 0 { n += 1 }
    return n
  }

  /// The names in directory `path` (without `.` and `..`); empty when it cannot be read.
  public static func directoryEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }
}
