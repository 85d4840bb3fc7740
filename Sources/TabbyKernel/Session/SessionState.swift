import CellLanguage
import Classifier

/// What the classifier built-ins share across cells: the compute context, the classifier
/// façade (made on first use) and the last data set loaded (for `predict(model, 3)`).
final class SessionState {
  /// The session's device and thread budget: the one owner of both; every model, prediction
  /// and training run of the session is placed through it.
  let context = ComputeContext()
  /// The context's device.
  var device: ComputeDevice { context.device }
  /// The context's CPU threads.
  var threads: Int { context.threads }
  /// The most recent `mnist()` result.
  var lastDataset: DatasetValue?
  /// Class names for a new model: the last data set's, else the digits.
  var classNames: [String] { lastDataset?.classNames ?? TrainableModel.digitNames }
  private var classifierSession: ClassifierSession?
  private var displayCounter = 0
  private let sessionTag = String(UInt32.random(in: 0...UInt32.max), radix: 16)

  init() {}

  /// Switches context; the device is checked first so a failure leaves the context as it was.
  func use(_ newDevice: ComputeDevice, threads newThreads: Int?) throws {
    try engine { try context.use(newDevice, threads: newThreads) }
  }

  /// Checks the current context still works before a model or training run uses it.
  func checkDevice() throws {
    try engine { try context.check() }
  }

  /// The classifier façade, built from the process environment on first use.
  func classifier() throws -> ClassifierSession {
    if let classifierSession { return classifierSession }
    var made = try engine { try ClassifierSession(environment: .fromProcess()) }
    made.context = context
    classifierSession = made
    return made
  }

  /// A display id unique to this kernel process, for updating an output in place.
  func newDisplayID(_ what: String) -> String {
    displayCounter += 1
    return "tabby-\(what)-\(sessionTag)-\(displayCounter)"
  }
}

/// `cpu`, `gpu` and `gpu(1)`: compute devices as values of the language.
final class DeviceValue: HostObject {
  let device: ComputeDevice
  /// The bare `gpu` name is callable (`gpu(1)`); `gpu(1)` itself is not.
  let isFactory: Bool

  init(_ device: ComputeDevice, isFactory: Bool = false) {
    self.device = device
    self.isFactory = isFactory
  }

  var typeName: String { "Device" }
  var repr: String { isFactory ? "gpu" : device.description }
  var attributeNames: [String] { ["kind", "index"] }

  func attribute(_ name: String) throws -> Value? {
    switch (name, device) {
    case ("kind", .cpu): .string("cpu")
    case ("kind", .gpu): .string("gpu")
    case ("index", .cpu): .int(0)
    case ("index", .gpu(let n)): .int(n)
    default: nil
    }
  }

  var callSignature: Signature? { isFactory ? Signature("gpu(index=0)") : nil }

  func call(_ arguments: BoundArguments, context: CallContext) throws -> Value {
    let n = try arguments.int("index", default: 0)
    guard n >= 0 else { throw CellError.valueError("gpu index must be ≥ 0, got \(n)") }
    return .host(DeviceValue(.gpu(n)))
  }

  var help: String? {
    switch device {
    case .cpu:
      "cpu: the host processor. ctx(cpu) or ctx(cpu, threads=2) makes it the session's context."
    case .gpu:
      "gpu(n): the n-th CUDA GPU (gpu means gpu(0)). ctx(gpu) makes it the session's context."
    }
  }

  func isEqual(to other: any HostObject) -> Bool { (other as? DeviceValue)?.device == device }
  func hashParts() throws -> [Value]? { [.string(repr)] }
}

/// What `ctx()` returns: the session's device and thread count.
final class ContextValue: HostObject {
  let device: ComputeDevice
  let threads: Int
  init(device: ComputeDevice, threads: Int) {
    self.device = device
    self.threads = threads
  }

  var typeName: String { "Context" }
  var repr: String {
    switch device {
    case .cpu: "ctx(cpu, threads=\(threads))"
    case .gpu: "ctx(\(device))"
    }
  }
  var attributeNames: [String] { ["device", "threads"] }
  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "device": .host(DeviceValue(device))
    case "threads": .int(threads)
    default: nil
    }
  }
}
