import CKernels
import Tensor

/// A 1×1 convolution on a 1×1 map (a quantized classifier's last layer: 1280 → 1001 in
/// MobileNetV2) whose weights are dequantized 8-bit codes runs on the codes themselves: the
/// step is memory-bound, and the codes are a quarter of the bytes of their float values.
final class Int8Gemv: @unchecked Sendable {
  let outputs: Int, inputs: Int, batch: Int
  let codes: [Int8]
  let scales: [Float], zeros: [Float]
  let bias: [Float]?
  let fused: KernelEpilogue

  /// nil unless the node is such a layer (one group, no shortcut, per-tensor or
  /// per-output-channel parameters, an activation the kernels fuse).
  init?(
    node: Node, input: [Int], outShape: [Int], groups: Int, planner: Planner, bias: [Float]?, activation: UnaryOp?,
    fakeQuant: [Float]?
  ) {
    guard groups == 1, input.count == 4, input[2] == 1, input[3] == 1, outShape[2] == 1, outShape[3] == 1,
      node.inputs.count <= 3, let (values, q, quantize) = planner.int8Weights[node.inputs[1]], values.shape.count == 4,
      values.shape[2] == 1, values.shape[3] == 1, q.axis == nil || q.axis == 0
    else { return nil }
    guard let fused = KernelEpilogue(activation: activation, fakeQuant: fakeQuant) else { return nil }
    self.fused = fused
    (outputs, inputs, batch) = (values.shape[0], values.shape[1], input[0])
    var codes = values.floats()
    if quantize { q.quantize(&codes, shape: values.shape) }
    // uint8 codes and zero points shift by 128 into int8: (q − z) is unchanged.
    let shift: Float = (quantize ? q.type : values.dtype) == .uint8 ? 128 : 0
    self.codes = codes.map { Int8(clamping: Int($0 - shift)) }
    let perRow = q.axis == 0
    scales = (0..<outputs).map { perRow ? q.scales[$0] : q.scales[0] }
    zeros = (0..<outputs).map { (perRow ? q.zeroPoints[$0] : q.zeroPoints[0]) - shift }
    self.bias = bias
  }

  func callAsFunction(_ x: Tensor) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, outputs, 1, 1])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        codes.withUnsafeBufferPointer { cp in
          withOptionalPointer(bias) { bp in
            var ep = fused.with(bias: bp)
            for n in 0..<batch {
              ck_gemv_s8(
                outputs, inputs, cp.baseAddress, scales, zeros, xp.baseAddress! + n * inputs, yp.baseAddress! + n * outputs, &ep)
            }
          }
        }
      }
    }
    return y
  }
}
