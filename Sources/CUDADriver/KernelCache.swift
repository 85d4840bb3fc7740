#if canImport(Glibc)
  import Glibc
#endif

/// Compiled kernel images on disk, so a second start pays no NVRTC compile: files in
/// `$TABBY_CACHE/kernels` (default `~/.cache/tabby/kernels`), named by a hash of the source,
/// the target architecture and the NVRTC version.
public struct KernelCache: Sendable {
  /// The directory holding the images.
  public let directory: String

  /// A cache in `directory` (created on the first store).
  public init(directory: String) { self.directory = directory }

  /// The cache the environment asks for.
  public static func fromEnvironment() -> KernelCache {
    if let dir = getenv("TABBY_CACHE"), dir.pointee != 0 {
      return KernelCache(directory: String(cString: dir) + "/kernels")
    }
    let home = getenv("HOME").map { String(cString: $0) } ?? "/tmp"
    return KernelCache(directory: home + "/.cache/tabby/kernels")
  }

  /// The file name for one compiled image.
  public static func key(source: String, arch: Int, ptx: Bool, nvrtc: (Int, Int)) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in source.utf8 { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
    let hex = String(h, radix: 16)
    let kind = ptx ? "compute_\(arch).ptx" : "sm_\(arch).cubin"
    return "tabby-\(String(repeating: "0", count: 16 - hex.count) + hex)-nvrtc\(nvrtc.0).\(nvrtc.1)-\(kind)"
  }

  /// The image stored under `key`, or nil.
  public func load(_ key: String) -> [UInt8]? {
    guard let f = fopen(directory + "/" + key, "rb") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    while true {
      let n = fread(&chunk, 1, chunk.count, f)
      if n <= 0 { break }
      bytes += chunk[..<n]
    }
    return bytes.isEmpty ? nil : bytes
  }

  /// Stores an image (write to a temporary file, then rename: readers never see half a file).
  /// A cache that cannot be written is not an error; the next start compiles again.
  public func store(_ key: String, _ bytes: [UInt8]) {
    makeDirectories(directory)
    let temp = "\(directory)/.\(key).\(getpid())"
    guard let f = fopen(temp, "wb") else { return }
    let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
    fclose(f)
    if written == bytes.count { rename(temp, directory + "/" + key) } else { unlink(temp) }
  }

  private func makeDirectories(_ path: String) {
    var prefix = ""
    for part in path.split(separator: "/") {
      prefix += "/" + part
      mkdir(prefix, 0o755)
    }
  }

  /// The image for `source` on compute capability `arch`: from the cache, or compiled by
  /// NVRTC (a cubin when NVRTC knows the architecture, else PTX for the newest one it knows,
  /// which the driver compiles forward) and stored.
  public func image(
    source: String, name: String, arch: Int, nvrtc: NVRTC
  ) throws(CUDALibraryError) -> (image: [UInt8], cached: Bool) {
    let known = nvrtc.architectures
    let usePTX = !known.isEmpty && !known.contains(arch)
    let target = usePTX ? (known.filter { $0 <= arch }.max() ?? known.min()!) : arch
    let key = Self.key(source: source, arch: target, ptx: usePTX, nvrtc: nvrtc.version)
    if let cached = load(key) { return (cached, true) }
    var image = try nvrtc.compile(source, name: name, arch: target, ptx: usePTX)
    if usePTX && image.last != 0 { image.append(0) }
    store(key, image)
    return (image, false)
  }
}
