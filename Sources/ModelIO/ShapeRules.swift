import Tensor

/// Output-shape rules shared by constant folding and planning; errors name the node.
enum ShapeRules {
  static func fail(_ node: Node, _ why: String) -> ModelLoadError {
    ModelLoadError("\(node.op) node '\(node.label)': \(why)")
  }

  /// The element count of a shape from a file (a Reshape target, say): overflow and
  /// negative dimensions are errors naming the node, not traps.
  static func count(_ node: Node, _ shape: [Int]) throws(ModelLoadError) -> Int {
    do throws(MemoryError) {
      return try Sizes.elementCount(shape, of: "shape")
    } catch {
      throw fail(node, error.message)
    }
  }

  static func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in shape.indices.reversed() { s[i] = acc; acc *= shape[i] }
    return s
  }

  static func broadcast(_ node: Node, _ a: [Int], _ b: [Int]) throws(ModelLoadError) -> [Int] {
    let r = max(a.count, b.count)
    let pa = Array(repeating: 1, count: r - a.count) + a
    let pb = Array(repeating: 1, count: r - b.count) + b
    var out: [Int] = []
    for (x, y) in zip(pa, pb) {
      guard x == y || x == 1 || y == 1 else { throw fail(node, "shapes \(a) and \(b) do not broadcast") }
      out.append(x == 1 ? y : x)
    }
    return out
  }

  /// For each element of `target`, the flat index in an array of `shape` broadcast to it.
  static func broadcastIndices(_ shape: [Int], to target: [Int]) -> [Int] {
    let padded = Array(repeating: 1, count: target.count - shape.count) + shape
    let st = strides(padded)
    let total = target.reduce(1, *)
    var out = [Int](repeating: 0, count: total)
    var index = [Int](repeating: 0, count: target.count)
    for k in 0..<total {
      var s = 0
      for a in target.indices where padded[a] != 1 { s += index[a] * st[a] }
      out[k] = s
      var a = target.count - 1
      while a >= 0 { index[a] += 1; if index[a] < target[a] { break }; index[a] = 0; a -= 1 }
    }
    return out
  }

  static func squeeze(_ node: Node, _ shape: [Int], axes: [Int]?, unsqueeze: Bool) throws(ModelLoadError) -> [Int] {
    if unsqueeze {
      guard let axes else { throw fail(node, "needs axes") }
      let r = shape.count + axes.count
      let norm = axes.map { $0 < 0 ? $0 + r : $0 }
      guard norm.allSatisfy({ $0 >= 0 && $0 < r }), Set(norm).count == norm.count else {
        throw fail(node, "axes \(axes) out of range for output rank \(r)")
      }
      var out: [Int] = []
      var it = shape.makeIterator()
      for i in 0..<r { out.append(norm.contains(i) ? 1 : it.next()!) }
      return out
    }
    guard let axes else { return shape.filter { $0 != 1 } }
    let norm = axes.map { $0 < 0 ? $0 + shape.count : $0 }
    guard norm.allSatisfy({ $0 >= 0 && $0 < shape.count && shape[$0] == 1 }) else {
      throw fail(node, "cannot squeeze axes \(axes) of shape \(shape)")
    }
    return shape.enumerated().filter { !norm.contains($0.offset) }.map(\.element)
  }

  static func reshape(_ node: Node, _ shape: [Int], target: [Int64]) throws(ModelLoadError) -> [Int] {
    let allowZero = node.int("allowzero") == 1
    let count = try Self.count(node, shape)
    var out: [Int] = []
    var infer: Int?
    for (i, d) in target.enumerated() {
      if d == -1 {
        guard infer == nil else { throw fail(node, "more than one -1 in \(target)") }
        infer = i
        out.append(1)
      } else if d == 0 && !allowZero {
        guard i < shape.count else { throw fail(node, "0 at position \(i) but input \(shape) has no such dimension") }
        out.append(shape[i])
      } else {
        guard d >= 0, d < 1 << 40 else { throw fail(node, "bad dimension \(d) in \(target)") }
        out.append(Int(d))
      }
    }
    let known = try Self.count(node, out)
    if let infer {
      guard known > 0, count % known == 0 else { throw fail(node, "cannot reshape \(shape) to \(target)") }
      out[infer] = count / known
    }
    guard try Self.count(node, out) == count else { throw fail(node, "cannot reshape \(shape) (\(count) elements) to \(target)") }
    return out
  }

  static func flatten(_ node: Node, _ shape: [Int]) throws(ModelLoadError) -> [Int] {
    var axis = node.int("axis") ?? 1
    if axis < 0 { axis += shape.count }
    guard axis >= 0, axis <= shape.count else { throw fail(node, "axis out of range for \(shape)") }
    return [try count(node, Array(shape[..<axis])), try count(node, Array(shape[axis...]))]
  }

  static func permutation(_ node: Node, rank: Int) throws(ModelLoadError) -> [Int] {
    let perm = node.ints("perm") ?? Array((0..<rank).reversed())
    guard perm.count == rank, Set(perm) == Set(0..<rank) else {
      throw fail(node, "perm \(perm) is not a permutation of rank \(rank)")
    }
    return perm
  }

  static func axis(_ node: Node, _ a: Int, rank: Int) throws(ModelLoadError) -> Int {
    let v = a < 0 ? a + rank : a
    guard v >= 0, v < rank else { throw fail(node, "axis \(a) out of range for rank \(rank)") }
    return v
  }
}

