import GPU
import Imaging

/// A loaded classifier: the network, how images are prepared for it, and its class names.
public final class PretrainedModel: @unchecked Sendable {
  /// What the user asked for (`squeezenet1.1`, a path).
  public let name: String
  /// The files it was loaded from and where they were found.
  public let resolved: ResolvedModel
  /// The network's declared input.
  public let input: InputSignature
  /// The preprocessing profile's name (`imagenet`, `mxnet-legacy`, `inception`).
  public let profileName: String
  /// The recipe applied to every image.
  public let preprocessing: Preprocessing
  /// Class names, nil for a model without labels (results carry raw output indices).
  public let labels: Labels?
  /// Where the labels came from, for messages (`built-in ImageNet-1k`, a path).
  public let labelsSource: String
  /// Seconds spent resolving and loading (including any download).
  public let loadSeconds: Double
  let network: any Network
  // A device run is not re-entrant (one stream, the device's buffers); callers take turns.
  private let lock = RunLock()

  init(
    name: String, resolved: ResolvedModel, network: any Network, profile: (String, Preprocessing),
    labels: Labels?, labelsSource: String, loadSeconds: Double
  ) {
    self.name = name
    self.resolved = resolved
    self.network = network
    self.input = network.input
    (self.profileName, self.preprocessing) = profile
    self.labels = labels
    self.labelsSource = labelsSource
    self.loadSeconds = loadSeconds
  }

  /// One line describing the model, for a notebook or the CLI.
  public var summary: String {
    let size = input.height.map { "\($0)x\($0)" } ?? "any size"
    let classes = labels.map { "\($0.count) classes (\(labelsSource))" } ?? "no labels"
    return "\(name): \(resolved.location.displayPath), input \(input.layout.rawValue) "
      + "\(input.elementType.rawValue) \(size), profile \(profileName), \(classes)"
  }

  /// Runs the network on a prepared batch: on `device` when given (a GPU context), one
  /// caller at a time, else on the CPU, where runs may overlap (a plan's steps keep their
  /// state per run; the plans themselves are behind a lock).
  func run(_ batch: ModelInput, on device: (any GPU.ComputeDevice)? = nil) throws -> NetworkOutput {
    guard let device else { return try network.run(batch) }
    return try lock.withLock { try network.run(batch, on: device) }
  }

  /// For a holder that will run this model only on the CPU, on images of its declared size
  /// in batches of any size (`tabby serve --device cpu`, after the warm-up run): gives up the
  /// file's weights that only planning reads (the plan keeps its own converted copy), when
  /// no later run can need another plan. Says whether it did; a GPU run afterwards fails.
  /// Where the file leaves the image size open, `image` names the batch-1 input shape every
  /// later run has (else the weights stay).
  public func dropPlanningWeights(image: [Int]? = nil) -> Bool { network.dropPlanningWeights(image: image) }
}

/// A plain pthread mutex: Synchronization.Mutex would demand a `sending` result from run.
final class RunLock: @unchecked Sendable {
  private var mutex = pthread_mutex_t()
  init() { pthread_mutex_init(&mutex, nil) }
  deinit { pthread_mutex_destroy(&mutex) }
  func withLock<T>(_ body: () throws -> T) rethrows -> T {
    pthread_mutex_lock(&mutex)
    defer { pthread_mutex_unlock(&mutex) }
    return try body()
  }
}

#if canImport(Glibc)
  import Glibc
#endif
