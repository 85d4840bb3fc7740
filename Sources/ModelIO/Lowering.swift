import Tensor

extension Planner {
  /// ONNX pads [begin…, end…] for the spatial axes, resolving auto_pad.
  func spatialPads(_ node: Node, input: [Int], kernel: [Int], strides: [Int], dilations: [Int]) throws(ModelLoadError)
    -> [Int]
  {
    do throws(Node.PaddingError) {
      return try node.spatialPads(input: input, kernel: kernel, strides: strides, dilations: dilations)
    } catch { throw fail(node, error.message) }
  }

  func spatialAttribute(_ node: Node, _ key: String, count: Int, default d: Int) throws(ModelLoadError) -> [Int] {
    let v = node.ints(key) ?? Array(repeating: d, count: count)
    guard v.count == count, v.allSatisfy({ $0 > 0 }) else { throw fail(node, "\(key) \(v) is invalid") }
    return v
  }

  /// The kernels' form of a fused activation.
  static func activation(_ node: Node) -> UnaryOp? {
    switch node.fusion.activation {
    case .relu?: .relu
    case .leakyRelu(let alpha)?: .leakyRelu(alpha: alpha)
    case .clip(let lo, let hi)?: .clip(min: lo, max: hi)
    case nil: nil
    }
  }

  mutating func lowerConv(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard x.shape.count == 4 else { throw fail(node, "only 2-D convolution is supported (input shape \(x.shape))") }
    // The weight's shape only: an int8 convolution reads its codes, never its float values.
    guard node.inputs.count > 1, let wShape = env.constantShape(node.inputs[1]) else {
      throw fail(node, "the weight must be a constant (initializer)")
    }
    guard wShape.count == 4 else { throw fail(node, "weight '\(node.inputs[1])' has shape \(wShape), not 4-D") }
    let kernel = node.ints("kernel_shape") ?? Array(wShape[2...])
    guard kernel == Array(wShape[2...]) else {
      throw fail(node, "kernel_shape \(kernel) does not match weight '\(node.inputs[1])' shape \(wShape)")
    }
    let strides = try spatialAttribute(node, "strides", count: 2, default: 1)
    let dilations = try spatialAttribute(node, "dilations", count: 2, default: 1)
    let pads = try spatialPads(node, input: Array(x.shape[2...]), kernel: kernel, strides: strides, dilations: dilations)
    let groups = node.int("group") ?? 1
    let options = Conv2DOptions(
      stride: (strides[0], strides[1]), pads: pads, dilation: (dilations[0], dilations[1]), groups: groups)
    let geometry: ConvGeometry, outShape: [Int]
    do {
      (geometry, outShape) = try Tensor.conv2dGeometry(input: x.shape, weight: wShape, options: options)
    } catch {
      throw fail(node, "input \(x.shape) and weight '\(node.inputs[1])' \(wShape) do not fit: \(error)")
    }
    // On 8-bit codes with onnxruntime's arithmetic (GraphRewrite.markInt8).
    if !node.fusion.int8Inputs.isEmpty { return try lowerInt8Conv(node, input: x, geometry, outShape: outShape, groups: groups) }
    let w = constant(node, 1)!
    var bias: Tensor?
    if node.inputs.count > 2 && !node.inputs[2].isEmpty {
      guard let b = constant(node, 2) else { throw fail(node, "the bias must be a constant (initializer)") }
      guard b.count == outShape[1] else {
        throw fail(node, "bias '\(node.inputs[2])' has shape \(b.shape) but the convolution has \(outShape[1]) outputs")
      }
      bias = try tensor(b, node.inputs[2])
    }
    let act = Planner.activation(node)
    let fq = node.fusion.outputQuantization?.packed
    // A fused shortcut (GraphRewrite.fuseResidualAdd) comes as a fourth input; only the
    // packed convolution adds it.
    let residual = node.inputs.count > 3 && !node.inputs[3].isEmpty
    if !residual, try lowerDepthwise(
      node, input: x.slot, batch: x.shape[0], geometry, groups: groups, weights: w, bias: bias?.scalars,
      activation: act, fakeQuant: fq)
    {
      return
    }
    if let gemv = Int8Gemv(node: node, input: x.shape, outShape: outShape, groups: groups, planner: self,
      bias: bias?.scalars, activation: act, fakeQuant: fq)
    {
      try bind(node, outShape, inputs: [x.slot], kind: "Conv(int8 gemv)") { gemv($0[0]) }
      return
    }
    if !residual, let direct = w.withFloats({ DirectConv(
      weights: $0, geometry: geometry, groups: groups, outShape: outShape, bias: bias?.scalars, activation: act,
      fakeQuant: fq) })
    {
      try bind(node, outShape, inputs: [x.slot], kind: "Conv(direct)") { try direct($0[0]) }
      directConvs[slotCount - 1] = (steps.count - 1, direct, x.slot)
      return
    }
    let conv = w.withFloats { PackedConv(
      weights: $0, geometry: geometry, groups: groups, outShape: outShape, bias: bias?.scalars, activation: act,
      fakeQuant: fq) }
    // TABBY_PROFILE shows the Winograd and blocked convolutions apart.
    let kind = conv.winograd > 0 ? "Conv(winograd F\(conv.winograd))" : conv.blocked ? "Conv(blocked)" : nil
    if residual {
      let r = try operand(node, 3)
      guard r.shape == outShape else {
        throw fail(node, "residual '\(node.inputs[3])' has shape \(r.shape), the convolution's output \(outShape)")
      }
      try bind(node, outShape, inputs: [x.slot, r.slot], kind: kind) { try conv($0[0], residual: $0[1]) }
      packedConvs[slotCount - 1] = (steps.count - 1, conv, [x.slot, r.slot])
    } else {
      try bind(node, outShape, inputs: [x.slot], kind: kind) { try conv($0[0], residual: nil) }
      packedConvs[slotCount - 1] = (steps.count - 1, conv, [x.slot])
    }
  }

