import CZlib

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// File access for model files: a size cap checked before reading, and transparent gzip.
public enum ModelFiles {
  /// The default cap on a model file's size, packed or unpacked (1 GiB).
  public static let defaultMaxBytes = 1 << 30

  /// The bytes of a file, gunzipped when it starts with the gzip magic; both the file and the
  /// unpacked data must fit in `maxBytes`.
  public static func read(path: String, maxBytes: Int = defaultMaxBytes) throws(ModelLoadError)
    -> [UInt8]
  {
    var st = stat()
    guard stat(path, &st) == 0 else {
      throw ModelLoadError("cannot open: \(String(cString: strerror(errno)))", file: path)
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw ModelLoadError("not a regular file", file: path)
    }
    let size = Int(st.st_size)
    guard size <= maxBytes else {
      throw ModelLoadError("file is \(size) bytes, over the \(maxBytes)-byte limit", file: path)
    }
    guard let f = fopen(path, "rb") else {
      throw ModelLoadError("cannot open: \(String(cString: strerror(errno)))", file: path)
    }
    defer { fclose(f) }
    var bytes = [UInt8](repeating: 0, count: size)
    let got = bytes.withUnsafeMutableBytes { fread($0.baseAddress, 1, size, f) }
    guard got == size else { throw ModelLoadError("short read (\(got) of \(size) bytes)", file: path) }
    if bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
      do throws(ModelLoadError) {
        return try gunzip(bytes, maxBytes: maxBytes)
      } catch {
        throw error.inFile(path)
      }
    }
    return bytes
  }

  /// Writes bytes to a file, replacing it.
  public static func write(_ bytes: [UInt8], to path: String) throws(ModelLoadError) {
    guard let f = fopen(path, "wb") else {
      throw ModelLoadError("cannot create: \(String(cString: strerror(errno)))", file: path)
    }
    let put = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
    let closed = fclose(f)
    guard put == bytes.count, closed == 0 else {
      throw ModelLoadError("write failed: \(String(cString: strerror(errno)))", file: path)
    }
  }

  /// Inflates gzip data (one or more members), refusing output above `maxBytes`.
  public static func gunzip(_ input: [UInt8], maxBytes: Int = defaultMaxBytes) throws(ModelLoadError)
    -> [UInt8]
  {
    var stream = z_stream()
    // 15 window bits + 16: gzip header only.
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw ModelLoadError("gzip: cannot initialise zlib")
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    output.reserveCapacity(min(maxBytes, input.count * 4))
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var status: Int32 = Z_OK
    var failure: String?
    input.withUnsafeBufferPointer { inp in
      stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
      stream.avail_in = UInt32(inp.count)
      while true {
        buffer.withUnsafeMutableBufferPointer { out in
          stream.next_out = out.baseAddress
          stream.avail_out = UInt32(chunk)
          status = inflate(&stream, Z_NO_FLUSH)
        }
        let produced = chunk - Int(stream.avail_out)
        if output.count + produced > maxBytes {
          failure = "gzip: unpacked data is over the \(maxBytes)-byte limit"
          return
        }
        output.append(contentsOf: buffer[0..<produced])
        if status == Z_STREAM_END {
          // Concatenated members: continue while input remains.
          if stream.avail_in == 0 { return }
          if inflateReset(&stream) != Z_OK { failure = "gzip: cannot reset"; return }
          continue
        }
        if status != Z_OK {
          let msg = stream.msg.map { String(cString: $0) } ?? "error \(status)"
          failure = "gzip: corrupt data (\(msg))"
          return
        }
        if stream.avail_in == 0 && produced == 0 {
          failure = "gzip: data truncated"
          return
        }
      }
    }
    if let failure { throw ModelLoadError(failure) }
    return output
  }
}
