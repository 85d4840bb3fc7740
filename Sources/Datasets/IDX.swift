import CZlib

/// A data-set file that cannot be used; the message names the file and what is wrong.
public struct DatasetError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The file (or directory) at fault.
  public let path: String
  /// What is wrong with it.
  public let reason: String

  /// Creates an error for a path.
  public init(path: String, _ reason: String) {
    self.path = path
    self.reason = reason
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
  public init(parsing data: [UInt8], rank: Int, path: String) throws(DatasetError) {
    guard data.count >= 4 else {
      throw DatasetError(path: path, "truncated: \(data.count) bytes, too short for an IDX header")
    }
    let expected: [UInt8] = [0, 0, 0x08, UInt8(rank)]
    guard Array(data[0..<4]) == expected else {
      let magic = data[0..<4].map { String($0, radix: 16) }.joined(separator: " ")
      throw DatasetError(
        path: path, "bad magic number \(magic): expected 00 00 08 0\(rank) (uint8, \(rank) dimensions)")
    }
    let header = 4 + 4 * rank
    guard data.count >= header else {
      throw DatasetError(path: path, "truncated: header needs \(header) bytes, file has \(data.count)")
    }
    var dims: [Int] = []
    for i in 0..<rank {
      let o = 4 + 4 * i
      dims.append(Int(data[o]) << 24 | Int(data[o + 1]) << 16 | Int(data[o + 2]) << 8 | Int(data[o + 3]))
    }
    let payload = dims.reduce(1, *)
    guard data.count - header == payload else {
      let what = data.count - header < payload ? "truncated" : "has trailing bytes"
      throw DatasetError(
        path: path,
        "\(what): dimensions \(dims) need \(payload) data bytes, found \(data.count - header)")
    }
    dimensions = dims
    bytes = Array(data[header...])
  }

  /// Reads and parses a file; `.gz` (or any gzip stream) is inflated with zlib.
  public init(contentsOf path: String, rank: Int) throws(DatasetError) {
    try self.init(parsing: try readMaybeGzipped(path), rank: rank, path: path)
  }
}

/// The whole file, inflated if it is gzip (zlib reads plain files through unchanged).
public func readMaybeGzipped(_ path: String) throws(DatasetError) -> [UInt8] {
  guard let file = gzopen(path, "rb") else {
    throw DatasetError(path: path, "cannot open the file")
  }
  defer { gzclose(file) }
  var out: [UInt8] = []
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
