import Foundation
import ModelServerHTTP
import Synchronization
import Testing
@testable import ModelServer

#if canImport(Glibc)
  import Glibc
#endif

/// Sends raw bytes to 127.0.0.1:port and returns what comes back until the server closes
/// or `timeout` passes.
func exchange(port: Int, _ request: [UInt8], timeout: Double = 10) -> String {
  let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  guard fd >= 0 else { return "" }
  defer { close(fd) }
  var tv = timeval(tv_sec: Int(timeout), tv_usec: 0)
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
  }
  guard connected == 0 else { return "" }
  _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
  var reply: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
    if n <= 0 { break }
    reply += buffer[0..<n]
  }
  return String(decoding: reply, as: UTF8.self)
}

/// `exchange` on a thread of its own: a blocking `recv` on a Swift concurrency thread would
/// take one of the few cooperative threads (two on a 2-core machine) that the server's own
/// handlers need, and under a parallel `swift test` the other suites hold the rest.
func exchangeOffPool(port: Int, _ request: [UInt8], timeout: Double = 30) async -> String {
  await withCheckedContinuation { continuation in
    Thread { continuation.resume(returning: exchange(port: port, request, timeout: timeout)) }.start()
  }
}

/// The HTTP layer through a real socket: one server on a free port, a fake model.
@Suite(.serialized) struct HTTPServerTests {
  @Test func servesRefusesOversizedBodiesAndTimesOutSlowClients() async throws {
    let (core, _) = Fixtures.core(delay: .zero)
    let port = Mutex<Int?>(nil)
    let settings = HTTPServerSettings(
      host: "127.0.0.1", port: 0, maxBody: 1000, idleTimeout: .seconds(2), bodyTimeout: .seconds(1))
    let server = Task {
      try await ModelHTTPServer.run(core: core, settings: settings) { p in port.withLock { $0 = p } }
    }
    defer { server.cancel() }
    var waited = 0
    while port.withLock({ $0 }) == nil, waited < 200 {
      try await Task.sleep(for: .milliseconds(50))
      waited += 1
    }
    let p = try #require(port.withLock { $0 })

    let ping = await exchangeOffPool(port: p, Array("GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8))
    #expect(ping.hasPrefix("HTTP/1.1 200"))
    #expect(ping.contains("Healthy"))

    let image = Fixtures.png()
    let post = Array("POST /predictions/fake HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: \(image.count)\r\n\r\n".utf8) + image
    #expect(await exchangeOffPool(port: p, post).contains("\"probability\""))

    // 413 from the header alone, while the client still has 99 MB to send.
    let start = ContinuousClock.now
    let big = await exchangeOffPool(port: p, Array("POST /predictions/fake HTTP/1.1\r\nHost: x\r\nContent-Length: 99000000\r\n\r\nabc".utf8))
    #expect(big.hasPrefix("HTTP/1.1 413"), "\(big)")
    // The status is the proof (waiting for the body would end in 408, not 413); the bound is
    // generous for a loaded machine yet far below the 30 s the client waits.
    #expect(ContinuousClock.now - start < .seconds(20))

    // A client that stops sending its body gets 408 (or a closed connection) within the timeout.
    let slowStart = ContinuousClock.now
    let slow = await exchangeOffPool(
      port: p, Array("POST /predictions/fake HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\nabc".utf8),
      timeout: 60)
    #expect(slow.isEmpty || slow.hasPrefix("HTTP/1.1 408"), "\(slow)")
    // The client would wait 60 s; the server's 1 s body timeout must end it well before,
    // with room for a machine whose cores are busy with other suites.
    #expect(ContinuousClock.now - slowStart < .seconds(30))

    // Garbage is answered (400) and the server lives on.
    let junk = await exchangeOffPool(port: p, Array("\u{01}\u{02} nonsense\r\n\r\n".utf8))
    #expect(junk.isEmpty || junk.hasPrefix("HTTP/1.1 400"))
    #expect(await exchangeOffPool(port: p, Array("GET /v2/health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".utf8)).hasPrefix("HTTP/1.1 200"))
  }
}
