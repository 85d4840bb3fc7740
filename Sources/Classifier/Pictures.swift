import Imaging

/// A decoded photo (JPEG or PNG, EXIF orientation applied), for predicting and for display.
public struct Photo: Sendable {
  /// The file it was read from.
  public let path: String
  let image: Image

  /// Reads and decodes `path`.
  public init(path: String) throws(ClassifierError) {
    self.path = path
    do { image = try Image.load(path: path) } catch {
      throw ClassifierError(.badImage, "cannot read image \(error.message)")
    }
  }

  public var width: Int { image.width }
  public var height: Int { image.height }
  public var channels: Int { image.channels }

  /// PNG bytes of the photo scaled down so its longer side is at most `maxSide`.
  public func thumbnailPNG(maxSide: Int = 224) throws(ClassifierError) -> [UInt8] {
    try Pictures.thumbnailPNG(image, maxSide: maxSide)
  }
}

extension Prediction {
  /// PNG bytes of the classified image scaled down to at most `maxSide` on its longer side.
  public func thumbnailPNG(maxSide: Int = 224) throws(ClassifierError) -> [UInt8] {
    try Pictures.thumbnailPNG(image, maxSide: maxSide)
  }
}

/// PNG pictures of data-set images for notebook output, made with Imaging's encoder.
public enum Pictures {
  static func thumbnailPNG(_ image: Image, maxSide: Int) throws(ClassifierError) -> [UInt8] {
    do {
      let small = max(image.width, image.height) > maxSide ? try image.thumbnail(maxSide: maxSide) : image
      return try small.pngData(compressionLevel: 1)
    } catch {
      throw ClassifierError(.badImage, "cannot make a picture: \(error.message)")
    }
  }

  /// One gray image (e.g. a 28×28 digit) scaled up by an integer factor, nearest neighbour.
  public static func grayPNG(_ pixels: ArraySlice<UInt8>, width: Int, height: Int, scale: Int)
    throws(ClassifierError) -> [UInt8]
  {
    guard pixels.count == width * height, scale >= 1 else {
      throw ClassifierError(.invalidArgument, "\(pixels.count) pixels are not \(width)×\(height)")
    }
    var out = [UInt8](repeating: 0, count: width * height * scale * scale)
    let base = pixels.startIndex
    for y in 0..<(height * scale) {
      for x in 0..<(width * scale) {
        out[y * width * scale + x] = pixels[base + (y / scale) * width + x / scale]
      }
    }
    return try png(width: width * scale, height: height * scale, out)
  }

  /// Images of a split laid out in a grid with 2-pixel gaps, inverted to read as ink on paper.
  public static func gridPNG(_ set: ImageSet, indices: [Int], columns: Int) throws(ClassifierError)
    -> [UInt8]
  {
    let shape = set.imageShape
    let h = shape.count >= 2 ? shape[shape.count - 2] : 28
    let w = shape.last ?? 28
    let rows = max(1, (indices.count + columns - 1) / columns)
    let gap = 2
    let width = columns * (w + gap) + gap
    let height = rows * (h + gap) + gap
    var out = [UInt8](repeating: 255, count: width * height)
    for (k, index) in indices.enumerated() {
      let ox = gap + (k % columns) * (w + gap)
      let oy = gap + (k / columns) * (h + gap)
      let image = set.pixels(at: index)
      for y in 0..<h {
        for x in 0..<w {
          // MNIST is white on black.
          out[(oy + y) * width + ox + x] = 255 - image[image.startIndex + y * w + x]
        }
      }
    }
    return try png(width: width, height: height, out)
  }

  private static func png(width: Int, height: Int, _ pixels: [UInt8]) throws(ClassifierError)
    -> [UInt8]
  {
    do {
      return try Image(width: width, height: height, channels: 1, pixels: pixels)
        .pngData(compressionLevel: 1)
    } catch {
      throw ClassifierError(.badImage, "cannot make a picture: \(error.message)")
    }
  }
}
