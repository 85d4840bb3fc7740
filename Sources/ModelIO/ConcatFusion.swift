import Tensor

extension Planner {
  /// A channel Concat of packed convolutions that nothing else reads (SqueezeNet's Fire
  /// modules) becomes one step in which each convolution writes its channels straight into
  /// the concatenated output. Returns false when the pattern does not hold.
  mutating func fuseConcat(_ node: Node, _ slots: [Int], axis: Int, shape: [Int]) throws(ModelLoadError) -> Bool {
    guard axis == 1, shape.count == 4, Set(slots).count == slots.count else { return false }
    var convs: [(step: Int, conv: PackedConv, inputs: [Int])] = []
    for (k, slot) in slots.enumerated() {
      guard let c = packedConvs[slot], c.conv.after == nil, uses[node.inputs[k]] == 1 else { return false }
      convs.append(c)
    }
    var inputs: [Int] = []
    let argIndex = convs.map { c in
      c.inputs.map { s in
        if let i = inputs.firstIndex(of: s) { return i }
        inputs.append(s)
        return inputs.count - 1
      }
    }
    var offsets: [Int] = []
    var channels = 0
    for c in convs {
      offsets.append(channels)
      channels += c.conv.outShape[1]
    }
    for c in convs { absorbedSteps.insert(c.step) }
    let parts = convs.map(\.conv)
    try bind(node, shape, inputs: inputs) { args in
      var y = Tensor(uninitializedShape: shape)
      let ok = y.withUnsafeMutableBufferPointer { yp in
        parts.indices.allSatisfy { i in
          let a = argIndex[i]
          return parts[i].run(
            args[a[0]], residual: a.count > 1 ? args[a[1]] : nil, into: yp.baseAddress!, channels: shape[1], offset: offsets[i])
        }
      }
      if !ok { throw ModelLoadError.outOfScratchMemory }
      return y
    }
    return true
  }
}
