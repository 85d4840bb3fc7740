// swift-tools-version:6.0
// Tabby: a native Jupyter kernel with an image-classifier engine inside it.
// Layout (see docs/architecture.md): the Jupyter side (JupyterProtocol, KernelCore,
// ZMQTransport) and the engine side (Tensor, NN, Datasets, Imaging, ModelIO,
// Classifier) meet only in TabbyKernel; CellLanguage knows neither.
import PackageDescription

let package = Package(
  name: "Tabby",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "tabby", targets: ["tabby"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
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

    // MARK: Shared
    .target(name: "JSON"),

    // MARK: Jupyter side
    .target(name: "JupyterProtocol", dependencies: ["JSON", "CLibCrypto"]),
    .target(name: "KernelCore", dependencies: ["JupyterProtocol", "JSON"]),
    .target(name: "ZMQTransport", dependencies: ["KernelCore", "JupyterProtocol", "CZeroMQ"]),

    // MARK: Language (knows nothing of Jupyter nor of the engine)
    .target(name: "CellLanguage", dependencies: ["JSON"]),

    // MARK: Engine side (knows nothing of Jupyter)
    .target(name: "Tensor", dependencies: ["COpenBLAS", "CKernels"], swiftSettings: engineSettings),
    .target(name: "NN", dependencies: ["Tensor", "Datasets"], swiftSettings: engineSettings),
    .target(name: "Datasets", dependencies: ["Tensor", "CZlib"], swiftSettings: engineSettings),
    .target(name: "Imaging", dependencies: ["CImageCodecs"], swiftSettings: engineSettings),
    .target(
      name: "ModelIO", dependencies: ["NN", "Tensor", "JSON", "CZlib", "CKernels"],
      swiftSettings: engineSettings),
    .target(
      name: "Classifier",
      dependencies: [
        "NN", "Tensor", "Datasets", "Imaging", "ModelIO", "JSON", "CCurl", "CLibCrypto",
      ],
      swiftSettings: engineSettings),

    // Data-parallel training over Open MPI, dlopen'ed only when mpirun started the process.
    .target(name: "Distributed", dependencies: ["NN", "Tensor"], swiftSettings: engineSettings),

    // MARK: Pictures (pure SVG charts; knows nothing of Jupyter or the engine)
    .target(name: "Charts"),

    // MARK: Auth
    .target(name: "PasswordHash", dependencies: ["CArgon2", "CLibCrypto"]),

    // MARK: The bridge and the executable
    .target(
      name: "TabbyKernel",
      dependencies: [
        "KernelCore", "JupyterProtocol", "CellLanguage", "Classifier", "JSON", "Charts", "NN", "Tensor",
        "Datasets", "Imaging", "ModelIO", "Distributed",
      ]),
    .executableTarget(
      name: "tabby",
      dependencies: [
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        "TabbyKernel", "ZMQTransport", "KernelCore", "JupyterProtocol", "Classifier",
        "PasswordHash", "JSON", "NN", "Datasets", "ModelIO", "Imaging", "Distributed",
      ]),

    // MARK: Tests
    .testTarget(name: "JSONTests", dependencies: ["JSON"]),
    .testTarget(name: "JupyterProtocolTests", dependencies: ["JupyterProtocol", "JSON"]),
    .testTarget(name: "KernelCoreTests", dependencies: ["KernelCore", "JupyterProtocol", "JSON"]),
    .testTarget(name: "CellLanguageTests", dependencies: ["CellLanguage", "JSON"]),
    .testTarget(name: "CKernelsTests", dependencies: ["CKernels"]),
    // Helpers the engine's test targets share (seeded numbers, tensor comparisons).
    .target(name: "TestSupport", dependencies: ["Tensor", "Datasets"], path: "Tests/TestSupport"),
    .testTarget(name: "TensorTests", dependencies: ["Tensor", "TestSupport"]),
    .testTarget(name: "NNTests", dependencies: ["NN", "Tensor", "Datasets", "TestSupport"]),
    .testTarget(name: "ImagingTests", dependencies: ["Imaging", "TestSupport"], exclude: ["Fixtures"]),
    .testTarget(name: "ModelIOTests", dependencies: ["ModelIO", "NN", "Tensor", "Imaging", "JSON"]),
    .testTarget(name: "ClassifierTests", dependencies: ["Classifier", "Imaging", "JSON"]),
    .testTarget(name: "DistributedTests", dependencies: ["Distributed", "NN"]),
    .testTarget(name: "ChartsTests", dependencies: ["Charts"]),
    .testTarget(name: "PasswordHashTests", dependencies: ["PasswordHash"]),
    .testTarget(
      name: "TabbyKernelTests",
      dependencies: ["TabbyKernel", "KernelCore", "JupyterProtocol", "CellLanguage", "JSON", "NN", "Tensor"]),
  ]
)

/// The engine's inner loops are unusable at -Onone, so its modules are optimised
/// even in debug builds; the tests then run in seconds instead of minutes.
var engineSettings: [SwiftSetting] {
  [.unsafeFlags(["-O"], .when(configuration: .debug))]
}
