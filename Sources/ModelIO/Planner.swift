import Tensor

/// Lowers a Graph for concrete input shapes into an ExecutionPlan.
struct Planner {
  enum Value {
    case constant(HostArray)
    case runtime(slot: Int, shape: [Int], dtype: ElementType)
  }

  let graph: Graph
  var env = PlannerEnvironment()
  var steps: [Step] = []
  var slotCount = 0
  var tensors: [String: Tensor] = [:]
  var constantSlots: [String: Int] = [:]
  /// The constant operands by slot, made tensors when the plan is done (those a step reads).
  var constants: [(slot: Int, name: String, array: HostArray)] = []
  /// Packed convolutions by output slot, with their step and input slots (for Concat fusion).
  var packedConvs: [Int: (step: Int, conv: PackedConv, inputs: [Int])] = [:]
  /// The same for packed convolutions whose step applies a SiLU to their output (for the
  /// expansion a depthwise convolution reads, EfficientNet's).
  var siluConvs: [Int: (step: Int, conv: PackedConv, inputs: [Int])] = [:]
  /// Direct (first-layer) convolutions by output slot, with their step and input slot (for
  /// fusing the max pooling that follows).
  var directConvs: [Int: (step: Int, conv: DirectConv, input: Int)] = [:]
  /// MatMul steps with constant weights by output slot, with their step, input slot, and the
  /// product with a bias per output column added in its epilogue (for the Add that follows).
  var linearProducts: [Int: (step: Int, input: Int, run: (Tensor, [Float]?) throws -> Tensor)] = [:]
  /// Steps folded into a later one (a Concat that runs its convolutions itself).
  var absorbedSteps = Set<Int>()
  /// Standalone Sigmoid steps by output name, with their input slot (for SiLU fusion).
  var sigmoidSteps: [String: (step: Int, input: Int)] = [:]
  /// Weights that are dequantized 8-bit codes: the codes (or the values to quantize) and
  /// their parameters, by value name.
  var int8Weights: [String: (values: HostArray, q: Quantization, quantize: Bool)] = [:]
  /// Constant int32 codes a DequantizeLinear turns into values (quantized biases), by value
  /// name: the int8 path adds the codes themselves.
  var int32Codes: [String: HostArray] = [:]
  /// How many nodes (and graph outputs, +100 each) read each value.
  let uses: [String: Int]

  init(graph: Graph) {
    self.graph = graph
    uses = GraphRewrite.consumers(graph)
    for (k, v) in graph.initializers { env[k] = .constant(v) }
  }

  mutating func plan(inputShapes: [[Int]]) throws(ModelLoadError) -> ExecutionPlan {
    var inputSlots: [Int] = []
    for (info, shape) in zip(graph.inputs, inputShapes) {
      inputSlots.append(slotCount)
      env[info.name] = .runtime(slot: slotCount, shape: shape, dtype: info.dtype ?? .float32)
      slotCount += 1
    }
    for node in graph.nodes { try lower(node) }
    var outputs: [ExecutionPlan.Output] = []
    var shapes: [[Int]] = []
    for o in graph.outputs {
      switch env[o.name] {
      case .runtime(let slot, let shape, _)?:
        outputs.append(.slot(slot))
        shapes.append(shape)
      case .constant(let a)?:
        outputs.append(.constant(try tensor(a, o.name)))
        shapes.append(a.shape)
      case nil: throw ModelLoadError("\(graph.format): graph output '\(o.name)' is never computed")
      }
    }
    let kept = steps.indices.filter { !absorbedSteps.contains($0) }.map { steps[$0] }
    // Tensors only for the constants a kept step reads: a lowering may take a weight as an
    // operand and then pack it from the file's array (a fully connected layer's), or its step
    // may have been absorbed; a copy of such a weight would be made at load and kept unread.
    let read = Set(kept.flatMap(\.inputs))
    var made: [(Int, Tensor)] = []
    for c in constants where read.contains(c.slot) { made.append((c.slot, try tensor(c.array, c.name))) }
    return ExecutionPlan(steps: kept, slotCount: slotCount, inputSlots: inputSlots, outputs: outputs, outputShapes: shapes,
      constants: made)
  }

  func fail(_ node: Node, _ why: String) -> ModelLoadError {
    ModelLoadError("\(node.op) node '\(node.label)' (opset \(graph.opset)): \(why)")
  }

