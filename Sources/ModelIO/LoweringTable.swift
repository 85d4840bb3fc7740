import Tensor

extension Planner {
  /// Lowers one node whose inputs are not all known at load time.
  typealias Lowering = @Sendable (inout Planner, Node) throws(ModelLoadError) -> Void

  /// How each operator the executor runs is lowered: the one list of supported operators
  /// (`supported`, load-time operator checks and messages all derive from it).
  static let lowerings: [String: Lowering] = {
    var table: [String: Lowering] = [:]
    func add(_ ops: String..., lowering: @escaping Lowering) { for op in ops { table[op] = lowering } }
    add("Conv") { p, n throws(ModelLoadError) in try p.lowerConv(n) }
    add("Gemm") { p, n throws(ModelLoadError) in try p.lowerGemm(n) }
    add("MatMul") { p, n throws(ModelLoadError) in try p.lowerMatMul(n) }
    add("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min") { p, n throws(ModelLoadError) in try p.lowerBinary(n) }
    add(
      "Relu", "Sigmoid", "Tanh", "LeakyRelu", "Clip", "Softplus", "Softsign", "Elu", "Exp", "Neg", "Sqrt", "Erf",
      "Gelu", "Reciprocal", "Abs", "Log", "HardSigmoid", "HardSwish"
    ) { p, n throws(ModelLoadError) in try p.lowerUnary(n) }
    add("PRelu") { p, n throws(ModelLoadError) in try p.lowerPRelu(n) }
    add("BatchNormalization") { p, n throws(ModelLoadError) in try p.lowerBatchNorm(n) }
    add("LayerNormalization") { p, n throws(ModelLoadError) in try p.lowerLayerNorm(n) }
    add("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin") { p, n throws(ModelLoadError) in try p.lowerReduce(n) }
    add("MaxPool", "AveragePool") { p, n throws(ModelLoadError) in try p.lowerPool(n) }
    add("GlobalAveragePool", "GlobalMaxPool") { p, n throws(ModelLoadError) in try p.lowerGlobalPool(n) }
    add("Flatten", "Reshape", "Squeeze", "Unsqueeze") { p, n throws(ModelLoadError) in try p.lowerReshape(n) }
    add("Transpose") { p, n throws(ModelLoadError) in try p.lowerTranspose(n) }
    add("Concat") { p, n throws(ModelLoadError) in try p.lowerConcat(n) }
    add("Softmax") { p, n throws(ModelLoadError) in try p.lowerSoftmax(n) }
    add("Identity", "Dropout") { p, n throws(ModelLoadError) in p.env[n.outputs[0]] = p.env[n.inputs[0]] }
    add("LRN") { p, n throws(ModelLoadError) in try p.lowerLRN(n) }
    add("Shape") { p, n throws(ModelLoadError) in try p.lowerShape(n) }
    add("Cast") { p, n throws(ModelLoadError) in try p.lowerCast(n) }
    add("QuantizeLinear", "DequantizeLinear") { p, n throws(ModelLoadError) in try p.lowerQuantization(n) }
    return table
  }()

  /// Operators the executor runs (beyond those only folded at load time).
  static var supported: Set<String> { Set(lowerings.keys) }

  mutating func lowerRuntime(_ node: Node) throws(ModelLoadError) {
    // The rewrites' own operator (a Q→DQ pair merged, GraphRewrite.mergeQDQ).
    if node.domain == Node.internalDomain && node.op == "FakeQuant" { return try lowerQuantization(node) }
    guard node.domain != Node.internalDomain, let lowering = Planner.lowerings[node.op] else {
      throw fail(node, "operator '\(node.op)' is not supported")
    }
    try lowering(&self, node)
  }

  mutating func lowerBinary(_ node: Node) throws(ModelLoadError) {
    if node.op == "Add", !node.fusion.int8Inputs.isEmpty { return try lowerInt8Add(node) }
    if node.op == "Add", let q = node.fusion.outputQuantization { return try lowerQuantizedAdd(node, q) }
    if try lowerLinearBias(node) { return }
    if try lowerSiLU(node) { return }
    // Max and Min take any number of operands (one at least); the others exactly two.
    var parts: [(slot: Int, shape: [Int], dtype: ElementType)] = []
    for k in node.inputs.indices where !node.inputs[k].isEmpty { parts.append(try operand(node, k)) }
    let variadic = node.op == "Max" || node.op == "Min"
    guard variadic ? !parts.isEmpty : parts.count == 2 else {
      throw fail(node, "takes \(variadic ? "one or more" : "two") inputs, not \(parts.count)")
    }
    var shape = parts[0].shape
    for p in parts.dropFirst() { shape = try ShapeRules.broadcast(node, shape, p.shape) }
    let ops: [String: BinaryOp] = ["Add": .add, "Sub": .sub, "Mul": .mul, "Div": .div, "Pow": .pow, "Max": .max, "Min": .min]
    let op = ops[node.op]!
    let outShape = shape
    try bind(node, shape, inputs: parts.map(\.slot)) { args in
      var y = args[0]
      for b in args.dropFirst() { y = try Tensor.binary(op, y, b) }
      return y.shape == outShape ? y : try y.broadcast(to: outShape)
    }
  }

  mutating func lowerPRelu(_ node: Node) throws(ModelLoadError) {
    let (x, s) = (try operand(node, 0), try operand(node, 1))
    let shape = try ShapeRules.broadcast(node, x.shape, s.shape)
    try bind(node, shape, inputs: [x.slot, s.slot]) {
      let pos = Tensor.relu($0[0])
      return try Tensor.add(pos, try Tensor.mul($0[1], try Tensor.sub($0[0], pos)))
    }
  }

  mutating func lowerGlobalPool(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard x.shape.count >= 3 else { throw fail(node, "input shape \(x.shape) is not N×C×spatial") }
    let shape = Array(x.shape[..<2]) + Array(repeating: 1, count: x.shape.count - 2)
    if node.op == "GlobalAveragePool" {
      try bind(node, shape, inputs: [x.slot]) { planeMeans($0[0], shape) }
    } else {
      try bind(node, shape, inputs: [x.slot]) { globalMaxPool($0[0], shape) }
    }
  }

  mutating func lowerTranspose(_ node: Node) throws(ModelLoadError) {
    if node.fusion.emitsCodes { return try lowerTransposeCodes(node) }
    if let q = node.fusion.inputDequantization { return try lowerTransposeDequantize(node, q) }
    let x = try operand(node, 0)
    let perm = try ShapeRules.permutation(node, rank: x.shape.count)
    try bind(node, perm.map { x.shape[$0] }, x.dtype, inputs: [x.slot]) { try $0[0].transposed(perm) }
  }

  mutating func lowerLRN(_ node: Node) throws(ModelLoadError) {
    let x = try operand(node, 0)
    guard let size = node.int("size"), size >= 1 else { throw fail(node, "needs a positive size") }
    let (alpha, beta, bias) = (node.float("alpha") ?? 1e-4, node.float("beta") ?? 0.75, node.float("bias") ?? 1)
    try bind(node, x.shape, inputs: [x.slot]) { try Tensor.lrn($0[0], size: size, alpha: alpha, beta: beta, bias: bias) }
  }
}