  mutating func lowerGemm(_ node: Node) throws(ModelLoadError) {
    let (a, b) = (try operand(node, 0), try operand(node, 1))
    let transA = (node.int("transA") ?? 0) != 0
    let transB = (node.int("transB") ?? 0) != 0
    guard a.shape.count == 2, b.shape.count == 2 else { throw fail(node, "A \(a.shape) and B \(b.shape) must be 2-D") }
    let (m, k) = transA ? (a.shape[1], a.shape[0]) : (a.shape[0], a.shape[1])
    let (kb, n) = transB ? (b.shape[1], b.shape[0]) : (b.shape[0], b.shape[1])
    guard k == kb else {
      throw fail(node, "input has \(k) features but weight '\(node.inputs[1])' has shape \(b.shape)")
    }
    let (alpha, beta) = (node.float("alpha") ?? 1, node.float("beta") ?? 1)
    // Constant weights and a per-output (or no) bias: the packed fully connected layer.
    let cConst = node.inputs.count > 2 && !node.inputs[2].isEmpty ? constant(node, 2) : nil
    let hasC = node.inputs.count > 2 && !node.inputs[2].isEmpty
    if let w = constant(node, 1), !hasC || (cConst.map { $0.count == n } ?? false) {
      let bias = cConst.map { $0.floats().map { beta * $0 } }
      let dense = PackedDense(weights: w.floats(), transB: transB, inputs: k, outputs: n, transA: transA, alpha: alpha, bias: bias)
      try bind(node, [m, n], inputs: [a.slot]) { try dense($0[0]) }
      return
    }
    var slots = [a.slot, b.slot]
    if node.inputs.count > 2 && !node.inputs[2].isEmpty {
      let c = try operand(node, 2)
      guard try ShapeRules.broadcast(node, c.shape, [m, n]) == [m, n] else {
        throw fail(node, "C '\(node.inputs[2])' \(c.shape) does not broadcast to [\(m), \(n)]")
      }
      slots.append(c.slot)
    }
    try bind(node, [m, n], inputs: slots) {
      try Tensor.gemm($0[0], $0[1], c: $0.count > 2 ? $0[2] : nil, transA: transA, transB: transB, alpha: alpha, beta: beta)
    }
  }

