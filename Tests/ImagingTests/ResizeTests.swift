import Imaging
import Testing

/// Target sizes whose Pillow 13 `resize(BILINEAR)` outputs are committed fixtures
/// (source: the noisy 37x23 resize_source.png): down, up, one axis, mixed, extreme;
/// (200, 3), (36, 5) and (40, 10) take Pillow 13's vertical-first order.
let pillowResizeSizes: [(Int, Int)] = [
  (10, 7), (64, 40), (37, 11), (5, 50), (100, 23), (13, 23), (1, 1), (36, 22), (3, 2), (200, 3),
  (36, 5), (40, 10), (20, 2),
]

@Test(arguments: pillowResizeSizes)
func bilinearMatchesPillowExactly(width: Int, height: Int) throws {
  let source = try Image.load(path: Paths.fixture("resize_source.png"))
  let expected = try rawImage("resize_\(width)x\(height).rgb", width: width, height: height)
  let resized = try source.resized(width: width, height: height)
  #expect(maxDifference(resized, expected) == 0)
}

@Test func bilinearResizeOfGrayMatchesEachRGBChannel() throws {
  let rgb = try Image.load(path: Paths.fixture("resize_source.png"))
  let gray = rgb.grayscale()
  let viaGray = try gray.resized(width: 10, height: 7).rgb()
  let viaRGB = try gray.rgb().resized(width: 10, height: 7)
  #expect(viaGray == viaRGB)
}

@Test func lumaMatchesPillowConvertL() throws {
  let source = try Image.load(path: Paths.fixture("resize_source.png"))
  let expected = try rawImage("luma.rgb", width: 37, height: 23, channels: 1)
  #expect(source.grayscale() == expected)
}

@Test(arguments: [(10, 7), (64, 40), (100, 23), (5, 50), (29, 71)])
func nearestMatchesPillowExactly(width: Int, height: Int) throws {
  let source = try Image.load(path: Paths.fixture("resize_source.png"))
  let expected = try rawImage("nearest_\(width)x\(height).rgb", width: width, height: height)
  #expect(try source.resized(width: width, height: height, interpolation: .nearest) == expected)
}

@Test func nearestPicksSourcePixels() throws {
  let image = try Image(width: 4, height: 2, channels: 1, pixels: [0, 1, 2, 3, 4, 5, 6, 7])
  #expect(try image.resized(width: 2, height: 1, interpolation: .nearest).pixels == [5, 7])
  #expect(
    try image.resized(width: 8, height: 2, interpolation: .nearest).pixels == [
      0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7,
    ])
}

@Test(arguments: [
  (451, 300, 384, 256), (300, 451, 256, 384), (512, 512, 256, 256), (640, 427, 383, 256),
])
func shorterSideResizeFloorsTheLongSide(width: Int, height: Int, outWidth: Int, outHeight: Int)
  throws
{
  let image = try Image(width: width, height: height, fill: [9, 9, 9])
  let resized = try image.resized(shorterSide: 256)
  #expect([resized.width, resized.height] == [outWidth, outHeight])
  #expect(resized.pixels.allSatisfy { $0 == 9 })
}

@Test func centerCropUsesFloorOffsets() throws {
  let pixels = (0..<35).map { UInt8($0) }
  let image = try Image(width: 7, height: 5, channels: 1, pixels: pixels)
  let crop = try image.centerCropped(width: 4, height: 2)
  // left = (7-4)//2 = 1, top = (5-2)//2 = 1
  #expect(crop.pixels == [8, 9, 10, 11, 15, 16, 17, 18])
  #expect(throws: ImageError.self) { try image.centerCropped(width: 8, height: 2) }
  #expect(throws: ImageError.self) { try image.cropped(x: 5, y: 0, width: 3, height: 1) }
}

@Test(arguments: [(451, 300, 262), (300, 300, 262), (100, 37, 32), (36, 64, 32)])
func centralSquareCropSide(width: Int, height: Int, side: Int) throws {
  let image = try Image(width: width, height: height, fill: [1])
  let crop = try image.centralSquareCropped(fraction: 0.875)
  #expect([crop.width, crop.height] == [side, side])
}

/// Display position of stored pixel (x, y) in a W×H image, per the EXIF definitions.
func displayed(_ x: Int, _ y: Int, _ w: Int, _ h: Int, _ orientation: Int) -> (Int, Int) {
  switch orientation {
  case 2: (w - 1 - x, y)
  case 3: (w - 1 - x, h - 1 - y)
  case 4: (x, h - 1 - y)
  case 5: (y, x)
  case 6: (h - 1 - y, x)
  case 7: (h - 1 - y, w - 1 - x)
  case 8: (y, w - 1 - x)
  default: (x, y)
  }
}