/// Per-tensor or per-axis linear quantization parameters (ONNX QuantizeLinear/DequantizeLinear).
struct Quantization {
  var scales: [Float]
  var zeroPoints: [Float]
  /// The axis the parameters vary along (nil for per-tensor).
  var axis: Int?
  var type: ElementType

  init(_ node: Node, _ scale: HostArray?, _ zeroPoint: HostArray?, rank: Int) throws(ModelLoadError) {
    guard let scale else { throw ShapeRules.fail(node, "needs a constant scale") }
    scales = scale.floats()
    type = zeroPoint?.dtype ?? .uint8
    guard [.uint8, .int8, .int32].contains(type) else {
      throw ShapeRules.fail(node, "zero point type \(type) is not supported (uint8, int8, int32)")
    }
    zeroPoints = zeroPoint?.floats() ?? Array(repeating: 0, count: scales.count)
    guard zeroPoints.count == scales.count, !scales.isEmpty else {
      throw ShapeRules.fail(node, "scale and zero point sizes differ")
    }
    if scales.count > 1 {
      axis = try ShapeRules.axis(node, node.int("axis") ?? 1, rank: rank)
    }
  }

  var range: (Float, Float) {
    switch type {
    case .int8: (-128, 127)
    case .int32: (-2_147_483_648, 2_147_483_520)
    default: (0, 255)
    }
  }

  /// Channel index of flat element i and the plane size for per-axis parameters.
  private func layout(_ shape: [Int]) -> (inner: Int, channels: Int) {
    guard let axis else { return (1, 1) }
    return (shape[(axis + 1)...].reduce(1, *), shape[axis])
  }

  /// x → saturate(roundHalfEven(x / scale) + zeroPoint), in place (values stay Float).
  func quantize(_ v: inout [Float], shape: [Int]) {
    let (inner, channels) = layout(shape)
    let (lo, hi) = range
    for i in v.indices {
      let c = (i / inner) % channels
      let q = (v[i] / scales[c]).rounded(.toNearestOrEven) + zeroPoints[c]
      v[i] = q.isNaN ? zeroPoints[c] : min(max(q, lo), hi)
    }
  }

  /// q → (q − zeroPoint) · scale, in place.
  func dequantize(_ v: inout [Float], shape: [Int]) {
    let n = v.count
    v.withUnsafeMutableBufferPointer { p in dequantize(UnsafeBufferPointer(p), into: p, count: n, shape: shape) }
  }

  /// q → (q − zeroPoint) · scale from `src` into `dst` (which may be the same memory), one
  /// run of `inner` elements per channel so there is no division per element.
  func dequantize(
    _ src: UnsafeBufferPointer<Float>, into dst: UnsafeMutableBufferPointer<Float>, count n: Int, shape: [Int]
  ) {
    // Per-tensor parameters: one run over everything.
    let (inner, channels) = axis == nil ? (n, 1) : layout(shape)
    guard inner > 0 else { return }
    var start = 0
    var c = 0
    while start < n {
      let (z, s) = (zeroPoints[c], scales[c])
      for i in start..<min(start + inner, n) { dst[i] = (src[i] - z) * s }
      start += inner
      c = c + 1 == channels ? 0 : c + 1
    }
  }
}
