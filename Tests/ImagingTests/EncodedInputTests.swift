import CImageCodecs
import Testing
import TestSupport

@testable import Imaging

/// `Preprocessing(encoded:)` decodes only the part of a JPEG that a resize and centre crop
/// read; these check that nothing it returns differs from decoding the whole file first.

/// The JPEGs in the repository: 4:2:0 baseline and progressive, gray, CMYK, EXIF-rotated,
/// and a 4:4:4 photo.
let repositoryJPEGs = [
  Paths.fixture("small.jpg"), Paths.fixture("small_progressive.jpg"), Paths.fixture("gray.jpg"),
  Paths.fixture("cmyk.jpg"), Paths.fixture("orient6.jpg"), Paths.repoRoot + "/notebooks/photos/rocket.jpg",
]

/// The shared photos: 4:2:0, gray, 4:4:4 and 4:4:0 (1×2) sampling, landscape and portrait.
func sharedJPEGs() -> [String] {
  ["astronaut", "camera", "chelsea", "coffee", "rocket"].map { Paths.referenceImages + "/\($0).jpg" }
    + ["coral_hot_dog", "coral_parrot", "darknet_dog", "darknet_eagle"].map {
      SharedData.root + "/imagenet/photos/\($0).jpg"
    }
}

/// Recipes that take the windowed path (resize + centre crop), at sizes that crop a little or
/// a lot, in every layout and type, and ones that do not (the whole decode runs).
let recipes: [Preprocessing] = [
  .imagenet(), .imagenet(size: 64), .imagenet(size: 320, layout: .nhwc, elementType: .uint8), .mxnetLegacy(),
  .imagenet().forGrayInput(),
  Preprocessing(
    steps: [.resize(width: 300, height: 200, .bilinear), .centerCrop(width: 120, height: 180)],
    normalization: .init(scale: 255, mean: [0.5], std: [0.25])),
  Preprocessing(
    steps: [.resizeShorterSide(160, .bilinear), .centerCrop(width: 150, height: 150), .resize(width: 50, height: 40, .bilinear)],
    normalization: .init(scale: 1, mean: [0], std: [1])),
  .inception(), .gray(),
]

func expectSameInput(_ path: String) throws {
  let data = try bytes(of: path)
  let whole = try Image.decode(bytes: data)
  for recipe in recipes {
    #expect(try recipe(encoded: data) == recipe(whole), "\(path): \(recipe)")
  }
}

@Test(arguments: repositoryJPEGs) func encodedInputEqualsDecodingFirst(_ path: String) throws {
  try expectSameInput(path)
}

@Test func theWindowedPathIsTakenWhereItApplies() throws {
  let upright = try bytes(of: Paths.repoRoot + "/notebooks/photos/rocket.jpg")
  let maxPixels = Image.defaultMaxPixels
  #expect(try Preprocessing.imagenet().croppedWindow(upright, maxPixels: maxPixels) != nil)
  #expect(try Preprocessing.imagenet().forGrayInput().croppedWindow(upright, maxPixels: maxPixels) != nil)
  // Rotated by EXIF, cropped before resizing, resized without a crop, or not a JPEG: whole.
  let rotated = try bytes(of: Paths.fixture("orient6.jpg"))
  #expect(try Preprocessing.imagenet().croppedWindow(rotated, maxPixels: maxPixels) == nil)
  #expect(try Preprocessing.inception().croppedWindow(upright, maxPixels: maxPixels) == nil)
  #expect(try Preprocessing.gray().croppedWindow(upright, maxPixels: maxPixels) == nil)
  let png = try bytes(of: Paths.fixture("small.png"))
  #expect(try Preprocessing.imagenet().croppedWindow(png, maxPixels: maxPixels) == nil)
}

@Test(.needsShared) func encodedInputEqualsDecodingFirstOnPhotos() throws {
  for path in sharedJPEGs() { try expectSameInput(path) }
}

