import JSON
import KernelCore

#if canImport(Glibc)
  import Glibc
#endif

/// Why the kernelspec could not be installed or removed.
public struct KernelspecError: Error, CustomStringConvertible, Sendable {
  public var message: String
  public var description: String { message }
}

/// Where `tabby install` puts the kernelspec (jupyter's own search locations).
public enum KernelspecLocation: Sendable {
  /// $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter.
  case user
  /// The prefix of the `jupyter` found on PATH (a venv's directory, say).
  case sysPrefix
  case prefix(String)

  /// The `kernels/tabby` directory for this location.
  public func directory() throws(KernelspecError) -> String {
    switch self {
    case .user:
      let base =
        environment("JUPYTER_DATA_DIR") ?? environment("XDG_DATA_HOME").map { $0 + "/jupyter" }
        ?? (environment("HOME") ?? "/tmp") + "/.local/share/jupyter"
      return base + "/kernels/tabby"
    case .sysPrefix:
      guard let jupyter = findOnPath("jupyter") else {
        throw KernelspecError(message: "--sys-prefix: no 'jupyter' executable on PATH")
      }
      return parent(parent(jupyter)) + "/share/jupyter/kernels/tabby"
    case .prefix(let p):
      return p + "/share/jupyter/kernels/tabby"
    }
  }
}

/// Writes and removes the Tabby kernelspec.
public enum Kernelspec {
  /// kernel.json with `argv[0]` set to `binary`.
  public static func kernelJSON(binary: String) throws(KernelspecError) -> [UInt8] {
    guard case .object(var spec)? = try? JSON.parse(KernelspecAssets.kernelJSON),
      case .array(var argv)? = spec["argv"], !argv.isEmpty
    else { throw KernelspecError(message: "embedded kernel.json is malformed") }
    argv[0] = .string(binary)
    spec["argv"] = .array(argv)
    return Array(JSON.object(spec).pretty().utf8) + [0x0A]
  }

  /// Installs (or replaces) the kernelspec at `location` for `binary`; returns the directory.
  @discardableResult
  public static func install(at location: KernelspecLocation, binary: String)
    throws(KernelspecError) -> String
  {
    let dir = try location.directory()
    let files: [(String, [UInt8])] = [
      ("kernel.json", try kernelJSON(binary: binary)),
      ("logo-32x32.png", KernelspecAssets.logo32), ("logo-64x64.png", KernelspecAssets.logo64),
    ]
    do {
      try makeDirectory(dir)
      for (name, bytes) in files { try writeFile(dir + "/" + name, bytes, append: false) }
      _ = chmod(dir, 0o755)
      for (name, _) in files { _ = chmod(dir + "/" + name, 0o644) }
    } catch {
      throw KernelspecError(message: "cannot write the kernelspec in \(dir): \(error.evalue)")
    }
    return dir
  }

  /// Removes the kernelspec at `location`; returns the directory, or nil when none was there.
  public static func uninstall(at location: KernelspecLocation) throws(KernelspecError) -> String? {
    let dir = try location.directory()
    guard access(dir, F_OK) == 0 else { return nil }
    for name in ["kernel.json", "logo-32x32.png", "logo-64x64.png"] { _ = unlink(dir + "/" + name) }
    guard rmdir(dir) == 0 else {
      throw KernelspecError(message: "cannot remove \(dir): \(String(cString: strerror(errno)))")
    }
    return dir
  }
}

/// The absolute path of the running executable.
public func currentExecutablePath() -> String? {
  var buffer = [CChar](repeating: 0, count: 4096)
  let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
  guard n > 0 else { return nil }
  return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func findOnPath(_ name: String) -> String? {
  for dir in (environment("PATH") ?? "").split(separator: ":") {
    let candidate = "\(dir)/\(name)"
    if access(candidate, X_OK) == 0 { return candidate }
  }
  return nil
}

func parent(_ path: String) -> String {
  guard let slash = path.lastIndex(of: "/") else { return "." }
  return slash == path.startIndex ? "/" : String(path[..<slash])
}
