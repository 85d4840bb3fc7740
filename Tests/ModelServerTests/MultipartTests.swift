import Testing
@testable import ModelServer

@Suite struct MultipartTests {
  @Test func parsesCurlFormUpload() throws {
    let image: [UInt8] = [0xFF, 0xD8, 0xFF, 0x0D, 0x0A, 0x2D, 0x2D, 0x00, 0x01]  // contains CRLF and "--"
    let body = Fixtures.multipart(fields: [("data", image)])
    let parts = try Multipart.parse(body, boundary: "------------------------d74496d66958873e")
    #expect(parts.count == 1)
    #expect(parts[0].name == "data")
    #expect(parts[0].filename == "kitten.jpg")
    #expect(parts[0].contentType == "image/jpeg")
    #expect(parts[0].body == image)
  }

  @Test(arguments: [
    ("multipart/form-data; boundary=abc", "abc"),
    ("multipart/form-data; boundary=\"a b;c\"", nil),  // quoted values with ';' are not split (refused)
    ("Multipart/Form-Data;boundary=\"xyz\"", "xyz"),
    ("multipart/form-data", nil),
    ("application/json; boundary=abc", nil),
    ("multipart/form-data; boundary=", nil),
  ] as [(String, String?)])
  func boundaryFromContentType(_ header: String, _ expected: String?) {
    #expect(Multipart.boundary(contentType: header) == expected)
  }

  @Test func severalPartsAndPartWithoutHeaders() throws {
    let body = Array("preamble\r\n--b\r\n\r\nfirst\r\n--b\r\nContent-Disposition: form-data; name=x\r\n\r\nsecond\r\n--b--".utf8)
    let parts = try Multipart.parse(body, boundary: "b")
    #expect(parts.map(\.name) == ["", "x"])
    #expect(parts.map { String(decoding: $0.body, as: UTF8.self) } == ["first", "second"])
  }

  @Test(arguments: [
    "no boundary here",
    "--b\r\nContent-Disposition: form-data; name=x\r\n\r\nnever closed",
    "--b\r\nno colon line\r\n\r\nx\r\n--b--",
    "--b\r\nContent-Disposition: form-data; name=x",
  ])
  func malformedBodiesAre400(_ text: String) {
    #expect(throws: ServeError.self) { try Multipart.parse(Array(text.utf8), boundary: "b") }
    do { _ = try Multipart.parse(Array(text.utf8), boundary: "b") } catch { #expect(error.status == 400) }
  }

  @Test func tooManyPartsAreRefused() {
    var text = ""
    for _ in 0...Multipart.maxParts { text += "--b\r\n\r\nx\r\n" }
    text += "--b--"
    #expect(throws: ServeError.self) { try Multipart.parse(Array(text.utf8), boundary: "b") }
  }

  /// Seeded mutations of a valid body: each parses or is a 400, never a crash, and a
  /// parsed part never holds more bytes than the body.
  @Test func fuzzedBodiesNeverCrash() {
    let valid = Fixtures.multipart(fields: [("data", Fixtures.png()), ("extra", Array("hello".utf8))], boundary: "XyZ")
    var random = SeededRandom(seed: 12)
    var parsed = 0
    for _ in 0..<3000 {
      var body = valid
      for _ in 0..<(1 + random.below(6)) {
        switch random.below(4) {
        case 0: if !body.isEmpty { body[random.below(body.count)] = random.byte() }
        case 1: body = Array(body.prefix(random.below(body.count + 1)))
        case 2: body.insert(contentsOf: Array("\r\n--XyZ".utf8), at: random.below(body.count + 1))
        default: if !body.isEmpty { body.remove(at: random.below(body.count)) }
        }
      }
      do {
        let parts = try Multipart.parse(body, boundary: "XyZ")
        parsed += 1
        #expect(parts.reduce(0) { $0 + $1.body.count } <= body.count)
      } catch {
        #expect(error.status == 400)
      }
    }
    #expect(parsed > 0)
  }
}