/// Windows at seeded random places, from one pixel to the whole, against the whole decode.
func expectWindowsMatch(_ path: String, count: Int) throws {
  let data = try bytes(of: path)
  let whole = try Image.decode(bytes: data, applyOrientation: false)
  var rng = SeededRNG(7)
  var rects = [(0, 0, whole.width, whole.height), (whole.width - 1, whole.height - 1, 1, 1)]
  for _ in 0..<count {
    let w = 1 + rng.int(whole.width), h = 1 + rng.int(whole.height)
    rects.append((rng.int(whole.width - w + 1), rng.int(whole.height - h + 1), w, h))
  }
  for (x, y, w, h) in rects {
    let window = try Image.decodeJPEG(data, columns: x..<(x + w), rows: y..<(y + h), maxPixels: Image.defaultMaxPixels)
    #expect(try window == whole.cropped(x: x, y: y, width: w, height: h), "\(path): \(w)x\(h) at (\(x), \(y))")
  }
}

@Test(arguments: repositoryJPEGs) func jpegWindowsAreTheWholeDecodesPixels(_ path: String) throws {
  try expectWindowsMatch(path, count: 40)
}

@Test(.needsShared) func jpegWindowsAreTheWholeDecodesPixelsOnPhotos() throws {
  for path in sharedJPEGs() { try expectWindowsMatch(path, count: 25) }
}

@Test func windowsOutsideTheImageAreRefused() throws {
  let data = try bytes(of: Paths.fixture("small.jpg"))  // 32 × 24
  for (columns, rows) in [(0..<33, 0..<24), (30..<33, 0..<1), (0..<1, 24..<25), (5..<5, 0..<3)] {
    #expect {
      _ = try Image.decodeJPEG(data, columns: columns, rows: rows, maxPixels: Image.defaultMaxPixels)
    } throws: { ($0 as? ImageError)?.kind == .invalidArgument }
  }
}

@Test func badEncodedInputFailsAsDecodingDoes() throws {
  let data = try bytes(of: Paths.repoRoot + "/notebooks/photos/rocket.jpg")
  for broken in [Array(data.prefix(data.count / 2)), Array(data.prefix(300)), [0xFF, 0xD8, 0xFF], []] {
    var viaDecode: ImageError? = nil
    do { _ = try Image.decode(bytes: broken) } catch { viaDecode = error }
    var viaEncoded: ImageError? = nil
    do { _ = try Preprocessing.imagenet()(encoded: broken) } catch { viaEncoded = error }
    #expect(viaDecode != nil && viaEncoded?.kind == viaDecode?.kind, "\(broken.count) bytes: \(String(describing: viaEncoded))")
  }
  // Over the pixel cap: refused from the header, as decode refuses it.
  #expect { _ = try Preprocessing.imagenet()(encoded: data, maxPixels: 1000) } throws: {
    ($0 as? ImageError)?.kind == .tooLarge
  }
}

/// Seeded corruptions (bit flips, truncations, broken segment lengths) of the repository's
/// JPEGs: the windowed path and the whole decode agree on every one, the same input or the
/// same kind of error (a file broken only outside the window fails both ways).
@Test func mutantsFailOrSucceedAsTheWholeDecodeDoes() throws {
  let files = try (smallJPEGs + [Paths.repoRoot + "/notebooks/photos/rocket.jpg"]).map { try bytes(of: $0) }
  var mutator = Mutator(random: SeededRNG(11))
  // A small centre crop of a larger resize: the window is the middle third of the rows, so
  // many truncations and flips fall only outside it.
  let recipe = Preprocessing(
    steps: [.resizeShorterSide(48, .bilinear), .centerCrop(width: 16, height: 16)],
    normalization: .init(scale: 255, mean: [0], std: [1]))
  var (same, errors) = (0, 0)
  for i in 0..<300 {
    let original = files[i % files.count]
    let mutant = i % 3 == 0 ? mutator.jpegSegmentLength(original) : mutator.generic(original)
    var whole: Result<ModelInput, ImageError>
    do { whole = .success(try recipe(Image.decode(bytes: mutant, maxPixels: 1 << 20))) } catch { whole = .failure(error) }
    var windowed: Result<ModelInput, ImageError>
    do { windowed = .success(try recipe(encoded: mutant, maxPixels: 1 << 20)) } catch { windowed = .failure(error) }
    switch (whole, windowed) {
    case (.success(let a), .success(let b)):
      #expect(a == b, "mutant \(i)")
      same += 1
    case (.failure(let a), .failure(let b)):
      #expect(a.kind == b.kind, "mutant \(i): \(a.message) / \(b.message)")
      errors += 1
    default:
      Issue.record("mutant \(i): whole \(whole), windowed \(windowed)")
    }
  }
  #expect(same > 30 && errors > 30)
}

