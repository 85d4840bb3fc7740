/// An 8-bit image with packed rows: `pixels[(y * width + x) * channels + c]` (HWC).
///
/// Decoded images are RGB (3 channels). Gray (1), gray+alpha (2) and RGBA (4) images
/// can be built by hand, e.g. for charts, and encoded as PNG.
public struct Image: Equatable, Sendable {
  /// Pixels per row.
  public let width: Int
  /// Number of rows.
  public let height: Int
  /// Samples per pixel: 1, 2, 3 or 4.
  public let channels: Int
  /// Samples in HWC order, `width * height * channels` of them.
  public private(set) var pixels: [UInt8]

  /// The default decoding cap: 100 megapixels, far above camera photos, far below
  /// what a decompression bomb claims.
  public static let defaultMaxPixels = 100_000_000

  /// The largest image that resizing or filling may create (so that a typo in a
  /// notebook is an error, not an allocation failure): 2^28 pixels.
  public static let maxPixelsBuilt = 1 << 28

  /// Wraps existing pixels, checking that the buffer matches the shape.
  public init(width: Int, height: Int, channels: Int, pixels: [UInt8]) throws(ImageError) {
    guard width > 0, height > 0, (1...4).contains(channels) else {
      throw ImageError(
        .invalidArgument,
        "image shape \(width)x\(height)x\(channels) is not positive with 1-4 channels")
    }
    guard let count = Self.sampleCount(width, height, channels), pixels.count == count else {
      throw ImageError(
        .invalidArgument,
        "image \(width)x\(height)x\(channels) does not match \(pixels.count) bytes of pixels")
    }
    self.init(unchecked: width, height, channels, pixels)
  }

  /// Creates an image filled with one value per channel (`fill.count == channels`).
  public init(width: Int, height: Int, fill: [UInt8]) throws(ImageError) {
    guard width > 0, height > 0, (1...4).contains(fill.count),
      let count = Self.sampleCount(width, height, fill.count), width * height <= Self.maxPixelsBuilt
    else {
      throw ImageError(
        .invalidArgument, "cannot fill a \(width)x\(height) image with \(fill.count) channels")
    }
    var pixels = [UInt8](repeating: 0, count: count)
    for i in 0..<(width * height) {
      for c in 0..<fill.count { pixels[i * fill.count + c] = fill[c] }
    }
    self.init(unchecked: width, height, fill.count, pixels)
  }

  /// width · height · channels, or nil when it overflows.
  static func sampleCount(_ width: Int, _ height: Int, _ channels: Int) -> Int? {
    let (area, overflow1) = width.multipliedReportingOverflow(by: height)
    let (count, overflow2) = area.multipliedReportingOverflow(by: channels)
    return overflow1 || overflow2 ? nil : count
  }

  /// Internal initialiser for shapes already known to match.
  init(unchecked width: Int, _ height: Int, _ channels: Int, _ pixels: [UInt8]) {
    self.width = width
    self.height = height
    self.channels = channels
    self.pixels = pixels
  }

  /// The shape as `[height, width, channels]`.
  public var shape: [Int] { [height, width, channels] }

  /// The sample at column `x`, row `y`, channel `c` (indices must be in range).
  public subscript(x: Int, y: Int, c: Int) -> UInt8 {
    get { pixels[(y * width + x) * channels + c] }
    set { pixels[(y * width + x) * channels + c] = newValue }
  }
}
