import NN
import Tensor

extension MXNetExport {
  /// The export layers of a `Sequential` of Conv2D, Dense, pooling, Flatten, BatchNorm,
  /// Dropout and activations; fused activations become MXNet `Activation` nodes named as
  /// train_mnist names them (`relu1`… in an MLP, `act1`… otherwise).
  public static func layers(of model: Sequential) throws(ModelLoadError) -> [ExportLayer] {
    let hasConv = model.layers.contains { $0 is Conv2D }
    var out: [ExportLayer] = []
    var activations = 0
    func array(_ p: Parameter) -> HostArray { HostArray(shape: p.value.shape, floats: p.value.scalars) }
    func activate(_ a: Activation, name: String? = nil) {
      guard a != .identity else { return }
      activations += 1
      let auto = (!hasConv && a == .relu ? "relu" : "act") + "\(activations)"
      if a == .relu6 {
        out.append(.clip(name: name ?? auto, min: 0, max: 6))
      } else {
        out.append(.activation(name: name ?? auto, type: a.rawValue))
      }
    }
    for layer in model.layers {
      switch layer {
      case let c as Conv2D:
        let o = c.options
        guard o.groups == 1, o.dilation == (1, 1), o.pads[0] == o.pads[2], o.pads[1] == o.pads[3] else {
          throw ModelLoadError("export: Conv2D '\(c.name)' uses groups, dilation or asymmetric padding, which the MXNet export does not write")
        }
        out.append(.convolution(
          name: c.name, weight: array(c.weight), bias: array(c.bias), stride: [o.stride.h, o.stride.w], pad: [o.pads[0], o.pads[1]]))
        activate(c.activation)
      case let d as Dense:
        out.append(.fullyConnected(name: d.name, weight: array(d.weight), bias: array(d.bias)))
        activate(d.activation)
      case let p as MaxPool2D:
        out.append(pooling(p.name, "max", p.options))
      case let p as AvgPool2D:
        out.append(pooling(p.name, "avg", p.options))
      case let g as GlobalAvgPool2D: out.append(.globalAvgPool(name: g.name))
      case let f as Flatten: out.append(.flatten(name: f.name))
      case let a as ActivationLayer: activate(a.activation, name: a.name)
      case let d as Dropout: out.append(.dropout(name: d.name, p: d.probability))
      case let b as BatchNorm:
        out.append(.batchNorm(
          name: b.name, gamma: array(b.scale), beta: array(b.offset), mean: array(b.runningMean),
          variance: array(b.runningVariance), epsilon: b.epsilon))
      default:
        throw ModelLoadError("export: layer '\(layer.name)' (\(layer.kind)) has no MXNet equivalent here")
      }
    }
    return out
  }

  static func pooling(_ name: String, _ type: String, _ o: Pool2DOptions) -> ExportLayer {
    .pooling(name: name, type: type, kernel: o.kernel, stride: o.stride, pad: [o.pads[0], o.pads[1]], full: o.ceilMode)
  }

  /// Writes `PREFIX-symbol.json` and `PREFIX-EPOCH.params` for a Sequential model.
  public static func save(_ model: Sequential, prefix: String, epoch: Int = 0) throws(ModelLoadError) {
    try save(try layers(of: model), prefix: prefix, epoch: epoch)
  }
}