  mutating func lowerMatMul(_ node: Node) throws(ModelLoadError) {
    let (a, b) = (try operand(node, 0), try operand(node, 1))
    guard !a.shape.isEmpty, !b.shape.isEmpty else { throw fail(node, "scalar operands") }
    let a2 = a.shape.count == 1 ? [1] + a.shape : a.shape
    let b2 = b.shape.count == 1 ? b.shape + [1] : b.shape
    guard a2[a2.count - 1] == b2[b2.count - 2] else { throw fail(node, "shapes \(a.shape) and \(b.shape) do not multiply") }
    var shape = try ShapeRules.broadcast(node, Array(a2.dropLast(2)), Array(b2.dropLast(2)))
    if a.shape.count > 1 { shape.append(a2[a2.count - 2]) }
    if b.shape.count > 1 { shape.append(b2[b2.count - 1]) }
    // A constant 2-D B (a Linear layer, also on [N, H, W, C] tensors): every row of A goes
    // through one packed fully connected layer.
    if b.shape.count == 2, a.shape.count >= 2, let w = constant(node, 1) {
      let (k, n) = (b.shape[0], b.shape[1])
      let rows = a.shape.dropLast().reduce(1, *)
      let outShape = shape
      // RowsTimesConstant repacks W for every tile of up to 384 rows; PackedDense packs W once
      // but transposes X and Y on each call. Whichever moves fewer floats: ConvNeXt's late
      // stages (196 and 49 rows against 384×1536 and 768×3072 weights) take PackedDense.
      let rowTiles = (rows + 383) / 384
      let run: (Tensor, [Float]?) throws -> Tensor
      if rows >= 16 && rowTiles * k * n <= rows * (k + n) {
        let product = RowsTimesConstant(weights: w.floats(), inputs: k, outputs: n)
        run = { x, bias in try product(try x.reshaped([rows, k]), rows: rows, bias: bias).reshaped(outShape) }
      } else {
        let dense = PackedDense(weights: w.floats(), transB: false, inputs: k, outputs: n, transA: false, alpha: 1, bias: nil)
        run = { x, bias in try dense(try x.reshaped([rows, k]), bias: bias).reshaped(outShape) }
      }
      try bind(node, shape, inputs: [a.slot]) { try run($0[0], nil) }
      linearProducts[slotCount - 1] = (steps.count - 1, a.slot, run)
      return
    }
    try bind(node, shape, inputs: [a.slot, b.slot]) { try Tensor.matmul($0[0], $0[1]) }
  }
}

extension Planner {
  /// `Add(MatMul(x, W), b)` with b one value per output column (a Linear layer's bias, as
  /// PyTorch exports it on [N, H, W, C] tensors; ConvNeXt has 36) runs as one step: the bias
  /// is added in the gemm's epilogue instead of a pass over the product. The sum is the
  /// same (x·W + b, one rounding), so outputs do not change. False when not that pattern.
  mutating func lowerLinearBias(_ node: Node) throws(ModelLoadError) -> Bool {
    guard node.op == "Add", node.inputs.count == 2, node.fusion == Fusion() else { return false }
    for k in 0..<2 {
      guard case .runtime(let slot, let shape, .float32)? = env[node.inputs[k]], let linear = linearProducts[slot],
        uses[node.inputs[k]] == 1, !absorbedSteps.contains(linear.step), let b = constant(node, 1 - k),
        let n = shape.last, b.count == n, b.shape.count <= shape.count, b.shape.dropLast().allSatisfy({ $0 == 1 })
      else { continue }
      let bias = b.floats()
      absorbedSteps.insert(linear.step)
      try bind(node, shape, inputs: [linear.input], kind: "MatMul+Add") { try linear.run($0[0], bias) }
      return true
    }
    return false
  }
}

/// Max over each spatial plane.
func globalMaxPool(_ x: Tensor, _ shape: [Int]) -> Tensor {
  var y = Tensor(uninitializedShape: shape)
  let planes = shape[0] * shape[1]
  let plane = x.count / max(planes, 1)
  y.withUnsafeMutableBufferPointer { yp in
    x.withUnsafeBufferPointer { xp in
      for p in 0..<planes {
        var m = -Float.infinity
        for i in 0..<plane { m = max(m, xp[p * plane + i]) }
        yp[p] = m
      }
    }
  }
  return y
}
