/// cuBLAS (libcublas.so.12 or .13), one-to-one: a handle and column-major SGEMM.
public final class CUBLAS: @unchecked Sendable {
  let library: DynamicLibrary
  let create: @convention(c) (UnsafeMutablePointer<DriverHandle?>) -> Int32
  let sgemm:
    @convention(c) (
      DriverHandle?, Int32, Int32, Int32, Int32, Int32, UnsafePointer<Float>, UInt64, Int32,
      UInt64, Int32, UnsafePointer<Float>, UInt64, Int32
    ) -> Int32
  let handle: DriverHandle

  /// What to install when cuBLAS is missing.
  public static let package =
    "install it with `pip install nvidia-cublas-cu12` (CUDA 12) or `pip install nvidia-cublas` (CUDA 13), or the CUDA toolkit"

  /// Loads cuBLAS (its Lt library first, from the same place, as cuBLAS needs it) and
  /// creates a handle in the current context.
  public init(search: LibrarySearch) throws(CUDALibraryError) {
    _ = try? DynamicLibrary.open(
      ["libcublasLt.so.13", "libcublasLt.so.12"], library: "libcublasLt", package: Self.package,
      search: search)
    let l = try DynamicLibrary.open(
      ["libcublas.so.13", "libcublas.so.12"], library: "libcublas.so (12 or 13)",
      package: Self.package, search: search)
    library = l
    create = try l.function("cublasCreate_v2")
    sgemm = try l.function("cublasSgemm_v2")
    var h: DriverHandle? = nil
    let code = create(&h)
    guard code == 0, let h else {
      throw .callFailed(call: "cublasCreate", code: code, message: "cuBLAS status \(code)")
    }
    handle = h
  }

  /// cublasSgemm_v2: C = alpha·op(A)·op(B) + beta·C, column-major, host scalars.
  public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float, a: DeviceAddress, lda: Int,
    b: DeviceAddress, ldb: Int, beta: Float, c: DeviceAddress, ldc: Int
  ) throws(CUDALibraryError) {
    var (al, be) = (alpha, beta)
    let code = sgemm(
      handle, transA ? 1 : 0, transB ? 1 : 0, Int32(m), Int32(n), Int32(k), &al, a, Int32(lda), b,
      Int32(ldb), &be, c, Int32(ldc))
    guard code == 0 else {
      throw .callFailed(call: "cublasSgemm", code: code, message: "cuBLAS status \(code)")
    }
  }
}
