#if canImport(Glibc)
  import Glibc
#endif

/// A device address (CUdeviceptr).
public typealias DeviceAddress = UInt64
/// An opaque driver handle (CUcontext, CUmodule, CUfunction, CUstream).
public typealias DriverHandle = UnsafeMutableRawPointer

/// The CUDA driver API (libcuda.so.1, installed with the NVIDIA driver), one-to-one:
/// each method is one driver call whose non-zero result becomes `callFailed`.
public final class Driver: @unchecked Sendable {
  typealias Handle = UnsafeMutablePointer<DriverHandle?>
  let library: DynamicLibrary
  let cuInit: @convention(c) (UInt32) -> Int32
  let cuDeviceGetCount: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32
  let cuDeviceGet: @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
  let cuDeviceGetAttribute: @convention(c) (UnsafeMutablePointer<Int32>, Int32, Int32) -> Int32
  let cuDevicePrimaryCtxRetain: @convention(c) (Handle, Int32) -> Int32
  let cuCtxSetCurrent: @convention(c) (DriverHandle?) -> Int32
  let cuCtxSynchronize: @convention(c) () -> Int32
  let cuMemAlloc: @convention(c) (UnsafeMutablePointer<UInt64>, Int) -> Int32
  let cuMemFree: @convention(c) (UInt64) -> Int32
  let cuMemcpyHtoD: @convention(c) (UInt64, UnsafeRawPointer, Int) -> Int32
  let cuMemcpyDtoH: @convention(c) (UnsafeMutableRawPointer, UInt64, Int) -> Int32
  let cuMemcpyDtoD: @convention(c) (UInt64, UInt64, Int) -> Int32
  let cuModuleLoadData: @convention(c) (Handle, UnsafeRawPointer) -> Int32
  let cuModuleGetFunction: @convention(c) (Handle, DriverHandle?, UnsafePointer<CChar>) -> Int32
  let cuLaunchKernel:
    @convention(c) (
      DriverHandle?, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, DriverHandle?,
      UnsafeMutablePointer<UnsafeMutableRawPointer?>?, UnsafeMutablePointer<UnsafeMutableRawPointer?>?
    ) -> Int32
  let cuGetErrorString: @convention(c) (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>) -> Int32
  let cuDriverGetVersion: @convention(c) (UnsafeMutablePointer<Int32>) -> Int32

  /// CUDA_ERROR_OUT_OF_MEMORY.
  public static let outOfMemory: Int32 = 2

  /// Loads libcuda.so.1 and resolves every call Tabby makes (the _v2 entry points).
  public init(search: LibrarySearch) throws(CUDALibraryError) {
    let l = try DynamicLibrary.open(
      ["libcuda.so.1", "libcuda.so"], library: "libcuda.so.1",
      package: "it comes with the NVIDIA driver (in containers: run with --gpus all)",
      search: search)
    library = l
    cuInit = try l.function("cuInit")
    cuDeviceGetCount = try l.function("cuDeviceGetCount")
    cuDeviceGet = try l.function("cuDeviceGet")
    cuDeviceGetAttribute = try l.function("cuDeviceGetAttribute")
    cuDevicePrimaryCtxRetain = try l.function(
      "cuDevicePrimaryCtxRetain")
    cuCtxSetCurrent = try l.function("cuCtxSetCurrent")
    cuCtxSynchronize = try l.function("cuCtxSynchronize")
    cuMemAlloc = try l.function("cuMemAlloc_v2")
    cuMemFree = try l.function("cuMemFree_v2")
    cuMemcpyHtoD = try l.function("cuMemcpyHtoD_v2")
    cuMemcpyDtoH = try l.function("cuMemcpyDtoH_v2")
    cuMemcpyDtoD = try l.function("cuMemcpyDtoD_v2")
    cuModuleLoadData = try l.function("cuModuleLoadData")
    cuModuleGetFunction = try l.function("cuModuleGetFunction")
    cuLaunchKernel = try l.function("cuLaunchKernel")
    cuGetErrorString = try l.function("cuGetErrorString")
    cuDriverGetVersion = try l.function("cuDriverGetVersion")
  }

  func check(_ call: String, _ code: Int32) throws(CUDALibraryError) {
    guard code != 0 else { return }
    var text: UnsafePointer<CChar>? = nil
    _ = cuGetErrorString(code, &text)
    throw .callFailed(call: call, code: code, message: text.map { String(cString: $0) } ?? "unknown")
  }

  /// cuInit(0).
  public func initialize() throws(CUDALibraryError) { try check("cuInit", cuInit(0)) }

