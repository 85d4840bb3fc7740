import CUDADriver
import Foundation
@testable import GPU
import Testing

/// Where the tests look for NVRTC: the environment's search plus the repository's .venv
/// (scripts/requirements-test.txt installs nvidia-cuda-nvrtc-cu12 there).
func testLibrarySearch() -> LibrarySearch {
  var search = LibrarySearch.fromEnvironment()
  let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
  search.then += LibrarySearch.pythonNvidiaDirectories(repo + "/.venv")
  return search
}

/// NVRTC, or nil with the reason printed; with TABBY_REQUIRE_NVRTC=1 (CI) its absence fails.
func loadNVRTC() -> NVRTC? {
  do { return try NVRTC(search: testLibrarySearch()) } catch {
    let required = ProcessInfo.processInfo.environment["TABBY_REQUIRE_NVRTC"] == "1"
    #expect(!required, "TABBY_REQUIRE_NVRTC=1 but NVRTC is missing: \(error)")
    print("skipping NVRTC checks: \(error)")
    return nil
  }
}

func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
  let n = Array(needle.utf8)
  guard n.count <= haystack.count else { return false }
  for i in 0...(haystack.count - n.count) where haystack[i] == n[0] {
    if Array(haystack[i..<(i + n.count)]) == n { return true }
  }
  return false
}

@Suite struct NVRTCTests {
  @Test(arguments: [80, 90])
  func everyKernelCompilesToACubin(arch: Int) throws {
    guard let nvrtc = loadNVRTC() else { return }
    let cubin = try nvrtc.compile(kernelSource, name: "tabby_kernels.cu", arch: arch)
    #expect(Array(cubin.prefix(4)) == [0x7f, 0x45, 0x4c, 0x46], "a cubin is an ELF file")
    for kernel in Kernel.allCases {
      #expect(contains(cubin, kernel.rawValue), "\(kernel.rawValue) is missing from the sm_\(arch) cubin")
    }
  }

  @Test func anArchitectureNewerThanNVRTCGetsPTX() throws {
    guard let nvrtc = loadNVRTC() else { return }
    let dir = NSTemporaryDirectory() + "tabby-kernel-cache-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let newest = nvrtc.architectures.max() ?? 90
    let (ptx, cached) = try KernelCache(directory: dir).image(
      source: kernelSource, name: "k.cu", arch: newest + 1000, nvrtc: nvrtc)
    #expect(!cached)
    #expect(ptx.last == 0, "PTX goes to the driver NUL-terminated")
    #expect(contains(ptx, ".entry tk_sgd"))
  }

  @Test func theCacheServesTheSecondStart() throws {
    guard let nvrtc = loadNVRTC() else { return }
    let dir = NSTemporaryDirectory() + "tabby-kernel-cache-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let cache = KernelCache(directory: dir + "/nested/kernels")
    let first = try cache.image(source: kernelSource, name: "k.cu", arch: 80, nvrtc: nvrtc)
    let second = try cache.image(source: kernelSource, name: "k.cu", arch: 80, nvrtc: nvrtc)
    #expect(!first.cached && second.cached)
    #expect(first.image == second.image)
    let keys = [80, 90].map { KernelCache.key(source: kernelSource, arch: $0, ptx: false, nvrtc: nvrtc.version) }
    #expect(keys[0] != keys[1])
    #expect(KernelCache.key(source: kernelSource + " ", arch: 80, ptx: false, nvrtc: (12, 9)) != KernelCache.key(source: kernelSource, arch: 80, ptx: false, nvrtc: (12, 9)))
  }

  @Test func aCompileErrorCarriesTheLog() throws {
    guard let nvrtc = loadNVRTC() else { return }
    #expect {
      _ = try nvrtc.compile("extern \"C\" __global__ void k() { undefined_name(); }", name: "bad.cu", arch: 80)
    } throws: { error in
      "\(error)".contains("undefined_name")
    }
  }
}

@Suite struct LibraryErrorTests {
  func temporaryDirectory() throws -> String {
    let dir = NSTemporaryDirectory() + "tabby-fake-cuda-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func aMissingLibraryNamesThePackageToInstall() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let search = LibrarySearch(first: [dir])
    #expect(throws: CUDALibraryError.self) { _ = try CUBLAS(search: search) }
    do {
      _ = try NVRTC(search: search)
      Issue.record("NVRTC loaded from an empty directory")
    } catch {
      #expect(error.description.contains("libnvrtc"))
      #expect(error.description.contains("pip install nvidia-cuda-nvrtc-cu12"))
      #expect(error.description.contains(dir))
    }
  }

  @Test func aFileThatIsNotCUBLASIsRefusedByItsSymbols() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let zlib = ["/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/x86_64-linux-gnu/libz.so.1", "/lib/aarch64-linux-gnu/libz.so.1"]
      .first { FileManager.default.fileExists(atPath: $0) }
    guard let zlib else { return }
    // Resolve the symlink: a copied link would point at a file not in the directory.
    let real = URL(fileURLWithPath: zlib).resolvingSymlinksInPath().path
    try FileManager.default.copyItem(atPath: real, toPath: dir + "/libcublas.so.12")
    #expect(throws: CUDALibraryError.missingSymbol(library: dir + "/libcublas.so.12", symbol: "cublasCreate_v2")) {
      _ = try CUBLAS(search: LibrarySearch(first: [dir]))
    }
  }

  @Test func noDriverMeansNoCUDADevice() throws {
    let dir = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(throws: GPUError.unavailable(.noCUDADevice)) {
      _ = try CUDADevice(index: 0, search: LibrarySearch(first: [dir]))
    }
    #expect(GPUError.unavailable(.noCUDADevice).description == "no CUDA device found on this machine — use ctx(cpu)")
  }

  @Test func aMissingLibraryOnAGPUMachineBecomesADeviceError() {
    let e = CUDADevice.unavailable(
      .notFound(library: "libcublas.so (12 or 13)", package: CUBLAS.package, searched: []), index: 0)
    #expect(e.ename == "DeviceError")
    #expect(e.description.contains("gpu(0)") && e.description.contains("libcublas.so"))
    #expect(e.description.contains("pip install nvidia-cublas-cu12"))
  }

  @Test func outOfDeviceMemoryIsAMemoryErrorNamingTheAllocation() throws {
    let device = HostDevice(memoryLimit: 1 << 20)
    let ops = DeviceOps(device: device)
    let small = try ops.full([1000], 1, "small")
    #expect {
      _ = try ops.empty([64, 20, 24, 24], "conv1 output")
    } throws: { error in
      guard let e = error as? GPUError, case .outOfMemory(let what, let bytes, _) = e else { return false }
      return e.ename == "MemoryError" && what == "conv1 output" && bytes == 64 * 20 * 24 * 24 * 4
        && e.description.contains("conv1 output")
    }
    #expect(device.bytesInUse == 4000, "the failed allocation left nothing behind")
    #expect(try small.host().scalars.allSatisfy { $0 == 1 }, "the device still works")
  }
}

@Suite struct DevicePoolTests {
  @Test(arguments: [1, 4, 511, 512, 513, 65_536, 65_537, 100_000, 3 << 20, (1 << 24) + 1])
  func pooledSizesCoverTheRequestWithLittleWaste(bytes: Int) {
    let size = CUDADevice.rounded(bytes)
    #expect(size >= bytes)
    #expect(size % 512 == 0)
    #expect(Double(size) <= max(Double(bytes) * 1.07, Double(bytes + 511)), "at most 1/16 or 511 bytes more")
  }
}
