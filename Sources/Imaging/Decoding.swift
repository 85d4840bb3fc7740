import CImageCodecs

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Image file formats recognised by their first bytes.
public enum ImageFormat: String, Sendable, CaseIterable {
  case jpeg = "JPEG"
  case png = "PNG"
  case gif = "GIF"
  case bmp = "BMP"
  case webp = "WebP"
  case tiff = "TIFF"

  /// Whether this module can decode the format.
  public var isDecodable: Bool { self == .jpeg || self == .png }

  /// Detects the format from magic bytes; nil when none matches.
  public static func detect(_ bytes: [UInt8]) -> ImageFormat? {
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      bytes.count >= offset + magic.count && Array(bytes[offset..<(offset + magic.count)]) == magic
    }
    if starts([0xFF, 0xD8, 0xFF]) { return .jpeg }
    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
    if starts(Array("GIF8".utf8)) { return .gif }
    if starts(Array("BM".utf8)) { return .bmp }
    if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return .webp }
    if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) { return .tiff }
    return nil
  }
}

extension Image {
  /// Decodes JPEG or PNG bytes to RGB, applying the EXIF orientation when asked.
  ///
  /// Images with more than `maxPixels` pixels are refused after reading only the header.
  public static func decode(
    bytes: [UInt8], maxPixels: Int = Image.defaultMaxPixels, applyOrientation: Bool = true
  ) throws(ImageError) -> Image {
    guard let format = ImageFormat.detect(bytes) else {
      let head = bytes.prefix(8).map { hex($0) }.joined(separator: " ")
      throw ImageError(
        .unknownFormat,
        bytes.isEmpty
          ? "no image data (0 bytes)"
          : "unknown image format (first bytes: \(head)); expected JPEG or PNG")
    }
    guard format.isDecodable else {
      throw ImageError(
        .unknownFormat, "\(format.rawValue) images are not supported; use JPEG or PNG")
    }
    guard maxPixels > 0 else {
      throw ImageError(.invalidArgument, "maxPixels must be positive, got \(maxPixels)")
    }
    let decoded = try runDecoder(format, bytes, UInt64(maxPixels))
    return applyOrientation ? decoded.image.oriented(exif: decoded.orientation) : decoded.image
  }

  /// Reads and decodes an image file (see `decode(bytes:maxPixels:applyOrientation:)`).
  public static func load(
    path: String, maxPixels: Int = Image.defaultMaxPixels, applyOrientation: Bool = true
  ) throws(ImageError) -> Image {
    let bytes = try readFile(path)
    do {
      return try decode(bytes: bytes, maxPixels: maxPixels, applyOrientation: applyOrientation)
    } catch {
      throw ImageError(error.kind, "\(path): \(error.message)")
    }
  }

  /// The EXIF orientation (1–8) stored in JPEG or PNG bytes, 1 when there is none.
  public static func orientation(of bytes: [UInt8]) throws(ImageError) -> Int {
    guard let format = ImageFormat.detect(bytes), format.isDecodable else {
      throw ImageError(.unknownFormat, "orientation: not a JPEG or PNG")
    }
    return try runDecoder(format, bytes, UInt64(Image.defaultMaxPixels)).orientation
  }

  /// A JPEG's width, height and EXIF orientation from its header alone (nil for other
  /// formats); a header `decode` would refuse throws the same error.
  static func jpegHeader(_ bytes: [UInt8], maxPixels: Int) throws(ImageError) -> (width: Int, height: Int, orientation: Int)? {
    guard ImageFormat.detect(bytes) == .jpeg, maxPixels > 0 else { return nil }
    var result = tabby_decoded()
    var message = [CChar](repeating: 0, count: 512)
    let status = bytes.withUnsafeBufferPointer {
      tabby_jpeg_header($0.baseAddress, $0.count, UInt64(maxPixels), &result, &message, message.count)
    }
    guard status == Int32(TABBY_CODEC_OK.rawValue) else { throw codecError(status, message) }
    return (Int(result.width), Int(result.height), Int(result.orientation))
  }

