import Foundation
import JSON

/// An MXNet Model Server legacy `.model` archive, unpacked for Tabby's own loader:
/// `MANIFEST.json` names the symbol, parameters and signature files; `synset.txt` holds
/// the labels. The archive's Python service file is not run (Tabby's own image pipeline
/// serves the model).
public struct ModelArchive: Sendable {
  /// The MXNet checkpoint prefix written out (`DIR/model`), epoch 0.
  public var checkpointPrefix: String
  /// The labels file written out, when the archive has `synset.txt`.
  public var labelsPath: String?
  /// The input's name and shape from `signature.json` (`data`, `[0, 3, 224, 224]`).
  public var inputName: String?
  public var inputShape: [Int]?
  /// The model's name in the manifest (`Model-Name`).
  public var modelName: String?
  /// What the loader did not use and why, for the log.
  public var notes: [String]

  /// Whether `path` looks like a legacy archive (`.model`, or `.mar` holding a MANIFEST.json).
  public static func isArchive(_ path: String) -> Bool {
    path.hasSuffix(".model") || path.hasSuffix(".mar")
  }

  /// Unpacks the archive at `path` into `directory` (created if needed).
  public static func unpack(_ path: String, into directory: String) throws(ServeError) -> ModelArchive {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ServeError(404, "cannot read the model archive \(path)")
    }
    let zip = try ZipArchive(bytes: [UInt8](data), name: path)
    guard let manifestEntry = zip.entry(named: "MANIFEST.json") else {
      throw ServeError(400, "\(path): no MANIFEST.json (not an MMS model archive)")
    }
    let manifest: JSON
    do { manifest = try JSON.parse(try zip.contents(of: manifestEntry)) } catch let e as ServeError {
      throw e
    } catch {
      throw ServeError(400, "\(path): MANIFEST.json is not valid JSON (\(error))")
    }
    guard let model = manifest["Model"], let symbol = model["Symbol"]?.stringValue,
      let parameters = model["Parameters"]?.stringValue
    else {
      throw ServeError(
        400, "\(path): MANIFEST.json has no Model.Symbol and Model.Parameters (only MXNet archives are served)")
    }
    do {
      try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    } catch {
      throw ServeError(500, "cannot create \(directory): \(error)")
    }
    let prefix = directory + "/model"
    try extract(zip, symbol, to: prefix + "-symbol.json", archive: path)
    try extract(zip, parameters, to: prefix + "-0000.params", archive: path)
    var result = ModelArchive(
      checkpointPrefix: prefix, labelsPath: nil, inputName: nil, inputShape: nil,
      modelName: model["Model-Name"]?.stringValue, notes: [])
    if zip.entry(named: "synset.txt") != nil {
      result.labelsPath = directory + "/synset.txt"
      try extract(zip, "synset.txt", to: directory + "/synset.txt", archive: path)
    }
    if let name = model["Signature"]?.stringValue, let entry = zip.entry(named: name) {
      let signature = try? JSON.parse(try zip.contents(of: entry))
      let input = signature?["inputs"]?[0]
      result.inputName = input?["data_name"]?.stringValue
      result.inputShape = input?["data_shape"]?.arrayValue?.compactMap(\.intValue)
    }
    if let service = model["Service"]?.stringValue {
      result.notes.append(
        "\(path): the archive's Python service file \(service) is ignored; Tabby's own image "
          + "pipeline serves the model")
    }
    return result
  }

  private static func extract(_ zip: ZipArchive, _ name: String, to target: String, archive: String)
    throws(ServeError)
  {
    guard let entry = zip.entry(named: name) else {
      throw ServeError(400, "\(archive): MANIFEST.json names \(name), which the archive lacks")
    }
    let bytes = try zip.contents(of: entry)
    guard FileManager.default.createFile(atPath: target, contents: Data(bytes)) else {
      throw ServeError(500, "cannot write \(target)")
    }
  }
}
