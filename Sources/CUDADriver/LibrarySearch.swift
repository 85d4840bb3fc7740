#if canImport(Glibc)
  import Glibc
#endif

/// Where the CUDA libraries are looked for, in order: `TABBY_CUDA_LIBS` (colon-separated
/// directories), the dynamic linker's own path, `$CUDA_HOME/lib64`, `/usr/local/cuda/lib64`,
/// and the `nvidia/*/lib` folders of the active Python environment (`$VIRTUAL_ENV`), where
/// `pip install nvidia-cublas-cu12 nvidia-cuda-nvrtc-cu12` puts them.
public struct LibrarySearch: Sendable, Equatable {
  /// Directories tried before the dynamic linker's path.
  public var first: [String]
  /// Whether a bare `dlopen(name)` (LD_LIBRARY_PATH, ld.so.cache, RUNPATH) is tried.
  public var useLinkerPath: Bool
  /// Directories tried after the dynamic linker's path.
  public var then: [String]

  /// A search over exactly these directories (tests point it at a fake library dir).
  public init(first: [String], useLinkerPath: Bool = false, then: [String] = []) {
    self.first = first
    self.useLinkerPath = useLinkerPath
    self.then = then
  }

  /// The search the environment asks for.
  public static func fromEnvironment() -> LibrarySearch {
    let env = { (name: String) -> String? in getenv(name).map { String(cString: $0) } }
    let first = (env("TABBY_CUDA_LIBS") ?? "").split(separator: ":").map(String.init)
    var then: [String] = []
    if let home = env("CUDA_HOME"), !home.isEmpty { then.append(home + "/lib64") }
    then.append("/usr/local/cuda/lib64")
    if let venv = env("VIRTUAL_ENV"), !venv.isEmpty { then += pythonNvidiaDirectories(venv) }
    return LibrarySearch(first: first, useLinkerPath: true, then: then)
  }

  /// `<venv>/lib/python3*/site-packages/nvidia/*/lib`, sorted so the choice is stable.
  public static func pythonNvidiaDirectories(_ venv: String) -> [String] {
    var found: [String] = []
    for python in DeviceNodes.directoryEntries(venv + "/lib").filter({ $0.hasPrefix("python3") }).sorted() {
      let nvidia = "\(venv)/lib/\(python)/site-packages/nvidia"
      for package in DeviceNodes.directoryEntries(nvidia).sorted() {
        let lib = "\(nvidia)/\(package)/lib"
        if access(lib, F_OK) == 0 { found.append(lib) }
      }
    }
    return found
  }
}

/// A CUDA library could not be loaded or lacks a function Tabby calls.
public enum CUDALibraryError: Error, Equatable, Sendable, CustomStringConvertible {
  /// None of the file names was found anywhere on the search path.
  case notFound(library: String, package: String, searched: [String])
  /// The file loaded but is not the library expected (a symbol is missing).
  case missingSymbol(library: String, symbol: String)
  /// A driver, cuBLAS or NVRTC call failed.
  case callFailed(call: String, code: Int32, message: String)

  public var description: String {
    switch self {
    case .notFound(let library, let package, let searched):
      let dirs = searched.isEmpty ? "" : " (searched \(searched.joined(separator: ", ")))"
      return "\(library) not found\(dirs) — \(package)"
    case .missingSymbol(let library, let symbol):
      return "\(library) does not export \(symbol): not the CUDA library Tabby expects"
    case .callFailed(let call, let code, let message):
      return "\(call) failed with error \(code): \(message)"
    }
  }
}

/// One dlopen'ed shared library; the handle stays open for the process's life (CUDA
/// libraries cannot be unloaded safely while a context exists).
public final class DynamicLibrary: @unchecked Sendable {
  /// The file that was loaded.
  public let path: String
  let handle: UnsafeMutableRawPointer

  init(path: String, handle: UnsafeMutableRawPointer) {
    self.path = path
    self.handle = handle
  }

  /// Loads the first of `names` found along `search`; `package` tells the user what to install.
  public static func open(
    _ names: [String], library: String, package: String, search: LibrarySearch
  ) throws(CUDALibraryError) -> DynamicLibrary {
    for dir in search.first {
      if let lib = tryOpen(names.map { dir + "/" + $0 }) { return lib }
    }
    if search.useLinkerPath, let lib = tryOpen(names) { return lib }
    for dir in search.then {
      if let lib = tryOpen(names.map { dir + "/" + $0 }) { return lib }
    }
    throw .notFound(library: library, package: package, searched: search.first + search.then)
  }

  private static func tryOpen(_ paths: [String]) -> DynamicLibrary? {
    for path in paths {
      // GLOBAL: libnvrtc finds its builtins library, cuBLAS its Lt part, through symbols
      // already loaded.
      if let h = dlopen(path, RTLD_NOW | RTLD_GLOBAL) { return DynamicLibrary(path: path, handle: h) }
    }
    return nil
  }

  /// The function `name` as a C function pointer of type `T`.
  public func function<T>(_ name: String, as type: T.Type = T.self) throws(CUDALibraryError) -> T {
    guard let sym = dlsym(handle, name) else {
      throw .missingSymbol(library: path, symbol: name)
    }
    return unsafeBitCast(sym, to: type)
  }

  /// The directory the library was loaded from ("" for a bare name found by the linker).
  public var directory: String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return String(path[..<slash])
  }
}
