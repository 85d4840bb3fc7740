import Imaging
import TestSupport
import Testing

func noiseImage(width: Int, height: Int, channels: Int, seed: UInt64) throws -> Image {
  var random = SeededRNG(seed)
  let pixels = (0..<(width * height * channels)).map { _ in
    UInt8.random(in: 0...255, using: &random)
  }
  return try Image(width: width, height: height, channels: channels, pixels: pixels)
}

@Test(arguments: [1, 2, 3, 4])
func pngRoundTripKeepsColourChannels(channels: Int) throws {
  let image = try noiseImage(width: 19, height: 7, channels: channels, seed: UInt64(channels))
  let png = try image.pngData()
  #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
  // The decoder returns RGB: gray replicated, alpha dropped.
  #expect(try Image.decode(bytes: png) == image.rgb())
}

@Test func compressionLevelChangesSizeNotPixels() throws {
  let image = try Image(width: 64, height: 64, fill: [10, 200, 30])
  let stored = try image.pngData(compressionLevel: 0)
  let packed = try image.pngData(compressionLevel: 9)
  #expect(stored.count > packed.count * 10)
  #expect(try Image.decode(bytes: stored) == Image.decode(bytes: packed))
}

@Test(.needsShared) func referenceCropSurvivesEncodeDecode() throws {
  let crop = try Image.load(path: "\(Paths.referenceImages)/coffee_crop224.png")
  #expect(try Image.decode(bytes: crop.pngData()) == crop)
  let thumb = try crop.thumbnail(maxSide: 64)
  #expect(thumb.shape == [64, 64, 3])
}
