import Classifier
import Foundation
import Imaging

/// A model to serve: the URL name and what to load (`squeezenet=path/to/file.onnx`).
public struct ModelSpec: Equatable, Sendable {
  /// The name in URLs.
  public var name: String
  /// A path, MXNet prefix, zoo name or `.model` archive.
  public var source: String

  /// Makes a spec.
  public init(name: String, source: String) {
    self.name = name
    self.source = source
  }

  /// Parses `NAME=SOURCE`, or a bare source named after its file (`dir/squeezenet.onnx` →
  /// `squeezenet`).
  public static func parse(_ text: String) throws(ServeError) -> ModelSpec {
    let parts = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
    let (name, source) =
      parts.count == 2 ? (String(parts[0]), String(parts[1])) : (defaultName(text), text)
    guard !source.isEmpty else { throw ServeError(400, "--models \(text): no model source") }
    guard isValidName(name) else {
      throw ServeError(
        400, "--models \(text): the model name '\(name)' must be letters, digits, '.', '_' or '-'")
    }
    return ModelSpec(name: name, source: source)
  }

  /// The file name without directories and known extensions.
  static func defaultName(_ source: String) -> String {
    var name = String(source.split(separator: "/").last ?? Substring(source))
    for ext in [".gz", ".onnx", ".model", ".mar", "-symbol.json"] where name.hasSuffix(ext) {
      name = String(name.dropLast(ext.count))
    }
    return name
  }

  /// URL-safe names only: they appear in paths and metric labels.
  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.utf8.count <= 128
      && name.utf8.allSatisfy { c in
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 46 || c == 95
          || c == 45
      }
  }

  /// Every model file in a model store (archives, ONNX files, MXNet symbols), by name.
  public static func scan(store: String) -> [ModelSpec] {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: store)) ?? []
    return files.sorted().compactMap { file in
      let known = [".model", ".mar", ".onnx", ".onnx.gz", "-symbol.json"].contains { file.hasSuffix($0) }
      guard known, isValidName(defaultName(file)) else { return nil }
      return ModelSpec(name: defaultName(file), source: store + "/" + file)
    }
  }
}

/// Loads models with the Classifier engine, unpacking MMS archives first.
public struct ModelLoader: Sendable {
  /// The engine session models load through.
  public var session: ClassifierSession
  /// Where relative sources are also looked for (`--model-store`).
  public var store: String?
  /// Where archives are unpacked.
  public var scratch: String
  /// Told about what happens (archive notes, summaries).
  public var log: @Sendable (String) -> Void

  /// Makes a loader.
  public init(
    session: ClassifierSession, store: String?, scratch: String, log: @escaping @Sendable (String) -> Void
  ) {
    self.session = session
    self.store = store
    self.scratch = scratch
    self.log = log
  }

  /// What the server says about a loaded model, after one warm-up run on a blank image
  /// (which also fixes the output size). Also for a model loaded elsewhere (a notebook's).
  public static func describe(
    _ model: PretrainedModel, name: String, source: String, context: ComputeContext
  ) throws -> ModelDescription {
    let engine = ClassifierEngine(model: model, context: context)
    let blank = try Image(width: 256, height: 256, fill: [128, 128, 128])
    let warm = try engine.run(try engine.prepare(blank))
    return ModelDescription(
      name: name, source: source, input: model.input, labels: model.labels,
      labelsSource: model.labelsSource, outputCount: warm.first?.count ?? 0,
      endsInSoftmax: model.endsInSoftmax, profile: model.profileName, loadSeconds: model.loadSeconds)
  }

  /// For a server that runs `model` on the CPU alone, after the warm-up: gives up the file's
  /// weights that only planning reads (`PretrainedModel.dropPlanningWeights`) and says
  /// whether it did. A file that leaves the image size open (an MXNet checkpoint or archive)
  /// is then served at the one size its preprocessing makes of every image, which the
  /// warm-up planned, and `description` declares that size from then on: a raw tensor of
  /// another size gets a 400, where it would find no plan without the weights.
  public static func releasePlanningWeights(_ model: PretrainedModel, _ description: inout ModelDescription) -> Bool {
    let input = description.input
    guard input.height == nil || input.width == nil else { return model.dropPlanningWeights() }
    guard input.layout == .nchw, let shape = preparedShape(model), shape.count == 4, shape[1] == input.channels,
      model.dropPlanningWeights(image: shape)
    else { return false }
    description.input.height = shape[2]
    description.input.width = shape[3]
    return true
  }

  /// The input shape preprocessing makes of an image, when two images of different sizes
  /// and shapes give the same one; nil otherwise.
  static func preparedShape(_ model: PretrainedModel) -> [Int]? {
    let shapes = [(256, 256), (300, 200)].compactMap { size -> [Int]? in
      guard let blank = try? Image(width: size.0, height: size.1, fill: [128, 128, 128]) else { return nil }
      return try? model.preprocessing(blank).shape
    }
    return shapes.count == 2 && shapes[0] == shapes[1] ? shapes[0] : nil
  }

  /// Loads one model and warms it up with a blank image (which also fixes the output size).
  public func load(_ spec: ModelSpec) throws -> (PretrainedModel, ModelDescription) {
    var source = spec.source
    if let store, !FileManager.default.fileExists(atPath: source),
      FileManager.default.fileExists(atPath: store + "/" + source)
    {
      source = store + "/" + source
    }
    var model: PretrainedModel
    if ModelArchive.isArchive(source) {
      let archive = try ModelArchive.unpack(source, into: scratch + "/" + spec.name)
      archive.notes.forEach(log)
      model = try session.loadModel(archive.checkpointPrefix, epoch: 0, labels: archive.labelsPath)
    } else {
      model = try session.loadModel(source, message: log)
    }
    let description = try Self.describe(model, name: spec.name, source: spec.source, context: session.context)
    log("loaded \(model.summary)")
    return (model, description)
  }
}
