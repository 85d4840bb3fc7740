/// Translates MXNet symbol nodes into ONNX-style Graph nodes, binding variables to parameters.
struct SymbolBuilder {
  let nodes: [MXNetSymbol.SymbolNode]
  let params: [String: HostArray]
  let paramsFile: String
  var out: [Node] = []
  var inputs: [ValueInfo] = []
  var initializers: [String: HostArray] = [:]
  private var names: [String] = []
  private var outputCount: [Int] = []

  init(nodes: [MXNetSymbol.SymbolNode], params: [String: HostArray], paramsFile: String) {
    self.nodes = nodes
    self.params = params
    self.paramsFile = paramsFile
    var seen = Set<String>()
    for (i, n) in nodes.enumerated() {
      names.append(seen.insert(n.name).inserted ? n.name : "\(n.name)#node\(i)")
    }
    outputCount = Array(repeating: 1, count: nodes.count)
  }

  func valueName(_ node: Int, _ index: Int) -> String {
    index == 0 ? names[node] : "\(names[node])#\(index)"
  }

  mutating func build() throws(ModelLoadError) {
    for i in nodes.indices where nodes[i].op != "null" {
      for input in nodes[i].inputs where input.node >= i {
        throw ModelLoadError("symbol JSON: node '\(nodes[i].name)' uses a later node \(input.node)")
      }
      try translate(i)
    }
  }

  /// A data input: a variable not in the parameters becomes a graph input.
  private mutating func data(_ i: Int, _ k: Int, channelsHint: [Dimension]? = nil) throws(ModelLoadError) -> String {
    let n = nodes[i]
    guard k < n.inputs.count else {
      throw ModelLoadError("MXNet \(n.op) node '\(n.name)' needs input \(k) but has \(n.inputs.count)")
    }
    let (src, idx) = n.inputs[k]
    let name = valueName(src, idx)
    if nodes[src].op == "null" {
      if let p = params[nodes[src].name] {
        initializers[name] = p
      } else if !inputs.contains(where: { $0.name == name }) {
        inputs.append(ValueInfo(name: name, dtype: .float32, shape: declaredShape(src) ?? channelsHint))
      }
    }
    return name
  }

  private func declaredShape(_ src: Int) -> [Dimension]? {
    guard let t = try? MXAttrs(attrs: nodes[src].attrs, node: "", op: "").tuple("__shape__"), !t.isEmpty else {
      return nil
    }
    return t.enumerated().map { $0.element > 0 ? .fixed($0.element) : .symbolic($0.offset == 0 ? "N" : "d\($0.offset)") }
  }

  /// A parameter input: it must be a variable found in the .params file, with the expected
  /// shape where the operator's attributes fix it (0 = any size).
  private mutating func param(_ i: Int, _ k: Int, role: String, shape expected: [Int]?) throws(ModelLoadError)
    -> String
  {
    let n = nodes[i]
    guard k < n.inputs.count else {
      throw ModelLoadError("MXNet \(n.op) node '\(n.name)' has no \(role) input (input \(k))")
    }
    let src = n.inputs[k].node
    let name = valueName(src, n.inputs[k].index)
    guard nodes[src].op == "null" else { return name }
    guard let p = params[nodes[src].name] else {
      throw ModelLoadError(
        "parameter '\(nodes[src].name)' (\(role) of \(n.op) '\(n.name)') is missing", file: paramsFile)
    }
    if let expected {
      let ok = expected.count == p.shape.count && zip(expected, p.shape).allSatisfy { $0 == 0 || $0 == $1 }
      guard ok else {
        let want = "(" + expected.map { $0 == 0 ? "_" : "\($0)" }.joined(separator: ", ") + ")"
        throw ModelLoadError(
          "parameter '\(nodes[src].name)' has shape \(p.shape) but \(n.op) '\(n.name)' needs \(want)", file: paramsFile)
      }
    }
    initializers[name] = p
    return name
  }

  private mutating func emit(_ op: String, _ i: Int, _ inputs: [String], _ attrs: [String: Attribute] = [:], suffix: String = "") {
    let output = suffix.isEmpty ? valueName(i, 0) : "\(names[i])#\(suffix)"
    out.append(Node(op: op, name: names[i] + suffix, inputs: inputs, outputs: [output], attributes: attrs))
  }

