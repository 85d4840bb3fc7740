import Imaging
import Testing

/// A TIFF block holding one Orientation entry, in either byte order.
func exifBlock(orientation: Int, bigEndian: Bool) -> [UInt8] {
  func u16(_ v: Int) -> [UInt8] {
    bigEndian ? [UInt8(v >> 8), UInt8(v & 255)] : [UInt8(v & 255), UInt8(v >> 8)]
  }
  func u32(_ v: Int) -> [UInt8] {
    bigEndian ? u16(v >> 16) + u16(v & 0xFFFF) : u16(v & 0xFFFF) + u16(v >> 16)
  }
  let order: [UInt8] = bigEndian ? Array("MM".utf8) : Array("II".utf8)
  // Header, IFD at 8 with two entries (an unrelated tag first), next-IFD 0.
  return order + u16(42) + u32(8) + u16(2)
    + u16(0x010F) + u16(2) + u32(4) + Array("cam\0".utf8)
    + u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0) + u32(0)
}

/// The JPEG with an APP1 Exif segment inserted after SOI.
func withExif(_ jpeg: [UInt8], _ tiff: [UInt8]) -> [UInt8] {
  let payload = Array("Exif\0\0".utf8) + tiff
  let length = payload.count + 2
  return Array(jpeg[0..<2]) + [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 255)] + payload
    + jpeg[2...]
}

@Test(arguments: 1...8, [false, true])
func jpegExifOrientationIsReadInBothByteOrders(orientation: Int, bigEndian: Bool) throws {
  let jpeg = try bytes(of: Paths.fixture("small.jpg"))
  let tagged = withExif(jpeg, exifBlock(orientation: orientation, bigEndian: bigEndian))
  #expect(try Image.orientation(of: tagged) == orientation)
  let stored = try Image.decode(bytes: jpeg)
  #expect(try Image.decode(bytes: tagged) == stored.oriented(exif: orientation))
}

@Test func malformedExifMeansNoRotation() throws {
  let jpeg = try bytes(of: Paths.fixture("small.jpg"))
  let good = exifBlock(orientation: 6, bigEndian: false)
  let damaged: [[UInt8]] = [
    Array(good[0..<12]),  // entries cut off
    [0x49, 0x49, 0x2B, 0x00] + good[4...],  // not TIFF magic 42
    Array(good[0..<4]) + [0xFF, 0xFF, 0, 0] + good[8...],  // IFD offset past the end
    exifBlock(orientation: 9, bigEndian: true),  // out-of-range value
  ]
  for tiff in damaged {
    #expect(try Image.orientation(of: withExif(jpeg, tiff)) == 1)
  }
}
