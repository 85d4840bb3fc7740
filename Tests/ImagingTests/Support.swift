import Imaging
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// Paths computed from this file: <repo>/Tests/ImagingTests/Support.swift.
enum Paths {
  static let testsDirectory: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast()
    return parts.joined(separator: "/")
  }()
  static let fixtures = testsDirectory + "/Fixtures"
  static let repoRoot: String = {
    var parts = testsDirectory.split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(2)
    return parts.joined(separator: "/")
  }()
  // In ../shared: the tests reading these carry `.needsShared`.
  static let referenceImages = SharedData.root + "/reference/images"
  static let referenceInputs = SharedData.root + "/reference/inputs"

  static func fixture(_ name: String) -> String { fixtures + "/" + name }
}

/// Reads a file's bytes (the module's own reader is internal).
func bytes(of path: String) throws -> [UInt8] {
  guard let file = fopen(path, "rb") else { throw TestFailure("cannot open \(path)") }
  defer { fclose(file) }
  var out: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 1 << 16)
  while true {
    let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
    out.append(contentsOf: chunk[0..<n])
    if n < chunk.count { return out }
  }
}

/// A raw HWC uint8 fixture wrapped as an image.
func rawImage(_ name: String, width: Int, height: Int, channels: Int = 3) throws -> Image {
  try Image(
    width: width, height: height, channels: channels, pixels: bytes(of: Paths.fixture(name)))
}

/// Little-endian float32 file.
func floats(of path: String) throws -> [Float] {
  let raw = try bytes(of: path)
  return stride(from: 0, to: raw.count - 3, by: 4).map { i in
    var bits = UInt32(raw[i + 3])
    for k in [2, 1, 0] { bits = bits << 8 | UInt32(raw[i + k]) }
    return Float(bitPattern: bits)
  }
}

/// Largest absolute difference between two images of the same shape (nil if shapes differ).
func maxDifference(_ a: Image, _ b: Image) -> Int? {
  guard a.shape == b.shape else { return nil }
  return zip(a.pixels, b.pixels).map { abs(Int($0) - Int($1)) }.max() ?? 0
}

struct TestFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}
