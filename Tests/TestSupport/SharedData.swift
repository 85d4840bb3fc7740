import Foundation
import Testing

/// The reference data kept beside the repository (`../shared`: models, photos, their
/// reference outputs) and the MXNet venv `scripts/setup.sh` makes. A fresh clone has
/// neither, so the tests that read them are skipped with one stated reason each; CI
/// (`.ci/run`) sets `TABBY_REQUIRE_SHARED=1`, which turns those skips into failures.
public enum SharedData {
  /// `TABBY_SHARED_DIR`, or `../shared` next to the repository root.
  public static let root: String =
    ProcessInfo.processInfo.environment["TABBY_SHARED_DIR"].flatMap { $0.isEmpty ? nil : $0 }
    ?? repositoryRoot + "/../shared"

  /// The repository root, from this file's location (Tests/TestSupport/SharedData.swift).
  public static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  /// The Python of the MXNet venv (override with `TABBY_MXNET_PYTHON`).
  public static let mxnetPython: String =
    ProcessInfo.processInfo.environment["TABBY_MXNET_PYTHON"]
    ?? repositoryRoot + "/.venv-mxnet/bin/python"

  /// True when the reference data is there (its two top-level folders).
  public static var isPresent: Bool {
    ["reference", "imagenet"].allSatisfy { directoryExists(root + "/" + $0) }
  }

  /// True when the MXNet venv's Python can be run.
  public static var hasMXNet: Bool { FileManager.default.isExecutableFile(atPath: mxnetPython) }

  /// True when a missing `../shared` (or MXNet venv) must fail the run instead of skipping.
  public static var isRequired: Bool {
    ProcessInfo.processInfo.environment["TABBY_REQUIRE_SHARED"] == "1"
  }

  /// The one reason every test that reads `../shared` gives when it is skipped.
  public static let missingReason: Comment =
    "needs ../shared (reference models and data kept beside the repository, not in it)"
  /// The one reason every test that runs Apache MXNet gives when it is skipped.
  public static let missingMXNetReason: Comment =
    "needs the MXNet venv .venv-mxnet (scripts/setup.sh makes it unless TABBY_MXNET=0)"

  static func directoryExists(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}

extension Trait where Self == ConditionTrait {
  /// Runs the test only where `../shared` is present, or when it is required (CI), where
  /// its absence then fails the test instead of skipping it.
  public static var needsShared: Self {
    .enabled(if: SharedData.isPresent || SharedData.isRequired, SharedData.missingReason)
  }

  /// Runs the test only where the MXNet venv (and `../shared`) are present, or when they
  /// are required (CI).
  public static var needsMXNet: Self {
    .enabled(
      if: (SharedData.isPresent && SharedData.hasMXNet) || SharedData.isRequired,
      SharedData.hasMXNet ? SharedData.missingReason : SharedData.missingMXNetReason)
  }
}
