import JSON

#if canImport(Glibc)
  import Glibc
#endif

/// One stored cell: session number, line (its execution count), input and text output.
public struct HistoryEntry: Equatable, Sendable {
  public var session: Int
  public var line: Int
  public var input: String
  public var output: String?

  public init(session: Int, line: Int, input: String, output: String? = nil) {
    self.session = session
    self.line = line
    self.input = input
    self.output = output
  }
}

/// Cell history kept in a JSON-lines file that outlives the kernel. Several kernels may
/// append at once: every access takes an `flock` on a side file, and the file is
/// compacted (oldest lines dropped) when it grows past `maxBytes`.
public final class HistoryStore {
  public let directory: String
  private let maxBytes: Int
  private var currentSession: Int?
  private var directoryMade = false
  private var path: String { directory + "/history.jsonl" }

  public init(directory: String, maxBytes: Int = 4 << 20) {
    self.directory = directory
    self.maxBytes = max(4096, maxBytes)
  }

  /// This kernel's session number, allocated on first use so start-up does no file I/O.
  public func session() throws(KernelError) -> Int {
    if let currentSession { return currentSession }
    let n = try withLock(exclusive: true) { () throws(KernelError) -> Int in
      let counter = directory + "/history.session"
      let last =
        Int(
          String(decoding: (try? readFile(counter)) ?? [], as: UTF8.self).filter {
            !$0.isWhitespace
          }) ?? 0
      try writeFile(counter, Array("\(last + 1)\n".utf8), append: false)
      return last + 1
    }
    currentSession = n
    return n
  }

  /// Stores one cell of the current session.
  public func append(line: Int, input: String, output: String?) throws(KernelError) {
    let s = try session()
    var o: JSONObject = ["s": .int(s), "n": .int(line), "i": .string(input)]
    if let output { o["o"] = .string(output) }
    var bytes = JSON.object(o).bytes
    bytes.append(0x0A)
    try withLock(exclusive: true) { () throws(KernelError) in
      let size = try writeFile(path, bytes, append: true)
      if size > maxBytes { try compact() }
    }
  }

  /// Every stored entry, oldest first (lines that do not parse are skipped).
  public func entries() throws(KernelError) -> [HistoryEntry] {
    let bytes = try withLock(exclusive: false) { () throws(KernelError) in try readFile(path) }
    var out: [HistoryEntry] = []
    for line in bytes.split(separator: 0x0A) {
      guard let v = try? JSON.parse(line), let s = v["s"]?.intValue, let n = v["n"]?.intValue,
        let i = v["i"]?.stringValue
      else { continue }
      out.append(HistoryEntry(session: s, line: n, input: i, output: v["o"]?.stringValue))
    }
    return out
  }

  /// The last `n` entries across sessions.
  public func tail(_ n: Int) throws(KernelError) -> [HistoryEntry] {
    Array(try entries().suffix(max(0, n)))
  }

  /// Lines `start..<stop` of `session`; 0 or a negative session counts back from this one.
  public func range(session: Int, start: Int, stop: Int?) throws(KernelError) -> [HistoryEntry] {
    let target = session > 0 ? session : try self.session() + session
    let end = stop ?? Int.max
    return try entries().filter { $0.session == target && $0.line >= start && $0.line < end }
  }

  /// Entries whose input matches the glob `pattern`; the last `n` of them, each input once when `unique`.
  public func search(pattern: String, n: Int?, unique: Bool) throws(KernelError) -> [HistoryEntry] {
    var found = try entries().filter { fnmatch(pattern, $0.input, 0) == 0 }
    if unique {
      var seen = Set<String>()
      found = found.reversed().filter { seen.insert($0.input).inserted }.reversed()
    }
    if let n { found = Array(found.suffix(max(0, n))) }
    return found
  }

  // Keeps the newest half so compaction happens rarely.
  private func compact() throws(KernelError) {
    let bytes = try readFile(path)
    var cut = max(0, bytes.count - maxBytes / 2)
    while cut < bytes.count, cut > 0, bytes[cut - 1] != 0x0A { cut += 1 }
    let tmp = path + ".tmp.\(getpid())"
    _ = try writeFile(tmp, Array(bytes[cut...]), append: false)
    guard rename(tmp, path) == 0 else { throw fileError("rename", path) }
  }

  private func withLock<T>(exclusive: Bool, _ body: () throws(KernelError) -> T) throws(KernelError)
    -> T
  {
    if !directoryMade {
      try makeDirectory(directory)
      directoryMade = true
    }
    let fd = open(directory + "/history.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw fileError("open", directory + "/history.lock") }
    defer { close(fd) }
    while flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0 {
      guard errno == EINTR else { throw fileError("flock", directory + "/history.lock") }
    }
    return try body()
  }
}

func fileError(_ call: String, _ path: String) -> KernelError {
  KernelError(ename: "OSError", evalue: "\(call) \(path): \(String(cString: strerror(errno)))")
}

/// Creates `path` and its parents (like `mkdir -p`).
public func makeDirectory(_ path: String) throws(KernelError) {
  var prefix = ""
  for (i, part) in path.split(separator: "/", omittingEmptySubsequences: false).enumerated() {
    prefix += (i == 0 ? "" : "/") + part
    if prefix.isEmpty { continue }
    if mkdir(prefix, 0o700) != 0 && errno != EEXIST { throw fileError("mkdir", prefix) }
  }
}

/// Reads a whole file (retrying on EINTR); a missing file reads as empty.
public func readFile(_ path: String) throws(KernelError) -> [UInt8] {
  let fd = open(path, O_RDONLY | O_CLOEXEC)
  if fd < 0 {
    if errno == ENOENT { return [] }
    throw fileError("open", path)
  }
  defer { close(fd) }
  var out: [UInt8] = []
  var chunk = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
    if n < 0 && errno == EINTR { continue }
    if n < 0 { throw fileError("read", path) }
    if n == 0 { return out }
    out.append(contentsOf: chunk[0..<n])
  }
}

/// Writes (or appends) bytes; returns the file's size afterwards.
@discardableResult
public func writeFile(_ path: String, _ bytes: [UInt8], append: Bool) throws(KernelError) -> Int {
  let flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC)
  let fd = open(path, flags, 0o600)
  guard fd >= 0 else { throw fileError("open", path) }
  defer { close(fd) }
  var off = 0
  while off < bytes.count {
    let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
    if n < 0 && errno == EINTR { continue }
    if n <= 0 { throw fileError("write", path) }
    off += n
  }
  var st = stat()
  return fstat(fd, &st) == 0 ? Int(st.st_size) : off
}
