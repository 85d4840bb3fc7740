/// Load-time graph rewrites that make execution cheaper without changing results beyond
/// float rounding: topological ordering, Constant nodes made initializers, Conv+BatchNorm
/// folding, GELU recognised, Conv+activation fusion and QuantizeLinear→DequantizeLinear
/// pairs merged into one fake-quantization step.
enum GraphRewrite {
  /// The rewritten graph; with `int8`, quantized nodes are marked for the int8 path
  /// (`markInt8`), else it is the float path with fake quantization (what DeviceInference runs).
  static func apply(_ g: consuming Graph, int8: Bool = true) throws(ModelLoadError) -> Graph {
    g.nodes = try topologicalOrder(g)
    hoistConstants(&g)
    foldBatchNorm(&g)
    fuseGelu(&g)
    fuseResidualAdd(&g)
    fuseActivations(&g)
    mergeQDQ(&g)
    fuseFakeQuant(&g)
    fuseTransposeDequantize(&g)
    // A fused shortcut may be computed after its Conv in the original order.
    g.nodes = try topologicalOrder(g)
    // Needs producers before readers (it follows code parameters along the graph).
    if int8 { markInt8(&g) }
    return g
  }

  /// Nodes ordered so that every input is produced first; a cycle or an undefined input is an error.
  static func topologicalOrder(_ g: Graph) throws(ModelLoadError) -> [Node] {
    var available = Set(g.initializers.keys).union(g.inputs.map(\.name))
    available.insert("")
    var pending = g.nodes
    var ordered: [Node] = []
    ordered.reserveCapacity(pending.count)
    while !pending.isEmpty {
      var rest: [Node] = []
      for n in pending {
        if n.inputs.allSatisfy({ available.contains($0) }) {
          ordered.append(n)
          available.formUnion(n.outputs)
        } else {
          rest.append(n)
        }
      }
      if rest.count == pending.count {
        let n = rest[0]
        let missing = n.inputs.first { !available.contains($0) } ?? "?"
        throw ModelLoadError("\(g.format): node '\(n.label)' (\(n.op)) uses '\(missing)', which no node, input or initializer defines (or the graph has a cycle)")
      }
      pending = rest
    }
    return ordered
  }

  static func consumers(_ g: Graph) -> [String: Int] {
    var c: [String: Int] = [:]
    c.reserveCapacity(2 * g.nodes.count + g.outputs.count)
    for n in g.nodes { for i in n.inputs { c[i, default: 0] += 1 } }
    for o in g.outputs { c[o.name, default: 0] += 100 }
    return c
  }

  /// Who reads each value, computed once per pass: passes mark fused nodes removed instead of
  /// deleting them, so node indices stay valid and the index is never rebuilt (rebuilding it
  /// after every fusion made each pass quadratic in the node count). One table, sized up
  /// front: hashing value names is most of a pass's cost.
  struct Readers {
    private let table: [String: (uses: Int, first: Int)]

    init(_ g: Graph) {
      var t: [String: (uses: Int, first: Int)] = [:]
      t.reserveCapacity(2 * g.nodes.count + g.outputs.count)
      for (k, n) in g.nodes.enumerated() { for i in n.inputs { t[i, default: (0, k)].uses += 1 } }
      for o in g.outputs { t[o.name, default: (0, g.nodes.count)].uses += 100 }
      table = t
    }

    /// How many nodes read `value` (a graph output counts 100).
    func uses(_ value: String) -> Int { table[value]?.uses ?? 0 }

    /// Index of the single node reading `value`, when it is read once and is not a graph output.
    func sole(_ value: String) -> Int? {
      guard let e = table[value], e.uses == 1 else { return nil }
      return e.first
    }
  }

  /// Runs `fuse(i)` on every node still present; `fuse` returns the index of a node it absorbed.
  static func fusing(_ g: inout Graph, _ fuse: (inout Graph, Int, Readers) -> Int?) {
    let readers = Readers(g)
    var removed = [Bool](repeating: false, count: g.nodes.count)
    for i in g.nodes.indices where !removed[i] {
      if let j = fuse(&g, i, readers) { removed[j] = true }
    }
    guard removed.contains(true) else { return }
    g.nodes = g.nodes.indices.compactMap { removed[$0] ? nil : g.nodes[$0] }
  }

