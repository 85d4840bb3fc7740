#if canImport(Glibc)
  import Glibc
#endif
import Imaging
import TestSupport
import Testing

/// Seeded damage to real files: every mutation must give an ImageError or a
/// well-formed image, and the process must go on.
struct Mutator {
  var random: SeededRNG

  mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

  /// One of the generic mutations: truncation, bit flips, overwritten bytes, a copied run.
  mutating func generic(_ original: [UInt8]) -> [UInt8] {
    var bytes = original
    switch int(0..<4) {
    case 0: bytes.removeLast(int(1..<bytes.count))
    case 1: for _ in 0..<int(1..<9) { bytes[int(0..<bytes.count)] ^= UInt8(1 << int(0..<8)) }
    case 2: for _ in 0..<int(1..<5) { bytes[int(0..<bytes.count)] = UInt8(int(0..<256)) }
    default:
      let start = int(0..<bytes.count)
      let length = int(1..<min(64, bytes.count - start + 1))
      let target = int(0..<(bytes.count - length + 1))
      bytes.replaceSubrange(target..<(target + length), with: original[start..<(start + length)])
    }
    return bytes
  }

  /// JPEG: a marker segment's 16-bit length replaced (zero, tiny, random, past the end).
  mutating func jpegSegmentLength(_ original: [UInt8]) -> [UInt8] {
    var bytes = original
    let markers = (2..<(bytes.count - 3)).filter { i in
      bytes[i] == 0xFF && (0xC0...0xFE).contains(bytes[i + 1])
        && !(0xD0...0xD9).contains(bytes[i + 1])
    }
    guard let at = markers.randomElement(using: &random) else { return generic(original) }
    let length = [0, 1, 2, int(0..<65536), bytes.count - at + int(0..<100)][int(0..<5)] & 0xFFFF
    bytes[at + 2] = UInt8(length >> 8)
    bytes[at + 3] = UInt8(length & 0xFF)
    return bytes
  }

  /// PNG: a chunk's length field changed, or its data damaged with the CRC recomputed so
  /// that the damage reaches the decoder instead of stopping at the checksum.
  mutating func pngChunk(_ original: [UInt8]) -> [UInt8] {
    var bytes = original
    let chunks = pngChunks(bytes)
    guard let chunk = chunks.randomElement(using: &random) else { return generic(original) }
    if int(0..<3) == 0 {
      let length = [0, 1, 0x7FFF_FFFF, 0xFFFF_FFFF, int(0..<100_000)][int(0..<5)]
      for k in 0..<4 { bytes[chunk.offset + k] = UInt8((length >> (24 - 8 * k)) & 0xFF) }
      return bytes
    }
    guard chunk.length > 0 else { return bytes }
    let data = chunk.offset + 8
    for _ in 0..<int(1..<4) { bytes[data + int(0..<chunk.length)] ^= UInt8(1 << int(0..<8)) }
    let crc = crc32(bytes[(chunk.offset + 4)..<(data + chunk.length)])
    for k in 0..<4 { bytes[data + chunk.length + k] = UInt8((crc >> (24 - 8 * UInt32(k))) & 0xFF) }
    return bytes
  }
}

/// (offset of the length field, data length) of every complete chunk.
func pngChunks(_ bytes: [UInt8]) -> [(offset: Int, length: Int)] {
  var chunks: [(Int, Int)] = []
  var at = 8
  while at + 12 <= bytes.count {
    let length = bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
    guard at + 12 + length <= bytes.count else { break }
    chunks.append((at, length))
    at += 12 + length
  }
  return chunks
}

func crc32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
  var crc: UInt32 = 0xFFFF_FFFF
  for byte in bytes {
    crc ^= UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
  }
  return ~crc
}

