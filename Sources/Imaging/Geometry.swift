extension Image {
  /// The `width` × `height` region whose top-left corner is (`x`, `y`).
  public func cropped(x: Int, y: Int, width cropWidth: Int, height cropHeight: Int)
    throws(ImageError)
    -> Image
  {
    guard cropWidth > 0, cropHeight > 0, x >= 0, y >= 0, x <= width - cropWidth,
      y <= height - cropHeight
    else {
      throw ImageError(
        .invalidArgument,
        "crop \(cropWidth)x\(cropHeight) at (\(x), \(y)) does not fit in a \(width)x\(height) image"
      )
    }
    let c = channels
    var out = [UInt8]()
    out.reserveCapacity(cropWidth * cropHeight * c)
    for row in y..<(y + cropHeight) {
      let start = (row * width + x) * c
      out.append(contentsOf: pixels[start..<(start + cropWidth * c)])
    }
    return Image(unchecked: cropWidth, cropHeight, c, out)
  }

  /// The centred `width` × `height` region: top = (H − h) // 2, left = (W − w) // 2.
  public func centerCropped(width cropWidth: Int, height cropHeight: Int) throws(ImageError)
    -> Image
  {
    guard cropWidth <= width, cropHeight <= height else {
      throw ImageError(
        .invalidArgument,
        "center crop \(cropWidth)x\(cropHeight) is larger than the \(width)x\(height) image")
    }
    return try cropped(
      x: (width - cropWidth) / 2, y: (height - cropHeight) / 2, width: cropWidth, height: cropHeight
    )
  }

  /// The centred square of side round(fraction · min(W, H)) (half to even, like
  /// Python's round), at ((W − side) // 2, (H − side) // 2): the Inception crop.
  public func centralSquareCropped(fraction: Double) throws(ImageError) -> Image {
    guard fraction > 0, fraction <= 1 else {
      throw ImageError(.invalidArgument, "central crop fraction must be in (0, 1], got \(fraction)")
    }
    let side = max(1, Int((fraction * Double(min(width, height))).rounded(.toNearestOrEven)))
    return try centerCropped(width: side, height: side)
  }

  /// The image with 3 channels: gray replicated, alpha dropped.
  public func rgb() -> Image {
    switch channels {
    case 3: return self
    case 1, 2:
      return mapPixels(to: 3) { src, dst in
        dst[0] = src[0]
        dst[1] = src[0]
        dst[2] = src[0]
      }
    default:
      return mapPixels(to: 3) { src, dst in
        dst[0] = src[0]
        dst[1] = src[1]
        dst[2] = src[2]
      }
    }
  }

  /// The image with 1 channel; colour becomes ITU-R 601 luma as Pillow's
  /// `convert("L")` computes it: (R·19595 + G·38470 + B·7471 + 0x8000) >> 16.
  public func grayscale() -> Image {
    switch channels {
    case 1: return self
    case 2: return mapPixels(to: 1) { src, dst in dst[0] = src[0] }
    default:
      return mapPixels(to: 1) { src, dst in
        let luma = Int(src[0]) * 19595 + Int(src[1]) * 38470 + Int(src[2]) * 7471 + 0x8000
        dst[0] = UInt8(luma >> 16)
      }
    }
  }

  /// The image shrunk (never enlarged) to fit in `maxSide` × `maxSide`, keeping its
  /// aspect ratio; for previews in notebooks.
  public func thumbnail(maxSide: Int) throws(ImageError) -> Image {
    guard maxSide > 0 else { throw ImageError(.invalidArgument, "thumbnail side must be positive") }
    guard max(width, height) > maxSide else { return self }
    let scale = Double(maxSide) / Double(max(width, height))
    let newWidth = max(1, Int((Double(width) * scale).rounded()))
    let newHeight = max(1, Int((Double(height) * scale).rounded()))
    return try resized(width: min(newWidth, maxSide), height: min(newHeight, maxSide))
  }

  private func mapPixels(
    to outChannels: Int, _ body: (UnsafePointer<UInt8>, UnsafeMutablePointer<UInt8>) -> Void
  ) -> Image {
    let count = width * height
    var out = [UInt8](repeating: 0, count: count * outChannels)
    pixels.withUnsafeBufferPointer { src in
      out.withUnsafeMutableBufferPointer { dst in
        guard let from = src.baseAddress, let to = dst.baseAddress else { return }
        for i in 0..<count { body(from + i * channels, to + i * outChannels) }
      }
    }
    return Image(unchecked: width, height, outChannels, out)
  }
}
