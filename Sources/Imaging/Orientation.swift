extension Image {
  /// The image as it should be displayed for an EXIF orientation tag (1–8).
  ///
  /// 2 mirrors, 3 turns 180°, 4 flips, 5 transposes, 6 turns 90° clockwise,
  /// 7 transverses, 8 turns 90° counter-clockwise; other values leave it as is.
  public func oriented(exif orientation: Int) -> Image {
    guard (2...8).contains(orientation) else { return self }
    let swapsAxes = orientation >= 5
    let outWidth = swapsAxes ? height : width
    let outHeight = swapsAxes ? width : height
    let w = width
    let h = height
    // Source pixel for display position (X, Y), per the EXIF definitions.
    let source: (Int, Int) -> (Int, Int)
    switch orientation {
    case 2: source = { x, y in (w - 1 - x, y) }
    case 3: source = { x, y in (w - 1 - x, h - 1 - y) }
    case 4: source = { x, y in (x, h - 1 - y) }
    case 5: source = { x, y in (y, x) }
    case 6: source = { x, y in (y, h - 1 - x) }
    case 7: source = { x, y in (w - 1 - y, h - 1 - x) }
    default: source = { x, y in (w - 1 - y, x) }
    }
    return remapped(width: outWidth, height: outHeight, source: source)
  }

  /// The image turned 90° clockwise.
  public func rotatedClockwise() -> Image { oriented(exif: 6) }

  /// The image turned 90° counter-clockwise.
  public func rotatedCounterClockwise() -> Image { oriented(exif: 8) }

  /// The image mirrored left to right.
  public func mirrored() -> Image { oriented(exif: 2) }

  /// The image flipped top to bottom.
  public func flipped() -> Image { oriented(exif: 4) }

  private func remapped(
    width outWidth: Int, height outHeight: Int, source: (Int, Int) -> (Int, Int)
  )
    -> Image
  {
    let c = channels
    var out = [UInt8](repeating: 0, count: outWidth * outHeight * c)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        for y in 0..<outHeight {
          for x in 0..<outWidth {
            let (sx, sy) = source(x, y)
            let from = (sy * width + sx) * c
            let to = (y * outWidth + x) * c
            for k in 0..<c { dst[to + k] = src[from + k] }
          }
        }
      }
    }
    return Image(unchecked: outWidth, outHeight, c, out)
  }
}
