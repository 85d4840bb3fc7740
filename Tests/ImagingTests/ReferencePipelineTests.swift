import Imaging
import TestSupport
import Testing

/// The reference preprocessing (../shared/reference/README.md) applied to the PNG
/// photos must reproduce `<name>_crop224.png` and `inputs/<name>.f32`.
@Test(.needsShared, arguments: referencePhotos)
func imagenetProfileReproducesReferenceCrop(name: String) throws {
  let photo = try Image.load(path: "\(Paths.referenceImages)/\(name).png")
  let expected = try Image.load(path: "\(Paths.referenceImages)/\(name)_crop224.png")
  let profile = Preprocessing.imagenet()
  let crop = try profile.transform(photo)
  let difference = try #require(maxDifference(crop, expected))
  print("reference crop \(name): max |ours − Pillow| = \(difference)")
  #expect(difference == 0)
}

@Test(.needsShared, arguments: referencePhotos)
func imagenetProfileReproducesReferenceInput(name: String) throws {
  let photo = try Image.load(path: "\(Paths.referenceImages)/\(name).png")
  let expected = try floats(of: "\(Paths.referenceInputs)/\(name).f32")
  let input = try Preprocessing.imagenet()(photo)
  #expect(input.shape == [1, 3, 224, 224])
  let values = try #require(input.floats)
  #expect(values.count == expected.count)
  let difference = zip(values, expected).map { abs($0 - $1) }.max() ?? .infinity
  print("reference input \(name): max |ours − reference| = \(difference)")
  // Bit for bit when the crop is exact; 2/255 before normalisation is the allowed slack.
  #expect(difference <= 2 / 255 / 0.224)
  #expect(values == expected)
}

@Test(.needsShared) func normalisingReferenceCropIsBitExact() throws {
  let crop = try Image.load(path: "\(Paths.referenceImages)/chelsea_crop224.png")
  let expected = try floats(of: "\(Paths.referenceInputs)/chelsea.f32")
  let input = try Preprocessing.imagenet().stack([crop])
  #expect(input.floats == expected)
}