  private mutating func translate(_ i: Int) throws(ModelLoadError) {
    let n = nodes[i]
    let a = MXAttrs(attrs: n.attrs, node: n.name, op: n.op)
    switch n.op {
    case "Convolution": try convolution(i, a)
    case "BatchNorm": try batchNorm(i, a)
    case "Activation":
      let act = a.string("act_type", "")
      let map = ["relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "softrelu": "Softplus", "softsign": "Softsign"]
      guard let op = map[act] else { throw a.fail("act_type", "is not supported (relu, sigmoid, tanh, softrelu, softsign)") }
      emit(op, i, [try data(i, 0)])
    case "LeakyReLU": try leakyReLU(i, a)
    case "Pooling": try pooling(i, a)
    case "FullyConnected": try fullyConnected(i, a)
    case "Flatten", "flatten": emit("Flatten", i, [try data(i, 0)], ["axis": .int(1)])
    case "Concat", "concat":
      var ins: [String] = []
      for k in n.inputs.indices { ins.append(try data(i, k)) }
      emit("Concat", i, ins, ["axis": .int(try a.int("dim", 1))])
    case "elemwise_add", "_Plus", "_plus", "_add", "broadcast_add", "broadcast_plus":
      emit("Add", i, [try data(i, 0), try data(i, 1)])
    case "elemwise_sub", "_Minus", "_minus", "_sub", "broadcast_sub", "broadcast_minus":
      emit("Sub", i, [try data(i, 0), try data(i, 1)])
    case "elemwise_mul", "_Mul", "_mul", "broadcast_mul":
      emit("Mul", i, [try data(i, 0), try data(i, 1)])
    case "Dropout": emit("Identity", i, [try data(i, 0)])
    case "SoftmaxOutput", "SoftmaxActivation":
      // Inference ignores the label; MXNet applies softmax to the input viewed as (N, rest).
      emit("Softmax", i, [try data(i, 0)], ["axis": .int(1), "coerce_2d": .int(1)])
    case "softmax":
      emit("Softmax", i, [try data(i, 0)], ["axis": .int(try a.int("axis", -1))])
    case "LRN":
      guard n.attrs["nsize"] != nil else { throw a.fail("nsize", "is required") }
      emit("LRN", i, [try data(i, 0)], [
        "size": .int(try a.int("nsize", 5)), "alpha": .float(try a.float("alpha", 1e-4)),
        "beta": .float(try a.float("beta", 0.75)), "bias": .float(try a.float("knorm", 2)),
      ])
    case "clip":
      guard n.attrs["a_min"] != nil, n.attrs["a_max"] != nil else { throw a.fail("a_min/a_max", "are required") }
      emit("Clip", i, [try data(i, 0)], ["min": .float(try a.float("a_min", 0)), "max": .float(try a.float("a_max", 0))])
    default:
      throw ModelLoadError("MXNet operator '\(n.op)' (node '\(n.name)') is not supported")
    }
  }

  private mutating func convolution(_ i: Int, _ a: MXAttrs) throws(ModelLoadError) {
    guard let kernel = try a.tuple("kernel"), kernel.count == 2 else { throw a.fail("kernel", "must be a 2-D kernel") }
    guard a.attrs["num_filter"] != nil else { throw a.fail("num_filter", "is required") }
    let filters = try a.int("num_filter", 0)
    let group = try a.int("num_group", 1)
    guard filters > 0, group > 0, filters % group == 0 else { throw a.fail("num_group", "does not divide num_filter") }
    guard a.string("layout", "NCHW") == "NCHW" else { throw a.fail("layout", "is not supported (NCHW only)") }
    let stride = try a.tuple("stride") ?? [1, 1]
    let dilate = try a.tuple("dilate") ?? [1, 1]
    let pad = try a.tuple("pad") ?? [0, 0]
    guard stride.count == 2, dilate.count == 2, pad.count == 2, stride.allSatisfy({ $0 > 0 }), dilate.allSatisfy({ $0 > 0 })
    else { throw a.fail("stride/dilate/pad", "must be positive 2-tuples") }
    let x = try data(i, 0, channelsHint: nil)
    let w = try param(i, 1, role: "weight", shape: [filters, 0, kernel[0], kernel[1]])
    var ins = [x, w]
    if !(try a.bool("no_bias", false)) { ins.append(try param(i, 2, role: "bias", shape: [filters])) }
    hintChannels(of: x, initializers[w]!.shape[1] * group, rank: 4)
    emit("Conv", i, ins, [
      "kernel_shape": .ints(kernel), "strides": .ints(stride), "dilations": .ints(dilate),
      "pads": .ints([pad[0], pad[1], pad[0], pad[1]]), "group": .int(group),
    ])
  }

  /// Gives a graph input with no declared shape the shape its first consumer implies.
  private mutating func hintChannels(of name: String, _ c: Int, rank: Int) {
    guard let k = inputs.firstIndex(where: { $0.name == name }), inputs[k].shape == nil else { return }
    inputs[k].shape = rank == 4 ? [.symbolic("N"), .fixed(c), .symbolic("H"), .symbolic("W")] : [.symbolic("N"), .fixed(c)]
  }

  private mutating func batchNorm(_ i: Int, _ a: MXAttrs) throws(ModelLoadError) {
    guard try a.int("axis", 1) == 1 else { throw a.fail("axis", "is not supported (axis 1 only)") }
    let eps = try a.float("eps", 1e-3)
    let fixGamma = try a.bool("fix_gamma", true)
    let x = try data(i, 0)
    var gamma = try param(i, 1, role: "gamma", shape: [0])
    let c = initializers[gamma]!.shape[0]
    let beta = try param(i, 2, role: "beta", shape: [c])
    let mean = try param(i, 3, role: "moving mean", shape: [c])
    let variance = try param(i, 4, role: "moving variance", shape: [c])
    if fixGamma {
      gamma = "\(nodes[i].name)#gamma_fixed"
      initializers[gamma] = HostArray(shape: [c], floats: Array(repeating: 1, count: c))
    }
    emit("BatchNormalization", i, [x, gamma, beta, mean, variance], ["epsilon": .float(eps)])
  }

  private mutating func leakyReLU(_ i: Int, _ a: MXAttrs) throws(ModelLoadError) {
    let slope = try a.float("slope", 0.25)
    switch a.string("act_type", "leaky") {
    case "leaky": emit("LeakyRelu", i, [try data(i, 0)], ["alpha": .float(slope)])
    case "elu": emit("Elu", i, [try data(i, 0)], ["alpha": .float(slope)])
    case "prelu":
      let x = try data(i, 0)
      let g = try param(i, 1, role: "gamma", shape: [0])
      // MXNet's gamma is per channel (axis 1); ONNX PRelu broadcasts from the right.
      let c = initializers[g]!.shape[0]
      initializers[g]!.shape = [c, 1, 1]
      emit("PRelu", i, [x, g])
    default: throw a.fail("act_type", "is not supported (leaky, elu, prelu)")
    }
  }

  private mutating func pooling(_ i: Int, _ a: MXAttrs) throws(ModelLoadError) {
    let type = a.string("pool_type", "max")
    guard type == "max" || type == "avg" else { throw a.fail("pool_type", "is not supported (max, avg)") }
    guard a.string("layout", "NCHW") == "NCHW" else { throw a.fail("layout", "is not supported (NCHW only)") }
    let x = try data(i, 0)
    if try a.bool("global_pool", false) {
      emit(type == "max" ? "GlobalMaxPool" : "GlobalAveragePool", i, [x])
      return
    }
    guard let kernel = try a.tuple("kernel"), kernel.count == 2, kernel.allSatisfy({ $0 > 0 }) else {
      throw a.fail("kernel", "must be a positive 2-D kernel")
    }
    let stride = try a.tuple("stride") ?? [1, 1]
    let pad = try a.tuple("pad") ?? [0, 0]
    guard stride.count == 2, pad.count == 2, stride.allSatisfy({ $0 > 0 }) else {
      throw a.fail("stride/pad", "must be 2-tuples")
    }
    let convention = a.string("pooling_convention", "valid")
    guard convention == "valid" || convention == "full" else {
      throw a.fail("pooling_convention", "is not supported (valid, full)")
    }
    var attrs: [String: Attribute] = [
      "kernel_shape": .ints(kernel), "strides": .ints(stride), "pads": .ints([pad[0], pad[1], pad[0], pad[1]]),
      "ceil_mode": .int(convention == "full" ? 1 : 0),
    ]
    if type == "avg" { attrs["count_include_pad"] = .int(try a.bool("count_include_pad", true) ? 1 : 0) }
    emit(type == "max" ? "MaxPool" : "AveragePool", i, [x], attrs)
  }

  private mutating func fullyConnected(_ i: Int, _ a: MXAttrs) throws(ModelLoadError) {
    guard nodes[i].attrs["num_hidden"] != nil else { throw a.fail("num_hidden", "is required") }
    let hidden = try a.int("num_hidden", 0)
    let x = try data(i, 0)
    let w = try param(i, 1, role: "weight", shape: [hidden, 0])
    hintChannels(of: x, initializers[w]!.shape[1], rank: 2)
    let noBias = try a.bool("no_bias", false)
    let b = noBias ? nil : try param(i, 2, role: "bias", shape: [hidden])
    if try a.bool("flatten", true) {
      emit("Flatten", i, [x], ["axis": .int(1)], suffix: "flatten")
      emit("Gemm", i, [out.last!.outputs[0], w] + (b.map { [$0] } ?? []), ["transB": .int(1)])
    } else {
      let wt = "\(w)#transposed"
      initializers[wt] = transpose2D(initializers[w]!)
      if let b {
        emit("MatMul", i, [x, wt], suffix: "matmul")
        emit("Add", i, [out.last!.outputs[0], b])
      } else {
        emit("MatMul", i, [x, wt])
      }
    }
  }
}

/// The transpose of a rank-2 array of any element type.
func transpose2D(_ a: HostArray) -> HostArray {
  let (r, c, s) = (a.shape[0], a.shape[1], a.dtype.size)
  var bytes = [UInt8](repeating: 0, count: a.bytes.count)
  for i in 0..<r {
    for j in 0..<c {
      for k in 0..<s { bytes[(j * r + i) * s + k] = a.bytes[(i * c + j) * s + k] }
    }
  }
  return HostArray(dtype: a.dtype, shape: [c, r], bytes: bytes)
}
