import Foundation
import Testing
@testable import ModelServer

/// Writes a ZIP with stored entries (enough to test the reader; deflated entries come from
/// Python's zipfile in the integration tests).
func storedZip(_ files: [(String, [UInt8])]) -> [UInt8] {
  func le16(_ v: Int) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
  func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(v >> (8 * $0) & 0xFF) } }
  func crc32(_ data: [UInt8]) -> Int {
    var crc: UInt32 = 0xFFFF_FFFF
    for b in data {
      crc ^= UInt32(b)
      for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
    }
    return Int(crc ^ 0xFFFF_FFFF)
  }
  var out: [UInt8] = []
  var directory: [UInt8] = []
  for (name, data) in files {
    let offset = out.count
    let n = Array(name.utf8)
    let common = le16(20) + le16(0) + le16(0) + le16(0) + le16(0) + le32(crc32(data)) + le32(data.count) + le32(data.count) + le16(n.count) + le16(0)
    out += le32(0x0403_4b50) + common + n + data
    directory += le32(0x0201_4b50) + le16(20) + common + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) + n
  }
  let start = out.count
  out += directory
  out += le32(0x0605_4b50) + le16(0) + le16(0) + le16(files.count) + le16(files.count) + le32(directory.count) + le32(start) + le16(0)
  return out
}

@Suite struct ZipArchiveTests {
  @Test func readsStoredEntries() throws {
    let zip = try ZipArchive(bytes: storedZip([("MANIFEST.json", Array("{}".utf8)), ("dir/synset.txt", Array("a\nb\n".utf8))]))
    #expect(zip.entries.map(\.path) == ["MANIFEST.json", "dir/synset.txt"])
    let synset = try #require(zip.entry(named: "synset.txt"))
    #expect(try zip.contents(of: synset) == Array("a\nb\n".utf8))
  }

  @Test func corruptDataFailsItsCRC() throws {
    var bytes = storedZip([("a.txt", Array("hello world".utf8))])
    bytes[30 + 5 + 2] ^= 0xFF  // a byte of the data
    let zip = try ZipArchive(bytes: bytes)
    #expect(throws: ServeError.self) { try zip.contents(of: zip.entries[0]) }
  }

  @Test func archiveWithoutManifestIsRefused() throws {
    let dir = NSTemporaryDirectory() + "/tabby-zip-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/x.model"
    _ = FileManager.default.createFile(atPath: path, contents: Data(storedZip([("a.txt", [1, 2])])))
    #expect(throws: ServeError.self) { try ModelArchive.unpack(path, into: dir + "/out") }
  }

  @Test func manifestNamesItsFiles() throws {
    let dir = NSTemporaryDirectory() + "/tabby-zip2-\(getpid())"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let manifest = #"{"Model": {"Symbol": "s-symbol.json", "Parameters": "s-0000.params", "Signature": "signature.json", "Service": "svc.py", "Model-Name": "s"}}"#
    let signature = #"{"inputs": [{"data_name": "data", "data_shape": [0, 3, 224, 224]}]}"#
    let path = dir + "/s.model"
    _ = FileManager.default.createFile(atPath: path, contents: Data(storedZip([
      ("MANIFEST.json", Array(manifest.utf8)), ("s-symbol.json", Array("{}".utf8)), ("s-0000.params", [1, 2, 3]),
      ("signature.json", Array(signature.utf8)), ("synset.txt", Array("n01 a\n".utf8)), ("svc.py", []),
    ])))
    let archive = try ModelArchive.unpack(path, into: dir + "/out")
    #expect(archive.inputShape == [0, 3, 224, 224])
    #expect(archive.inputName == "data")
    #expect(archive.modelName == "s")
    #expect(FileManager.default.contents(atPath: archive.checkpointPrefix + "-0000.params") == Data([1, 2, 3]))
    #expect(archive.labelsPath != nil)
    #expect(archive.notes.contains { $0.contains("svc.py") && $0.contains("ignored") })
  }

  /// Seeded corruptions of a valid archive: reading is an error or the right bytes.
  @Test func fuzzedArchivesNeverCrash() {
    let valid = storedZip([("MANIFEST.json", Array("{\"Model\": {}}".utf8)), ("b.bin", Array(repeating: 7, count: 300))])
    var random = SeededRandom(seed: 99)
    for _ in 0..<3000 {
      var bytes = valid
      for _ in 0..<(1 + random.below(4)) {
        if random.below(3) == 0 {
          bytes = Array(bytes.prefix(random.below(bytes.count + 1)))
        } else if !bytes.isEmpty {
          bytes[random.below(bytes.count)] = random.byte()
        }
      }
      guard let zip = try? ZipArchive(bytes: bytes) else { continue }
      for entry in zip.entries {
        if let data = try? zip.contents(of: entry) { #expect(data.count == entry.size) }
      }
    }
  }
}
