/// Evaluates nodes whose inputs are all known at load time (shape arithmetic, weight
/// dequantization, constant reshapes) on HostArrays, exactly for integers.
enum ConstantFolder {
  static let foldable: Set<String> = [
    "Constant", "Identity", "Gather", "Slice", "Unsqueeze", "Squeeze", "Concat", "Cast", "Add", "Sub", "Mul",
    "Div", "Reshape", "Flatten", "Transpose", "DequantizeLinear", "QuantizeLinear", "Dropout",
  ]

  static func fail(_ node: Node, _ why: String) -> ModelLoadError {
    ModelLoadError("\(node.op) node '\(node.label)': \(why)")
  }

  static func evaluate(_ node: Node, _ inputs: [HostArray?], opset: Int) throws(ModelLoadError) -> HostArray {
    func input(_ i: Int) throws(ModelLoadError) -> HostArray {
      guard i < inputs.count, let a = inputs[i] else { throw fail(node, "input \(i) is missing") }
      return a
    }
    switch node.op {
    case "Constant":
      if case .tensor(let t) = node.attributes["value"] { return t }
      if let v = node.float("value_float"), node.attributes["value_float"] != nil { return HostArray(shape: [], floats: [v]) }
      if let v = node.int("value_int") { return HostArray(dtype: .int64, shape: [], integers: [Int64(v)]) }
      if let v = node.ints("value_ints") { return HostArray(dtype: .int64, shape: [v.count], integers: v.map(Int64.init)) }
      if case .floats(let v) = node.attributes["value_floats"] { return HostArray(shape: [v.count], floats: v) }
      throw fail(node, "only tensor, float(s) and int(s) values are supported")
    case "Identity", "Dropout": return try input(0)
    case "Gather": return try gather(node, try input(0), try input(1))
    case "Slice": return try slice(node, inputs, opset: opset)
    case "Unsqueeze", "Squeeze":
      let x = try input(0)
      let axes: [Int]? = opset >= 13 ? (inputs.count > 1 ? inputs[1]?.int64s().map { Int($0) } : nil) : node.ints("axes")
      var a = x
      a.shape = try ShapeRules.squeeze(node, x.shape, axes: axes, unsqueeze: node.op == "Unsqueeze")
      return a
    case "Concat": return try concat(node, inputs.compactMap { $0 })
    case "Cast":
      guard let to = node.int("to"), let t = ONNXReader.dataTypes[Int64(to)] else { throw fail(node, "unsupported 'to' type") }
      return cast(try input(0), to: t)
    case "Add", "Sub", "Mul", "Div": return try binary(node, try input(0), try input(1))
    case "Reshape", "Flatten", "Transpose":
      var x = try input(0)
      if node.op == "Transpose" { return try transpose(node, x) }
      let shape = node.op == "Reshape"
        ? try ShapeRules.reshape(node, x.shape, target: try input(1).int64s())
        : try ShapeRules.flatten(node, x.shape)
      x.shape = shape
      return x
    case "DequantizeLinear", "QuantizeLinear":
      let q = try Quantization(node, inputs.count > 1 ? inputs[1] : nil, inputs.count > 2 ? inputs[2] : nil, rank: try input(0).shape.count)
      let x = try input(0)
      if node.op == "DequantizeLinear" {
        return x.mapFloats { q.dequantize($0, into: $1, count: $0.count, shape: x.shape) }
      }
      var v = x.floats()
      q.quantize(&v, shape: x.shape)
      return HostArray(dtype: q.type, shape: x.shape, integers: v.map { Int64($0) })
    default: throw fail(node, "cannot be evaluated at load time")
    }
  }

