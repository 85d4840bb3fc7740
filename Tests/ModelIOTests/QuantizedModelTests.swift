import Imaging
import JSON
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// The real pretrained MobileNetV2 (QDQ, uint8 in and out) on real photos.
@Suite(.needsShared, .serialized) struct QuantizedModelTests {
  static let photos: [(String, [Int])] = {
    guard let m = try? Shared.json(Shared.imagenet + "/manifest.json"), let list = m["photos"]?.arrayValue else { return [] }
    return list.map { ($0["file"]!.stringValue!, $0["acceptable_imagenet_indices"]!.arrayValue!.map { $0.intValue! }) }
  }()

  @Test func describesQuantizedIO() throws {
    let model = try ModelCache.shared.model(Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx")
    #expect(model.inputs.map(\.dtype) == [.uint8])
    #expect(model.inputs[0].shape == [.fixed(1), .fixed(224), .fixed(224), .fixed(3)])
    #expect(model.outputs[0].dtype == .uint8)
    #expect(model.outputs[0].isProbability)
    #expect(model.outputs[0].quantization == QuantizationParameters(scale: 1.0 / 256, zeroPoint: 0))
  }

  /// The 1280 → 1001 classifier reads its int8 codes, not a float copy four times larger.
  @Test func classifierRunsOnInt8Codes() throws {
    let model = try ModelCache.shared.model(Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx")
    let labels = try model.plan(for: [[1, 224, 224, 3]]).steps.map(\.label)
    // The int8 path (QuantizedConv) runs it on VNNI's narrow kernel, or the others on codes.
    #expect(labels.last { $0.hasPrefix("Conv") }?.hasPrefix("Conv(int8") == true, "\(labels.filter { $0.hasPrefix("Conv") })")
  }

  @Test(arguments: photos)
  func topOneIsAcceptable(file: String, acceptable: [Int]) throws {
    let model = try ModelCache.shared.model(Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx")
    let image = try Image.load(path: Shared.imagenet + "/photos/" + file).rgb()
      .centralSquareCropped(fraction: 0.875).resized(width: 224, height: 224)
    let x = try Tensor(shape: [1, 224, 224, 3], scalars: image.pixels.map(Float.init))
    let y = try model.run(x)[0]
    #expect(y.shape == [1, 1001])
    let codes = y.scalars
    #expect(codes.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })
    let top = topK(codes, 1)[0]
    // Index 0 is "background"; synset index = model index − 1.
    #expect(acceptable.contains(top - 1), "\(file): top-1 \(top - 1) (p \(codes[top] / 256)) not in \(acceptable)")
  }
}

extension QuantizedModelTests {
  /// onnxruntime 1.32's uint8 output (all nonzero codes) for a synthetic input pattern. The
  /// int8 path (QuantizedConv, QuantizedOps) computes what its QLinear kernels compute, so
  /// every code matches.
  static let ortCodes: [Int: Float] = [
    490: 1, 557: 215, 600: 3, 620: 4, 633: 2, 812: 11, 829: 5, 855: 1, 859: 1, 905: 7, 906: 1,
  ]

  @Test func matchesOnnxruntimeCodes() throws {
    let model = try ModelCache.shared.model(Shared.imagenet + "/mobilenet_v2_1.0_224_quant.onnx")
    let n = 224 * 224 * 3
    let x = try Tensor(shape: [1, 224, 224, 3], scalars: (0..<n).map { Float(($0 * 7 + $0 / 3) % 256) })
    let y = try model.run(x)[0].scalars
    let expected = (0..<1001).map { Self.ortCodes[$0] ?? 0 }
    let diff = zip(y, expected).map { abs($0 - $1) }.max()!
    #expect(topK(y, 1) == [557])
    #expect(diff == 0, "codes differ from onnxruntime by up to \(diff): \(y.enumerated().filter { $0.element != 0 }.map { ($0.offset, $0.element) })")
  }
}
