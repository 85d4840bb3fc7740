import CZlib
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// A data-set file that cannot be used; the message names the file and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file (or directory) at fault.
  public let path: String
  /// What is wrong with it.
  public let reason: String
  /// True when the file is absent or cannot be opened; false when it is there but unusable
  /// (truncated, bad magic, …), so callers can tell "not found" from "corrupt".
  public let isMissing: Bool

  /// Creates an error for a path.
  public init(path: String, _ reason: String, isMissing: Bool = false) {
    self.path = path
    self.reason = reason
    self.isMissing = isMissing
  }

  public var description: String { "\(path): \(reason)" }
}

/// An IDX array of unsigned bytes (the MNIST file format): dimensions and data.
public struct IDXArray: Sendable {
  /// Dimensions, outermost first (count, rows, columns for images).
  public let dimensions: [Int]
  /// The bytes, row-major.
  public let bytes: [UInt8]

  /// Parses IDX bytes expecting `rank` dimensions of uint8 (magic 0x0000_08 rank).
  public init(parsing data: consuming [UInt8], rank: Int, path: String) throws(DatasetError) {
    guard data.count >= 4 else {
      throw DatasetError(path: path, "truncated: \(data.count) bytes, too short for an IDX header")
    }
    let expected: [UInt8] = [0, 0, 0x08, UInt8(rank)]
    guard Array(data[0..<4]) == expected else {
      let magic = data[0..<4].map { String($0, radix: 16) }.joined(separator: " ")
      throw DatasetError(
        path: path,
        "bad magic number \(magic): expected 00 00 08 0\(rank) (uint8, \(rank) dimensions)")
    }
    let header = 4 + 4 * rank
    guard data.count >= header else {
      throw DatasetError(
        path: path, "truncated: header needs \(header) bytes, file has \(data.count)")
    }
    var dims: [Int] = []
    for i in 0..<rank {
      let o = 4 + 4 * i
      dims.append(
        Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
    }
    // The header's numbers are the file's word: multiplied with overflow checks, and a
    // declared size beyond the machine's memory is refused (the file cannot hold it anyway).
    let payload: Int
    do throws(MemoryError) {
      payload = try Sizes.checkedByteCount(dims, elementSize: 1, of: "IDX array")
    } catch {
      throw DatasetError(path: path, "header declares \(error.message)")
    }
    guard data.count - header == payload else {
      let what = data.count - header < payload ? "truncated" : "has trailing bytes"
      throw DatasetError(
        path: path,
        "\(what): dimensions \(dims) need \(payload) data bytes, found \(data.count - header)")
    }
    dimensions = dims
    // In place: the header is dropped from the buffer rather than copying the payload.
    var payloadBytes = data
    payloadBytes.removeSubrange(0..<header)
    bytes = payloadBytes
  }

  /// Reads and parses a file; `.gz` (or any gzip stream) is inflated with zlib.
  public init(contentsOf path: String, rank: Int) throws(DatasetError) {
    try self.init(parsing: try readMaybeGzipped(path), rank: rank, path: path)
  }
}

/// The whole file, inflated if it is gzip (zlib reads plain files through unchanged).
public func readMaybeGzipped(_ path: String) throws(DatasetError) -> [UInt8] {
  guard let file = gzopen(path, "rb") else {
    throw DatasetError(path: path, "cannot open the file", isMissing: true)
  }
  defer { gzclose(file) }
  var out: [UInt8] = []
  // Reserving the inflated size up front avoids doubling growth (peak memory on 47 MB files).
  out.reserveCapacity(inflatedSizeHint(path))
  var chunk = [UInt8](repeating: 0, count: 1 << 20)
  while true {
    let n = chunk.withUnsafeMutableBytes { gzread(file, $0.baseAddress, UInt32($0.count)) }
    if n < 0 {
      var code: Int32 = 0
      let message = gzerror(file, &code).map { String(cString: $0) } ?? "unknown error"
      throw DatasetError(path: path, "corrupt or unreadable gzip data (\(message))")
    }
    if n == 0 { break }
    out.append(contentsOf: chunk[0..<Int(n)])
  }
  return out
}

/// The gzip trailer's ISIZE (inflated size mod 2³²), or the file size for a plain file.
func inflatedSizeHint(_ path: String) -> Int {
  guard let f = fopen(path, "rb") else { return 0 }
  defer { fclose(f) }
  var head = [UInt8](repeating: 0, count: 2)
  guard fread(&head, 1, 2, f) == 2, fseek(f, 0, SEEK_END) == 0 else { return 0 }
  let size = ftell(f)
  guard head == [0x1f, 0x8b], size >= 18, fseek(f, -4, SEEK_END) == 0 else { return max(size, 0) }
  var tail = [UInt8](repeating: 0, count: 4)
  guard fread(&tail, 1, 4, f) == 4 else { return 0 }
  let isize = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
  return min(isize, 1 << 30)
}
