import GPU
import ModelIO
import Tensor

/// One typed step of a device plan: which op, with its constant parameters. Operands are
/// slots of the plan (weights sit in slots filled when the plan is made).
enum DeviceStep {
  /// Convolution with its store fused (bias, residual, activation, fake quantization slots
  /// are operands 1…; the epilogue's flags say which are present).
  case conv(Conv2DOptions, hasBias: Bool, hasResidual: Bool, DeviceUnary?, FusedQuantization?)
  /// Row-major y = alpha·op(A)·op(B) (+ bias per column, slot 2, when present), rows of A.
  case gemm(transA: Bool, transB: Bool, alpha: Float, hasBias: Bool)
  /// An elementwise function.
  case unary(DeviceUnary)
  /// Operands folded left to right with a broadcasting binary op.
  case binary(DeviceBinary)
  /// Per-tensor (fake) quantization of operand 0 (+ operand 1 when given).
  case quantize(DeviceQuantization, FusedQuantization)
  case maxPool(Pool2DOptions)
  case averagePool(Pool2DOptions)
  /// Softmax of rows of this many columns.
  case softmax(columns: Int)
  case concat(axis: Int)
  /// The same memory with the step's output shape (Reshape, Flatten, Squeeze, Unsqueeze).
  case view
  /// A transpose, dequantizing on the way when given.
  case permute([Int], dequantize: FusedQuantization?)
  /// Inference batch norm; operands: x, mean, 1/√(var + ε), γ, β.
  case batchNorm
}

/// A step with its operands, output slot and shape, and a label for messages.
struct PlannedStep {
  let step: DeviceStep
  let inputs: [Int]
  let output: Int
  let shape: [Int]
  let label: String
}

/// A ModelIO graph lowered for one set of input shapes onto one device: typed steps over
/// slots of device tensors, weights uploaded once, every intermediate released after its
/// last reader (so the device's pool hands the memory to the next step).
final class DevicePlan: @unchecked Sendable {
  let ops: DeviceOps
  let steps: [PlannedStep]
  let slotCount: Int
  let inputSlots: [Int]
  let outputSlots: [Int]
  let constants: [(Int, DeviceTensor)]
  let release: [[Int]]

  init(
    ops: DeviceOps, steps: [PlannedStep], slotCount: Int, inputSlots: [Int], outputSlots: [Int],
    constants: [(Int, DeviceTensor)]
  ) {
    (self.ops, self.steps, self.slotCount) = (ops, steps, slotCount)
    (self.inputSlots, self.outputSlots, self.constants) = (inputSlots, outputSlots, constants)
    var last = [Int: Int]()
    for (i, s) in steps.enumerated() { for k in s.inputs { last[k] = i } }
    let kept = Set(outputSlots + constants.map(\.0))
    var release = [[Int]](repeating: [], count: steps.count)
    for (slot, i) in last where !kept.contains(slot) { release[i].append(slot) }
    self.release = release
  }

  /// Runs the plan on host inputs of the planned shapes; returns the outputs on the host.
  func run(_ inputs: [Tensor]) throws(GPUError) -> [Tensor] {
    var slots = [DeviceTensor?](repeating: nil, count: slotCount)
    for (slot, t) in constants { slots[slot] = t }
    for (slot, t) in zip(inputSlots, inputs) { slots[slot] = try ops.upload(t, "model input \(t.shape)") }
    for (i, s) in steps.enumerated() {
      var operands: [DeviceTensor] = []
      for k in s.inputs {
        guard let t = slots[k] else { throw .invalid("\(s.label): operand slot \(k) is empty") }
        operands.append(t)
      }
      do throws(GPUError) {
        slots[s.output] = try execute(s, operands)
      } catch {
        throw Self.naming(error, s.label)
      }
      for k in release[i] { slots[k] = nil }
    }
    var outputs: [Tensor] = []
    for slot in outputSlots {
      guard let t = slots[slot] else { throw .invalid("device plan: output slot \(slot) was never computed") }
      outputs.append(try t.host())
    }
    return outputs
  }

  /// The error with the step that failed named (out of memory keeps its allocation's name).
  static func naming(_ error: GPUError, _ label: String) -> GPUError {
    switch error {
    case .outOfMemory(let what, let bytes, let device): .outOfMemory(allocation: "\(what) in \(label)", bytes: bytes, device: device)
    case .call(let m): .call("\(label): \(m)")
    case .invalid(let m): .invalid("\(label): \(m)")
    case .unavailable: error
    }
  }

  func execute(_ s: PlannedStep, _ x: [DeviceTensor]) throws(GPUError) -> DeviceTensor {
    switch s.step {
    case .conv(let options, let hasBias, let hasResidual, let act, let q):
      let epilogue = DeviceEpilogue(
        bias: hasBias ? x[2] : nil, residual: hasResidual ? x[hasBias ? 3 : 2] : nil, activation: act,
        fakeQuantization: q.map { ($0.scale, $0.zeroPoint, $0.low, $0.high) })
      return try ops.conv2dInference(x[0], weight: x[1], options: options, epilogue: epilogue)
    case .gemm(let transA, let transB, let alpha, let hasBias):
      return try gemm(x, s.shape, transA: transA, transB: transB, alpha: alpha, hasBias: hasBias)
    case .unary(let op): return try ops.unary(op, x[0])
    case .binary(let op):
      var y = x[0]
      for b in x.dropFirst() { y = try ops.binary(op, y, b) }
      return y
    case .quantize(let mode, let q):
      return try ops.quantize(
        mode, x[0], plus: x.count > 1 ? x[1] : nil, scale: q.scale, zeroPoint: q.zeroPoint, low: q.low, high: q.high)
    case .maxPool(let o): return try ops.maxPoolInference(x[0], o)
    case .averagePool(let o): return try ops.avgPoolForward(x[0], o)
    case .softmax(let columns):
      return try ops.softmax(x[0], rows: x[0].count / max(columns, 1), cols: columns).reshaped(s.shape)
    case .concat(let axis): return try ops.concat(x, axis: axis, shape: s.shape)
    case .view: return try x[0].reshaped(s.shape)
    case .permute(let perm, let q):
      return try ops.permute(x[0], perm, dequantize: q.map { ($0.scale, $0.zeroPoint) })
    case .batchNorm:
      return try ops.batchNormInference(x[0], mean: x[1], invStd: x[2], scale: x[3], bias: x[4])
    }
  }

  /// Gemm over row-major operands: A [m, k] (or [k, m] transposed), B [k, n] (or [n, k]).
  func gemm(_ x: [DeviceTensor], _ shape: [Int], transA: Bool, transB: Bool, alpha: Float, hasBias: Bool)
    throws(GPUError) -> DeviceTensor
  {
    let (m, n) = (shape[0], shape[1])
    let k = x[0].count / max(m, 1)
    let y = try ops.empty([m, n], "gemm output [\(m), \(n)]")
    try ops.gemm(
      transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, x[0], lda: transA ? m : k, x[1],
      ldb: transB ? k : n, y, ldc: n)
    guard hasBias else { return y }
    return x[2].count == n ? try ops.biasAdd(y, x[2].reshaped([n])) : try ops.binary(.add, y, x[2])
  }
}