  static func foldBatchNorm(_ g: inout Graph) {
    fusing(&g) { g, i, readers in
      let c = g.nodes[i]
      // Only the weight's shape is bound here: holding the array itself would make the
      // in-place scaling below copy it.
      guard c.op == "Conv", c.outputs.count == 1, c.inputs.count >= 2,
        let shape = g.initializers[c.inputs[1]].flatMap({ w in
          w.dtype == .float32 && w.shape.count == 4 && w.bytes.count == w.count * 4 ? w.shape : nil
        }),
        let j = readers.sole(c.outputs[0]), g.nodes[j].op == "BatchNormalization",
        g.nodes[j].inputs.count == 5, g.nodes[j].inputs[0] == c.outputs[0], g.nodes[j].outputs.count >= 1
      else { return nil }
      let bn = g.nodes[j]
      let params = bn.inputs[1...].compactMap { g.initializers[$0]?.floats() }
      let oc = shape[0]
      guard oc > 0, params.count == 4, params.allSatisfy({ $0.count == oc }) else { return nil }
      let bias = c.inputs.count > 2 && !c.inputs[2].isEmpty ? g.initializers[c.inputs[2]]?.floats() : [Float](repeating: 0, count: oc)
      guard let bias, bias.count == oc else { return nil }
      let eps = bn.float("epsilon") ?? 1e-5
      let (scale, beta, mean, variance) = (params[0], params[1], params[2], params[3])
      let a = (0..<oc).map { scale[$0] / (variance[$0] + eps).squareRoot() }
      // A weight this Conv alone reads is taken out of the graph and scaled where it lies.
      let source = c.inputs[1]
      var folded = readers.uses(source) == 1 ? g.initializers.removeValue(forKey: source)! : g.initializers[source]!
      folded.scaleRows(by: a)
      let b = (0..<oc).map { (bias[$0] - mean[$0]) * a[$0] + beta[$0] }
      let wName = "\(source)#bn:\(bn.label)"
      let bName = "\(bn.label)#folded_bias"
      g.initializers[wName] = folded
      g.initializers[bName] = HostArray(shape: [oc], floats: b)
      g.nodes[i].inputs = [c.inputs[0], wName, bName]
      g.nodes[i].outputs = [bn.outputs[0]]
      return j
    }
    pruneInitializers(&g)
  }

  /// A Conv whose only reader is an Add adds the Add's other operand as it stores its output
  /// (ResNet's shortcut), passed as a fourth input; a Relu after the Add then fuses as well.
  static func fuseResidualAdd(_ g: inout Graph) {
    fusing(&g) { g, i, readers in
      let c = g.nodes[i]
      guard c.op == "Conv", c.fusion.activation == nil, c.fusion.outputQuantization == nil, c.inputs.count <= 3,
        c.outputs.count == 1, let j = readers.sole(c.outputs[0]), g.nodes[j].op == "Add",
        g.nodes[j].inputs.count == 2, g.nodes[j].outputs.count == 1
      else { return nil }
      let add = g.nodes[j]
      let other = add.inputs[0] == c.outputs[0] ? add.inputs[1] : add.inputs[0]
      // A constant would broadcast; only a same-shaped runtime value fuses (checked at plan time).
      guard other != c.outputs[0], g.initializers[other] == nil else { return nil }
      var inputs = c.inputs
      while inputs.count < 3 { inputs.append("") }
      g.nodes[i].inputs = inputs + [other]
      g.nodes[i].outputs = add.outputs
      // Both operands may be lone convolutions; the second must not take the same Add.
      g.nodes[j].op = "(fused)"
      return j
    }
  }

  static func fuseActivations(_ g: inout Graph) {
    fusing(&g) { g, i, readers in
      let c = g.nodes[i]
      // BatchNormalization too: DenseNet's BN → ReLU pairs cannot fold into a convolution.
      guard c.op == "Conv" || c.op == "BatchNormalization", c.fusion.activation == nil, c.outputs.count == 1,
        let j = readers.sole(c.outputs[0]), g.nodes[j].inputs.first == c.outputs[0]
      else { return nil }
      let act = g.nodes[j]
      let fused: FusedActivation
      switch act.op {
      case "Relu": fused = .relu
      case "LeakyRelu": fused = .leakyRelu(alpha: act.float("alpha") ?? 0.01)
      case "Clip":
        guard let (lo, hi) = clipBounds(act, g) else { return nil }
        fused = .clip(min: lo, max: hi)
      default: return nil
      }
      g.nodes[i].fusion.activation = fused
      g.nodes[i].outputs = act.outputs
      return j
    }
  }

