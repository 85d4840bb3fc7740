import Foundation

/// A model file found on disk, ready for ModelIO.
public enum ModelLocation: Equatable, Sendable {
  /// An ONNX file (`.onnx` or `.onnx.gz`).
  case onnx(path: String)
  /// An MXNet checkpoint: `prefix-symbol.json` and `prefix-%04d.params` (or `.params.gz`).
  case mxnet(prefix: String, epoch: Int)

  /// The path a user would recognise in a message.
  public var displayPath: String {
    switch self {
    case .onnx(let path): return path
    case .mxnet(let prefix, let epoch): return "\(prefix) (epoch \(epoch))"
    }
  }
}

/// Where a resolved model came from.
public enum ModelOrigin: String, Sendable {
  /// A path the user gave.
  case path
  /// The user's model directory (`TABBY_MODELS`).
  case userDirectory
  /// The download cache, from an earlier download.
  case cache
  /// Downloaded just now from the zoo.
  case downloaded
}

/// The outcome of resolving a name: the files, the zoo entry behind them if any, and the origin.
public struct ResolvedModel: Sendable {
  /// The files to load.
  public var location: ModelLocation
  /// The zoo entry the name matched, which supplies the profile and labels.
  public var zooEntry: ZooEntry?
  /// Where it was found.
  public var origin: ModelOrigin
}

/// Turns what a user typed into model files: an existing path, then a file in the model
/// directory, then the download cache, then a zoo download.
struct ModelResolver {
  var environment: ClassifierEnvironment
  var zoo: ModelZoo
  var downloader = Downloader()

  /// Resolves `name`; downloads only when it names a zoo entry that is not on disk yet.
  func resolve(
    _ name: String, epoch: Int?, progress: ((DownloadProgress) -> Void)?,
    message: ((String) -> Void)?
  ) throws -> ResolvedModel {
    guard !name.isEmpty else {
      throw ClassifierError(.invalidArgument, "no model given: pass a file path or a zoo name")
    }
    if let location = try locate(path: name, epoch: epoch) {
      return ResolvedModel(location: location, zooEntry: zoo.entry(named: name), origin: .path)
    }
    let entry = zoo.entry(named: name)
    if let dir = environment.modelsDirectory, !name.contains("/") {
      let candidates = [name, name + ".onnx", name + ".onnx.gz"] + (entry.map { [$0.fileName] } ?? [])
      for candidate in candidates {
        if let location = try locate(path: dir + "/" + candidate, epoch: epoch) {
          return ResolvedModel(location: location, zooEntry: entry, origin: .userDirectory)
        }
      }
    }
    guard let entry else { throw notFound(name) }
    let cached = environment.cacheDirectory + "/" + entry.fileName
    if isRegularFile(cached) {
      return ResolvedModel(location: .onnx(path: cached), zooEntry: entry, origin: .cache)
    }
    try download(entry, to: cached, progress: progress, message: message)
    return ResolvedModel(location: .onnx(path: cached), zooEntry: entry, origin: .downloaded)
  }

  private func download(
    _ entry: ZooEntry, to path: String, progress: ((DownloadProgress) -> Void)?,
    message: ((String) -> Void)?
  ) throws {
    let url = entry.url(base: environment.zooBaseURL)
    message?("downloading \(entry.name) from \(url)")
    let digest: String
    do {
      digest = try downloader.fetch(
        url, to: path, expectedSHA256: entry.sha256, progress: progress)
    } catch var error as ClassifierError {
      error.message += ". " + manualHint(entry, url: url)
      throw error
    }
    if entry.sha256 == nil {
      // No published checksum: record what we got, so the user can compare and the cache
      // can be checked later.
      try? (digest + "  " + entry.fileName + "\n").write(
        toFile: path + ".sha256", atomically: true, encoding: .utf8)
      message?("\(entry.name) has no published checksum; downloaded file sha256 \(digest)")
    }
  }

  private func manualHint(_ entry: ZooEntry, url: String) -> String {
    let dir = environment.modelsDirectory ?? environment.cacheDirectory
    return "To install it by hand, download \(url) and save it as \(dir)/\(entry.fileName)"
  }

