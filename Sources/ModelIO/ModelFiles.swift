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
    let (fd, size) = try open(path, maxBytes: maxBytes)
    defer { close(fd) }
    // Read into uninitialised memory: zero-filling first would touch every page twice.
    var got = 0
    var failed: Int32 = 0
    let bytes = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
      while got < size {
        let k = Glibc.read(fd, buf.baseAddress! + got, size - got)
        if k < 0 && errno == EINTR { continue }
        if k <= 0 { failed = k < 0 ? errno : 0; break }
        got += k
      }
      n = got
    }
    guard got == size else {
      let why = failed != 0 ? String(cString: strerror(failed)) : "file shrank while being read"
      throw ModelLoadError("short read (\(got) of \(size) bytes): \(why)", file: path)
    }
    guard size >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b else { return bytes }
    do throws(ModelLoadError) {
      return try withBytes(bytes) { (raw) throws(ModelLoadError) -> [UInt8] in try gunzip(buffer: raw, maxBytes: maxBytes) }
    } catch { throw error.inFile(path) }
  }

  /// Calls `body` with a file's bytes, gunzipped when it starts with the gzip magic.
  ///
  /// A plain file is mapped read-only instead of read: its pages come straight from the page
  /// cache, where reading would copy every byte into freshly faulted memory. The mapping ends
  /// when `body` returns, so `body` must copy out what it keeps. A file truncated by another
  /// process while mapped would fault; reading a model that is being rewritten is not supported.
  static func withContents<R>(
    path: String, maxBytes: Int = defaultMaxBytes, _ body: (UnsafeRawBufferPointer) throws(ModelLoadError) -> R
  ) throws(ModelLoadError) -> R {
    let (fd, size) = try open(path, maxBytes: maxBytes)
    defer { close(fd) }
    if size == 0 { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    let map = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0)
    guard let map, map != UnsafeMutableRawPointer(bitPattern: -1) else {
      // A file system that cannot map files: read it instead.
      let bytes = try read(path: path, maxBytes: maxBytes)
      return try withBytes(bytes, body)
    }
    defer { munmap(map, size) }
    let raw = UnsafeRawBufferPointer(start: map, count: size)
    guard isGzip(raw) else { return try body(raw) }
    let unpacked: [UInt8]
    do throws(ModelLoadError) { unpacked = try gunzip(buffer: raw, maxBytes: maxBytes) } catch { throw error.inFile(path) }
    return try withBytes(unpacked, body)
  }

  static func withBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ModelLoadError) -> R)
    throws(ModelLoadError) -> R
  {
    var result: Result<R, ModelLoadError>!
    bytes.withUnsafeBytes { raw in result = Result { () throws(ModelLoadError) -> R in try body(raw) } }
    return try result.get()
  }

  static func isGzip(_ b: UnsafeRawBufferPointer) -> Bool { b.count >= 2 && b[0] == 0x1f && b[1] == 0x8b }

  /// Opens a regular file for reading after checking its size against the cap.
  private static func open(_ path: String, maxBytes: Int) throws(ModelLoadError) -> (Int32, Int) {
    var st = stat()
    // stat first: opening a FIFO or device could block or have side effects.
    guard stat(path, &st) == 0 else {
      throw ModelLoadError("cannot open: \(String(cString: strerror(errno)))", file: path)
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      throw ModelLoadError("not a regular file", file: path)
    }
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw ModelLoadError("cannot open: \(String(cString: strerror(errno)))", file: path) }
    guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw ModelLoadError("not a regular file", file: path)
    }
    let size = Int(st.st_size)
    guard size <= maxBytes else {
      close(fd)
      throw ModelLoadError("file is \(size) bytes, over the \(maxBytes)-byte limit", file: path)
    }
    return (fd, size)
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
    try withBytes(input) { (raw) throws(ModelLoadError) -> [UInt8] in try gunzip(buffer: raw, maxBytes: maxBytes) }
  }

  static func gunzip(buffer input: UnsafeRawBufferPointer, maxBytes: Int) throws(ModelLoadError) -> [UInt8] {
    var stream = z_stream()
    // 15 window bits + 16: gzip header only.
    guard inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw ModelLoadError("gzip: cannot initialise zlib")
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    // The gzip trailer holds the unpacked size mod 2^32: reserve it so the output grows once.
    var hint = input.count * 4
    if input.count >= 18 {
      let n = input.count
      hint = Int(input[n - 4]) | Int(input[n - 3]) << 8 | Int(input[n - 2]) << 16 | Int(input[n - 1]) << 24
    }
    // Usually one member of the stated size: inflate straight into the result.
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(input.count)
    if hint > 0 && hint <= maxBytes, let whole = inflateWhole(&stream, size: hint) { return whole }
    guard inflateReset(&stream) == Z_OK else { throw ModelLoadError("gzip: cannot reset") }
    output.reserveCapacity(min(maxBytes, max(hint, 1 << 16)))
    let chunk = 1 << 20
    var buffer = [UInt8](repeating: 0, count: chunk)
    var status: Int32 = Z_OK
    var failure: String?
    // The input is only read (zlib's next_in is not const-qualified).
    stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: UInt8.self))
    stream.avail_in = UInt32(input.count)
    inflating: while true {
      buffer.withUnsafeMutableBufferPointer { out in
        stream.next_out = out.baseAddress
        stream.avail_out = UInt32(chunk)
        status = inflate(&stream, Z_NO_FLUSH)
      }
      let produced = chunk - Int(stream.avail_out)
      if output.count + produced > maxBytes {
        failure = "gzip: unpacked data is over the \(maxBytes)-byte limit"
        break inflating
      }
      output.append(contentsOf: buffer[0..<produced])
      if status == Z_STREAM_END {
        // Concatenated members: continue while input remains.
        if stream.avail_in == 0 { break inflating }
        if inflateReset(&stream) != Z_OK { failure = "gzip: cannot reset"; break inflating }
        continue
      }
      if status != Z_OK {
        let msg = stream.msg.map { String(cString: $0) } ?? "error \(status)"
        failure = "gzip: corrupt data (\(msg))"
        break inflating
      }
      if stream.avail_in == 0 && produced == 0 {
        failure = "gzip: data truncated"
        break inflating
      }
    }
    if let failure { throw ModelLoadError(failure) }
    return output
  }

  /// Inflates a single-member stream into exactly `size` bytes, or nil when the data is not
  /// that (several members, another size, corrupt): the caller then inflates again in chunks
  /// from the start, which also finds the error to report.
  private static func inflateWhole(_ stream: inout z_stream, size: Int) -> [UInt8]? {
    let (start, count) = (stream.next_in, stream.avail_in)
    var ok = false
    let out = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
      adviseHugePages(buf.baseAddress, byteCount: size)
      stream.next_out = buf.baseAddress
      stream.avail_out = UInt32(size)
      let status = inflate(&stream, Z_FINISH)
      ok = status == Z_STREAM_END && stream.avail_in == 0 && stream.avail_out == 0
      n = ok ? size : 0
    }
    if ok { return out }
    stream.next_in = start
    stream.avail_in = count
    return nil
  }
}
