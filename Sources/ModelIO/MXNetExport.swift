/// One layer of a feed-forward net to export as an MXNet checkpoint.
public enum ExportLayer: Sendable {
  /// 2-D convolution; weight [out, in, kh, kw], bias [out].
  case convolution(name: String, weight: HostArray, bias: HostArray, stride: [Int] = [1, 1], pad: [Int] = [0, 0])
  /// Fully connected; weight [out, in], bias [out].
  case fullyConnected(name: String, weight: HostArray, bias: HostArray)
  /// Activation (`relu`, `tanh`, `sigmoid`, `softrelu`); names follow train_mnist (act1, relu1, …).
  case activation(name: String, type: String)
  /// Pooling (`max` or `avg`); `full` rounds the output size up (pooling_convention full).
  case pooling(name: String, type: String, kernel: [Int], stride: [Int], pad: [Int] = [0, 0], full: Bool = false)
  /// Average over each whole plane.
  case globalAvgPool(name: String)
  /// Batch normalisation with moving statistics (written as `aux:` parameters).
  case batchNorm(name: String, gamma: HostArray, beta: HostArray, mean: HostArray, variance: HostArray, epsilon: Float)
  /// Dropout (identity at inference).
  case dropout(name: String, p: Float)
  /// Clip to [min, max] (relu6 is clip 0…6).
  case clip(name: String, min: Float, max: Float)
  /// Flatten to [N, features].
  case flatten(name: String)
}

/// Writes MXNet checkpoints (`PREFIX-symbol.json`, `PREFIX-NNNN.params`) in the style of
/// MXNet's train_mnist (Module API): variables repeat their operator's attributes, the head is
/// `SoftmaxOutput` named `softmax` with label variable `softmax_label`, and the JSON is laid out
/// as MXNet 1.9.1's own writer lays it out.
public enum MXNetExport {
  struct SymNode {
    var op: String
    var name: String
    var attrs: [(String, String)]
    var inputs: [Int]
  }

  static func tuple(_ v: [Int]) -> String { "(" + v.map { String($0) }.joined(separator: ", ") + ")" }

  static func nodes(_ layers: [ExportLayer]) -> [SymNode] {
    var nodes = [SymNode(op: "null", name: "data", attrs: [], inputs: [])]
    var last = 0
    func add(_ n: SymNode) {
      nodes.append(n)
      last = nodes.count - 1
    }
    for layer in layers {
      switch layer {
      case .convolution(let name, let w, _, let stride, let pad):
        var attrs = [("kernel", tuple(Array(w.shape[2...]))), ("num_filter", String(w.shape[0]))]
        if pad != [0, 0] { attrs.append(("pad", tuple(pad))) }
        if stride != [1, 1] { attrs.append(("stride", tuple(stride))) }
        attrs.sort { $0.0 < $1.0 }
        let input = last
        nodes.append(SymNode(op: "null", name: name + "_weight", attrs: attrs, inputs: []))
        nodes.append(SymNode(op: "null", name: name + "_bias", attrs: attrs, inputs: []))
        add(SymNode(op: "Convolution", name: name, attrs: attrs, inputs: [input, nodes.count - 2, nodes.count - 1]))
      case .fullyConnected(let name, let w, _):
        let attrs = [("num_hidden", String(w.shape[0]))]
        let input = last
        nodes.append(SymNode(op: "null", name: name + "_weight", attrs: attrs, inputs: []))
        nodes.append(SymNode(op: "null", name: name + "_bias", attrs: attrs, inputs: []))
        add(SymNode(op: "FullyConnected", name: name, attrs: attrs, inputs: [input, nodes.count - 2, nodes.count - 1]))
      case .activation(let name, let type):
        add(SymNode(op: "Activation", name: name, attrs: [("act_type", type)], inputs: [last]))
      case .pooling(let name, let type, let kernel, let stride, let pad, let full):
        var attrs = [("kernel", tuple(kernel)), ("pool_type", type), ("stride", tuple(stride))]
        if pad != [0, 0] { attrs.append(("pad", tuple(pad))) }
        if full { attrs.append(("pooling_convention", "full")) }
        add(SymNode(op: "Pooling", name: name, attrs: attrs.sorted { $0.0 < $1.0 }, inputs: [last]))
      case .globalAvgPool(let name):
        add(SymNode(
          op: "Pooling", name: name, attrs: [("global_pool", "True"), ("kernel", "(1, 1)"), ("pool_type", "avg")],
          inputs: [last]))
      case .batchNorm(let name, _, _, _, _, let eps):
        let attrs = [("eps", "\(eps)"), ("fix_gamma", "False")]
        let input = last
        for suffix in ["gamma", "beta", "moving_mean", "moving_var"] {
          nodes.append(SymNode(op: "null", name: "\(name)_\(suffix)", attrs: attrs, inputs: []))
        }
        let n = nodes.count
        add(SymNode(op: "BatchNorm", name: name, attrs: attrs, inputs: [input, n - 4, n - 3, n - 2, n - 1]))
      case .dropout(let name, let p):
        add(SymNode(op: "Dropout", name: name, attrs: [("p", "\(p)")], inputs: [last]))
      case .clip(let name, let lo, let hi):
        add(SymNode(op: "clip", name: name, attrs: [("a_max", "\(hi)"), ("a_min", "\(lo)")], inputs: [last]))
      case .flatten(let name):
        add(SymNode(op: "Flatten", name: name, attrs: [], inputs: [last]))
      }
    }
    let head = last
    nodes.append(SymNode(op: "null", name: "softmax_label", attrs: [], inputs: []))
    nodes.append(SymNode(op: "SoftmaxOutput", name: "softmax", attrs: [], inputs: [head, nodes.count - 1]))
    return nodes
  }

