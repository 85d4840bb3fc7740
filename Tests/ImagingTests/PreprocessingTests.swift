import Imaging
import TestSupport
import Testing

func photo(_ name: String) throws -> Image {
  try Image.load(path: "\(Paths.referenceImages)/\(name).png")
}

@Test(.needsShared) func imagenetBatchOfFiveEqualsReferenceInputs() throws {
  let input = try Preprocessing.imagenet()(referencePhotos.map(photo))
  #expect(input.shape == [5, 3, 224, 224])
  let values = try #require(input.floats)
  let plane = 3 * 224 * 224
  for (n, name) in referencePhotos.enumerated() {
    let expected = try floats(of: "\(Paths.referenceInputs)/\(name).f32")
    #expect(Array(values[(n * plane)..<((n + 1) * plane)]) == expected, "\(name)")
  }
}

@Test(.needsShared) func layoutsHoldTheSameValuesTransposed() throws {
  let image = try photo("chelsea")
  let nchw = try #require(Preprocessing.imagenet(layout: .nchw)(image).floats)
  let nhwcInput = try Preprocessing.imagenet(layout: .nhwc)(image)
  #expect(nhwcInput.shape == [1, 224, 224, 3])
  let nhwc = try #require(nhwcInput.floats)
  for (y, x, c) in [(0, 0, 0), (10, 200, 1), (223, 223, 2), (100, 5, 2)] {
    #expect(nchw[(c * 224 + y) * 224 + x] == nhwc[(y * 224 + x) * 3 + c])
  }
}

@Test(.needsShared) func uint8OutputIsTheCropItself() throws {
  let image = try photo("rocket")
  let profile = Preprocessing.imagenet(layout: .nhwc, elementType: .uint8)
  let input = try profile(image)
  #expect(input.bytes == (try profile.transform(image)).pixels)
  #expect(input.floats == nil)
}

@Test(.needsShared) func mxnetLegacySubtractsMeanInRawUnits() throws {
  let image = try photo("astronaut")
  let profile = Preprocessing.mxnetLegacy()
  let crop = try profile.transform(image)
  let values = try #require(profile(image).floats)
  let mean: [Float] = [123.68, 116.779, 103.939]
  for (y, x, c) in [(0, 0, 0), (50, 60, 1), (223, 1, 2)] {
    #expect(values[(c * 224 + y) * 224 + x] == Float(crop[x, y, c]) - mean[c])
  }
}

@Test(.needsShared) func inceptionCropsCentralSquareThenResizes() throws {
  let image = try photo("chelsea")  // 451x300: crop side round(262.5) = 262 at (94, 19)
  let profile = Preprocessing.inception(size: 299)
  let expected = try image.cropped(x: 94, y: 19, width: 262, height: 262).resized(
    width: 299, height: 299)
  #expect(try profile.transform(image) == expected)
  let input = try profile(image)
  #expect(input.shape == [1, 299, 299, 3])
  let values = try #require(input.floats)
  #expect(values.allSatisfy { $0 >= -1 && $0 <= 1 })
  #expect(values[0] == (Float(expected.pixels[0]) / 255 - 0.5) / 0.5)
  let bytes = try Preprocessing.inception(size: 299, elementType: .uint8)(image)
  #expect(bytes.bytes == expected.pixels)
}

@Test(.needsShared) func grayProfileForSmallNets() throws {
  var profile = Preprocessing.imagenet(size: 28)
  profile.steps = [.resize(width: 28, height: 28, .bilinear)]
  profile.colorMode = .gray
  profile.normalization = .init(scale: 255, mean: [0], std: [1])
  let input = try profile(photo("camera"))
  #expect(input.shape == [1, 1, 28, 28])
  #expect(try #require(input.floats).allSatisfy { $0 >= 0 && $0 <= 1 })
}

@Test func profilesByName() {
  #expect(Preprocessing.named("imagenet") == .imagenet())
  #expect(
    Preprocessing.named("mxnet-legacy", size: 299)?.steps.last
      == .centerCrop(width: 299, height: 299))
  #expect(Preprocessing.named("inception", layout: .nchw)?.layout == .nchw)
  #expect(Preprocessing.named("imagenet")?.steps.first == .resizeShorterSide(256, .bilinear))
  #expect(Preprocessing.named("vgg") == nil)
}

@Test func mismatchedBatchAndBadNormalisationAreErrors() throws {
  var profile = Preprocessing.imagenet()
  profile.steps = []
  let a = try Image(width: 4, height: 4, fill: [1, 2, 3])
  let b = try Image(width: 5, height: 4, fill: [1, 2, 3])
  #expect {
    _ = try profile([a, b])
  } throws: { error in
    "\(error)".contains("batch image 1 is 5x4x3")
  }
  #expect(throws: ImageError.self) { try profile([Image]()) }
  profile.normalization.mean = [0, 0]
  #expect(throws: ImageError.self) { try profile(a) }
  profile.normalization = .init(scale: 255, mean: [0], std: [0])
  #expect(throws: ImageError.self) { try profile(a) }
}

@Test func profileDescriptionNamesEveryStep() {
  #expect(
    "\(Preprocessing.imagenet())"
      == "shorter side 256 (bilinear) → center crop 224x224 → (x/255 - [0.485, 0.456, 0.406]) / "
      + "[0.229, 0.224, 0.225] → NCHW float32")
  #expect(
    "\(Preprocessing.inception(elementType: .uint8))".hasSuffix(
      "resize 299x299 (bilinear) → NHWC uint8"))
}
