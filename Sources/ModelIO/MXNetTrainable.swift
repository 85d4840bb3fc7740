import JSON
import NN
import Tensor

/// MXNet checkpoints of feed-forward nets (LeNet, MLPs) read back as a trainable NN
/// `Sequential`: the inverse of `MXNetExport.layers(of:)`. The symbol is read by the one
/// MXNet symbol reader (`MXNetSymbol.parseNodes`); anything beyond Convolution,
/// FullyConnected, Activation, Pooling and Flatten answers nil, and the caller falls back to
/// the inference graph (`MXNetSymbol.importGraph`).
public enum MXNetTrainable {
  /// Image side assumed when neither the symbol nor the first dense layer says it: MNIST's 28.
  public static let defaultImageSide = 28

  /// The net a symbol describes with its parameters bound, and one image's shape (channels
  /// first); nil when the symbol is not a plain feed-forward net of supported layers.
  public static func sequential(
    symbol: [UInt8], params: [MXNetParams.Entry], name: String, paramsFile: String = "params"
  ) throws(ModelLoadError) -> (network: Sequential, inputShape: [Int])? {
    let json: JSON
    do { json = try JSON.parse(symbol) } catch { throw ModelLoadError("symbol JSON: \(error)") }
    let nodes = try MXNetSymbol.parseNodes(json)
    var table: [String: HostArray] = [:]
    for e in params {
      guard let n = e.name, let array = e.array else { continue }
      table[n.hasPrefix("arg:") || n.hasPrefix("aux:") ? String(n.dropFirst(4)) : n] = array
    }
    guard let layers = try layers(nodes, table) else { return nil }
    let net = Sequential(name: name, layers)
    guard let inputShape = inputShape(of: net, declared: declaredShape(nodes)) else { return nil }
    for p in net.parameters {
      guard let array = table[p.name] else {
        throw ModelLoadError("parameter \(p.name) is missing", file: paramsFile)
      }
      guard array.shape == p.value.shape else {
        throw ModelLoadError(
          "parameter \(p.name) has shape \(array.shape), the symbol needs \(p.value.shape)",
          file: paramsFile)
      }
      do { p.variable.value = try Tensor(shape: array.shape, scalars: array.floats()) } catch {
        throw ModelLoadError("parameter \(p.name): \(error)", file: paramsFile)
      }
    }
    return (net, inputShape)
  }

  /// One image's shape: the data node's `__shape__` when the symbol declares it; else
  /// `defaultImageSide` square, or the smallest square side the layers accept (a conv net's
  /// first dense layer fixes it); an MLP's first dense width n is √n square or 1×1×n.
  static func inputShape(of net: Sequential, declared: [Int]?) -> [Int]? {
    func fits(_ shape: [Int]) -> Bool { (try? net.outputShape(for: [1] + shape)) != nil }
    if let declared, declared.count == 4, fits(Array(declared.dropFirst())) {
      return Array(declared.dropFirst())
    }
    if let conv = net.layers.first as? Conv2D {
      let c = conv.weight.value.shape[1]
      let sides = [defaultImageSide] + Array(1...512)
      return sides.lazy.map { [c, $0, $0] }.first(where: fits)
    }
    guard let dense = net.layers.first(where: { $0 is Dense }) as? Dense else { return nil }
    let n = dense.weight.value.shape[1]
    let side = Int(Double(n).squareRoot().rounded())
    let shape = side * side == n ? [1, side, side] : [1, 1, n]
    return fits(shape) ? shape : nil
  }

  /// The `__shape__` attribute of the data variable, when present ("(1, 1, 28, 28)").
  static func declaredShape(_ nodes: [MXNetSymbol.SymbolNode]) -> [Int]? {
    guard let data = nodes.first(where: { $0.op == "null" && $0.name == "data" }) else { return nil }
    let attrs = MXAttrs(attrs: data.attrs, node: data.name, op: data.op)
    guard let shape = try? attrs.tuple("__shape__"), shape.allSatisfy({ $0 > 0 }) else { return nil }
    return shape
  }