  /// Columns `columns` and rows `rows` of a JPEG as stored (no orientation applied), decoded
  /// alone: the pixels `decode(bytes:applyOrientation: false)` has there, bit for bit.
  static func decodeJPEG(_ bytes: [UInt8], columns: Range<Int>, rows: Range<Int>, maxPixels: Int)
    throws(ImageError) -> Image
  {
    guard let x = UInt32(exactly: columns.lowerBound), let y = UInt32(exactly: rows.lowerBound),
      let w = UInt32(exactly: columns.count), let h = UInt32(exactly: rows.count), maxPixels > 0
    else { throw ImageError(.invalidArgument, "JPEG region \(columns) x \(rows) is out of range") }
    // The decoder writes the region's rows straight into the image's storage. A region over
    // the pixel cap gets no buffer: the decoder then fails on the image's size or the
    // region's place, as a whole decode would, before it needs one.
    let count = UInt64(w) * UInt64(h) <= UInt64(maxPixels) ? Int(w) * Int(h) * 3 : 0
    var result = tabby_decoded()
    var message = [CChar](repeating: 0, count: 512)
    var status = Int32(TABBY_CODEC_OK.rawValue)
    let pixels = [UInt8](unsafeUninitializedCapacity: max(count, 1)) { storage, initialized in
      status = bytes.withUnsafeBufferPointer { buffer in
        tabby_jpeg_decode_region(
          buffer.baseAddress, buffer.count, UInt64(maxPixels), tabby_region(x: x, y: y, width: w, height: h),
          storage.baseAddress, count, &result, &message, message.count)
      }
      initialized = status == Int32(TABBY_CODEC_OK.rawValue) ? count : 0
    }
    guard status == Int32(TABBY_CODEC_OK.rawValue) else { throw codecError(status, message) }
    return Image(unchecked: Int(w), Int(h), 3, pixels)
  }

  private static func runDecoder(_ format: ImageFormat, _ bytes: [UInt8], _ maxPixels: UInt64)
    throws(ImageError) -> (image: Image, orientation: Int)
  {
    var result = tabby_decoded()
    var message = [CChar](repeating: 0, count: 512)
    let status = bytes.withUnsafeBufferPointer { buffer in
      format == .jpeg
        ? tabby_jpeg_decode(
          buffer.baseAddress, buffer.count, maxPixels, &result, &message, message.count)
        : tabby_png_decode(
          buffer.baseAddress, buffer.count, maxPixels, &result, &message, message.count)
    }
    guard status == Int32(TABBY_CODEC_OK.rawValue), let pixels = result.pixels else {
      throw codecError(status, message)
    }
    defer { tabby_codec_free(pixels) }
    let width = Int(result.width)
    let height = Int(result.height)
    let copy = [UInt8](UnsafeBufferPointer(start: pixels, count: width * height * 3))
    return (Image(unchecked: width, height, 3, copy), Int(result.orientation))
  }
}

/// Maps a C status and message to an ImageError.
func codecError(_ status: Int32, _ message: [CChar]) -> ImageError {
  let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  let kind: ImageError.Kind
  switch UInt32(bitPattern: status) {
  case TABBY_CODEC_TOO_LARGE.rawValue: kind = .tooLarge
  case TABBY_CODEC_NO_MEMORY.rawValue: kind = .outOfMemory
  case TABBY_CODEC_UNSUPPORTED.rawValue: kind = .unsupported
  case TABBY_CODEC_BAD_ARGUMENT.rawValue: kind = .invalidArgument
  default: kind = .corrupt
  }
  return ImageError(kind, text.isEmpty ? "image codec failed (status \(status))" : text)
}

private func hex(_ byte: UInt8) -> String {
  let digits = Array("0123456789abcdef")
  return String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
}

/// The largest image file `load(path:)` reads (a 100-megapixel PNG fits).
public let maxImageFileBytes = 512 << 20

/// Reads a whole image file. Only regular files below `maxImageFileBytes` are read
/// (a device such as /dev/zero, or a symlink to one, would never end; a named pipe
/// would block forever): the file is opened without blocking and checked with fstat
/// before the first read, and no more than its stated size is read.
func readFile(_ path: String) throws(ImageError) -> [UInt8] {
  let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
  guard fd >= 0 else {
    // "PATH: why", as a decoding error reads, so callers prefix both alike.
    throw ImageError(.io, "\(path): \(String(cString: strerror(errno)))")
  }
  defer { close(fd) }
  var info = stat()
  guard fstat(fd, &info) == 0 else {
    throw ImageError(.io, "\(path): \(String(cString: strerror(errno)))")
  }
  guard info.st_mode & S_IFMT == S_IFREG else {
    throw ImageError(.io, "\(path) is not a regular file (\(fileKind(info.st_mode))); images are read from files")
  }
  let size = Int(info.st_size)
  guard size <= maxImageFileBytes else {
    throw ImageError(.tooLarge, "\(path) is \(size) bytes; image files are read up to \(maxImageFileBytes) bytes")
  }
  var bytes = [UInt8](repeating: 0, count: size)
  var done = 0
  while done < size {
    let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, size - done) }
    if n < 0 && errno == EINTR { continue }
    guard n >= 0 else { throw ImageError(.io, "\(path): \(String(cString: strerror(errno)))") }
    if n == 0 { break }  // the file shrank while being read
    done += n
  }
  return Array(bytes[0..<done])
}

private func fileKind(_ mode: mode_t) -> String {
  switch mode & S_IFMT {
  case S_IFDIR: "a directory"
  case S_IFCHR: "a character device"
  case S_IFBLK: "a block device"
  case S_IFIFO: "a named pipe"
  case S_IFSOCK: "a socket"
  default: "not a plain file"
  }
}