  /// cuDeviceGetCount.
  public func deviceCount() throws(CUDALibraryError) -> Int {
    var n: Int32 = 0
    try check("cuDeviceGetCount", cuDeviceGetCount(&n))
    return Int(n)
  }

  /// cuDeviceGet.
  public func device(_ ordinal: Int) throws(CUDALibraryError) -> Int32 {
    var d: Int32 = 0
    try check("cuDeviceGet", cuDeviceGet(&d, Int32(ordinal)))
    return d
  }

  /// The compute capability (major, minor) from cuDeviceGetAttribute (attributes 75, 76).
  public func computeCapability(_ device: Int32) throws(CUDALibraryError) -> (Int, Int) {
    var major: Int32 = 0
    var minor: Int32 = 0
    try check("cuDeviceGetAttribute", cuDeviceGetAttribute(&major, 75, device))
    try check("cuDeviceGetAttribute", cuDeviceGetAttribute(&minor, 76, device))
    return (Int(major), Int(minor))
  }

  /// cuDevicePrimaryCtxRetain then cuCtxSetCurrent: the context cuBLAS also uses.
  public func retainPrimaryContext(_ device: Int32) throws(CUDALibraryError) -> DriverHandle {
    var ctx: DriverHandle? = nil
    try check("cuDevicePrimaryCtxRetain", cuDevicePrimaryCtxRetain(&ctx, device))
    try makeCurrent(ctx)
    return ctx!
  }

  /// cuCtxSetCurrent (each calling thread needs it once).
  public func makeCurrent(_ context: DriverHandle?) throws(CUDALibraryError) {
    try check("cuCtxSetCurrent", cuCtxSetCurrent(context))
  }

  /// cuCtxSynchronize.
  public func synchronize() throws(CUDALibraryError) { try check("cuCtxSynchronize", cuCtxSynchronize()) }

  /// cuMemAlloc_v2; the error code tells out-of-memory apart.
  public func allocate(_ bytes: Int) throws(CUDALibraryError) -> DeviceAddress {
    var p: UInt64 = 0
    try check("cuMemAlloc", cuMemAlloc(&p, bytes))
    return p
  }

  /// cuMemFree_v2 (errors ignored: it runs from deinit).
  public func free(_ p: DeviceAddress) { _ = cuMemFree(p) }

  /// cuMemcpyHtoD_v2.
  public func copy(to dst: DeviceAddress, from src: UnsafeRawPointer, bytes: Int) throws(CUDALibraryError) {
    try check("cuMemcpyHtoD", cuMemcpyHtoD(dst, src, bytes))
  }

  /// cuMemcpyDtoH_v2.
  public func copy(to dst: UnsafeMutableRawPointer, from src: DeviceAddress, bytes: Int) throws(CUDALibraryError) {
    try check("cuMemcpyDtoH", cuMemcpyDtoH(dst, src, bytes))
  }

  /// cuMemcpyDtoD_v2.
  public func copy(to dst: DeviceAddress, from src: DeviceAddress, bytes: Int) throws(CUDALibraryError) {
    try check("cuMemcpyDtoD", cuMemcpyDtoD(dst, src, bytes))
  }

  /// cuModuleLoadData on a cubin or NUL-terminated PTX image.
  public func loadModule(_ image: [UInt8]) throws(CUDALibraryError) -> DriverHandle {
    var module: DriverHandle? = nil
    let code = image.withUnsafeBytes { cuModuleLoadData(&module, $0.baseAddress!) }
    try check("cuModuleLoadData", code)
    return module!
  }

  /// cuModuleGetFunction.
  public func function(_ module: DriverHandle, _ name: String) throws(CUDALibraryError) -> DriverHandle {
    var f: DriverHandle? = nil
    try check("cuModuleGetFunction(\(name))", cuModuleGetFunction(&f, module, name))
    return f!
  }

  /// cuLaunchKernel on the default stream, no dynamic shared memory.
  public func launch(
    _ f: DriverHandle, grid: (UInt32, UInt32, UInt32), block: (UInt32, UInt32, UInt32),
    arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  ) throws(CUDALibraryError) {
    let code = cuLaunchKernel(
      f, grid.0, grid.1, grid.2, block.0, block.1, block.2, 0, nil, arguments, nil)
    try check("cuLaunchKernel", code)
  }

  /// cuDriverGetVersion (e.g. 13000).
  public func version() throws(CUDALibraryError) -> Int {
    var v: Int32 = 0
    try check("cuDriverGetVersion", cuDriverGetVersion(&v))
    return Int(v)
  }
}
