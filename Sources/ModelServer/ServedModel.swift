import Classifier
import Foundation
import Imaging

/// What the server knows about a model, for metadata endpoints and answers.
public struct ModelDescription: Sendable {
  /// The name clients use in URLs.
  public var name: String
  /// Where it was loaded from (a path, a zoo name, an archive).
  public var source: String
  /// The declared input.
  public var input: InputSignature
  /// Class names, nil for a model without labels.
  public var labels: Labels?
  /// Where the labels came from.
  public var labelsSource: String
  /// Output values per image.
  public var outputCount: Int
  /// Whether the graph ends in a softmax (nil: unknown, decided per output).
  public var endsInSoftmax: Bool?
  /// The preprocessing profile's name.
  public var profile: String
  /// Seconds spent loading.
  public var loadSeconds: Double

  /// Makes a description.
  public init(
    name: String, source: String, input: InputSignature, labels: Labels?, labelsSource: String,
    outputCount: Int, endsInSoftmax: Bool?, profile: String, loadSeconds: Double
  ) {
    self.name = name
    self.source = source
    self.input = input
    self.labels = labels
    self.labelsSource = labelsSource
    self.outputCount = outputCount
    self.endsInSoftmax = endsInSoftmax
    self.profile = profile
    self.loadSeconds = loadSeconds
  }

  /// The input tensor's shape with -1 for the batch and any open dimension.
  public var inputShape: [Int] {
    let (c, h, w) = (input.channels, input.height ?? -1, input.width ?? -1)
    return input.layout == .nchw ? [-1, c, h, w] : [-1, h, w, c]
  }

  /// `FP32` or `UINT8`, as the Open Inference Protocol names the input's type.
  public var inputDatatype: String { input.elementType == .uint8 ? "UINT8" : "FP32" }

  /// The best `k` classes of one raw output vector (the same scoring as `tabby predict`).
  public func top(_ raw: [Float], k: Int) throws -> [ClassScore] {
    do {
      return try ClassScoring.top(
        raw: raw, labels: labels, labelsSource: labelsSource, endsInSoftmax: endsInSoftmax, k: k)
    } catch {
      throw ServeError(500, "cannot score the output: \(error)")
    }
  }

  /// The class as MMS names it: `n02123045 tabby, tabby cat` with a synset id, else the label,
  /// else the index.
  public func mmsClass(_ score: ClassScore) -> String {
    guard let labels, score.index < labels.count else { return String(score.index) }
    if let synset = labels.synsets[score.index] { return synset + " " + labels.names[score.index] }
    return labels.names[score.index]
  }

  /// Output entries skipped before the labels (1 for a background class).
  public var labelOffset: Int {
    guard let labels else { return 0 }
    return outputCount == labels.count + 1 ? 1 : 0
  }
}

/// How images become model inputs and batches become outputs: the real engine, or a fake
/// in tests.
public protocol InferenceEngine: Sendable {
  /// One image as a batch of one, preprocessed for the model.
  func prepare(_ image: Image) throws -> ModelInput
  /// The same from the encoded bytes (see the extension's default).
  func prepare(encoded bytes: [UInt8]) throws -> ModelInput
  /// Runs a batch and returns each item's raw output vector.
  func run(_ batch: ModelInput) throws -> [[Float]]
  /// The same, on the calling thread only when `ownThreadOnly` (several batch workers,
  /// one per core); the answers do not change.
  func run(_ batch: ModelInput, ownThreadOnly: Bool) throws -> [[Float]]
}

extension InferenceEngine {
  public func run(_ batch: ModelInput, ownThreadOnly: Bool) throws -> [[Float]] { try run(batch) }

  /// Encoded image bytes as a batch of one: by default decoded whole, then `prepare`d. An
  /// ImageError other than `.invalidArgument` is the decoder's (the steps' own errors are
  /// invalid arguments).
  public func prepare(encoded bytes: [UInt8]) throws -> ModelInput { try prepare(Image.decode(bytes: bytes)) }
}

/// A loaded model with its batcher.
public final class ServedModel: Sendable {
  /// Names, shapes and labels.
  public let description: ModelDescription
  /// Turns inputs into outputs.
  public let engine: any InferenceEngine
  /// Collects single-item inputs into batches.
  public let batcher: Batcher<ModelInput, [Float]>

