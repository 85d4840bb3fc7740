import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

extension Planner {
  mutating func lowerUnary(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    // Erf, and Gelu's exact form (the tanh approximation takes the scalar path below): vectorised
    // kernels (CKernels/erf.c); libm's erff, one element at a time, was 30 % of ConvNeXt.
    let erf = node.op == "Erf"
    if erf || (node.op == "Gelu" && (node.string("approximate") ?? "none") == "none") {
      try bind(node, x.shape, inputs: [x.slot]) {
        Self.parallelArrayFunction({ x, y, n in erf ? ck_erf(x, y, n) : ck_gelu(x, y, n) }, $0[0])
      }
      return
    }
    let op: UnaryOp?
    var f: (@Sendable (Float) -> Float)?
    switch node.op {
    case "Relu": op = .relu
    case "Sigmoid": op = .sigmoid
    case "Tanh": op = .tanh
    case "LeakyRelu": op = .leakyRelu(alpha: node.float("alpha") ?? 0.01)
    case "Clip":
      guard let (lo, hi) = clipBounds(node) else { throw fail(node, "min and max must be constants") }
      op = .clip(min: lo, max: hi)
    case "Exp": op = .exp
    case "Neg": op = .negate
    case "Sqrt": op = .sqrt
    default:
      op = nil
      f = try scalarFunction(node)
    }
    try bind(node, x.shape, inputs: [x.slot]) { [f] in
      // Sigmoid by CKernels' vectorised exp (EfficientNet's squeeze-and-excitation gates).
      if op == .sigmoid { return Self.parallelActivation($0[0], ck_sigmoid) }
      if let op { return Self.parallelUnary(op, $0[0]) }
      var y = $0[0]
      y.withUnsafeMutableBufferPointer { p in
        let (base, f) = (p.baseAddress!, f!)
        parallelChunks(p.count) { r in for i in r { base[i] = f(base[i]) } }
      }
      return y
    }
    if node.op == "Sigmoid", x.dtype == .float32 { sigmoidSteps[node.outputs[0]] = (steps.count - 1, x.slot) }
  }

  /// An engine unary op split over the engine's threads (a standalone activation, such as
  /// EfficientNet's SiLU sigmoids, is otherwise one thread's pass over a whole feature map).
  static func parallelUnary(_ op: UnaryOp, _ x: Tensor) -> Tensor {
    parallelArrayFunction({ CPUBackend.shared.unary(op, $0, $1, count: $2) }, x)
  }