  /// The layers of a feed-forward symbol, activations fused into the layer before them;
  /// nil for an operator or layout this importer does not build.
  static func layers(_ nodes: [MXNetSymbol.SymbolNode], _ params: [String: HostArray])
    throws(ModelLoadError) -> [any Layer]?
  {
    var layers: [any Layer] = []
    for node in nodes {
      let attrs = MXAttrs(attrs: node.attrs, node: node.name, op: node.op)
      switch node.op {
      case "null", "SoftmaxOutput", "softmax", "SoftmaxActivation":
        continue
      case "Convolution":
        guard let w = params[node.name + "_weight"], w.shape.count == 4 else { return nil }
        let stride = try attrs.tuple("stride") ?? [1, 1]
        let pad = try attrs.tuple("pad") ?? [0, 0]
        guard stride.count == 2, pad.count == 2, stride.allSatisfy({ $0 >= 1 }) else { return nil }
        layers.append(
          try checkedLayer(node.name) {
            try Conv2D(
              inChannels: w.shape[1], outChannels: w.shape[0], kernelSize: (w.shape[2], w.shape[3]),
              stride: (stride[0], stride[1]), padding: (pad[0], pad[1]), name: node.name)
          })
      case "FullyConnected":
        guard let w = params[node.name + "_weight"], w.shape.count == 2 else { return nil }
        // MXNet's FullyConnected flattens its input itself; ours wants an explicit Flatten.
        if !layers.contains(where: { $0 is Flatten || $0 is Dense }) {
          layers.append(Flatten(name: "flatten"))
        }
        layers.append(
          try checkedLayer(node.name) {
            try Dense(inputSize: w.shape[1], outputSize: w.shape[0], name: node.name)
          })
      case "Activation":
        guard let act = Activation(rawValue: node.attrs["act_type"] ?? "") else { return nil }
        // Fused into a Conv2D or Dense before it, else a layer of its own (never dropping
        // the layer before it).
        if let last = layers.last, let fused = fuse(last, act) {
          layers[layers.count - 1] = fused
        } else {
          layers.append(ActivationLayer(act, name: node.name))
        }
      case "Pooling":
        guard let pool = try pooling(attrs, name: node.name) else { return nil }
        layers.append(pool)
      case "Flatten", "flatten":
        layers.append(Flatten(name: node.name))
      default:
        return nil
      }
    }
    return layers.isEmpty ? nil : layers
  }

  /// A layer built from a file's sizes; a size the engine refuses is a load error naming the node.
  static func checkedLayer(_ node: String, _ make: () throws -> any Layer) throws(ModelLoadError)
    -> any Layer
  {
    do { return try make() } catch { throw ModelLoadError("layer \(node): \(error)") }
  }

  static func pooling(_ attrs: MXAttrs, name: String) throws(ModelLoadError) -> (any Layer)? {
    let kernel = try attrs.tuple("kernel") ?? [2, 2]
    let stride = try attrs.tuple("stride") ?? kernel
    guard kernel.count == 2, stride.count == 2, (kernel + stride).allSatisfy({ $0 >= 1 }) else {
      return nil
    }
    switch attrs.attrs["pool_type"] ?? "max" {
    case "max":
      return MaxPool2D(poolSize: (kernel[0], kernel[1]), strides: (stride[0], stride[1]), name: name)
    case "avg":
      return AvgPool2D(poolSize: (kernel[0], kernel[1]), strides: (stride[0], stride[1]), name: name)
    default: return nil
    }
  }

  /// A Conv2D or Dense without activation rebuilt with `act` folded in; nil for other layers.
  static func fuse(_ previous: any Layer, _ act: Activation) -> (any Layer)? {
    // Built fresh with the same shapes; the weights are bound afterwards by name.
    if let c = previous as? Conv2D, c.activation == .identity {
      let s = c.weight.value.shape
      // The same sizes as the layer it replaces, so the size checks pass (nil otherwise).
      return try? Conv2D(
        inChannels: s[1], outChannels: s[0], kernelSize: (s[2], s[3]), stride: c.options.stride,
        padding: (c.options.pads[0], c.options.pads[1]), activation: act, name: c.name)
    }
    if let d = previous as? Dense, d.activation == .identity {
      let s = d.weight.value.shape
      return try? Dense(inputSize: s[1], outputSize: s[0], activation: act, name: d.name)
    }
    return nil
  }
}

/// MXNet's checkpoint file names: the one place the epoch becomes four digits.
public enum MXNetCheckpoint {
  /// `PREFIX-symbol.json`.
  public static func symbolPath(prefix: String) -> String { prefix + "-symbol.json" }
  /// `PREFIX-NNNN.params` (`%04d`: four digits, more when the epoch needs them).
  public static func paramsPath(prefix: String, epoch: Int) -> String {
    prefix + "-" + String(format4: epoch) + ".params"
  }
}
