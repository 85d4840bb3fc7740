import CCurl
import Foundation

/// How far a download has got; `total` is nil until the server sends a length.
public struct DownloadProgress: Sendable {
  /// The URL being fetched.
  public var url: String
  /// Bytes received so far.
  public var received: Int
  /// Bytes expected in all, when known.
  public var total: Int?
}

/// Fetches one URL into a file atomically with libcurl: the bytes go to a temporary file
/// beside the destination, are hashed on the way, and are renamed into place only when the
/// transfer completed and the checksum (when one is known) matches.
struct Downloader {
  /// Seconds allowed to connect; a stalled transfer (under 1 byte/s for `stallSeconds`) fails.
  var connectTimeout = 20
  var stallSeconds = 60
  /// The libcurl to open (tests name a missing one to see the error).
  var library = LibCurl.soname

  /// Downloads `url` to `destination`, returning the sha256 of what was written.
  func fetch(
    _ url: String, to destination: String, expectedSHA256: String?,
    progress: ((DownloadProgress) -> Void)?
  ) throws -> String {
    let curl = try library == LibCurl.soname ? LibCurl.standard.get() : LibCurl(library: library)
    let directory = (destination as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(
      atPath: directory, withIntermediateDirectories: true)
    let partial = destination + ".part-\(getpid())"
    let sink = try DownloadSink(path: partial, url: url, progress: progress)
    var keep = false
    defer { if !keep { unlink(partial) } }
    try transfer(url, into: sink, curl)
    let digest = try sink.finish()
    if let expected = expectedSHA256, expected.lowercased() != digest {
      throw ClassifierError(
        .checksumMismatch,
        "the file downloaded from \(url) has sha256 \(digest), but \(expected) was expected; "
          + "it was not kept. Try again later, or place a good copy at \(destination) by hand.")
    }
    guard rename(partial, destination) == 0 else {
      throw ClassifierError(
        .downloadFailed, "cannot move the download into \(destination): \(errnoText())")
    }
    keep = true
    return digest
  }

  private func transfer(_ url: String, into sink: DownloadSink, _ curl: LibCurl) throws {
    guard let handle = curl.easyInit() else {
      throw ClassifierError(.downloadFailed, "libcurl could not start a transfer for \(url)")
    }
    defer { curl.easyCleanup(handle) }
    var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    let context = Unmanaged.passUnretained(sink).toOpaque()
    let code = errorBuffer.withUnsafeMutableBufferPointer { buffer -> CURLcode in
      configure(handle, curl.setopt, url: url, context: context, errorBuffer: buffer.baseAddress!)
      return curl.easyPerform(handle)
    }
    if let failure = sink.failure { throw failure }
    guard code == CURLE_OK else {
      var status = 0
      tabby_curl_getinfo_long(curl.getinfo, handle, CURLINFO_RESPONSE_CODE, &status)
      let detail = String(
        decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
      let reason = detail.isEmpty ? curl.describe(code) : detail
      throw Self.error(for: code, status: status, url: url, reason: reason)
    }
  }

  private func configure(
    _ handle: UnsafeMutableRawPointer, _ setopt: UnsafeMutableRawPointer, url: String,
    context: UnsafeMutableRawPointer,
    errorBuffer: UnsafeMutablePointer<CChar>
  ) {
    tabby_curl_setopt_str(setopt, handle, CURLOPT_URL, url)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_FOLLOWLOCATION, 1)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_MAXREDIRS, 10)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_FAILONERROR, 1)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_NOSIGNAL, 1)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_CONNECTTIMEOUT, connectTimeout)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_LOW_SPEED_LIMIT, 1)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_LOW_SPEED_TIME, stallSeconds)
    tabby_curl_setopt_str(setopt, handle, CURLOPT_USERAGENT, "tabby")
    tabby_curl_setopt_ptr(setopt, handle, CURLOPT_ERRORBUFFER, errorBuffer)
    tabby_curl_setopt_write(setopt, handle, downloadWrite)
    tabby_curl_setopt_ptr(setopt, handle, CURLOPT_WRITEDATA, context)
    tabby_curl_setopt_xferinfo(setopt, handle, downloadProgress)
    tabby_curl_setopt_ptr(setopt, handle, CURLOPT_XFERINFODATA, context)
    tabby_curl_setopt_long(setopt, handle, CURLOPT_NOPROGRESS, 0)
  }

  static func error(for code: CURLcode, status: Int, url: String, reason: String)
    -> ClassifierError
  {
    switch code {
    case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY,
      CURLE_OPERATION_TIMEDOUT:
      return ClassifierError(
        .downloadFailed, "cannot reach \(url) (\(reason)): you may be offline")
    case CURLE_HTTP_RETURNED_ERROR:
      return ClassifierError(.downloadFailed, "the server answered HTTP \(status) for \(url)")
    case CURLE_PARTIAL_FILE, CURLE_RECV_ERROR:
      return ClassifierError(
        .downloadFailed, "the download of \(url) was cut off before the end (\(reason))")
    default:
      return ClassifierError(.downloadFailed, "the download of \(url) failed: \(reason)")
    }
  }
}

func errnoText() -> String { String(cString: strerror(errno)) }

/// Receives the bytes of one transfer: writes them, hashes them, reports progress.
private final class DownloadSink {
  let file: UnsafeMutablePointer<FILE>
  let url: String
  let hasher = SHA256Hasher()
  let progress: ((DownloadProgress) -> Void)?
  var received = 0
  var lastReported = -1
  var failure: ClassifierError?
  private var closed = false

  init(path: String, url: String, progress: ((DownloadProgress) -> Void)?) throws {
    guard let file = fopen(path, "wb") else {
      throw ClassifierError(.downloadFailed, "cannot write \(path): \(errnoText())")
    }
    self.file = file
    self.url = url
    self.progress = progress
  }

  deinit { if !closed { fclose(file) } }

  func write(_ data: UnsafeRawPointer, _ count: Int) -> Bool {
    guard fwrite(data, 1, count, file) == count else {
      failure = ClassifierError(.downloadFailed, "cannot write the download of \(url): \(errnoText())")
      return false
    }
    hasher.update(data, count: count)
    received += count
    return true
  }

  func report(total: Int) {
    // Report at most every 256 KiB so a callback that redraws a bar is not flooded.
    guard let progress, received - lastReported >= 1 << 18 || (total > 0 && received == total),
      received != lastReported
    else { return }
    lastReported = received
    progress(DownloadProgress(url: url, received: received, total: total > 0 ? total : nil))
  }

  func finish() throws -> String {
    closed = true
    guard fclose(file) == 0 else {
      throw ClassifierError(.downloadFailed, "cannot finish writing the download of \(url)")
    }
    return hasher.finalize()
  }
}

private func downloadWrite(
  _ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?
) -> Int {
  guard let data, let context else { return 0 }
  let sink = Unmanaged<DownloadSink>.fromOpaque(context).takeUnretainedValue()
  return sink.write(data, size * count) ? size * count : 0
}

private func downloadProgress(
  _ context: UnsafeMutableRawPointer?, _ total: curl_off_t, _ now: curl_off_t, _: curl_off_t,
  _: curl_off_t
) -> Int32 {
  guard let context else { return 0 }
  Unmanaged<DownloadSink>.fromOpaque(context).takeUnretainedValue().report(total: Int(total))
  return 0
}