  /// An array kernel split over the engine's threads, into a fresh tensor.
  static func parallelArrayFunction(
    _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, _ x: Tensor
  ) -> Tensor {
    var y = Tensor(uninitializedShape: x.shape)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (src, dst) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(xp.count) { r in kernel(src + r.lowerBound, dst + r.lowerBound, r.count) }
      }
    }
    return y
  }

  /// The per-element function of a unary operator without an engine kernel.
  func scalarFunction(_ node: Node) throws(ModelLoadError) -> @Sendable (Float) -> Float {
    let alpha = node.float("alpha") ?? 1
    switch node.op {
    case "Softplus": return { v in v > 20 ? v : log1pf(expf(v)) }
    case "Softsign": return { v in v / (1 + abs(v)) }
    case "Elu": return { v in v >= 0 ? v : alpha * (expf(v) - 1) }
    case "Erf": return { v in erff(v) }
    case "Reciprocal": return { v in 1 / v }
    case "Abs": return { v in abs(v) }
    case "Log": return { v in logf(v) }
    case "HardSigmoid":
      let (a, b) = (node.float("alpha") ?? 0.2, node.float("beta") ?? 0.5)
      return { v in min(max(a * v + b, 0), 1) }
    case "HardSwish": return { v in v * min(max(v / 6 + 0.5, 0), 1) }
    case "Gelu":
      switch node.string("approximate") ?? "none" {
      case "none": return gelu
      case "tanh": return { v in 0.5 * v * (1 + tanhf(0.797_884_56 * (v + 0.044_715 * v * v * v))) }
      case let other: throw fail(node, "approximate '\(other)' is not supported (none, tanh)")
      }
    default: throw fail(node, "is not an elementwise function")
    }
  }

  func clipBounds(_ node: Node) -> (Float, Float)? {
    var lo = node.float("min") ?? -.greatestFiniteMagnitude
    var hi = node.float("max") ?? .greatestFiniteMagnitude
    for k in [1, 2] where k < node.inputs.count && !node.inputs[k].isEmpty {
      guard let a = constant(node, k), a.count == 1 else { return nil }
      if k == 1 { lo = a.floats()[0] } else { hi = a.floats()[0] }
    }
    return (lo, hi)
  }

  /// Inference batch norm as one per-channel affine pass, y = a·x + b with a = γ/√(σ²+ε) and
  /// b = β − μ·a worked out once here, the following activation fused (DenseNet's BN → ReLU
  /// pairs, which cannot fold into a convolution), planes split over the engine's threads.
  mutating func lowerBatchNorm(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard x.shape.count >= 2 else { throw fail(node, "input \(x.shape) has no channel axis") }
    var params: [[Float]] = []
    for k in 1...4 {
      guard let a = constant(node, k) else { throw fail(node, "input \(k) must be a constant") }
      guard a.count == x.shape[1] else {
        throw fail(node, "'\(node.inputs[k])' has shape \(a.shape) but the input has \(x.shape[1]) channels")
      }
      params.append(a.floats())
    }
    let eps = node.float("epsilon") ?? 1e-5
    let scale = (0..<x.shape[1]).map { params[0][$0] / (params[3][$0] + eps).squareRoot() }
    let shift = (0..<x.shape[1]).map { params[1][$0] - params[2][$0] * scale[$0] }
    let activation = Self.activation(node)
    try bind(node, x.shape, inputs: [x.slot]) {
      Tensor.channelAffine($0[0], a: scale, b: shift, finish: activation.map { op in { applyActivation(op, $0, $1) } })
    }
  }

  mutating func lowerPool(_ node: Node) throws(ModelLoadError) {
    if !node.fusion.int8Inputs.isEmpty { return try lowerInt8AveragePool(node) }
    let x = try operand(node, 0)
    guard x.shape.count == 4 else { throw fail(node, "only 2-D pooling is supported (input shape \(x.shape))") }
    guard let kernel = node.ints("kernel_shape"), kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
      throw fail(node, "needs a 2-D kernel_shape")
    }
    let strides = try spatialAttribute(node, "strides", count: 2, default: 1)
    let dilations = try spatialAttribute(node, "dilations", count: 2, default: 1)
    guard dilations == [1, 1] else { throw fail(node, "dilations \(dilations) are not supported") }
    if node.op == "MaxPool" && node.outputs.count > 1 { throw fail(node, "the Indices output is not supported") }
    let pads = try spatialPads(node, input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations)
    let ceil = (node.int("ceil_mode") ?? 0) != 0
    let options = Pool2DOptions(
      kernel: kernel, stride: strides, pads: pads, ceilMode: ceil, countIncludePad: (node.int("count_include_pad") ?? 0) != 0)
    var out = Array(x.shape[..<2])
    for i in 0..<2 {
      let span = x.shape[2 + i] + pads[i] + pads[i + 2] - kernel[i]
      guard span >= 0 else { throw fail(node, "kernel \(kernel) is larger than the padded input \(x.shape)") }
      var o = (ceil ? (span + strides[i] - 1) / strides[i] : span / strides[i]) + 1
      if ceil && (o - 1) * strides[i] >= x.shape[2 + i] + pads[i] { o -= 1 }
      out.append(o)
    }
    if node.op == "MaxPool" {
      let pool = MaxPool2DPlan(shape: x.shape, kernel: kernel, strides: strides, pads: pads, out: out)
      if let direct = directConvs[x.slot], uses[node.inputs[0]] == 1, DirectConv.poolingEnabled {
        // The first convolution's output (3 MB for SqueezeNet) goes straight into the pooling.
        absorbedSteps.insert(direct.step)
        let (conv, params) = (direct.conv, pool.params)
        try bind(node, out, x.dtype, inputs: [direct.input], kind: "Conv(direct)+MaxPool") { try conv.pooled($0[0], params) }
        return
      }
      try bind(node, out, x.dtype, inputs: [x.slot]) { try pool($0[0]).reshaped(out) }
    } else if out[2] == 1 && out[3] == 1 && kernel == Array(x.shape[2...]) && pads.allSatisfy({ $0 == 0 }) {
      // The window is the whole plane (MobileNet's last pooling): a plain mean per plane.
      try bind(node, out, inputs: [x.slot]) { planeMeans($0[0], out) }
    } else {
      try bind(node, out, inputs: [x.slot]) { try Tensor.avgPool2D($0[0], options) }
    }
  }

  mutating func lowerReshape(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    let shape: [Int]
    switch node.op {
    case "Flatten": shape = try ShapeRules.flatten(node, x.shape)
    case "Reshape":
      guard let t = constant(node, 1) else { throw fail(node, "the target shape must be computable at load time") }
      shape = try ShapeRules.reshape(node, x.shape, target: t.int64s())
    default:
      let axes: [Int]? = graph.opset >= 13 ? constant(node, 1)?.int64s().map { Int($0) } : node.ints("axes")
      if graph.opset >= 13 && node.inputs.count > 1 && !node.inputs[1].isEmpty && axes == nil {
        throw fail(node, "axes must be computable at load time")
      }
      shape = try ShapeRules.squeeze(node, x.shape, axes: axes, unsqueeze: node.op == "Unsqueeze")
    }
    try bind(node, shape, x.dtype, inputs: [x.slot]) { try $0[0].reshaped(shape) }
  }

  mutating func lowerConcat(_ node: Node) throws(ModelLoadError) {
    var parts: [(slot: Int, shape: [Int], dtype: ElementType)] = []
    for k in node.inputs.indices where !node.inputs[k].isEmpty { parts.append(try operand(node, k)) }
    guard let first = parts.first else { throw fail(node, "has no inputs") }
    let axis = try ShapeRules.axis(node, node.int("axis") ?? 1, rank: first.shape.count)
    var shape = first.shape
    shape[axis] = 0
    for p in parts {
      var s = p.shape
      guard s.count == shape.count else { throw fail(node, "inputs \(parts.map(\.shape)) differ in rank") }
      shape[axis] += s[axis]
      s[axis] = shape[axis]
      guard s == shape else { throw fail(node, "inputs \(parts.map(\.shape)) differ off axis \(axis)") }
    }
    if try fuseConcat(node, parts.map(\.slot), axis: axis, shape: shape) { return }
    try bind(node, shape, first.dtype, inputs: parts.map(\.slot)) { try Tensor.concat($0, axis: axis) }
  }

  mutating func lowerSoftmax(_ node: Node) throws(ModelLoadError) {
    if !node.fusion.int8Inputs.isEmpty { return try lowerInt8Softmax(node) }
    let x = try operand(node, 0)
    let coerce = graph.opset < 13 || node.int("coerce_2d") == 1
    let axis = try ShapeRules.axis(node, node.int("axis") ?? (coerce ? 1 : -1), rank: x.shape.count)
    let shape = x.shape
    if coerce {
      let flat = [shape[..<axis].reduce(1, *), shape[axis...].reduce(1, *)]
      try bind(node, shape, inputs: [x.slot]) { try Tensor.softmax(try $0[0].reshaped(flat), axis: 1).reshaped(shape) }
    } else {
      try bind(node, shape, inputs: [x.slot]) { try Tensor.softmax($0[0], axis: axis) }
    }
  }

  mutating func lowerShape(_ node: Node) throws(ModelLoadError) {
    let shape: [Int]
    switch env[node.inputs[0]] {
    case .runtime(_, let s, _)?: shape = s
    case .constant(let a)?: shape = a.shape
    case nil: throw fail(node, "input is missing")
    }
    let r = shape.count
    func clampAxis(_ v: Int) -> Int { min(max(v < 0 ? v + r : v, 0), r) }
    let start = clampAxis(node.int("start") ?? 0)
    let end = clampAxis(node.int("end") ?? r)
    let dims = start < end ? Array(shape[start..<end]) : []
    env[node.outputs[0]] = .constant(HostArray(dtype: .int64, shape: [dims.count], integers: dims.map(Int64.init)))
  }

  mutating func lowerCast(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard let to = node.int("to"), let t = ONNXReader.dataTypes[Int64(to)] else { throw fail(node, "unsupported 'to' type") }
    if !t.isInteger || !x.dtype.isInteger || t.size >= x.dtype.size {
      // Float data stays Float; a widening integer cast keeps the values.
      try bind(node, x.shape, t.isInteger ? t : .float32, inputs: [x.slot]) {
        guard t.isInteger && !x.dtype.isInteger else { return $0[0] }
        var y = $0[0]
        y.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = p[i].rounded(.towardZero) } }
        return y
      }
      return
    }
    throw fail(node, "narrowing integer cast \(x.dtype) → \(t) is not supported")
  }

  mutating func lowerQuantization(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    let q = try Quantization(node, constant(node, 1), constant(node, 2), rank: x.shape.count)
    let shape = x.shape
    switch node.op {
    case "QuantizeLinear":
      try bind(node, shape, q.type, inputs: [x.slot]) { quantizeTensor($0[0], q, shape, dequantize: false, quantize: true) }
    case "DequantizeLinear":
      try bind(node, shape, inputs: [x.slot]) { quantizeTensor($0[0], q, shape, dequantize: true, quantize: false) }
    default:
      try bind(node, shape, inputs: [x.slot]) { quantizeTensor($0[0], q, shape, dequantize: true, quantize: true) }
    }
  }
}

