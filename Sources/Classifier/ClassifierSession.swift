import Foundation
import GPU
import Imaging
import Tensor

/// The top classes of one image, with the decoded image kept for display.
public struct Prediction: Sendable {
  /// The image's path, or the name it was given.
  public var source: String
  /// The decoded image, EXIF orientation applied (what a notebook shows).
  public var image: Image
  /// The best classes, most probable first.
  public var top: [ClassScore]
  /// The network's whole output for the image (logits, or probabilities for a net that ends
  /// in softmax), as it came out: what a check against another runtime compares.
  public var output: [Float] = []
}

/// The engine façade: loads pretrained classifiers by path or zoo name and classifies images.
///
/// ```swift
/// let session = try ClassifierSession()
/// let model = try session.loadModel("squeezenet1.1")
/// for p in try session.predict(model, images: ["cat.jpg"], top: 5) { print(p.top) }
/// ```
public struct ClassifierSession: Sendable {
  /// Directories and zoo URL in use.
  public var environment: ClassifierEnvironment
  /// The model zoo (the built-in one plus `zoo.json` from the model directory, if any).
  public var zoo: ModelZoo
  /// Images per network run when predicting on many images.
  public var batchSize = 16
  /// The device and thread budget every prediction of this session runs with.
  public var context = ComputeContext()
  /// Opens a model file; replaced in tests by a fake network.
  var openNetwork: @Sendable (ModelLocation) throws -> any Network = ModelIONetwork.open