/// A window decodes into storage sized for it; a window over the pixel cap gets none, and
/// still fails as the whole decode fails (the image over the cap), or as a window outside
/// the image does.
@Test func windowsOverThePixelCapFailAsTheWholeDecodeDoes() throws {
  let data = try bytes(of: Paths.fixture("small.jpg"))
  let whole = try Image.decode(bytes: data, applyOrientation: false)
  let (w, h) = (whole.width, whole.height)
  func kind(_ body: () throws -> Image) -> ImageError.Kind? {
    do { _ = try body() } catch let e as ImageError { return e.kind } catch { return nil }
    return nil
  }
  #expect(kind { try Image.decode(bytes: data, maxPixels: w * h - 1) } == .tooLarge)
  #expect(kind { try Image.decodeJPEG(data, columns: 0..<w, rows: 0..<h, maxPixels: w * h - 1) } == .tooLarge)
  #expect(kind { try Image.decodeJPEG(data, columns: 0..<(w * h), rows: 0..<2, maxPixels: w * h) } == .invalidArgument)
  let all = try Image.decodeJPEG(data, columns: 0..<w, rows: 0..<h, maxPixels: w * h)
  #expect(all.pixels == whole.pixels)
}

/// The decoder writes a window's rows in place, shifted, into the caller's buffer: nothing
/// may land outside it, however narrow the window (a row's shift can be wider than a row),
/// and the pixels are the whole decode's. Guard bytes on both sides catch a stray write
/// that stays (a spill past the end); a row that would start before the buffer is refused by
/// the decoder's own check, which an AddressSanitizer build found missing (the bytes it
/// overwrote were put back, so no guard sees it).
@Test func windowRowsStayInsideTheCallersBuffer() throws {
  let guardBytes = 4096
  for path in smallJPEGs + [Paths.repoRoot + "/notebooks/photos/rocket.jpg"] {
    let data = try bytes(of: path)
    let whole = try Image.decode(bytes: data, applyOrientation: false)
    let (width, height) = (whole.width, whole.height)
    // Narrow and tall: a row's shift (margin and alignment, 16–47 pixels) is wider than a row.
    let sizes = [(1, 1), (1, 9), (2, 7), (5, 5), (17, 3), (1, height), (3, height / 2), (8, height), (width, 2), (width - 3, height)]
    for (w, h) in sizes where w >= 1 && h >= 1 && w <= width && h <= height {
      for x in Set([0, (width - w) / 2, width - w]) {
        let y = (height - h) / 2
        let count = w * h * 3
        var buffer = [UInt8](repeating: 0xA5, count: count + 2 * guardBytes)
        var result = tabby_decoded()
        var message = [CChar](repeating: 0, count: 256)
        let status = buffer.withUnsafeMutableBufferPointer { b in
          data.withUnsafeBufferPointer { d in
            tabby_jpeg_decode_region(
              d.baseAddress, d.count, 1 << 26, tabby_region(x: UInt32(x), y: UInt32(y), width: UInt32(w), height: UInt32(h)),
              b.baseAddress! + guardBytes, count, &result, &message, message.count)
          }
        }
        #expect(status == Int32(TABBY_CODEC_OK.rawValue), "\(path) \(w)x\(h) at \(x),\(y)")
        #expect(buffer[..<guardBytes].allSatisfy { $0 == 0xA5 }, "\(path) \(w)x\(h) at \(x),\(y): written before")
        #expect(buffer[(guardBytes + count)...].allSatisfy { $0 == 0xA5 }, "\(path) \(w)x\(h) at \(x),\(y): written after")
        for row in 0..<h {
          let got = buffer[(guardBytes + row * w * 3)..<(guardBytes + (row + 1) * w * 3)]
          let start = ((y + row) * width + x) * 3
          #expect(Array(got) == Array(whole.pixels[start..<(start + w * 3)]), "\(path) \(w)x\(h) at \(x),\(y) row \(row)")
        }
      }
    }
  }
}