  /// Clip's bounds from attributes (opset < 11) or constant inputs; nil if not constant.
  static func clipBounds(_ n: Node, _ g: Graph) -> (Float, Float)? {
    var lo = n.float("min") ?? -.greatestFiniteMagnitude
    var hi = n.float("max") ?? .greatestFiniteMagnitude
    for (k, name) in n.inputs.enumerated().dropFirst() where !name.isEmpty {
      guard let v = g.initializers[name], v.count == 1 else { return nil }
      if k == 1 { lo = v.floats()[0] } else { hi = v.floats()[0] }
    }
    return (lo, hi)
  }

  static func mergeQDQ(_ g: inout Graph) {
    let producers = Dictionary(g.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }) { a, _ in a }
    let outputs = Set(g.outputs.map(\.name))
    for (i, d) in g.nodes.enumerated() where d.op == "DequantizeLinear" {
      guard let p = producers[d.inputs[0]], g.nodes[p].op == "QuantizeLinear", !outputs.contains(d.inputs[0]) else { continue }
      let q = g.nodes[p]
      func constant(_ n: Node, _ k: Int) -> HostArray? { k < n.inputs.count ? g.initializers[n.inputs[k]] : nil }
      guard let qs = constant(q, 1), let ds = constant(d, 1), qs == ds, constant(q, 2) == constant(d, 2),
        q.int("axis") == d.int("axis")
      else { continue }
      g.nodes[i] = Node(
        op: "FakeQuant", domain: Node.internalDomain, name: d.name, inputs: [q.inputs[0]] + Array(q.inputs.dropFirst()),
        outputs: d.outputs, attributes: q.attributes)
    }
    // Drop QuantizeLinear nodes nobody reads any more.
    let uses = consumers(g)
    g.nodes.removeAll { n in n.op == "QuantizeLinear" && n.outputs.allSatisfy { uses[$0] == nil } }
  }

  /// A per-tensor FakeQuant that is a Conv's only reader runs in the Conv's epilogue; one
  /// after an Add (a quantized residual sum) runs in the same pass as the sum.
  static func fuseFakeQuant(_ g: inout Graph) {
    fusing(&g) { g, i, readers in
      let c = g.nodes[i]
      guard c.op == "Conv" || c.op == "Add", c.fusion.outputQuantization == nil, c.outputs.count == 1,
        let j = readers.sole(c.outputs[0]), g.nodes[j].op == "FakeQuant", g.nodes[j].inputs.first == c.outputs[0]
      else { return nil }
      let f = g.nodes[j]
      guard let s = f.inputs.count > 1 ? g.initializers[f.inputs[1]] : nil, s.count == 1 else { return nil }
      let z = f.inputs.count > 2 && !f.inputs[2].isEmpty ? g.initializers[f.inputs[2]] : nil
      if f.inputs.count > 2 && !f.inputs[2].isEmpty && z == nil { return nil }
      let type = z?.dtype ?? .uint8
      guard type == .uint8 || type == .int8 else { return nil }
      let (lo, hi): (Float, Float) = type == .int8 ? (-128, 127) : (0, 255)
      g.nodes[i].fusion.outputQuantization = FusedQuantization(
        scale: s.floats()[0], zeroPoint: z?.floats().first ?? 0, low: lo, high: hi)
      g.nodes[i].outputs = f.outputs
      return j
    }
  }

  /// A Transpose whose only reader is a per-tensor DequantizeLinear (a quantized model's
  /// uint8 NHWC input) dequantizes as it moves the values: one pass instead of two.
  static func fuseTransposeDequantize(_ g: inout Graph) {
    fusing(&g) { g, i, readers in
      let t = g.nodes[i]
      guard t.op == "Transpose", t.outputs.count == 1, let j = readers.sole(t.outputs[0]),
        g.nodes[j].op == "DequantizeLinear", g.nodes[j].inputs.first == t.outputs[0],
        let s = g.nodes[j].inputs.count > 1 ? g.initializers[g.nodes[j].inputs[1]] : nil, s.count == 1
      else { return nil }
      let d = g.nodes[j]
      let z = d.inputs.count > 2 && !d.inputs[2].isEmpty ? g.initializers[d.inputs[2]] : nil
      if d.inputs.count > 2 && !d.inputs[2].isEmpty && (z == nil || z!.count != 1) { return nil }
      g.nodes[i].fusion.inputDequantization = FusedQuantization(
        scale: s.floats()[0], zeroPoint: z?.floats().first ?? 0)
      g.nodes[i].outputs = d.outputs
      return j
    }
  }

  static func pruneInitializers(_ g: inout Graph) {
    let used = Set(g.nodes.flatMap(\.inputs))
    for k in g.initializers.keys where !used.contains(k) { g.initializers[k] = nil }
  }
}