  /// Makes a session; reads `zoo.json` from the model directory when there is one.
  public init(environment: ClassifierEnvironment = .fromProcess(), zoo: ModelZoo = .builtin) throws {
    self.environment = environment
    self.zoo = zoo
    if let dir = environment.modelsDirectory, isRegularFile(dir + "/zoo.json") {
      let path = dir + "/zoo.json"
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ClassifierError(.invalidArgument, "cannot read \(path)")
      }
      self.zoo = try zoo.merging(catalog: text, source: path)
    }
  }

  /// Sets how many threads the engine computes with (process-wide); nil: every CPU this
  /// process may use. Kept for callers of the first API: a session's `context` owns its
  /// thread budget now (`session.context.use(threads:)`), and applies it to each run.
  @available(*, deprecated, message: "use session.context.use(threads:)")
  public static func setThreads(_ count: Int?) {
    Threads.set(count ?? Threads.available)
  }

  /// Finds (downloading a zoo model on first use), loads and prepares a classifier.
  ///
  /// - Parameters:
  ///   - nameOrPath: an `.onnx[.gz]` file, an MXNet prefix or its files, a name in the model
  ///     directory, or a zoo name such as `squeezenet1.1`.
  ///   - epoch: the MXNet checkpoint epoch (default: the highest present).
  ///   - labels: a synset or label-per-line file overriding the model's own labels.
  ///   - profile: `imagenet`, `mxnet-legacy`, `inception` or `gray`, overriding the model's own.
  ///   - progress: called during a download.
  ///   - message: told about downloads and recorded checksums.
  public func loadModel(
    _ nameOrPath: String, epoch: Int? = nil, labels: String? = nil, profile: String? = nil,
    progress: ((DownloadProgress) -> Void)? = nil, message: ((String) -> Void)? = nil
  ) throws -> PretrainedModel {
    let start = DispatchTime.now()
    try Self.checkProfile(profile)
    let resolved = try resolve(nameOrPath, epoch: epoch, progress: progress, message: message)
    return try open(nameOrPath, resolved, labels: labels, profile: profile, start: start)
  }

  /// Finds a model's files: a path, then `$TABBY_MODELS`, then the cache, then a zoo
  /// download. The one resolver behind `loadModel`, `load` and the commands.
  public func resolve(
    _ nameOrPath: String, epoch: Int? = nil, progress: ((DownloadProgress) -> Void)? = nil,
    message: ((String) -> Void)? = nil
  ) throws -> ResolvedModel {
    try ModelResolver(environment: environment, zoo: zoo)
      .resolve(nameOrPath, epoch: epoch, progress: progress, message: message)
  }

  /// Refuses a preprocessing profile name that is not known, before anything is loaded.
  static func checkProfile(_ profile: String?) throws(ClassifierError) {
    if let profile, !PreprocessingChoice.names.contains(profile) {
      throw ClassifierError(
        .invalidArgument,
        "unknown preprocessing profile '\(profile)'; known: "
          + PreprocessingChoice.names.joined(separator: ", "))
    }
  }

  /// Loads a resolved model as a pretrained classifier.
  func open(
    _ nameOrPath: String, _ resolved: ResolvedModel, labels: String?, profile: String?,
    start: DispatchTime
  ) throws -> PretrainedModel {
    let network = try openNetwork(resolved.location)
    let choice = try PreprocessingChoice.choose(
      input: network.input, requested: profile, zooProfile: resolved.zooEntry?.profile)
    let outputs = try network.outputCount ?? probeOutputCount(network, choice.recipe)
    let (labelSet, source) = try chooseLabels(override: labels, resolved: resolved, outputs: outputs)
    _ = try OutputLayout.fit(outputs: outputs, labels: labelSet, labelsSource: source)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
    return PretrainedModel(
      name: nameOrPath, resolved: resolved, network: network, profile: choice, labels: labelSet,
      labelsSource: source, loadSeconds: seconds)
  }

  /// Outputs per image of a network whose file leaves them open (MXNet symbols, dynamic
  /// ONNX shapes): one run on a blank image, which also proves the model runs at all.
  private func probeOutputCount(_ network: any Network, _ recipe: Preprocessing) throws -> Int {
    do {
      let blank = try Image(width: 256, height: 256, fill: [128, 128, 128])
      let input = try recipe([blank])
      // Shape inference answers without running the network, when the network can plan.
      if let n = try network.outputCount(forInputShape: input.shape) { return n }
      let output = try network.run(input)
      guard let first = output.values.first, !first.isEmpty else {
        throw ClassifierError(.unsupportedModel, "the model returned no values")
      }
      return first.count
    } catch let error as ClassifierError {
      throw error
    } catch {
      throw ClassifierError(.badModel, "cannot prepare a test input for the model: \(error)")
    }
  }

  /// Labels in order of precedence: the override, the zoo entry's, a `synset.txt` beside
  /// the model, the built-in ImageNet-1k list for 1000 or 1001 outputs, else none.
  private func chooseLabels(override: String?, resolved: ResolvedModel, outputs: Int) throws
    -> (Labels?, String)
  {
    if let override { return (try Labels.load(file: override), override) }
    switch resolved.zooEntry?.labels {
    case .imageNet1k: return (Labels.imageNet1k, "built-in ImageNet-1k")
    case .file(let path): return (try Labels.load(file: path), path)
    case .unlabeled: return (nil, "none")
    case nil: break
    }
    let path: String
    switch resolved.location {
    case .onnx(let p): path = p
    case .mxnet(let prefix, _): path = prefix
    }
    let sidecar = (path as NSString).deletingLastPathComponent + "/synset.txt"
    if isRegularFile(sidecar), let labels = try? Labels.load(file: sidecar),
      outputs == labels.count || outputs == labels.count + 1
    {
      return (labels, sidecar)
    }
    if outputs == 1000 || outputs == 1001 { return (Labels.imageNet1k, "built-in ImageNet-1k") }
    return (nil, "none")
  }

  /// Classifies image files; every file is decoded first, so a bad file fails before any run.
  public func predict(_ model: PretrainedModel, images paths: [String], top: Int = 5) throws
    -> [Prediction]
  {
    var decoded = [Image]()
    for path in paths {
      do { decoded.append(try Image.load(path: path)) } catch {
        throw ClassifierError(.badImage, "cannot read image \(error.message)")
      }
    }
    return try predict(model, images: decoded, sources: paths, top: top)
  }

  /// Classifies decoded photos, named by their paths in the results.
  public func predict(_ model: PretrainedModel, photos: [Photo], top: Int = 5) throws -> [Prediction] {
    try predict(model, images: photos.map(\.image), sources: photos.map(\.path), top: top)
  }

  /// Classifies decoded images; `sources` names them in the results (default `image N`).
  public func predict(
    _ model: PretrainedModel, images: [Image], sources: [String]? = nil, top: Int = 5
  ) throws -> [Prediction] {
    guard top >= 1 else {
      throw ClassifierError(.invalidArgument, "top must be at least 1, got \(top)")
    }
    let names = sources ?? images.indices.map { "image \($0)" }
    return try context.place(
      cpu: { _ in try predictBatches(model, images, names, top: top, on: nil) },
      gpu: { device, _ in try predictBatches(model, images, names, top: top, on: device) })
  }

  private func predictBatches(
    _ model: PretrainedModel, _ images: [Image], _ names: [String], top: Int, on device: (any GPU.ComputeDevice)?
  ) throws -> [Prediction] {
    var results = [Prediction]()
    for start in stride(from: 0, to: images.count, by: runBatchSize(model)) {
      let end = min(start + runBatchSize(model), images.count)
      let scores = try classify(model, Array(images[start..<end]), top: top, on: device)
      for (offset, (list, raw)) in scores.enumerated() {
        results.append(
          Prediction(source: names[start + offset], image: images[start + offset], top: list, output: raw))
      }
    }
    return results
  }

  /// The model input for decoded images, for timing the network alone.
  public func prepareInput(_ model: PretrainedModel, _ images: [Image]) throws -> ModelInput {
    try prepare(model, images)
  }

  /// Runs the network alone on a prepared input (benchmarks).
  public func runNetwork(_ model: PretrainedModel, _ input: ModelInput) throws {
    _ = try context.place(cpu: { _ in try model.run(input) }, gpu: { device, _ in try model.run(input, on: device) })
  }

  /// Batch size per run: the model's fixed batch if it has one.
  public func runBatchSize(_ model: PretrainedModel) -> Int {
    max(1, model.input.batch ?? batchSize)
  }

  /// Prepares, runs and scores one batch.
  func classify(_ model: PretrainedModel, _ images: [Image], top: Int, on device: (any GPU.ComputeDevice)? = nil)
    throws -> [([ClassScore], [Float])]
  {
    let batch = try prepare(model, images)
    let output = try model.run(batch, on: device)
    guard output.values.count == images.count else {
      throw ClassifierError(
        .unsupportedModel,
        "the model returned \(output.values.count) results for a batch of \(images.count)")
    }
    return try output.values.map { (try scores(model, raw: $0, top: top), $0) }
  }

  /// The model input for a batch of decoded images.
  func prepare(_ model: PretrainedModel, _ images: [Image]) throws -> ModelInput {
    do { return try model.preprocessing(images) } catch {
      throw ClassifierError(.badImage, "cannot prepare the image for the model: \(error.message)")
    }
  }

  /// Probabilities and the top-k classes of one raw output vector.
  func scores(_ model: PretrainedModel, raw: [Float], top: Int) throws -> [ClassScore] {
    let layout = try OutputLayout.fit(
      outputs: raw.count, labels: model.labels, labelsSource: model.labelsSource)
    let isProbability =
      model.network.endsInSoftmax ?? Scores.isDistribution(raw[...], tolerance: 0.02)
    let probabilities = isProbability ? raw : Scores.softmax(raw[...])
    let kept = Array(probabilities[layout.skip...])
    return Scores.top(kept, k: top).map { entry in
      ClassScore(
        index: entry.index, label: model.labels?.names[entry.index], probability: entry.probability)
    }
  }
}

extension ClassScore: CustomStringConvertible {
  /// `tabby, tabby cat (281): 42.19%`, or `class 7 (7): …` without labels.
  public var description: String {
    "\(label ?? "class \(index)") (\(index)): " + String(format: "%.2f%%", Double(probability) * 100)
  }
}

extension Prediction: CustomStringConvertible {
  /// The source, then one indented line per class.
  public var description: String {
    ([source] + top.map { "  \($0)" }).joined(separator: "\n")
  }
}
