import Imaging
import JSON
import Tensor
import Testing

@testable import ModelIO

/// The real pretrained MobileNetV2 (QDQ, uint8 in and out) on real photos.
@Suite(.serialized) struct QuantizedModelTests {
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
