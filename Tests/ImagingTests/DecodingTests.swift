import Imaging
import TestSupport
import Testing

/// Fixture, expected raw RGB (numpy for PNG, Pillow 13 for JPEG), allowed difference.
let decodingCases: [(file: String, expected: String, tolerance: Int)] = [
  ("small.png", "small.rgb", 0),
  ("small_interlaced.png", "small.rgb", 0),
  ("rgb16.png", "small.rgb", 0),
  ("rgba.png", "small.rgb", 0),
  ("gray.png", "gray.rgb", 0),
  ("gray_alpha16.png", "gray.rgb", 0),
  ("gray1.png", "gray1.rgb", 0),
  ("palette4.png", "palette4.rgb", 0),
  ("small.jpg", "small_jpg.rgb", 0),
  ("small_progressive.jpg", "small_progressive_jpg.rgb", 0),
  ("gray.jpg", "gray_jpg.rgb", 0),
  ("cmyk.jpg", "cmyk_jpg.rgb", 0),
]

@Test(arguments: decodingCases)
func decodesFixtureToExpectedRGB(file: String, expected: String, tolerance: Int) throws {
  let image = try Image.load(path: Paths.fixture(file))
  let reference = try rawImage(expected, width: 32, height: 24)
  #expect(image.shape == [24, 32, 3])
  let difference = try #require(maxDifference(image, reference))
  #expect(difference <= tolerance, "\(file): max difference \(difference)")
}

let referencePhotos = ["chelsea", "coffee", "astronaut", "rocket", "camera"]

/// images.json: mean and max |JPEG − PNG| as Pillow decodes them.
let jpegVersusPNG: [(name: String, mean: Double, max: Int)] = [
  ("chelsea", 1.996, 44), ("coffee", 2.894, 62), ("astronaut", 2.371, 58), ("rocket", 2.248, 104),
  ("camera", 1.573, 18),
]

@Test(.needsShared, arguments: jpegVersusPNG)
func referenceJPEGDiffersFromPNGAsWithPillow(name: String, mean: Double, max: Int) throws {
  let png = try Image.load(path: "\(Paths.referenceImages)/\(name).png").rgb()
  let jpeg = try Image.load(path: "\(Paths.referenceImages)/\(name).jpg")
  #expect(png.shape == jpeg.shape)
  let differences = zip(png.pixels, jpeg.pixels).map { abs(Int($0) - Int($1)) }
  let measured = Double(differences.reduce(0, +)) / Double(differences.count)
  #expect(abs(measured - mean) < 0.0006, "\(name): mean |JPEG-PNG| \(measured)")
  #expect(differences.max() == max)
}

@Test(.needsShared) func referencePhotoShapes() throws {
  let shapes = try referencePhotos.map {
    try Image.load(path: "\(Paths.referenceImages)/\($0).png").shape
  }
  #expect(
    shapes == [[300, 451, 3], [400, 600, 3], [512, 512, 3], [427, 640, 3], [512, 512, 3]])
}

@Test(arguments: ["orient6.jpg", "orient6.png"])
func exifOrientationSixTurnsClockwise(file: String) throws {
  let bytes = try bytes(of: Paths.fixture(file))
  #expect(try Image.orientation(of: bytes) == 6)
  let stored = try Image.decode(bytes: bytes, applyOrientation: false)
  let shown = try Image.decode(bytes: bytes)
  #expect(stored.shape == [16, 24, 3])
  #expect(shown.shape == [24, 16, 3])
  // Stored quadrants: red top-left, green top-right, blue bottom-left, white bottom-right.
  // Turned clockwise: blue top-left, red top-right, white bottom-left, green bottom-right.
  let corners = [(2, 2), (13, 2), (2, 21), (13, 21)].map { x, y in
    (0..<3).map { c in shown[x, y, c] > 127 }
  }
  #expect(
    corners == [
      [false, false, true], [true, false, false], [true, true, true], [false, true, false],
    ])
}

@Test func unknownFormatsAreNamed() {
  let cases: [([UInt8], String)] = [
    (Array("GIF89a......".utf8), "GIF"), (Array("BM..........".utf8), "BMP"),
    (Array("RIFF....WEBPVP8 ".utf8), "WebP"), ([0x49, 0x49, 0x2A, 0, 8, 0, 0, 0], "TIFF"),
    (Array("hello world".utf8), "unknown image format"), ([], "no image data"),
  ]
  for (bytes, words) in cases {
    #expect {
      _ = try Image.decode(bytes: bytes)
    } throws: { error in
      let error = error as! ImageError
      return error.kind == .unknownFormat && error.message.contains(words)
    }
  }
}

@Test(arguments: ["bomb.png", "bomb.jpg"])
func headerClaiming60000SquaredIsRefusedBeforeAllocation(file: String) throws {
  let bytes = try bytes(of: Paths.fixture(file))
  // The image would need 10.8 GB; the refusal comes from the header alone.
  #expect {
    _ = try Image.decode(bytes: bytes)
  } throws: { error in
    let error = error as! ImageError
    return error.kind == .tooLarge && error.message.contains("60000 x 60000")
  }
}

@Test(arguments: ["small.png", "small.jpg"])
func pixelCapIsAdjustable(file: String) throws {
  let bytes = try bytes(of: Paths.fixture(file))
  #expect(throws: ImageError.self) { try Image.decode(bytes: bytes, maxPixels: 32 * 24 - 1) }
  #expect(try Image.decode(bytes: bytes, maxPixels: 32 * 24).width == 32)
  #expect(throws: ImageError.self) { try Image.decode(bytes: bytes, maxPixels: 0) }
}

@Test func missingFileIsAnIOError() {
  let path = Paths.fixture("does-not-exist.png")
  #expect {
    _ = try Image.load(path: path)
  } throws: { error in
    // "PATH: why", like a decoding error, so "cannot read image " + message reads right.
    let e = error as! ImageError
    return e.kind == .io && e.message == "\(path): No such file or directory"
  }
  #expect(throws: ImageError.self) { try Image.load(path: Paths.fixtures) }
}
