import GPU
import ModelIO
import Synchronization
import Tensor

/// A ModelIO model placed on a device: its weights uploaded once, and per input shape a
/// plan of typed device steps lowered from the planned graph (every op of the shipped
/// reference nets and the quantized MobileNetV2: convolution incl. grouped and depthwise,
/// Gemm, pooling, fused Add/Concat, activations, fake quantization, reshapes). An operator
/// the device lacks is an `UnsupportedOnDevice` error naming it; the CPU plan still runs it.
public final class DeviceModel: @unchecked Sendable {
  /// The model.
  public let model: LoadedModel
  /// The ops (and so the device) it runs on.
  public let ops: DeviceOps
  let weights: WeightCache
  private let plans = Mutex<[[[Int]]: DevicePlan]>([:])
  private let running = Mutex<Void>(())

  /// `model` on `device` (nothing is uploaded until the first plan).
  public init(_ model: LoadedModel, device: any ComputeDevice) {
    self.model = model
    ops = DeviceOps(device: device)
    weights = WeightCache(ops: ops)
  }

  /// Lowers the model for these input shapes now (`run` does it on first use of a shape);
  /// throws `UnsupportedOnDevice`, `ModelLoadError` or `GPUError`.
  public func prepare(inputShapes: [[Int]]) throws {
    try running.withLock { _ in _ = try plan(for: inputShapes) }
  }

  func plan(for shapes: [[Int]]) throws -> DevicePlan {
    if let p = plans.withLock({ $0[shapes] }) { return p }
    var lowering = DeviceLowering(graph: try model.plannedGraph(inputShapes: shapes), weights: weights)
    let p = try lowering.plan(ops: ops)
    plans.withLock { $0[shapes] = p }
    return p
  }

  /// Runs the model on the device; one tensor per output, on the host.
  public func run(_ inputs: [Tensor]) throws -> [Tensor] {
    guard inputs.count == model.inputs.count else {
      throw ModelLoadError("run: the model takes \(model.inputs.count) inputs, got \(inputs.count)")
    }
    return try running.withLock { _ in
      let p = try plan(for: inputs.map(\.shape))
      return try p.run(inputs)
    }
  }

  /// The steps a plan for these shapes runs, one label each (for tests and profiles).
  public func stepLabels(inputShapes: [[Int]]) throws -> [String] {
    try running.withLock { _ in try plan(for: inputShapes).steps.map(\.label) }
  }
}
