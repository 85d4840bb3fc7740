import CellLanguage
import Classifier
import Datasets
import Foundation
import Tensor

/// What the classifier built-ins share across cells: the compute context, the classifier
/// façade (made on first use) and the last data set loaded (for `predict(model, 3)`).
final class SessionState {
  /// The context every later model, tensor and training run uses.
  private(set) var device: Device = .cpu
  /// CPU threads for the engine.
  private(set) var threads: Int = Threads.available
  /// The most recent `mnist()` result.
  var lastDataset: DatasetValue?
  private var classifierSession: ClassifierSession?
  private var displayCounter = 0
  private let sessionTag = String(UInt32.random(in: 0...UInt32.max), radix: 16)

  init() {}

  /// Switches context; the device is checked first so a failure leaves the context as it was.
  func use(_ newDevice: Device, threads newThreads: Int?) throws {
    do { try newDevice.check() } catch { throw CellError(ename: "DeviceError", error.description) }
    if let newThreads {
      guard newThreads >= 1 else {
        throw CellError.valueError("threads must be at least 1, got \(newThreads)")
      }
      Threads.set(newThreads)
      threads = newThreads
    }
    device = newDevice
  }

  /// Checks the current context still works before a model or training run uses it.
  func checkDevice() throws {
    do { try device.check() } catch { throw CellError(ename: "DeviceError", error.description) }
  }

  /// The classifier façade, built from the process environment on first use.
  func classifier() throws -> ClassifierSession {
    if let classifierSession { return classifierSession }
    let made = try ClassifierSession(environment: .fromProcess())
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
  let device: Device
  /// The bare `gpu` name is callable (`gpu(1)`); `gpu(1)` itself is not.
  let isFactory: Bool

  init(_ device: Device, isFactory: Bool = false) {
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
}

/// What `ctx()` returns: the session's device and thread count.
final class ContextValue: HostObject {
  let device: Device
  let threads: Int
  init(device: Device, threads: Int) {
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
