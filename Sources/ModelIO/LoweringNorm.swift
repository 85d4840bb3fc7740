import Tensor

extension Planner {
  /// ONNX LayerNormalization (opset 17): each row over the axes from `axis` on is
  /// normalised to zero mean and unit variance, then scaled and shifted by Scale and B
  /// (which broadcast to the normalised shape). Only the Y output is computed.
  mutating func lowerLayerNorm(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard !x.shape.isEmpty else { throw fail(node, "input is a scalar") }
    if node.outputs.dropFirst().contains(where: { !$0.isEmpty && uses[$0, default: 0] > 0 }) {
      throw fail(node, "the Mean and InvStdDev outputs are not supported")
    }
    let axis = try ShapeRules.axis(node, node.int("axis") ?? -1, rank: x.shape.count)
    let rowShape = Array(x.shape[axis...])
    let row = rowShape.reduce(1, *)
    func parameter(_ k: Int, _ what: String) throws(ModelLoadError) -> [Float]? {
      guard k < node.inputs.count, !node.inputs[k].isEmpty else { return nil }
      guard let a = constant(node, k) else { throw fail(node, "\(what) must be a constant (initializer)") }
      guard a.shape.count <= rowShape.count, try ShapeRules.broadcast(node, a.shape, rowShape) == rowShape else {
        throw fail(node, "\(what) '\(node.inputs[k])' \(a.shape) does not broadcast to the normalised shape \(rowShape)")
      }
      let t = try tensor(a, node.inputs[k])
      return (a.shape == rowShape ? t : (try? t.broadcast(to: rowShape)) ?? t).scalars
    }
    guard let scale = try parameter(1, "Scale") else { throw fail(node, "needs a Scale input") }
    let bias = try parameter(2, "B")
    let eps = node.float("epsilon") ?? 1e-5
    let norm = LayerNorm(row: row, scale: scale, bias: bias, epsilon: eps)
    try bind(node, x.shape, inputs: [x.slot]) { norm($0[0]) }
  }

  /// ReduceMean, ReduceSum, ReduceMax and ReduceMin over the axes given by the attribute
  /// (opset < 18; ReduceSum from 13) or a constant second input; no axes reduce all of them
  /// unless `noop_with_empty_axes` is set.
  mutating func lowerReduce(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    let inputAxes = graph.opset >= 18 || (node.op == "ReduceSum" && graph.opset >= 13)
    var axes: [Int]
    if inputAxes && node.inputs.count > 1 && !node.inputs[1].isEmpty {
      guard let a = constant(node, 1) else { throw fail(node, "axes must be computable at load time") }
      axes = a.int64s().map { Int(clamping: $0) }
    } else {
      axes = node.ints("axes") ?? []
    }
    if axes.isEmpty {
      if node.int("noop_with_empty_axes") == 1 {
        env[node.outputs[0]] = env[node.inputs[0]]
        return
      }
      axes = Array(x.shape.indices)
    }
    var set = Set<Int>()
    for a in axes { set.insert(try ShapeRules.axis(node, a, rank: x.shape.count)) }
    let keep = (node.int("keepdims") ?? 1) != 0
    let kept = x.shape.indices.map { set.contains($0) ? 1 : x.shape[$0] }
    let shape = keep ? kept : x.shape.indices.filter { !set.contains($0) }.map { x.shape[$0] }
    let kind: ReduceKind = ["ReduceMean": .mean, "ReduceSum": .sum, "ReduceMax": .max, "ReduceMin": .min][node.op]!
    let ordered = set.sorted()
    try bind(node, shape, inputs: [x.slot]) { try reduce($0[0], axes: ordered, kind).reshaped(shape) }
  }
}

/// Layer normalisation of contiguous rows with a per-element scale and optional bias.
struct LayerNorm: Sendable {
  let row: Int
  let scale: [Float]
  let bias: [Float]?
  let epsilon: Float

  func callAsFunction(_ x: Tensor) -> Tensor {
    var y = Tensor(uninitializedShape: x.shape)
    let rows = row == 0 ? 0 : x.count / row
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        scale.withUnsafeBufferPointer { sp in
          withOptionalPointer(bias) { bp in
            let (xb, yb, s) = (xp.baseAddress!, yp.baseAddress!, sp.baseAddress!)
            parallelChunks(rows, grain: max(1, 8192 / max(row, 1))) { range in
              for r in range { normalise(xb + r * row, yb + r * row, s, bp) }
            }
          }
        }
      }
    }
    return y
  }

  /// One row: two passes (mean, then the variance about it), so large means cost no accuracy.
  private func normalise(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ b: UnsafePointer<Float>?
  ) {
    var sum: Float = 0
    for i in 0..<row { sum += x[i] }
    let mean = sum / Float(row)
    var squares: Float = 0
    for i in 0..<row {
      let d = x[i] - mean
      squares += d * d
    }
    let inv = 1 / (squares / Float(row) + epsilon).squareRoot()
    if let b {
      for i in 0..<row { y[i] = (x[i] - mean) * inv * s[i] + b[i] }
    } else {
      for i in 0..<row { y[i] = (x[i] - mean) * inv * s[i] }
    }
  }
}

enum ReduceKind: Sendable { case mean, sum, max, min }

/// x reduced over `axes` (ascending, each in range), keeping them as size-1 dimensions.
func reduce(_ x: Tensor, axes: [Int], _ kind: ReduceKind) -> Tensor {
  var y = x
  var shape = x.shape
  // One axis at a time, the innermost first, each over an [outer, axis, inner] view.
  for a in axes.reversed() {
    let (outer, n, inner) = (shape[..<a].reduce(1, *), shape[a], shape[(a + 1)...].reduce(1, *))
    shape[a] = 1
    var out = Tensor(uninitializedShape: shape)
    out.withUnsafeMutableBufferPointer { op in
      y.withUnsafeBufferPointer { ip in
        for o in 0..<outer {
          for i in 0..<inner {
            let base = o * n * inner + i
            var acc: Float = kind == .max ? -.infinity : kind == .min ? .infinity : 0
            for k in 0..<n {
              let v = ip[base + k * inner]
              switch kind {
              case .mean, .sum: acc += v
              case .max: acc = Swift.max(acc, v)
              case .min: acc = Swift.min(acc, v)
              }
            }
            op[o * inner + i] = kind == .mean ? acc / Float(max(n, 1)) : acc
          }
        }
      }
    }
    y = out
  }
  return y
}
