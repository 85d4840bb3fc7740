import Foundation
import Imaging
import JSON
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// onnxruntime in the benchmarks' venv (scripts/setup.sh makes .venv-bench unless
/// TABBY_ARCH_TESTS=0; TABBY_ORT_PYTHON overrides the interpreter).
enum OnnxRuntimePython {
  static let path: String =
    ProcessInfo.processInfo.environment["TABBY_ORT_PYTHON"] ?? SharedData.repositoryRoot + "/.venv-bench/bin/python"
  static var isPresent: Bool { FileManager.default.isExecutableFile(atPath: path) }
  static var isRequired: Bool {
    SharedData.isRequired && ProcessInfo.processInfo.environment["TABBY_ARCH_TESTS"] != "0"
  }

  /// Runs `script` with `arguments`; its stdout parsed as JSON.
  static func run(_ script: String, _ arguments: [String]) throws -> JSON {
    try runPythonJSON(path, script, arguments, what: "onnxruntime")
  }
}

/// The real MobileNetV2-quant through the int8 path: every convolution on 8-bit codes, and the
/// output codes equal to onnxruntime's on every shipped photo.
@Suite(
  .needsShared,
  .enabled(
    if: OnnxRuntimePython.isPresent || OnnxRuntimePython.isRequired,
    "needs onnxruntime in .venv-bench (scripts/setup.sh makes it unless TABBY_ARCH_TESTS=0)"),
  .serialized)
struct Int8ModelTests {
  static let modelPath = Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx"

  @Test func everyConvolutionRunsOnCodes() throws {
    let model = try ModelCache.shared.model(Self.modelPath)
    let labels = try model.plan(for: [[1, 224, 224, 3]]).steps.map(\.label)
    let convs = labels.filter { $0.hasPrefix("Conv") }
    #expect(convs.count == 53)
    let onCodes = { (label: String) in label.hasPrefix("Conv(int8)") || label.hasPrefix("Conv(int8 depthwise)") }
    #expect(convs.allSatisfy(onCodes), "\(convs.filter { !onCodes($0) })")
    #expect(labels.filter { $0.hasPrefix("Conv(int8 depthwise)") }.count == 17)
    #expect(labels.contains { $0.hasPrefix("Softmax(int8)") }, "\(labels.suffix(8))")
    #expect(labels.contains { $0.hasPrefix("AveragePool(int8)") })
  }

  @Test func outputCodesEqualOnnxruntimeOnEveryPhoto() throws {
    let model = try ModelCache.shared.model(Self.modelPath)
    let files = QuantizedModelTests.photos.map(\.0)
    try #require(!files.isEmpty)
    var inputs: [UInt8] = []
    var ours: [[Float]] = []
    for file in files {
      let image = try Image.load(path: Shared.imagenet + "/photos/" + file).rgb()
        .centralSquareCropped(fraction: 0.875).resized(width: 224, height: 224)
      inputs += image.pixels
      let x = try Tensor(shape: [1, 224, 224, 3], scalars: image.pixels.map(Float.init))
      ours.append(try model.run(x)[0].scalars)
    }
    let path = NSTemporaryDirectory() + "tabby-int8-\(UUID().uuidString).bin"
    defer { try? FileManager.default.removeItem(atPath: path) }
    try Data(inputs).write(to: URL(fileURLWithPath: path))
    let script = """
      import json, sys, numpy as np, onnxruntime as ort
      so = ort.SessionOptions(); so.intra_op_num_threads = 2
      s = ort.InferenceSession(sys.argv[1], so, providers=["CPUExecutionProvider"])
      x = np.fromfile(sys.argv[2], dtype=np.uint8).reshape(-1, 224, 224, 3)
      print(json.dumps([s.run(None, {s.get_inputs()[0].name: x[i:i + 1]})[0].reshape(-1).tolist() for i in range(len(x))]))
      """
    let reference = try OnnxRuntimePython.run(script, [Self.modelPath, path])
    let theirs = try #require(reference.arrayValue).map { ($0.arrayValue ?? []).map { Float($0.doubleValue ?? -1) } }
    try #require(theirs.count == files.count)
    for (k, file) in files.enumerated() {
      let differing = zip(ours[k], theirs[k]).enumerated().filter { $0.element.0 != $0.element.1 }
      #expect(ours[k].count == 1001 && differing.isEmpty, "\(file): \(differing.count) codes differ, first \(differing.prefix(5).map { ($0.offset, $0.element) })")
    }
  }
}