/// Decodes every mutant; returns (errors, images) and records an issue for any
/// image whose buffer does not match its shape.
func decodeMutants(
  _ files: [String], count: Int, seed: UInt64, maxPixels: Int,
  _ mutate: (inout Mutator, [UInt8]) -> [UInt8]
) throws -> (errors: Int, images: Int) {
  let originals = try files.map { try bytes(of: $0) }
  var mutator = Mutator(random: SeededRNG(seed))
  var (errors, images) = (0, 0)
  for i in 0..<count {
    let mutant = mutate(&mutator, originals[i % originals.count])
    do {
      let image = try Image.decode(bytes: mutant, maxPixels: maxPixels)
      #expect(
        image.pixels.count == image.width * image.height * 3
          && image.width * image.height <= maxPixels)
      images += 1
    } catch {
      #expect(!error.message.isEmpty)
      errors += 1
    }
  }
  return (errors, images)
}

let smallJPEGs = ["small.jpg", "small_progressive.jpg", "gray.jpg", "cmyk.jpg", "orient6.jpg"].map(
  Paths.fixture)
let smallPNGs = [
  "small.png", "small_interlaced.png", "palette4.png", "rgb16.png", "gray1.png", "gray_alpha16.png",
]
.map(Paths.fixture)

@Test func mutatedJPEGsNeverCrash() throws {
  let generic = try decodeMutants(smallJPEGs, count: 800, seed: 1, maxPixels: 1 << 20) {
    $0.generic($1)
  }
  let lengths = try decodeMutants(smallJPEGs, count: 400, seed: 2, maxPixels: 1 << 20) {
    $0.jpegSegmentLength($1)
  }
  print("JPEG mutants: generic \(generic), segment lengths \(lengths)")
  #expect(generic.errors > 100 && generic.images > 100)
  #expect(lengths.errors > 50)
}

@Test func mutatedPNGsNeverCrash() throws {
  let generic = try decodeMutants(smallPNGs, count: 600, seed: 3, maxPixels: 1 << 20) {
    $0.generic($1)
  }
  let chunks = try decodeMutants(smallPNGs, count: 600, seed: 4, maxPixels: 1 << 20) {
    $0.pngChunk($1)
  }
  print("PNG mutants: generic \(generic), chunks with fixed CRC \(chunks)")
  #expect(generic.errors > 100)
  #expect(chunks.errors > 100 && chunks.images > 10)
}

@Test(.needsShared) func mutatedReferencePhotosNeverCrash() throws {
  let files = ["chelsea.jpg", "camera.jpg", "coffee.png", "camera.png"].map {
    "\(Paths.referenceImages)/\($0)"
  }
  let result = try decodeMutants(files, count: 40, seed: 5, maxPixels: Image.defaultMaxPixels) {
    mutator, bytes in
    bytes[0] == 0xFF ? mutator.generic(bytes) : mutator.pngChunk(bytes)
  }
  #expect(result.errors + result.images == 40)
}

@Test func emptyAndTinyInputsAreErrors() {
  let inputs: [[UInt8]] = [
    [0xFF, 0xD8, 0xFF], [0xFF, 0xD8, 0xFF, 0xD9],
    Array([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
  ]
  for input in inputs {
    #expect(throws: ImageError.self) { try Image.decode(bytes: input) }
  }
}

/// Paths that are not regular files end at once with an error: a device read would never
/// end and a named pipe with no writer would block forever.
@Test func nonRegularFilesAreRefusedWithoutReading() throws {
  let dir = "/tmp/tabby-imaging-\(getpid())"
  mkdir(dir, 0o700)
  defer { _ = unlink("\(dir)/link"); _ = unlink("\(dir)/fifo"); _ = rmdir(dir) }
  #expect(symlink("/dev/zero", "\(dir)/link") == 0)
  #expect(mkfifo("\(dir)/fifo", 0o600) == 0)
  for (path, kind) in [
    ("/dev/zero", "a character device"), ("\(dir)/link", "a character device"), ("\(dir)/fifo", "a named pipe"), (dir, "a directory"),
  ] {
    do {
      _ = try Image.load(path: path)
      Issue.record("\(path) loaded")
    } catch {
      #expect(error.kind == .io)
      #expect(error.message.contains("is not a regular file (\(kind))"), "\(error.message)")
    }
  }
}
