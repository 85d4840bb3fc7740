import CKernels
import Tensor

extension Planner {
  /// PyTorch's SiLU as exported — `Mul(x, Sigmoid(x))`, the Sigmoid read by that Mul alone —
  /// runs as one step: the Sigmoid's step is absorbed and the Mul computes x·σ(x) from x
  /// (one pass over the feature map instead of two, and no σ(x) tensor).
  /// The graph keeps both nodes, so other lowerings (the device path) see them unchanged.
  /// False when the node is not that pattern.
  mutating func lowerSiLU(_ node: Node) throws(ModelLoadError) -> Bool {
    guard node.op == "Mul", node.inputs.count == 2, node.fusion == Fusion() else { return false }
    for k in 0..<2 {
      let (s, x) = (node.inputs[k], node.inputs[1 - k])
      guard uses[s] == 1, let sigmoid = sigmoidSteps[s], case .runtime(let slot, let shape, .float32)? = env[x],
        slot == sigmoid.input
      else { continue }
      absorbedSteps.insert(sigmoid.step)
      if uses[x] == 2, let p = steps.indices.last(where: { steps[$0].output == slot }), !absorbedSteps.contains(p) {
        // x feeds only this SiLU (its Sigmoid and Mul): the step that makes x runs with the
        // SiLU in place on its output, while the output is still in the caches, instead of
        // a pass that reads it back and writes a second, cold buffer (bench/README.md,
        // 2026-12-05).
        let producer = steps[p]
        absorbedSteps.insert(p)
        try bind(node, shape, inputs: producer.inputs, kind: "\(Step.kind(ofLabel: producer.label))+SiLU") { args in
          var y = try producer.body(args)
          Self.siluInPlace(&y)
          return y
        }
        if let c = packedConvs[slot], c.step == p { siluConvs[slotCount - 1] = (steps.count - 1, c.conv, c.inputs) }
        return true
      }
      try bind(node, shape, inputs: [slot], kind: "SiLU") { Self.silu($0[0]) }
      return true
    }
    return false
  }

  /// x·σ(x) by CKernels' vectorised exp, split over the engine's threads.
  static func silu(_ x: Tensor) -> Tensor { parallelActivation(x, ck_silu) }

  /// x·σ(x) written over x (the step's own fresh output; a shared one is copied first).
  static func siluInPlace(_ x: inout Tensor) {
    x.withUnsafeMutableBufferPointer { xp in
      let p = xp.baseAddress!
      parallelChunks(xp.count) { r in ck_silu(p + r.lowerBound, p + r.lowerBound, r.count, -1) }
    }
  }

  /// `kernel` (CKernels' sigmoid or SiLU) over `x`, split over the engine's threads.
  static func parallelActivation(
    _ x: Tensor, _ kernel: (UnsafePointer<Float>?, UnsafeMutablePointer<Float>?, Int, Int32) -> Void
  ) -> Tensor {
    var y = Tensor(uninitializedShape: x.shape)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (src, dst) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(xp.count) { r in kernel(src + r.lowerBound, dst + r.lowerBound, r.count, -1) }
      }
    }
    return y
  }
}