  /// The symbol JSON text, byte for byte as MXNet 1.9.1 writes it.
  public static func symbolJSON(_ layers: [ExportLayer]) -> String {
    let nodes = nodes(layers)
    var s = "{\n  \"nodes\": [\n"
    for (i, n) in nodes.enumerated() {
      s += "    {\n      \"op\": \(quote(n.op)), \n      \"name\": \(quote(n.name)), \n"
      if n.attrs.count == 1 {
        s += "      \"attrs\": {\(quote(n.attrs[0].0)): \(quote(n.attrs[0].1))}, \n"
      } else if !n.attrs.isEmpty {
        s += "      \"attrs\": {\n"
        s += n.attrs.map { "        \(quote($0.0)): \(quote($0.1))" }.joined(separator: ", \n")
        s += "\n      }, \n"
      }
      // Aux-state inputs (BatchNorm's moving statistics) carry version 1, as MXNet writes them.
      let entries = n.inputs.enumerated().map { k, i in "[\(i), 0, \(n.op == "BatchNorm" && k >= 3 ? 1 : 0)]" }
      s += "      \"inputs\": [" + entries.joined(separator: ", ") + "]\n    }"
      s += i == nodes.count - 1 ? "\n" : ", \n"
    }
    s += "  ], \n"
    let args = nodes.indices.filter { nodes[$0].op == "null" }
    s += "  \"arg_nodes\": [" + args.map { String($0) }.joined(separator: ", ") + "], \n"
    // MXNet's Pooling has a hidden second output (its workspace), which the row pointers count.
    var rows = [0]
    for n in nodes { rows.append(rows.last! + (["Pooling": 2, "Dropout": 2, "BatchNorm": 3][n.op] ?? 1)) }
    s += "  \"node_row_ptr\": [\n" + rows.map { "    \($0)" }.joined(separator: ", \n") + "\n  ], \n"
    s += "  \"heads\": [[\(nodes.count - 1), 0, 0]], \n"
    s += "  \"attrs\": {\"mxnet_version\": [\"int\", 10901]}\n}"
    return s
  }

  static func quote(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
      switch c {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      default: out.unicodeScalars.append(c)
      }
    }
    return out + "\""
  }

  /// The `arg:`-prefixed parameters, sorted by name as `save_checkpoint` writes them.
  public static func parameters(_ layers: [ExportLayer]) -> [(name: String, array: HostArray)] {
    var out: [(name: String, array: HostArray)] = []
    for layer in layers {
      switch layer {
      case .convolution(let name, let w, let b, _, _), .fullyConnected(let name, let w, let b):
        out.append(("arg:\(name)_weight", w))
        out.append(("arg:\(name)_bias", b))
      case .batchNorm(let name, let g, let b, let m, let v, _):
        out += [("arg:\(name)_gamma", g), ("arg:\(name)_beta", b), ("aux:\(name)_moving_mean", m), ("aux:\(name)_moving_var", v)]
      default: break
      }
    }
    return out.sorted { $0.name < $1.name }
  }

  /// Writes `PREFIX-symbol.json` and `PREFIX-EPOCH.params` (epoch as four digits).
  public static func save(_ layers: [ExportLayer], prefix: String, epoch: Int = 0) throws(ModelLoadError) {
    try ModelFiles.write(Array(symbolJSON(layers).utf8), to: prefix + "-symbol.json")
    try MXNetParams.write(parameters(layers), to: prefix + "-" + String(format4: epoch) + ".params")
  }
}
