// swift-tools-version:6.1
// Tabby: a native Jupyter kernel with an image-classifier engine inside it.
// Layout (see docs/architecture.md): the Jupyter side (JupyterProtocol, KernelCore,
// ZMQTransport) and the engine side (Tensor, NN, Datasets, Imaging, ModelIO, behind
// the one façade Classifier) meet only in TabbyKernel, which reaches the engine through
// Classifier alone; CellLanguage knows neither.
import PackageDescription

let package = Package(
  name: "Tabby",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "tabby", targets: ["tabby"]),
    // The GPU comparisons as one binary for a GPU machine without Swift (bench/gpu).
    .executable(name: "tabby-gpu-check", targets: ["tabby-gpu-check"]),
  ],
  // Exact versions: Package.resolved is not in git (these machines' package copies carry
  // other commit ids), so the pin here is what makes every build, the image's included,
  // compile the same code. Bump deliberately.
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
    // The model server (`tabby serve`): HTTP on SwiftNIO, metrics in Prometheus text. No
    // traits: swift-configuration and full Foundation are not needed (and cost build time).
    .package(url: "https://github.com/hummingbird-project/hummingbird", exact: "2.28.1", traits: []),
    .package(url: "https://github.com/swift-server/swift-prometheus", exact: "2.4.1"),
    .package(url: "https://github.com/apple/swift-nio", exact: "2.101.3"),
    .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", exact: "1.8.0"),
  ],
  targets: [
    // MARK: C libraries (system-library targets and one C shim target)
    .systemLibrary(
      name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"])]),
    .systemLibrary(
      name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CArgon2", pkgConfig: "libargon2", providers: [.apt(["libargon2-dev"])]),
    .systemLibrary(
      name: "COpenBLAS", providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    // Headers only: libcurl is dlopen'ed at the first download (Classifier/LibCurl.swift),
    // so no pkgConfig here (it would link -lcurl and map its TLS stack into every kernel).
    .systemLibrary(name: "CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
    // libjpeg/libpng report errors with longjmp, which Swift cannot catch: the
    // setjmp recovery lives in this small C target.
    .target(
      name: "CImageCodecs",
      cSettings: [.unsafeFlags(["-I/usr/include/libpng16"])],
      linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]),
    // Hand-vectorised inference kernels (AVX2/FMA behind a run-time CPU check, portable C
    // otherwise) and the spinning thread pool they run on. Optimised in debug builds too.
    .target(name: "CKernels", cSettings: [.unsafeFlags(["-O3"])]),
    // The device kernels' CUDA C source (embedded for NVRTC with C23 #embed) and a host
    // build of the same source: the emulated device that CI runs the GPU path on.
    .target(
      name: "CDeviceKernels", exclude: ["kernels"],
      cSettings: [.unsafeFlags(["-std=gnu23", "-O2"])]),

    // MARK: Shared
    .target(name: "JSON"),

    // MARK: Jupyter side
    .target(name: "JupyterProtocol", dependencies: ["JSON", "CLibCrypto"]),
    .target(name: "KernelCore", dependencies: ["JupyterProtocol", "JSON"]),
    .target(name: "ZMQTransport", dependencies: ["KernelCore", "JupyterProtocol", "CZeroMQ"]),

    // MARK: Language (knows nothing of Jupyter nor of the engine)
    .target(name: "CellLanguage", dependencies: ["JSON"]),

    // MARK: Engine side (knows nothing of Jupyter)
    // Device placement counts GPUs through CUDADriver's device nodes (no CUDA library loads).
    .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels", "CUDADriver"], swiftSettings: engineSettings),
    .target(name: "NN", dependencies: ["Tensor", "Datasets"], swiftSettings: engineSettings),
    .target(name: "Datasets", dependencies: ["Tensor", "CZlib"], swiftSettings: engineSettings),
    .target(name: "Imaging", dependencies: ["CImageCodecs"], swiftSettings: engineSettings),
    .target(
      name: "ModelIO", dependencies: ["NN", "Tensor", "JSON", "CZlib", "CKernels"],
      swiftSettings: engineSettings),
    // The CUDA driver API, cuBLAS and NVRTC, dlopen'ed at run time (never linked).
    .target(name: "CUDADriver"),
    // The small device interface (allocate, copy, launch, gemm, synchronize), its CUDA and
    // host-emulated implementations, and the training ops built on it.
    .target(
      name: "GPU", dependencies: ["Tensor", "NN", "Datasets", "CUDADriver", "CDeviceKernels"],
      swiftSettings: engineSettings),
    // ModelIO graphs run on a device: the planned graph lowered into typed device steps.
    .target(
      name: "DeviceInference", dependencies: ["GPU", "ModelIO", "Tensor"], swiftSettings: engineSettings),
    .target(
      name: "Classifier",
      dependencies: [
        "NN", "Tensor", "Datasets", "Imaging", "ModelIO", "JSON", "CCurl", "CLibCrypto", "Distributed",
        // The device layer: a context on gpu(n) trains and runs trainable nets through it.
        "GPU", "DeviceInference",
      ],
      swiftSettings: engineSettings),

    // MARK: Model server (protocols, batching and archives testable without sockets; the
    // HTTP layer on Hummingbird apart from it)
    .target(
      name: "ModelServer",
      dependencies: [
        "Classifier", "Imaging", "JSON", "CZlib",
        .product(name: "Prometheus", package: "swift-prometheus"),
      ]),
    .target(
      name: "ModelServerHTTP",
      dependencies: [
        "ModelServer", "Classifier", .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ]),
    // Data-parallel training over Open MPI, dlopen'ed only when mpirun started the process.
    .target(name: "Distributed", dependencies: ["NN", "Tensor"], swiftSettings: engineSettings),

    // MARK: Pictures (pure SVG charts; knows nothing of Jupyter or the engine)
    .target(name: "Charts"),

    // MARK: Auth
    .target(name: "PasswordHash", dependencies: ["CArgon2", "CLibCrypto"]),

    // MARK: The bridge and the executable
    .target(
      name: "TabbyKernel",
      // The Jupyter side, the language, one engine façade (Classifier) and the charts:
      // nothing of the engine's inner modules (docs/architecture.md). The notebook's serve()
      // gets its HTTP server from the executable (NotebookServing.install).
      dependencies: ["KernelCore", "JupyterProtocol", "JSON", "CellLanguage", "Classifier", "Charts"]),
    .executableTarget(
      name: "tabby",
      dependencies: [
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "TabbyKernel", "ZMQTransport", "KernelCore", "JupyterProtocol", "Classifier",
        "PasswordHash", "JSON", "ModelServer", "ModelServerHTTP",
      ]),

    .executableTarget(
      name: "tabby-gpu-check", dependencies: ["GPU", "NN", "Tensor", "Datasets", "JSON", "ModelIO", "DeviceInference"],
      swiftSettings: engineSettings),

    // MARK: Tests
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol", "JSON"]),
    .testTarget(name: "KernelCoreTests", dependencies: ["KernelCore", "JupyterProtocol", "JSON", "TestSupport"]),
    .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage", "JSON"]),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels"]),
    // Helpers the engine's test targets share (seeded numbers, tensor comparisons, and
    // `.needsShared`: the tests that read ../shared skip without it, fail in CI).
    .target(name: "TestSupport", dependencies: ["Tensor", "Datasets"], path: "Tests/TestSupport"),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "Tensor", "Datasets", "TestSupport"]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging", "CImageCodecs", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(
      name: "ModelIOTests", dependencies: ["ModelIO", "NN", "Tensor", "Imaging", "JSON", "TestSupport"]),
    .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "Imaging", "JSON", "TestSupport"]),
    .testTarget(
      name: "ModelServerTests",
      dependencies: ["ModelServer", "ModelServerHTTP", "Classifier", "Imaging", "JSON"]),
    .testTarget(
      name: "GPUTests",
      dependencies: [
        "GPU", "CUDADriver", "CDeviceKernels", "NN", "Tensor", "TestSupport", "DeviceInference", "ModelIO",
      ]),
    .testTarget(name: "DistributedTests", dependencies: ["Distributed", "NN"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
    .testTarget(name: "PasswordHashTests", dependencies: ["PasswordHash"]),
    .testTarget(
      name: "TabbyKernelTests",
      dependencies: [
        "TabbyKernel", "KernelCore", "JupyterProtocol", "CellLanguage", "JSON", "Classifier", "NN", "TestSupport",
      ]),
  ]
)

/// The engine's inner loops are unusable at -Onone, so its modules are optimised
/// even in debug builds; the tests then run in seconds instead of minutes.
var engineSettings: [SwiftSetting] {
  [.unsafeFlags(["-O"], .when(configuration: .debug))]
}