@Test(arguments: 1...8)
func orientationMovesEveryPixelWhereEXIFSays(orientation: Int) throws {
  let (w, h) = (5, 3)
  let image = try Image(width: w, height: h, channels: 1, pixels: (0..<(w * h)).map { UInt8($0) })
  let shown = image.oriented(exif: orientation)
  #expect([shown.width, shown.height] == (orientation >= 5 ? [h, w] : [w, h]))
  for y in 0..<h {
    for x in 0..<w {
      let (dx, dy) = displayed(x, y, w, h, orientation)
      #expect(shown[dx, dy, 0] == image[x, y, 0])
    }
  }
}

@Test func thumbnailKeepsAspectAndNeverEnlarges() throws {
  let image = try Image(width: 400, height: 100, fill: [1, 2, 3])
  let thumb = try image.thumbnail(maxSide: 128)
  #expect([thumb.width, thumb.height, thumb.channels] == [128, 32, 3])
  #expect(try image.thumbnail(maxSide: 1000) == image)
}

@Test func badResizeArgumentsAreErrors() throws {
  let image = try Image(width: 4, height: 4, fill: [0])
  #expect(throws: ImageError.self) { try image.resized(width: 0, height: 4) }
  #expect(throws: ImageError.self) { try image.resized(shorterSide: -1) }
  #expect(throws: ImageError.self) { try Image(width: 2, height: 2, channels: 3, pixels: [1, 2]) }
  #expect(throws: ImageError.self) { try Image(width: 2, height: 2, channels: 5, pixels: []) }
  #expect(throws: ImageError.self) {
    try Image(width: Int.max / 2, height: 3, channels: 3, pixels: [])
  }
  #expect(throws: ImageError.self) { try Image(width: 1 << 20, height: 1 << 20, fill: [0]) }
  #expect(throws: ImageError.self) { try image.resized(width: 1 << 20, height: 1 << 20) }
  #expect(throws: ImageError.self) { try image.resized(shorterSide: Int.max) }
  #expect(throws: ImageError.self) { try Preprocessing.imagenet(size: Int.max)(image) }
  #expect(throws: ImageError.self) { try Preprocessing.imagenet(size: 0)(image) }
}

/// A resize with its crop computed together (only the kept pixels) equals resizing the
/// whole image and cropping it, bit for bit: both of Pillow's pass orders, up and down,
/// windows at the edges, and the cases that fall back to the two steps.
@Test func resizeWithCropEqualsResizeThenCrop() throws {
  var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
  func next(_ bound: Int) -> Int {
    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Int((seed >> 33) % UInt64(bound))
  }
  let source = try Image.load(path: Paths.fixture("resize_source.png"))  // 37x23
  var cases = [(384, 256), (16, 23), (37, 9), (200, 3), (36, 5), (50, 40), (7, 60)]
  for _ in 0..<24 { cases.append((1 + next(90), 1 + next(60))) }
  for (channels, image) in [(3, source.rgb()), (1, source.grayscale())] {
    for (w, h) in cases {
      for _ in 0..<3 {
        let (cw, ch) = (1 + next(w), 1 + next(h))
        let (x, y) = (next(w - cw + 1), next(h - ch + 1))
        let whole = try image.resized(width: w, height: h).cropped(x: x, y: y, width: cw, height: ch)
        let window = try image.resized(width: w, height: h, croppedTo: x, y, cw, ch)
        #expect(window == whole, "\(channels) channels, \(w)x\(h), crop \(cw)x\(ch) at (\(x), \(y))")
      }
    }
  }
  #expect(throws: ImageError.self) { try source.resized(width: 10, height: 10, croppedTo: 5, 5, 6, 6) }
}

/// The ImageNet preprocessing (resize the shorter side, centre crop) through the fused step
/// equals its two steps run one after the other.
@Test func preprocessingFusesResizeAndCenterCrop() throws {
  let image = try Image.load(path: Paths.fixture("resize_source.png")).rgb()
  for (size, big) in [(224, try image.resized(width: 640, height: 427)), (5, image), (20, image)] {
    let steps = Preprocessing.imagenet(size: size)
    var manual = big
    for step in steps.steps {
      switch step {
      case .resizeShorterSide(let side, let interpolation): manual = try manual.resized(shorterSide: side, interpolation: interpolation)
      case .centerCrop(let w, let h): manual = try manual.centerCropped(width: w, height: h)
      default: Issue.record("unexpected step \(step)")
      }
    }
    #expect(try steps.transform(big) == manual, "size \(size)")
  }
}
