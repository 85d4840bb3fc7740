import CZlib

/// A read-only ZIP archive held in memory: enough for model archives (stored and deflated
/// entries, no ZIP64, no encryption). Every offset and size is checked against the buffer,
/// so a truncated or hostile file is an error, never a crash.
public struct ZipArchive: Sendable {
  /// One file in the archive's central directory.
  public struct Entry: Sendable, Equatable {
    /// The path inside the archive.
    public var path: String
    /// 0: stored, 8: deflated.
    var method: Int
    var crc: UInt32
    var compressedSize: Int
    /// The unpacked size.
    public var size: Int
    var localHeaderOffset: Int
  }

  /// The entries in directory order.
  public let entries: [Entry]
  private let bytes: [UInt8]

  /// Unpacked entries larger than this are refused (a zip bomb stays a small error).
  public static let maxEntryBytes = 1 << 30

  /// Reads the central directory; `name` is used in messages.
  public init(bytes: [UInt8], name: String = "archive") throws(ServeError) {
    self.bytes = bytes
    let reader = Reader(bytes: bytes, name: name)
    let end = try reader.endOfCentralDirectory()
    var entries: [Entry] = []
    var at = end.directoryOffset
    for index in 0..<end.count {
      let (entry, next) = try reader.centralEntry(at: at, index: index)
      entries.append(entry)
      at = next
    }
    self.entries = entries
  }

  /// The entry at `path`, matched exactly, else by its last path component.
  public func entry(named path: String) -> Entry? {
    entries.first { $0.path == path }
      ?? entries.first { $0.path.split(separator: "/").last.map(String.init) == path }
  }

  /// The unpacked bytes of an entry, CRC-checked.
  public func contents(of entry: Entry) throws(ServeError) -> [UInt8] {
    let reader = Reader(bytes: bytes, name: entry.path)
    let start = try reader.dataStart(localHeaderAt: entry.localHeaderOffset)
    guard start <= bytes.count, entry.compressedSize <= bytes.count - start else {
      throw reader.fail("data runs past the end of the archive")
    }
    guard entry.size <= Self.maxEntryBytes else { throw reader.fail("entry is over \(Self.maxEntryBytes) bytes") }
    let packed = bytes[start..<(start + entry.compressedSize)]
    let data: [UInt8]
    switch entry.method {
    case 0:
      guard entry.compressedSize == entry.size else { throw reader.fail("stored entry sizes differ") }
      data = Array(packed)
    case 8: data = try Self.inflateRaw(packed, size: entry.size, reader: reader)
    default: throw reader.fail("compression method \(entry.method) is not supported (stored or deflate)")
    }
    let crc = data.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    guard crc == entry.crc else { throw reader.fail("CRC mismatch (corrupt archive)") }
    return data
  }

  /// Inflates a raw deflate stream into exactly `size` bytes.
  private static func inflateRaw(_ packed: ArraySlice<UInt8>, size: Int, reader: Reader) throws(ServeError)
    -> [UInt8]
  {
    var stream = z_stream()
    // Negative window bits: a raw deflate stream, as ZIP stores it.
    guard inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw reader.fail("cannot initialise zlib")
    }
    defer { inflateEnd(&stream) }
    var ok = false
    // One spare byte: output beyond the stated size shows as avail_out == 0.
    var out = [UInt8](repeating: 0, count: size + 1)
    packed.withUnsafeBufferPointer { input in
      out.withUnsafeMutableBufferPointer { output in
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        stream.avail_in = UInt32(input.count)
        stream.next_out = output.baseAddress
        stream.avail_out = UInt32(output.count)
        let status = inflate(&stream, Z_FINISH)
        ok = status == Z_STREAM_END && stream.avail_out == 1
      }
    }
    guard ok else { throw reader.fail("deflate data is corrupt or not the stated size") }
    out.removeLast()
    return out
  }
}

/// Little-endian field reads with bounds checks.
private struct Reader {
  let bytes: [UInt8]
  let name: String

  func fail(_ message: String) -> ServeError { ServeError(400, "\(name): \(message)") }

  func u16(_ at: Int) throws(ServeError) -> Int {
    guard at >= 0, at + 2 <= bytes.count else { throw fail("truncated (reading at \(at))") }
    return Int(bytes[at]) | Int(bytes[at + 1]) << 8
  }

  func u32(_ at: Int) throws(ServeError) -> Int {
    guard at >= 0, at + 4 <= bytes.count else { throw fail("truncated (reading at \(at))") }
    return (0..<4).reduce(0) { $0 | Int(bytes[at + $1]) << (8 * $1) }
  }

  /// The entry count and directory offset from the end-of-central-directory record.
  func endOfCentralDirectory() throws(ServeError) -> (count: Int, directoryOffset: Int) {
    guard bytes.count >= 22 else { throw fail("not a ZIP archive (too short)") }
    // The record is 22 bytes plus a comment of at most 65535 bytes, at the very end.
    var at = bytes.count - 22
    let lowest = max(0, bytes.count - 22 - 65535)
    while at >= lowest {
      if try u32(at) == 0x0605_4b50 { break }
      at -= 1
    }
    guard at >= lowest else { throw fail("not a ZIP archive (no end of central directory)") }
    let count = try u16(at + 10)
    let offset = try u32(at + 16)
    guard count != 0xFFFF, offset != 0xFFFF_FFFF else { throw fail("ZIP64 archives are not supported") }
    guard offset <= at else { throw fail("central directory offset \(offset) is past its end") }
    return (count, offset)
  }

  /// One central-directory record and the offset of the next.
  func centralEntry(at: Int, index: Int) throws(ServeError) -> (ZipArchive.Entry, Int) {
    guard try u32(at) == 0x0201_4b50 else { throw fail("central directory entry \(index) is corrupt") }
    let flags = try u16(at + 8)
    guard flags & 1 == 0 else { throw fail("encrypted entries are not supported") }
    let nameLength = try u16(at + 28)
    let skip = try u16(at + 30) + u16(at + 32)
    guard at + 46 + nameLength <= bytes.count else { throw fail("central directory is truncated") }
    let path = String(decoding: bytes[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self)
    let entry = ZipArchive.Entry(
      path: path, method: try u16(at + 10), crc: UInt32(try u32(at + 16)),
      compressedSize: try u32(at + 20), size: try u32(at + 24), localHeaderOffset: try u32(at + 42))
    guard entry.size != 0xFFFF_FFFF, entry.compressedSize != 0xFFFF_FFFF else {
      throw fail("ZIP64 entries are not supported")
    }
    return (entry, at + 46 + nameLength + skip)
  }

  /// Where an entry's data starts, past its local header.
  func dataStart(localHeaderAt at: Int) throws(ServeError) -> Int {
    guard try u32(at) == 0x0403_4b50 else { throw fail("local header is corrupt") }
    return at + 30 + (try u16(at + 26)) + (try u16(at + 28))
  }
}