  /// A constant as a float tensor, converted once per plan.
  mutating func tensor(_ a: HostArray, _ name: String) throws(ModelLoadError) -> Tensor {
    if let t = tensors[name] { return t }
    guard (try? Sizes.checkedFloats(a.shape, of: "constant")) != nil, a.bytes.count == a.count * a.dtype.size else {
      throw ModelLoadError("constant '\(name)': \(a.bytes.count) bytes do not fit \(a.dtype) \(a.shape)")
    }
    // Converted straight into the tensor's storage: one pass over the weights, no [Float] between.
    var t = Tensor(uninitializedShape: a.shape)
    t.withUnsafeMutableBufferPointer {
      adviseHugePages(UnsafeMutableRawPointer($0.baseAddress), byteCount: $0.count * 4)
      a.copyFloats(into: $0)
    }
    tensors[name] = t
    return t
  }

  /// The slot, shape and type of input k; a constant gets a slot filled before each run.
  mutating func operand(_ node: Node, _ k: Int) throws(ModelLoadError) -> (slot: Int, shape: [Int], dtype: ElementType) {
    guard k < node.inputs.count, !node.inputs[k].isEmpty, let v = env[node.inputs[k]] else {
      throw fail(node, "input \(k) is missing")
    }
    switch v {
    case .runtime(let slot, let shape, let dtype): return (slot, shape, dtype)
    case .constant(let a):
      let name = node.inputs[k]
      if let s = constantSlots[name] { return (s, a.shape, a.dtype) }
      let s = slotCount
      slotCount += 1
      constants.append((s, name, a))
      constantSlots[name] = s
      return (s, a.shape, a.dtype)
    }
  }

  /// Input k when it is known at load time.
  func constant(_ node: Node, _ k: Int) -> HostArray? {
    guard k < node.inputs.count, case .constant(let a)? = env[node.inputs[k]] else { return nil }
    return a
  }

  /// Adds a step computing the node's first output; `kind` names it in labels (the op by default).
  /// The output's size is checked here, once for every op: a shape that comes from the file
  /// (a huge Reshape target, declared dimensions) is refused before a run tries to allocate it.
  mutating func bind(_ node: Node, _ shape: [Int], _ dtype: ElementType = .float32, inputs: [Int], kind: String? = nil,
    _ body: @escaping ([Tensor]) throws -> Tensor) throws(ModelLoadError)
  {
    do throws(MemoryError) {
      try Sizes.checkedFloats(shape, of: "output of \(node.op) node '\(node.label)'")
    } catch {
      throw ModelLoadError("\(graph.format): \(error.message)")
    }
    let slot = slotCount
    slotCount += 1
    steps.append(Step(label: "\(kind ?? node.op) node '\(node.label)'", inputs: inputs, output: slot, body: body))
    env[node.outputs[0]] = .runtime(slot: slot, shape: shape, dtype: dtype)
  }

  mutating func lower(_ node: Node) throws(ModelLoadError) {
    guard node.domain.isEmpty || node.domain == "ai.onnx" || node.domain == "tabby" else {
      throw fail(node, "operator domain '\(node.domain)' is not supported")
    }
    // Looked at without making deferred constants: only folding needs their values.
    for name in node.inputs where !name.isEmpty && !env.isDefined(name) {
      throw fail(node, "input '\(name)' is not defined")
    }
    let allConstant = node.inputs.allSatisfy { $0.isEmpty || env.constantShape($0) != nil }
    if allConstant && ConstantFolder.foldable.contains(node.op) && node.op != "Shape" {
      let arrays = node.inputs.map { name -> HostArray? in
        if !name.isEmpty, case .constant(let a)? = env[name] { a } else { nil }
      }
      // Weights that are 8-bit codes (stored, or quantized at load by a Q→DQ pair) stay at
      // hand for the steps that read them as codes; the codes are made only when used.
      let fakeQuant = node.op == "FakeQuant" && node.domain == Node.internalDomain
      if node.op == "DequantizeLinear" || fakeQuant, let x = arrays[0],
        let q = try? Quantization(node, arrays.count > 1 ? arrays[1] : nil, arrays.count > 2 ? arrays[2] : nil, rank: x.shape.count),
        node.op == "DequantizeLinear" ? x.dtype == .int8 || x.dtype == .uint8 : q.type == .int8 || q.type == .uint8
      {
        int8Weights[node.outputs[0]] = (x, q, fakeQuant)
        if node.op == "DequantizeLinear" {
          // ConstantFolder's DequantizeLinear, made only if a float step reads it.
          env.deferConstant(node.outputs[0], shape: x.shape) { x.mapFloats { q.dequantize($0, into: $1, count: $0.count, shape: x.shape) } }
          return
        }
      }
      env[node.outputs[0]] = .constant(try ConstantFolder.evaluate(node, arrays, opset: graph.opset))
      if node.op == "DequantizeLinear", let x = arrays[0], x.dtype == .int32 { int32Codes[node.outputs[0]] = x }
      return
    }
    try lowerRuntime(node)
  }
}
