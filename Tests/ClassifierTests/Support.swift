import Foundation
import TestSupport

/// A fresh temporary directory, removed by `cleanup()`.
struct TempDir {
  let path: String

  init() {
    var template = Array((NSTemporaryDirectory() + "/tabby-classifier-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    path = String(cString: made!)
  }

  /// Writes `text` to `name` inside the directory and returns the full path.
  @discardableResult
  func write(_ name: String, _ text: String) -> String {
    let full = path + "/" + name
    _ = FileManager.default.createFile(atPath: full, contents: Data(text.utf8))
    return full
  }

  /// Writes raw bytes to `name` inside the directory and returns the full path.
  @discardableResult
  func write(_ name: String, bytes: [UInt8]) -> String {
    let full = path + "/" + name
    _ = FileManager.default.createFile(atPath: full, contents: Data(bytes))
    return full
  }

  func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}

/// The repository root, from this file's location (Tests/ClassifierTests/Support.swift).
let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent().path
/// The shared test data beside the repository (tests reading it carry `.needsShared`).
let sharedData = SharedData.root
