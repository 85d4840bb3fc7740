import Foundation
import Testing

@testable import Classifier

/// The downloader over file:// URLs (libcurl reads them like any URL); the HTTP paths
/// (offline, truncated, server errors) are driven from Tests/integration/test_predict_download.py.
@Suite struct DownloadTests {
  let payload: [UInt8] = (0..<700_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

  func sha(_ bytes: [UInt8]) -> String {
    let h = SHA256Hasher()
    h.update(bytes)
    return h.finalize()
  }

  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
  ])
  func sha256KnownVectors(text: String, hex: String) {
    #expect(sha(Array(text.utf8)) == hex)
  }

  @Test func successWritesTheFileAndReportsProgress() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let source = dir.write("src.bin", bytes: payload)
    let dest = dir.path + "/out/sub/model.onnx"
    nonisolated(unsafe) var seen = [Int]()
    let digest = try Downloader().fetch(
      "file://" + source, to: dest, expectedSHA256: sha(payload), progress: { seen.append($0.received) })
    #expect(digest == sha(payload))
    #expect(FileManager.default.contents(atPath: dest) == Data(payload))
    #expect(seen.last == payload.count)
    #expect(seen == seen.sorted())
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out/sub") == ["model.onnx"])
  }

  @Test func checksumMismatchKeepsNothing() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let source = dir.write("src.bin", bytes: payload)
    let dest = dir.path + "/out/model.onnx"
    let wrong = String(repeating: "0", count: 64)
    do {
      _ = try Downloader().fetch("file://" + source, to: dest, expectedSHA256: wrong, progress: nil)
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.kind == .checksumMismatch)
      #expect(error.message.contains(sha(payload)))
      #expect(error.message.contains(wrong))
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").isEmpty)
  }

  @Test func missingSourceIsADownloadError() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    #expect {
      try Downloader().fetch("file://" + dir.path + "/absent", to: dir.path + "/m", expectedSHA256: nil, progress: nil)
    } throws: { ($0 as? ClassifierError)?.kind == .downloadFailed }
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/m"))
  }

  @Test func missingLibcurlIsAClearError() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let source = dir.write("src.bin", bytes: payload)
    var downloader = Downloader()
    downloader.library = "libtabby-no-such-curl.so.4"
    #expect {
      try downloader.fetch("file://" + source, to: dir.path + "/m", expectedSHA256: nil, progress: nil)
    } throws: { error in
      guard let error = error as? ClassifierError else { return false }
      return error.kind == .downloadFailed && error.message.contains("libtabby-no-such-curl.so.4")
        && error.message.contains("libcurl4")
    }
    #expect(!FileManager.default.fileExists(atPath: dir.path + "/m"))
  }

  @Test func unverifiedZooEntryRecordsItsChecksum() throws {
    let dir = TempDir()
    defer { dir.cleanup() }
    let source = dir.write("net.onnx", bytes: payload)
    let entry = ZooEntry(
      name: "tiny", fileName: "tiny.onnx", path: "net.onnx", format: .onnx, profile: "imagenet",
      labels: .unlabeled, sha256: nil, size: nil, summary: "")
    let env = ClassifierEnvironment(
      modelsDirectory: nil, cacheDirectory: dir.path + "/cache", zooBaseURL: "file://" + dir.path)
    nonisolated(unsafe) var messages = [String]()
    let resolver = ModelResolver(environment: env, zoo: ModelZoo(entries: [entry]))
    let got = try resolver.resolve("tiny", epoch: nil, progress: nil, message: { messages.append($0) })
    #expect(got.origin == .downloaded)
    #expect(got.location == .onnx(path: dir.path + "/cache/tiny.onnx"))
    let recorded = try String(contentsOfFile: dir.path + "/cache/tiny.onnx.sha256", encoding: .utf8)
    #expect(recorded.hasPrefix(sha(payload)))
    #expect(messages.contains { $0.contains(sha(payload)) })
    _ = source
    let again = try resolver.resolve("tiny", epoch: nil, progress: nil, message: nil)
    #expect(again.origin == .cache)
  }
}

@Suite struct ZooTests {
  @Test func builtinEntriesAreWellFormed() {
    let zoo = ModelZoo.builtin
    #expect(Set(zoo.entries.map(\.name)).count == zoo.entries.count)
    for e in zoo.entries {
      #expect(e.sha256?.count == 64)
      #expect(e.sha256.map { s in s.allSatisfy { $0.isHexDigit && !$0.isUppercase } } == true)
      #expect(e.url(base: ModelZoo.defaultBaseURL).hasPrefix("https://github.com/onnx/models/"))
      #expect(e.url(base: ModelZoo.defaultBaseURL).hasSuffix(e.fileName))
    }
    for name in ["squeezenet1.1", "resnet18", "mobilenetv2"] { #expect(zoo.entry(named: name) != nil) }
  }

  @Test(arguments: [("http://h/base/", "http://h/base/a/b.onnx"), ("http://h/base", "http://h/base/a/b.onnx")])
  func urlJoinsBase(base: String, url: String) {
    let e = ZooEntry(
      name: "n", fileName: "b.onnx", path: "a/b.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k, sha256: nil, size: nil, summary: "")
    #expect(e.url(base: base) == url)
  }

  @Test func userCatalogAddsAndReplacesEntries() throws {
    let text = """
      {"models": [
        {"name": "mine", "url": "https://example.org/x/mine.onnx", "sha256": "ABCD", "labels": "none", "profile": "inception"},
        {"name": "resnet18", "url": "mirror/resnet18.onnx", "file": "r18.onnx"}
      ]}
      """
    let zoo = try ModelZoo.builtin.merging(catalog: text, source: "zoo.json")
    let mine = try #require(zoo.entry(named: "mine"))
    #expect(mine.fileName == "mine.onnx")
    #expect(mine.sha256 == "abcd")
    #expect(mine.labels == .unlabeled)
    #expect(mine.profile == "inception")
    let r = try #require(zoo.entry(named: "resnet18"))
    #expect(r.fileName == "r18.onnx")
    #expect(r.sha256 == nil)
    #expect(zoo.entries.count == ModelZoo.builtin.entries.count + 1)
  }

  @Test(arguments: ["not json", "{}", #"{"models": [{"name": "x"}]}"#, #"{"models": [{"name": "x", "url": "u", "file": "../a"}]}"#])
  func badCatalogsAreClearErrors(text: String) {
    #expect { try ModelZoo.builtin.merging(catalog: text, source: "zoo.json") } throws: {
      ($0 as? ClassifierError)?.message.contains("zoo.json") == true
    }
  }
}
