import CKernels
import Tensor

/// The int8 path's other steps (GraphRewrite.markInt8): each reads codes (or dequantized
/// values, re-quantized exactly) and computes what onnxruntime's QLinear kernel does.
extension Planner {
  /// The dtype of a node's output: its codes' type when it emits codes, else float.
  static func int8Output(_ node: Node, _ q: FusedQuantization) -> ElementType {
    node.fusion.emitsCodes ? (q.low < 0 ? .int8 : .uint8) : .float32
  }

  /// QLinearAdd (a quantized residual sum).
  mutating func lowerInt8Add(_ node: Node) throws(ModelLoadError) {
    guard let c = node.fusion.outputQuantization, node.fusion.int8Inputs.count == 2 else {
      throw fail(node, "the int8 path needs both inputs' and the output's quantization")
    }
    let (qa, qb) = (node.fusion.int8Inputs[0], node.fusion.int8Inputs[1])
    let (a, b) = (try operand(node, 0), try operand(node, 1))
    let shape = try ShapeRules.broadcast(node, a.shape, b.shape)
    let (sa, sb) = (a.dtype.isInteger ? 0 : qa.scale, b.dtype.isInteger ? 0 : qb.scale)
    let dequantize: Int32 = node.fusion.emitsCodes ? 0 : 1
    try bind(node, shape, Planner.int8Output(node, c), inputs: [a.slot, b.slot], kind: "Add(int8)") { args in
      let x = args[0].shape == shape ? args[0] : try args[0].broadcast(to: shape)
      let z = args[1].shape == shape ? args[1] : try args[1].broadcast(to: shape)
      var y = Tensor(uninitializedShape: shape)
      y.withUnsafeMutableBufferPointer { yp in
        x.withUnsafeBufferPointer { xp in
          z.withUnsafeBufferPointer { zp in
            ck_qadd(
              xp.baseAddress, zp.baseAddress, yp.count, qa.scale, qa.zeroPoint, sa, qb.scale, qb.zeroPoint, sb,
              c.scale, c.zeroPoint, c.low, c.high, dequantize, yp.baseAddress)
          }
        }
      }
      return y
    }
  }

  /// QLinearAveragePool: dequantized sums in onnxruntime's order, then quantized.
  mutating func lowerInt8AveragePool(_ node: Node) throws(ModelLoadError) {
    guard let c = node.fusion.outputQuantization, let q = node.fusion.int8Inputs.first else {
      throw fail(node, "the int8 path needs the input's and the output's quantization")
    }
    let x = try operand(node, 0)
    guard x.shape.count == 4, let kernel = node.ints("kernel_shape"), kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
      throw fail(node, "the int8 path pools 2-D NCHW inputs with a 2-D kernel_shape")
    }
    let strides = try spatialAttribute(node, "strides", count: 2, default: 1)
    let pads = try spatialPads(node, input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: [1, 1])
    let (h, w) = (x.shape[2], x.shape[3])
    let oh = (h + pads[0] + pads[2] - kernel[0]) / strides[0] + 1
    let ow = (w + pads[1] + pads[3] - kernel[1]) / strides[1] + 1
    guard oh > 0, ow > 0 else { throw fail(node, "kernel \(kernel) does not fit input \(x.shape)") }
    let shape = [x.shape[0], x.shape[1], oh, ow]
    let include: Int32 = (node.int("count_include_pad") ?? 0) != 0 ? 1 : 0
    let inScale = x.dtype.isInteger ? 0 : q.scale
    let dequantize: Int32 = node.fusion.emitsCodes ? 0 : 1
    try bind(node, shape, Planner.int8Output(node, c), inputs: [x.slot], kind: "AveragePool(int8)") { args in
      var y = Tensor(uninitializedShape: shape)
      y.withUnsafeMutableBufferPointer { yp in
        args[0].withUnsafeBufferPointer { xp in
          ck_qavgpool(
            xp.baseAddress, shape[0] * shape[1], h, w, kernel[0], kernel[1], strides[0], strides[1], pads[0], pads[1], oh,
            ow, include, q.scale, q.zeroPoint, inScale, c.scale, c.zeroPoint, c.low, c.high, dequantize, yp.baseAddress)
        }
      }
      return y
    }
  }

  /// QLinearSoftmax over the last axis (onnxruntime's lookup table), output as uint8 codes. Another
  /// axis runs the float softmax on the dequantized input and quantizes its result.
  mutating func lowerInt8Softmax(_ node: Node) throws(ModelLoadError) {
    guard let c = node.fusion.outputQuantization, let q = node.fusion.int8Inputs.first else {
      throw fail(node, "the int8 path needs the input's and the output's quantization")
    }
    let x = try operand(node, 0)
    guard !x.shape.isEmpty else { throw fail(node, "needs an input of rank 1 or more") }
    let coerce = graph.opset < 13 || node.int("coerce_2d") == 1
    let axis = try ShapeRules.axis(node, node.int("axis") ?? (coerce ? 1 : -1), rank: x.shape.count)
    let shape = x.shape
    let d = coerce ? shape[axis...].reduce(1, *) : shape[shape.count - 1]
    let inScale = x.dtype.isInteger ? 0 : q.scale
    guard coerce || axis == shape.count - 1 else {
      let (isCodes, codes) = (x.dtype.isInteger, node.fusion.emitsCodes)
      try bind(node, shape, Planner.int8Output(node, c), inputs: [x.slot]) { args in
        var v = args[0]
        if isCodes { v.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = (p[i] - q.zeroPoint) * q.scale } } }
        var y = try Tensor.softmax(v, axis: axis)
        y.withUnsafeMutableBufferPointer { p in
          for i in p.indices {
            let code = clamp(roundHalfEven(p[i] / c.scale) + c.zeroPoint, c.low, c.high)
            p[i] = codes ? code : (code - c.zeroPoint) * c.scale
          }
        }
        return y
      }
      return
    }
    let codes = node.fusion.emitsCodes
    try bind(node, shape, Planner.int8Output(node, c), inputs: [x.slot], kind: "Softmax(int8)") { args in
      var y = Tensor(uninitializedShape: shape)
      y.withUnsafeMutableBufferPointer { yp in
        args[0].withUnsafeBufferPointer { xp in
          ck_qsoftmax(xp.baseAddress, yp.count / max(d, 1), d, q.scale, q.zeroPoint, inScale, c.scale, c.zeroPoint, yp.baseAddress)
        }
        if !codes { for i in yp.indices { yp[i] = (yp[i] - c.zeroPoint) * c.scale } }
      }
      return y
    }
  }

  /// A quantized model's uint8 input moved (NHWC → NCHW) as codes, for int8 steps to read.
  mutating func lowerTransposeCodes(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    let perm = try ShapeRules.permutation(node, rank: x.shape.count)
    let type: ElementType = (node.fusion.inputDequantization?.low ?? 0) < 0 ? .int8 : .uint8
    try bind(node, perm.map { x.shape[$0] }, type, inputs: [x.slot]) { try $0[0].transposed(perm) }
  }
}