  private func notFound(_ name: String) -> ClassifierError {
    var places = ["no file \(name)"]
    if let dir = environment.modelsDirectory { places.append("nothing named \(name) in \(dir)") }
    let names = zoo.entries.map(\.name).joined(separator: ", ")
    return ClassifierError(
      .modelNotFound,
      "cannot find model '\(name)': \(places.joined(separator: ", ")), "
        + "and it is not a zoo model (known: \(names))")
  }

  /// The model files at `path` if it names one (ONNX file, MXNet prefix, symbol or params file).
  func locate(path: String, epoch: Int?) throws -> ModelLocation? {
    if isRegularFile(path) {
      if path.hasSuffix(".onnx") || path.hasSuffix(".onnx.gz") { return .onnx(path: path) }
      if path.hasSuffix("-symbol.json") {
        return try mxnet(prefix: String(path.dropLast("-symbol.json".count)), epoch: epoch)
      }
      if let (prefix, fileEpoch) = paramsName(path) {
        if let epoch, epoch != fileEpoch {
          throw ClassifierError(
            .invalidArgument, "\(path) holds epoch \(fileEpoch), but epoch \(epoch) was asked for")
        }
        return try mxnet(prefix: prefix, epoch: fileEpoch)
      }
      if isRegularFile(path + "-symbol.json") { return try mxnet(prefix: path, epoch: epoch) }
      throw ClassifierError(
        .badModel,
        "cannot tell the format of \(path): expected an .onnx (or .onnx.gz) file or an MXNet "
          + "prefix-symbol.json / prefix-NNNN.params")
    }
    if isRegularFile(path + "-symbol.json") { return try mxnet(prefix: path, epoch: epoch) }
    return nil
  }

  private func mxnet(prefix: String, epoch: Int?) throws -> ModelLocation {
    guard isRegularFile(prefix + "-symbol.json") else {
      throw ClassifierError(.modelNotFound, "MXNet checkpoint \(prefix): no \(prefix)-symbol.json")
    }
    let epochs = availableEpochs(prefix: prefix)
    if let epoch {
      guard epochs.contains(epoch) else {
        throw ClassifierError(
          .modelNotFound,
          "MXNet checkpoint \(prefix) has no epoch \(epoch) (no \(paramsFile(prefix, epoch))); "
            + "epochs present: \(epochs.map(String.init).joined(separator: ", "))")
      }
      return .mxnet(prefix: prefix, epoch: epoch)
    }
    guard let highest = epochs.max() else {
      throw ClassifierError(.modelNotFound, "MXNet checkpoint \(prefix) has no \(prefix)-NNNN.params file")
    }
    return .mxnet(prefix: prefix, epoch: highest)
  }

  /// Epoch numbers of the `prefix-NNNN.params[.gz]` files beside the symbol file.
  func availableEpochs(prefix: String) -> [Int] {
    let dir = (prefix as NSString).deletingLastPathComponent
    let base = (prefix as NSString).lastPathComponent
    let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
    return files.compactMap { file in
      guard let (p, epoch) = paramsName(file), p == base else { return nil }
      return epoch
    }.sorted()
  }

  private func paramsFile(_ prefix: String, _ epoch: Int) -> String {
    ModelLocation.mxnetParamsPath(prefix: prefix, epoch: epoch)
  }
}

/// Splits `prefix-NNNN.params` (or `.params.gz`) into prefix and epoch.
func paramsName(_ path: String) -> (String, Int)? {
  var stem = Substring(path)
  if stem.hasSuffix(".gz") { stem = stem.dropLast(3) }
  guard stem.hasSuffix(".params") else { return nil }
  stem = stem.dropLast(".params".count)
  guard let dash = stem.lastIndex(of: "-") else { return nil }
  let digits = stem[stem.index(after: dash)...]
  guard digits.count >= 4, digits.allSatisfy(\.isASCII), let epoch = Int(digits), epoch >= 0
  else { return nil }
  return (String(stem[..<dash]), epoch)
}

/// True for a regular file or a symlink to one.
func isRegularFile(_ path: String) -> Bool {
  var isDirectory: ObjCBool = false
  return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    && !isDirectory.boolValue
}