/// Quantize and/or dequantize a tensor with exact round-half-to-even and saturation.
func quantizeTensor(_ x: Tensor, _ q: Quantization, _ shape: [Int], dequantize: Bool, quantize: Bool) -> Tensor {
  var y = x
  y.withUnsafeMutableBufferPointer { p in
    if q.axis == nil && q.type != .int32 {
      let (s, z) = (q.scales[0], q.zeroPoints[0])
      let (lo, hi) = q.range
      let base = p.baseAddress!
      if quantize && dequantize {
        parallelChunks(p.count) { r in ck_add_fake_quantize(base + r.lowerBound, nil, base + r.lowerBound, r.count, s, z, lo, hi, 0) }
      } else if quantize {
        for i in 0..<p.count { base[i] = clamp(roundHalfEven(base[i] / s) + z, lo, hi) }
      } else {
        for i in 0..<p.count { base[i] = (base[i] - z) * s }
      }
    } else {
      var v = Array(p)
      if quantize { q.quantize(&v, shape: shape) }
      if dequantize { q.dequantize(&v, shape: shape) }
      for i in p.indices { p[i] = v[i] }
    }
  }
  return y
}

/// In place: x → (saturate(roundHalfEven(x / s) + z) − z) · s, the QDQ pair in one pass.
func fakeQuantize(_ p: UnsafeMutablePointer<Float>, _ count: Int, scale s: Float, zeroPoint z: Float, lo: Float, hi: Float) {
  for i in 0..<count { p[i] = (clamp(roundHalfEven(p[i] / s) + z, lo, hi) - z) * s }
}

/// Branch-free clamp (selects, so loops vectorise); NaN maps to `lo`.
@inline(__always) func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
  let a = v > lo ? v : lo
  return a < hi ? a : hi
}

/// Round half to even without a libm call, so quantization loops vectorise: adding and
/// subtracting 1.5·2^23 rounds in the FPU's default mode (to nearest, ties to even). Values
/// are first clamped to ±2^22, far beyond any 8-bit or 32-bit-biased code range we saturate to.
@inline(__always) func roundHalfEven(_ v: Float) -> Float {
  let magic: Float = 12_582_912
  let c = clamp(v, -4_194_304, 4_194_304)
  return (c + magic) - magic
}

/// x·Φ(x), the exact GELU: 0.5·x·(1 + erf(x/√2)), as ONNX's Gelu and its Erf decomposition.
@Sendable func gelu(_ v: Float) -> Float { 0.5 * v * (1 + erff(v * 0.707_106_77)) }
