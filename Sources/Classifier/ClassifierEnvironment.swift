import Foundation

/// Where models are looked for and downloaded to, read from the environment once.
public struct ClassifierEnvironment: Sendable {
  /// The user's model directory (`TABBY_MODELS`): files placed there are trusted as they are.
  public var modelsDirectory: String?
  /// The download cache (`TABBY_CACHE`, else `$XDG_CACHE_HOME/tabby`, else `~/.cache/tabby`).
  public var cacheDirectory: String
  /// The zoo base URL (`TABBY_ZOO_URL`, else the ONNX Model Zoo).
  public var zooBaseURL: String

  /// Makes an environment from explicit values (tests, embedders).
  public init(modelsDirectory: String?, cacheDirectory: String, zooBaseURL: String) {
    self.modelsDirectory = modelsDirectory
    self.cacheDirectory = cacheDirectory
    self.zooBaseURL = zooBaseURL
  }

  /// Reads `TABBY_MODELS`, `TABBY_CACHE`, `XDG_CACHE_HOME`, `HOME` and `TABBY_ZOO_URL`.
  public static func fromProcess(_ env: [String: String] = ProcessInfo.processInfo.environment)
    -> ClassifierEnvironment
  {
    func value(_ key: String) -> String? {
      guard let v = env[key], !v.isEmpty else { return nil }
      return v
    }
    let cache: String
    if let dir = value("TABBY_CACHE") {
      cache = dir
    } else if let xdg = value("XDG_CACHE_HOME") {
      cache = xdg + "/tabby"
    } else {
      cache = (value("HOME") ?? NSHomeDirectory()) + "/.cache/tabby"
    }
    return ClassifierEnvironment(
      modelsDirectory: value("TABBY_MODELS"), cacheDirectory: cache,
      zooBaseURL: value("TABBY_ZOO_URL") ?? ModelZoo.defaultBaseURL)
  }
}