  static func cast(_ x: HostArray, to t: ElementType) -> HostArray {
    if t == x.dtype { return x }
    if t.isInteger {
      let v: [Int64] = x.dtype.isInteger ? x.int64s() : (0..<x.count).map { i in
        let d = x.double(at: i)
        return d.isFinite ? Int64(max(-9.2e18, min(9.2e18, d))) : 0
      }
      return HostArray(dtype: t, shape: x.shape, integers: t == .bool ? v.map { $0 != 0 ? 1 : 0 } : v)
    }
    let f = x.floats()
    switch t {
    case .float64:
      var b = [UInt8]()
      for v in f { let w = Double(v).bitPattern; for k in 0..<8 { b.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(k)))) } }
      return HostArray(dtype: .float64, shape: x.shape, bytes: b)
    default: return HostArray(shape: x.shape, floats: f)
    }
  }

  static func gather(_ node: Node, _ data: HostArray, _ indices: HostArray) throws(ModelLoadError) -> HostArray {
    let r = data.shape.count
    var axis = node.int("axis") ?? 0
    if axis < 0 { axis += r }
    guard axis >= 0, axis < r else { throw fail(node, "axis out of range for shape \(data.shape)") }
    let n = data.shape[axis]
    let idx = try indices.int64s().map { (i: Int64) throws(ModelLoadError) -> Int in
      let j = i < 0 ? Int(i) + n : Int(i)
      guard j >= 0, j < n else { throw fail(node, "index \(i) out of range for dimension \(n)") }
      return j
    }
    let outer = data.shape[..<axis].reduce(1, *)
    let inner = data.shape[(axis + 1)...].reduce(1, *) * data.dtype.size
    var bytes = [UInt8]()
    for o in 0..<outer {
      for j in idx {
        let start = (o * n + j) * inner
        bytes.append(contentsOf: data.bytes[start..<(start + inner)])
      }
    }
    return HostArray(dtype: data.dtype, shape: Array(data.shape[..<axis]) + indices.shape + Array(data.shape[(axis + 1)...]), bytes: bytes)
  }

  static func slice(_ node: Node, _ inputs: [HostArray?], opset: Int) throws(ModelLoadError) -> HostArray {
    guard let x = inputs.first ?? nil else { throw fail(node, "input 0 is missing") }
    let r = x.shape.count
    var starts: [Int64], ends: [Int64], axes: [Int64]?, steps: [Int64]?
    if opset < 10 {
      guard let s = node.ints("starts"), let e = node.ints("ends") else { throw fail(node, "needs starts and ends") }
      starts = s.map(Int64.init); ends = e.map(Int64.init); axes = node.ints("axes")?.map(Int64.init); steps = nil
    } else {
      guard inputs.count >= 3, let s = inputs[1], let e = inputs[2] else { throw fail(node, "needs starts and ends") }
      starts = s.int64s(); ends = e.int64s()
      axes = inputs.count > 3 ? inputs[3]?.int64s() : nil
      steps = inputs.count > 4 ? inputs[4]?.int64s() : nil
    }
    let ax = axes ?? (0..<Int64(starts.count)).map { $0 }
    let st = steps ?? Array(repeating: 1, count: starts.count)
    guard ends.count == starts.count, ax.count == starts.count, st.count == starts.count else {
      throw fail(node, "starts, ends, axes and steps differ in length")
    }
    var lo = [Int](repeating: 0, count: r), step = [Int](repeating: 1, count: r), count = x.shape
    for k in starts.indices {
      var a = Int(ax[k]); if a < 0 { a += r }
      guard a >= 0, a < r, st[k] != 0 else { throw fail(node, "bad axis \(ax[k]) or step \(st[k])") }
      let d = Int64(x.shape[a])
      let s = st[k]
      func clampIndex(_ v: Int64, _ lowB: Int64, _ highB: Int64) -> Int64 {
        let w = v < 0 ? v + d : v
        return min(max(w, lowB), highB)
      }
      let b = s > 0 ? clampIndex(starts[k], 0, d) : clampIndex(starts[k], -1, d - 1)
      let e = s > 0 ? clampIndex(ends[k], 0, d) : clampIndex(ends[k], -1, d - 1)
      let n = s > 0 ? max(0, (e - b + s - 1) / s) : max(0, (b - e + (-s) - 1) / (-s))
      lo[a] = Int(b); step[a] = Int(s); count[a] = Int(n)
    }
    let total = count.reduce(1, *)
    let size = x.dtype.size
    var bytes = [UInt8](); bytes.reserveCapacity(total * size)
    let strides = ShapeRules.strides(x.shape)
    var index = [Int](repeating: 0, count: r)
    for _ in 0..<total {
      var src = 0
      for a in 0..<r { src += (lo[a] + index[a] * step[a]) * strides[a] }
      bytes.append(contentsOf: x.bytes[(src * size)..<(src * size + size)])
      var a = r - 1
      while a >= 0 { index[a] += 1; if index[a] < count[a] { break }; index[a] = 0; a -= 1 }
    }
    return HostArray(dtype: x.dtype, shape: count, bytes: bytes)
  }

  static func concat(_ node: Node, _ parts: [HostArray]) throws(ModelLoadError) -> HostArray {
    guard let first = parts.first else { throw fail(node, "no inputs") }
    let r = first.shape.count
    var axis = node.int("axis") ?? 0
    if axis < 0 { axis += r }
    guard axis >= 0, axis < max(r, 1) else { throw fail(node, "axis out of range") }
    var shape = first.shape
    shape[axis] = 0
    for p in parts {
      var s = p.shape
      guard s.count == r, p.dtype == first.dtype else { throw fail(node, "inputs differ in rank or type") }
      shape[axis] += s[axis]; s[axis] = shape[axis]
      guard s == shape else { throw fail(node, "input shapes \(parts.map(\.shape)) differ off the axis") }
    }
    let outer = shape[..<axis].reduce(1, *)
    var bytes = [UInt8]()
    for o in 0..<outer {
      for p in parts {
        let chunk = p.shape[axis...].reduce(1, *) * p.dtype.size
        bytes.append(contentsOf: p.bytes[(o * chunk)..<((o + 1) * chunk)])
      }
    }
    return HostArray(dtype: first.dtype, shape: shape, bytes: bytes)
  }

  static func binary(_ node: Node, _ a: HostArray, _ b: HostArray) throws(ModelLoadError) -> HostArray {
    let shape = try ShapeRules.broadcast(node, a.shape, b.shape)
    // Load-time arithmetic is for shapes and small constants; a huge broadcast is a corrupt file.
    guard shape.reduce(1, { $0.multipliedReportingOverflow(by: $1).partialValue }) <= 1 << 26 else {
      throw fail(node, "constant result of shape \(shape) is too large")
    }
    let ia = ShapeRules.broadcastIndices(a.shape, to: shape)
    let ib = ShapeRules.broadcastIndices(b.shape, to: shape)
    if a.dtype.isInteger && b.dtype.isInteger {
      let (x, y) = (a.int64s(), b.int64s())
      var out: [Int64] = []
      for k in ia.indices {
        let (p, q) = (x[ia[k]], y[ib[k]])
        switch node.op {
        case "Add": out.append(p &+ q)
        case "Sub": out.append(p &- q)
        case "Mul": out.append(p &* q)
        default:
          guard q != 0 else { throw fail(node, "integer division by zero") }
          out.append(p == .min && q == -1 ? .min : p / q)
        }
      }
      return HostArray(dtype: a.dtype, shape: shape, integers: out)
    }
    let (x, y) = (a.floats(), b.floats())
    let out: [Float] = ia.indices.map { k in
      let (p, q) = (x[ia[k]], y[ib[k]])
      switch node.op {
      case "Add": return p + q
      case "Sub": return p - q
      case "Mul": return p * q
      default: return p / q
      }
    }
    return HostArray(shape: shape, floats: out)
  }

  static func transpose(_ node: Node, _ x: HostArray) throws(ModelLoadError) -> HostArray {
    let perm = try ShapeRules.permutation(node, rank: x.shape.count)
    let shape = perm.map { x.shape[$0] }
    let src = ShapeRules.strides(x.shape)
    let size = x.dtype.size
    var bytes = [UInt8](); bytes.reserveCapacity(x.bytes.count)
    var index = [Int](repeating: 0, count: shape.count)
    for _ in 0..<x.count {
      var s = 0
      for (k, p) in perm.enumerated() { s += index[k] * src[p] }
      bytes.append(contentsOf: x.bytes[(s * size)..<(s * size + size)])
      var a = shape.count - 1
      while a >= 0 { index[a] += 1; if index[a] < shape[a] { break }; index[a] = 0; a -= 1 }
    }
    return HostArray(dtype: x.dtype, shape: shape, bytes: bytes)
  }
}
