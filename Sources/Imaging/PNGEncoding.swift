import CImageCodecs

extension Image {
  /// The image encoded as PNG (8-bit gray, gray+alpha, RGB or RGBA by channel count).
  ///
  /// `compressionLevel` is zlib's 0–9; 6 balances size and speed.
  public func pngData(compressionLevel: Int = 6) throws(ImageError) -> [UInt8] {
    guard width <= Int(UInt32.max), height <= Int(UInt32.max) else {
      throw ImageError(.invalidArgument, "PNG: \(width)x\(height) is too large to encode")
    }
    var output: UnsafeMutablePointer<UInt8>? = nil
    var size = 0
    var message = [CChar](repeating: 0, count: 512)
    let status = pixels.withUnsafeBufferPointer { buffer in
      tabby_png_encode(
        buffer.baseAddress, UInt32(width), UInt32(height), UInt32(channels),
        Int32(compressionLevel),
        &output, &size, &message, message.count)
    }
    guard status == Int32(TABBY_CODEC_OK.rawValue), let output else {
      throw codecError(status, message)
    }
    defer { tabby_codec_free(output) }
    return [UInt8](UnsafeBufferPointer(start: output, count: size))
  }
}
