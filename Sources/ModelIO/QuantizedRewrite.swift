#if canImport(Glibc)
  import Glibc
#endif

/// The int8 path's decisions, made once on the rewritten graph: which nodes run on 8-bit codes
/// with onnxruntime's QLinear arithmetic (`fusion.int8Inputs`), and which outputs stay codes
/// because only such nodes read them (`fusion.emitsCodes`). A Conv qualifies when its input is
/// codes (a quantized value), its weights and bias are constant codes (uint8/int8, int32) and
/// its output is quantized, with at most an activation the quantization makes a no-op (as
/// onnxruntime drops it); residual Adds, an AveragePool and a final Softmax qualify when their
/// inputs and outputs are quantized.
extension GraphRewrite {
  /// TABBY_INT8=0 keeps quantized models on the float path (fake quantization), for A/B runs.
  static let int8Enabled: Bool = getenv("TABBY_INT8").map { String(cString: $0) != "0" } ?? true

  static func markInt8(_ g: inout Graph) {
    guard int8Enabled else { return }
    var params: [String: FusedQuantization] = [:]
    let producer = Dictionary(g.nodes.enumerated().flatMap { i, n in n.outputs.map { ($0, i) } }) { a, _ in a }
    let outputs = Set(g.outputs.map(\.name))
    fusing(&g) { g, i, readers in
      let n = g.nodes[i]
      var absorbed: Int?
      switch n.op {
      case "Conv":
        guard let q = params[n.inputs[0]] else { break }
        // A Conv quantized by a lone QuantizeLinear (a classifier's logits) takes it in.
        if n.fusion.outputQuantization == nil, n.fusion.activation == nil,
          let (j, oq) = quantizedReader(n, g, readers, outputs, reader: "QuantizeLinear", int8: true)
        {
          var c = n
          c.fusion.outputQuantization = oq
          if int8Conv(c, g, producer) {
            (c.fusion.int8Inputs, c.fusion.emitsCodes, c.outputs) = ([q], true, g.nodes[j].outputs)
            g.nodes[i] = c
            absorbed = j
          }
        } else if int8Conv(n, g, producer) {
          g.nodes[i].fusion.int8Inputs = [q]
        }
      case "Add":
        if n.fusion.outputQuantization != nil, n.inputs.count == 2, let a = params[n.inputs[0]], let b = params[n.inputs[1]] {
          g.nodes[i].fusion.int8Inputs = [a, b]
        }
      case "AveragePool", "Softmax":
        guard let q = params[n.inputs[0]], n.op == "Softmax" || pooling(n) else { break }
        for reader in ["FakeQuant", "QuantizeLinear"] {
          guard let (j, oq) = quantizedReader(n, g, readers, outputs, reader: reader, int8: n.op == "AveragePool") else { continue }
          g.nodes[i].fusion.int8Inputs = [q]
          g.nodes[i].fusion.outputQuantization = oq
          g.nodes[i].outputs = g.nodes[j].outputs
          // After a QuantizeLinear the output is the codes themselves.
          g.nodes[i].fusion.emitsCodes = reader == "QuantizeLinear"
          absorbed = j
          break
        }
      default: break
      }
      let m = g.nodes[i]
      if m.op == "Transpose", let q = m.fusion.inputDequantization {
        params[m.outputs[0]] = q
      } else if let q = m.fusion.outputQuantization, m.outputs.count == 1 {
        params[m.outputs[0]] = q
      } else if ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity"].contains(m.op), let q = params[m.inputs[0]] {
        params[m.outputs[0]] = q
      } else if m.op == "QuantizeLinear" || m.op == "DequantizeLinear", g.initializers[m.inputs[0]] == nil,
        m.outputs.count == 1, let q = perTensor(m, g)
      {
        // Codes, or values on their grid (which int8 steps quantize back exactly).
        params[m.outputs[0]] = q
      }
      return absorbed
    }
    markCodeOutputs(&g)
  }

  /// Outputs read by int8 steps alone (never a graph output) are kept as codes.
  static func markCodeOutputs(_ g: inout Graph) {
    var int8Readers: [String: Bool] = [:]
    for n in g.nodes {
      for v in n.inputs where !v.isEmpty { int8Readers[v] = (int8Readers[v] ?? true) && !n.fusion.int8Inputs.isEmpty }
    }
    for o in g.outputs { int8Readers[o.name] = false }
    for i in g.nodes.indices where g.nodes[i].outputs.count == 1 {
      let n = g.nodes[i]
      let canEmit = (n.op == "Transpose" && n.fusion.inputDequantization != nil) || !n.fusion.int8Inputs.isEmpty
      if canEmit && int8Readers[n.outputs[0]] == true { g.nodes[i].fusion.emitsCodes = true }
    }
    centreDepthwiseInputs(&g)
  }

  /// An int8 convolution read only by int8 depthwise ones stores its codes less the zero point,
  /// so they sum them directly (their padding then holds the right value, 0).
  static func centreDepthwiseInputs(_ g: inout Graph) {
    var readers: [String: [Int]] = [:]
    for (k, n) in g.nodes.enumerated() { for v in n.inputs where !v.isEmpty { readers[v, default: []].append(k) } }
    for i in g.nodes.indices {
      let n = g.nodes[i]
      guard n.op == "Conv", n.fusion.emitsCodes, !n.fusion.int8Inputs.isEmpty, (n.int("group") ?? 1) == 1,
        let q = n.fusion.outputQuantization, let rs = readers[n.outputs[0]], !rs.isEmpty,
        rs.allSatisfy({ g.nodes[$0].op == "Conv" && (g.nodes[$0].int("group") ?? 1) > 1 && g.nodes[$0].inputs[0] == n.outputs[0] })
      else { continue }
      g.nodes[i].fusion.codesCentred = true
      let centred = FusedQuantization(scale: q.scale, zeroPoint: 0, low: q.low - q.zeroPoint, high: q.high - q.zeroPoint)
      for r in rs { g.nodes[r].fusion.int8Inputs[0] = centred }
    }
  }

  /// The initializer a DequantizeLinear node turns into the value `name`, with its scale and zero point.
  static func dequantizedConstant(_ name: String, _ g: Graph, _ producer: [String: Int])
    -> (codes: HostArray, scale: HostArray, zero: HostArray?, node: Node)?
  {
    guard let p = producer[name], g.nodes[p].op == "DequantizeLinear", g.nodes[p].domain.isEmpty,
      g.nodes[p].inputs.count >= 2, let codes = g.initializers[g.nodes[p].inputs[0]],
      let scale = g.initializers[g.nodes[p].inputs[1]]
    else { return nil }
    let d = g.nodes[p]
    let zero = d.inputs.count > 2 && !d.inputs[2].isEmpty ? g.initializers[d.inputs[2]] : nil
    if d.inputs.count > 2 && !d.inputs[2].isEmpty && zero == nil { return nil }
    return (codes, scale, zero, d)
  }

  /// Whether a Conv's weights, bias, groups and activation fit the int8 kernels.
  static func int8Conv(_ n: Node, _ g: Graph, _ producer: [String: Int]) -> Bool {
    guard let oq = n.fusion.outputQuantization, n.inputs.count == 2 || n.inputs.count == 3,
      let w = dequantizedConstant(n.inputs[1], g, producer), w.codes.shape.count == 4,
      w.codes.dtype == .uint8 || w.codes.dtype == .int8
    else { return false }
    let oc = w.codes.shape[0]
    let perChannel = w.scale.count == oc && oc > 1 && w.node.int("axis") == 0
    guard w.scale.count == 1 || perChannel, w.zero.map({ $0.count == w.scale.count }) ?? true else { return false }
    if n.inputs.count == 3 && !n.inputs[2].isEmpty {
      guard let b = dequantizedConstant(n.inputs[2], g, producer), b.codes.dtype == .int32, b.codes.count == oc,
        b.zero.map({ $0.floats().allSatisfy { $0 == 0 } }) ?? true
      else { return false }
    }
    let groups = n.int("group") ?? 1
    let taps = w.codes.shape[2] * w.codes.shape[3]
    guard groups == 1 || (groups == oc && w.codes.shape[1] == 1 && taps <= 256) else { return false }
    // The activation must change nothing the output's saturation does not already do.
    let (lo, hi) = ((oq.low - oq.zeroPoint) * oq.scale, (oq.high - oq.zeroPoint) * oq.scale)
    switch n.fusion.activation {
    case nil: return true
    case .relu?: return lo >= 0
    case .clip(let a, let b)?: return a <= lo && b >= hi
    case .leakyRelu?: return false
    }
  }

  /// The reader that quantizes a node's output (`reader`: a per-tensor FakeQuant or
  /// QuantizeLinear), read by nothing else; int8 false admits uint8 codes only.
  static func quantizedReader(_ n: Node, _ g: Graph, _ readers: Readers, _ outputs: Set<String>, reader: String, int8: Bool)
    -> (Int, FusedQuantization)?
  {
    guard n.outputs.count == 1, !outputs.contains(n.outputs[0]), let j = readers.sole(n.outputs[0]) else { return nil }
    let r = g.nodes[j]
    guard r.op == reader, r.inputs.first == n.outputs[0], let q = perTensor(r, g), int8 || q.low == 0 else { return nil }
    return (j, q)
  }

  /// A (de)quantization node's per-tensor constant parameters (uint8 or int8 codes).
  static func perTensor(_ r: Node, _ g: Graph) -> FusedQuantization? {
    guard r.inputs.count >= 2, let s = g.initializers[r.inputs[1]], s.count == 1 else { return nil }
    let hasZero = r.inputs.count > 2 && !r.inputs[2].isEmpty
    let z = hasZero ? g.initializers[r.inputs[2]] : nil
    if hasZero && (z == nil || z!.count != 1) { return nil }
    let type = z?.dtype ?? .uint8
    guard type == .uint8 || type == .int8 else { return nil }
    let (lo, hi): (Float, Float) = type == .int8 ? (-128, 127) : (0, 255)
    return FusedQuantization(scale: s.floats()[0], zeroPoint: z?.floats().first ?? 0, low: lo, high: hi)
  }

  /// The attributes the quantized pooling kernel implements (2-D, no ceil mode or dilations).
  static func pooling(_ n: Node) -> Bool {
    n.op == "AveragePool" && n.ints("kernel_shape")?.count == 2 && (n.int("ceil_mode") ?? 0) == 0 && n.ints("dilations") == nil
  }
}