  /// Wraps `engine`; `workers` batches run at once (one per core on a CPU); `onBatch` is told
  /// every batch's size and run time, `onIdle` when a busy spell has ended (see `Batcher`).
  public init(
    description: ModelDescription, engine: any InferenceEngine, maxBatch: Int, delay: Duration,
    maxQueue: Int, workers: Int = 1, onBatch: @escaping @Sendable (Int, Duration) -> Void = { _, _ in },
    onIdle: (after: Duration, call: @Sendable () -> Void)? = nil
  ) {
    self.description = description
    self.engine = engine
    // A model with a fixed batch size takes its inputs one at a time.
    let limit = description.input.batch == nil ? maxBatch : 1
    self.batcher = Batcher(
      maxBatch: limit, delay: delay, maxQueue: maxQueue, workers: workers,
      canJoin: { a, b in a.shape == b.shape && Self.sameType(a, b) }, onBatch: onBatch,
      onIdle: onIdle,
      run: { items, alongside in
        // One image with the other workers idle (a quiet server) uses every core for the
        // lowest latency; under load each worker keeps to its own thread, so the cores run
        // whole images side by side instead of meeting at every layer.
        let ownThread = workers > 1 && (items.count > 1 || alongside > 0)
        return Self.runBatch(engine, items, ownThreadOnly: ownThread)
      })
  }

  /// Classifies batches-of-one through the batcher; returns one raw output per input.
  public func infer(_ inputs: [ModelInput]) async throws -> [[Float]] {
    do {
      return try await batcher.submit(inputs)
    } catch is Batcher<ModelInput, [Float]>.QueueFull {
      throw ServeError(
        503, "the queue for model '\(description.name)' is full; retry later",
        headers: ["Retry-After": "1"])
    } catch is Batcher<ModelInput, [Float]>.Stopped {
      throw ServeError(503, "the server is shutting down", headers: ["Retry-After": "1"])
    }
  }

  /// Decodes and preprocesses one encoded image; a bad image is a 400 naming why.
  public func prepare(encoded bytes: [UInt8], name: String) throws -> ModelInput {
    do { return try engine.prepare(encoded: bytes) } catch let error as ImageError where error.kind != .invalidArgument {
      throw ServeError(400, "cannot decode \(name): \(error.message)")
    } catch {
      throw ServeError(400, "cannot prepare \(name) for the model: \(error)")
    }
  }

  /// Stops the batcher after answering what is queued.
  public func stop() { batcher.stop() }

  private static func sameType(_ a: ModelInput, _ b: ModelInput) -> Bool {
    switch (a.values, b.values) {
    case (.float32, .float32), (.uint8, .uint8): return true
    default: return false
    }
  }

  /// Stacks batches-of-one into one input, runs it, and splits the outputs.
  static func runBatch(
    _ engine: any InferenceEngine, _ items: [ModelInput], ownThreadOnly: Bool = false
  ) -> [Result<[Float], any Error>] {
    guard let first = items.first else { return [] }
    let batch: ModelInput
    if items.count == 1 {
      batch = first  // as it is: no copy
    } else {
      let shape = [items.reduce(0) { $0 + ($1.shape.first ?? 1) }] + first.shape.dropFirst()
      switch first.values {
      case .float32: batch = ModelInput(.float32(items.flatMap { $0.floats ?? [] }), shape: shape)
      case .uint8: batch = ModelInput(.uint8(items.flatMap { $0.bytes ?? [] }), shape: shape)
      }
    }
    do {
      let outputs = try engine.run(batch, ownThreadOnly: ownThreadOnly)
      guard outputs.count == items.count else {
        throw ServeError(500, "the model returned \(outputs.count) outputs for \(items.count) inputs")
      }
      return outputs.map { .success($0) }
    } catch {
      let failure = error as? ServeError ?? ServeError(500, "the model failed: \(error)")
      return items.map { _ in .failure(failure) }
    }
  }
}

/// The real engine: a Classifier model, run on a compute context's device.
public struct ClassifierEngine: InferenceEngine {
  /// The loaded model.
  public let model: PretrainedModel
  /// Where batches run (`tabby serve --device`, or the notebook session's `ctx`).
  public let context: ComputeContext

  /// Wraps a loaded model; batches run on `context`.
  public init(model: PretrainedModel, context: ComputeContext) {
    self.model = model
    self.context = context
  }

  public func prepare(_ image: Image) throws -> ModelInput { try model.preprocessing(image) }

  /// Decodes only what the preprocessing reads (`Preprocessing(encoded:)`), the same input.
  public func prepare(encoded bytes: [UInt8]) throws -> ModelInput { try model.preprocessing(encoded: bytes) }

  public func run(_ batch: ModelInput) throws -> [[Float]] { try model.runRaw(batch, on: context) }

  public func run(_ batch: ModelInput, ownThreadOnly: Bool) throws -> [[Float]] {
    try model.runRaw(batch, on: context, ownThreadOnly: ownThreadOnly)
  }
}
