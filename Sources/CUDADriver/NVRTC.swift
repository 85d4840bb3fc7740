#if canImport(Glibc)
  import Glibc
#endif

/// NVRTC (libnvrtc.so.12 or .13 with its builtins library), one-to-one: compile a CUDA C
/// source for one architecture and read back the cubin or PTX.
public final class NVRTC: @unchecked Sendable {
  typealias Program = DriverHandle?
  let library: DynamicLibrary
  let nvrtcVersion: @convention(c) (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>) -> Int32
  let createProgram:
    @convention(c) (
      UnsafeMutablePointer<Program>, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32,
      UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?
    ) -> Int32
  let compileProgram:
    @convention(c) (Program, Int32, UnsafePointer<UnsafePointer<CChar>?>?) -> Int32
  let getLogSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
  let getLog: @convention(c) (Program, UnsafeMutablePointer<CChar>) -> Int32
  let getCUBINSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
  let getCUBIN: @convention(c) (Program, UnsafeMutablePointer<UInt8>) -> Int32
  let getPTXSize: @convention(c) (Program, UnsafeMutablePointer<Int>) -> Int32
  let getPTX: @convention(c) (Program, UnsafeMutablePointer<UInt8>) -> Int32
  let destroyProgram: @convention(c) (UnsafeMutablePointer<Program>) -> Int32
  let numSupportedArchs: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
  let supportedArchs: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32

  /// What to install when NVRTC is missing.
  public static let package =
    "install it with `pip install nvidia-cuda-nvrtc-cu12` (CUDA 12) or `pip install nvidia-cuda-nvrtc` (CUDA 13), or the CUDA toolkit"

  /// Loads NVRTC; its builtins library is found by NVRTC itself next to it.
  public init(search: LibrarySearch) throws(CUDALibraryError) {
    let l = try DynamicLibrary.open(
      ["libnvrtc.so.13", "libnvrtc.so.12"], library: "libnvrtc.so (12 or 13)",
      package: Self.package, search: search)
    library = l
    nvrtcVersion = try l.function("nvrtcVersion")
    createProgram = try l.function("nvrtcCreateProgram")
    compileProgram = try l.function("nvrtcCompileProgram")
    getLogSize = try l.function("nvrtcGetProgramLogSize")
    getLog = try l.function("nvrtcGetProgramLog")
    getCUBINSize = try l.function("nvrtcGetCUBINSize")
    getCUBIN = try l.function("nvrtcGetCUBIN")
    getPTXSize = try l.function("nvrtcGetPTXSize")
    getPTX = try l.function("nvrtcGetPTX")
    destroyProgram = try l.function("nvrtcDestroyProgram")
    numSupportedArchs = try l.function("nvrtcGetNumSupportedArchs")
    supportedArchs = try l.function("nvrtcGetSupportedArchs")
  }

  /// The file NVRTC was loaded from.
  public var path: String { library.path }

  /// NVRTC's (major, minor) version.
  public var version: (Int, Int) {
    var (major, minor): (Int32, Int32) = (0, 0)
    _ = nvrtcVersion(&major, &minor)
    return (Int(major), Int(minor))
  }

  /// The compute capabilities (as 80, 90, …) this NVRTC can emit cubins for.
  public var architectures: [Int] {
    var n: Int32 = 0
    guard numSupportedArchs(&n) == 0, n > 0 else { return [] }
    var archs = [Int32](repeating: 0, count: Int(n))
    guard supportedArchs(&archs) == 0 else { return [] }
    return archs.map(Int.init)
  }

  /// Compiles `source` for `sm_<arch>` to a cubin, or to PTX for `compute_<arch>` when
  /// `ptx` is set (an architecture newer than this NVRTC knows; the driver JITs the PTX).
  /// A compile error carries NVRTC's log.
  public func compile(
    _ source: String, name: String, arch: Int, ptx: Bool = false
  ) throws(CUDALibraryError) -> [UInt8] {
    var program: Program = nil
    var code = createProgram(&program, source, name, 0, nil, nil)
    try check("nvrtcCreateProgram", code, program)
    defer { _ = destroyProgram(&program) }
    let options = [
      (ptx ? "--gpu-architecture=compute_" : "--gpu-architecture=sm_") + String(arch),
      "--std=c++17",
    ]
    let cOptions = options.map { strdup($0) }
    defer { cOptions.forEach { free($0) } }
    code = cOptions.map { UnsafePointer($0) }.withUnsafeBufferPointer {
      compileProgram(program, Int32($0.count), $0.baseAddress)
    }
    try check("nvrtcCompileProgram(\(options[0]))", code, program)
    var size = 0
    code = ptx ? getPTXSize(program, &size) : getCUBINSize(program, &size)
    try check("nvrtcGetCUBINSize", code, program)
    var image = [UInt8](repeating: 0, count: size)
    code = ptx ? getPTX(program, &image) : getCUBIN(program, &image)
    try check("nvrtcGetCUBIN", code, program)
    return image
  }

  private func check(_ call: String, _ code: Int32, _ program: Program) throws(CUDALibraryError) {
    guard code != 0 else { return }
    throw .callFailed(call: call, code: code, message: program.map { _ in log(program) } ?? "")
  }

  private func log(_ program: Program) -> String {
    var size = 0
    guard getLogSize(program, &size) == 0, size > 1 else { return "" }
    var text = [CChar](repeating: 0, count: size)
    _ = getLog(program, &text)
    return String(decoding: text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }
}
