/// Rewrites that recognise what exporters spell out in several nodes.
extension GraphRewrite {
  /// Constant nodes (PyTorch writes every scalar as one) become initializers, so the fusions
  /// that need a known value (a Clip's bounds, GELU's factors) see it.
  static func hoistConstants(_ g: inout Graph) {
    var kept: [Node] = []
    kept.reserveCapacity(g.nodes.count)
    for n in g.nodes {
      guard n.op == "Constant", n.domain.isEmpty || n.domain == "ai.onnx", n.outputs.count == 1,
        g.initializers[n.outputs[0]] == nil,
        let value = try? ConstantFolder.evaluate(n, [], opset: g.opset)
      else {
        kept.append(n)
        continue
      }
      g.initializers[n.outputs[0]] = value
    }
    g.nodes = kept
  }

  /// The exact GELU as PyTorch exports it before opset 20 —
  /// `Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5)` — becomes one ONNX `Gelu` node: one pass
  /// over the tensor instead of five.
  static func fuseGelu(_ g: inout Graph) {
    let readers = Readers(g)
    var removed = [Bool](repeating: false, count: g.nodes.count)
    let producer = Dictionary(g.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }) { a, _ in a }
    func scalar(_ name: String) -> Float? {
      guard let a = g.initializers[name], a.count == 1, !a.dtype.isInteger else { return nil }
      return a.floats()[0]
    }
    /// The operand of a two-input node other than `value`, when `value` is one of them.
    func other(_ n: Node, _ value: String) -> String? {
      guard n.inputs.count == 2, n.outputs.count == 1 else { return nil }
      return n.inputs[0] == value ? n.inputs[1] : n.inputs[1] == value ? n.inputs[0] : nil
    }
    func near(_ v: Float?, _ target: Float) -> Bool { v.map { abs($0 - target) <= 1e-6 * target } ?? false }
    for (i, erf) in g.nodes.enumerated() where erf.op == "Erf" && erf.inputs.count == 1 && erf.outputs.count == 1 {
      guard let d = producer[erf.inputs[0]], readers.sole(erf.inputs[0]) == i, !removed[d] else { continue }
      let div = g.nodes[d]
      guard div.inputs.count == 2, div.outputs.count == 1,
        (div.op == "Div" && near(scalar(div.inputs[1]), 1.414_213_6))
          || (div.op == "Mul" && near(scalar(div.inputs[1]), 0.707_106_77))
      else { continue }
      let x = div.inputs[0]
      guard let a = readers.sole(erf.outputs[0]), g.nodes[a].op == "Add",
        near(other(g.nodes[a], erf.outputs[0]).flatMap(scalar), 1),
        let m = readers.sole(g.nodes[a].outputs[0]), g.nodes[m].op == "Mul",
        other(g.nodes[m], g.nodes[a].outputs[0]) == x,
        let h = readers.sole(g.nodes[m].outputs[0]), g.nodes[h].op == "Mul",
        near(other(g.nodes[h], g.nodes[m].outputs[0]).flatMap(scalar), 0.5)
      else { continue }
      for k in [d, i, a, m] { removed[k] = true }
      g.nodes[h] = Node(op: "Gelu", name: g.nodes[h].name, inputs: [x], outputs: g.nodes[h].outputs)
    }
    guard removed.contains(true) else { return }
    g.nodes = g.nodes.indices.compactMap { removed[$0] ? nil : g.nodes[$0] }
  }
}
