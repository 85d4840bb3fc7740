import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Files and directories a test writes: all under one directory per test process, removed
/// when the process exits, so repeated runs leave nothing behind in /tmp (a test that
/// crashes the process leaves its directory, named with the process id, for a look).
public enum Scratch {
  /// This process's directory (`$TMPDIR/tabby-tests-PID-XXXXXX`), made on first use.
  public static let root: String = {
    var template = Array((NSTemporaryDirectory() + "/tabby-tests-\(getpid())-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let made else { fatalError("cannot make a scratch directory: \(String(cString: strerror(errno)))") }
    let path = String(cString: made)
    scratchRootForExit = strdup(path)
    atexit { if let p = scratchRootForExit { try? FileManager.default.removeItem(atPath: String(cString: p)) } }
    return path
  }()

  /// A fresh empty directory inside `root`, its name starting with `prefix`.
  public static func directory(_ prefix: String) -> String {
    var template = Array("\(root)/\(prefix)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    guard let made else { fatalError("cannot make \(prefix) in \(root): \(String(cString: strerror(errno)))") }
    return String(cString: made)
  }

  /// The path of a file named `name` inside `root` (not created; the same name gives the
  /// same path, so a test can rewrite one file over and over).
  public static func file(_ name: String) -> String { "\(root)/\(name)" }
}

/// The root as a C string for the exit handler, which cannot capture Swift state.
nonisolated(unsafe) private var scratchRootForExit: UnsafeMutablePointer<CChar>?
