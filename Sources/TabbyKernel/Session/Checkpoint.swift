import CellLanguage
import Foundation
import JSON
import ModelIO
import NN
import Tensor

/// MXNet checkpoints of this session's feed-forward nets (LeNet, MLPs): read back into a
/// trainable `Sequential`, and written with ModelIO's exporter.
enum Checkpoint {
  /// The prefix and epoch a user's path names, when it names an MXNet checkpoint on disk:
  /// `lenet`, `lenet-symbol.json` or `lenet-0001.params`.
  static func locate(_ path: String, epoch: Int?) -> (prefix: String, epoch: Int)? {
    var prefix = path
    var fileEpoch: Int?
    if path.hasSuffix("-symbol.json") {
      prefix = String(path.dropLast("-symbol.json".count))
    } else if path.hasSuffix(".params"), path.count > 12 {
      let stem = path.dropLast(".params".count)
      if let dash = stem.lastIndex(of: "-"), let n = Int(stem[stem.index(after: dash)...]) {
        prefix = String(stem[..<dash])
        fileEpoch = n
      }
    }
    guard FileManager.default.fileExists(atPath: prefix + "-symbol.json") else { return nil }
    let chosen = epoch ?? fileEpoch ?? epochs(prefix).max()
    guard let chosen else { return nil }
    return (prefix, chosen)
  }

  /// The epochs with a `.params` file beside the symbol.
  static func epochs(_ prefix: String) -> [Int] {
    let dir = (prefix as NSString).deletingLastPathComponent
    let base = (prefix as NSString).lastPathComponent + "-"
    let names =
      (try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir)) ?? []
    return names.compactMap { name in
      guard name.hasPrefix(base), name.hasSuffix(".params") else { return nil }
      return Int(name.dropFirst(base.count).dropLast(".params".count))
    }
  }

  static func paramsPath(_ prefix: String, _ epoch: Int) -> String {
    prefix + "-" + String(repeating: "0", count: max(0, 4 - String(epoch).count)) + String(epoch)
      + ".params"
  }

  /// Builds the net a symbol describes, or nil when it uses operators beyond
  /// Convolution/FullyConnected/Activation/Pooling/Flatten (the classifier loads those).
  static func network(prefix: String, epoch: Int) throws -> (Sequential, inputShape: [Int])? {
    let symbolPath = prefix + "-symbol.json"
    guard let text = try? String(contentsOfFile: symbolPath, encoding: .utf8) else {
      throw CellError(ename: "OSError", "cannot read \(symbolPath)")
    }
    let nodes: [JSON]
    do { nodes = try JSON.parse(text)["nodes"]?.arrayValue ?? [] } catch {
      throw CellError(ename: "ModelLoadError", "\(symbolPath): \(error)")
    }
    let entries: [MXNetParams.Entry]
    do { entries = try MXNetParams.read(path: paramsPath(prefix, epoch)) } catch {
      throw CellError(ename: "ModelLoadError", error.description)
    }
    var params: [String: HostArray] = [:]
    for e in entries {
      guard let name = e.name, let array = e.array else { continue }
      params[name.hasPrefix("arg:") || name.hasPrefix("aux:") ? String(name.dropFirst(4)) : name] =
        array
    }
    guard let layers = try layers(nodes, params) else { return nil }
    let name = (prefix as NSString).lastPathComponent
    let net = Sequential(name: name, layers)
    let inputShape: [Int] =
      layers.first is Conv2D
      ? [(layers.first as! Conv2D).weight.value.shape[1], 28, 28] : [1, 28, 28]
    do { _ = try net.outputShape(for: [1] + inputShape) } catch { return nil }
    for p in net.parameters {
      guard let array = params[p.name] else {
        throw CellError(
          ename: "ModelLoadError", "\(paramsPath(prefix, epoch)): parameter \(p.name) is missing")
      }
      guard array.shape == p.value.shape else {
        throw CellError(
          ename: "ModelLoadError",
          "\(paramsPath(prefix, epoch)): parameter \(p.name) has shape \(array.shape), the symbol needs \(p.value.shape)"
        )
      }
      p.variable.value = try Tensor(shape: array.shape, scalars: array.floats())
    }
    return (net, inputShape)
  }

  /// The layers of a feed-forward symbol, activations fused into the layer before them.
  static func layers(_ nodes: [JSON], _ params: [String: HostArray]) throws -> [any Layer]? {
    var layers: [any Layer] = []
    for node in nodes {
      let op = node["op"]?.stringValue ?? ""
      let name = node["name"]?.stringValue ?? ""
      let attrs = node["attrs"]?.objectValue ?? node["param"]?.objectValue ?? [:]
      switch op {
      case "null", "SoftmaxOutput", "softmax", "SoftmaxActivation":
        continue
      case "Convolution":
        guard let w = params[name + "_weight"], w.shape.count == 4 else { return nil }
        let stride = tuple(attrs["stride"]?.stringValue) ?? [1, 1]
        let pad = tuple(attrs["pad"]?.stringValue) ?? [0, 0]
        guard stride.count == 2, pad.count == 2 else { return nil }
        layers.append(
          try Conv2D(
            inChannels: w.shape[1], outChannels: w.shape[0], kernelSize: (w.shape[2], w.shape[3]),
            stride: (stride[0], stride[1]), padding: (pad[0], pad[1]), name: name))
      case "FullyConnected":
        guard let w = params[name + "_weight"], w.shape.count == 2 else { return nil }
        // MXNet's FullyConnected flattens its input itself; ours wants an explicit Flatten.
        if !layers.contains(where: { $0 is Flatten || $0 is Dense }) {
          layers.append(Flatten(name: "flatten"))
        }
        layers.append(try Dense(inputSize: w.shape[1], outputSize: w.shape[0], name: name))
      case "Activation":
        guard let act = Activation(rawValue: attrs["act_type"]?.stringValue ?? "") else {
          return nil
        }
        layers.append(try fuse(layers.popLast(), act, name: name))
      case "Pooling":
        let kernel = tuple(attrs["kernel"]?.stringValue) ?? [2, 2]
        let stride = tuple(attrs["stride"]?.stringValue) ?? kernel
        guard kernel.count == 2, stride.count == 2 else { return nil }
        switch attrs["pool_type"]?.stringValue ?? "max" {
        case "max":
          layers.append(
            MaxPool2D(poolSize: (kernel[0], kernel[1]), strides: (stride[0], stride[1]), name: name)
          )
        case "avg":
          layers.append(
            AvgPool2D(poolSize: (kernel[0], kernel[1]), strides: (stride[0], stride[1]), name: name)
          )
        default: return nil
        }
      case "Flatten", "flatten":
        layers.append(Flatten(name: name))
      default:
        return nil
      }
    }
    return layers.isEmpty ? nil : layers
  }

  /// A Conv2D or Dense with the activation folded in, else a separate activation layer.
  static func fuse(_ previous: (any Layer)?, _ act: Activation, name: String) throws -> any Layer {
    // Built fresh with the same shapes; the weights are loaded afterwards by name.
    if let c = previous as? Conv2D, c.activation == .identity {
      let s = c.weight.value.shape
      return try Conv2D(
        inChannels: s[1], outChannels: s[0], kernelSize: (s[2], s[3]), stride: c.options.stride,
        padding: (c.options.pads[0], c.options.pads[1]), activation: act, name: c.name)
    }
    if let d = previous as? Dense, d.activation == .identity {
      let s = d.weight.value.shape
      return try Dense(inputSize: s[1], outputSize: s[0], activation: act, name: d.name)
    }
    return ActivationLayer(act, name: name)
  }

  /// "(5, 5)" → [5, 5].
  static func tuple(_ text: String?) -> [Int]? {
    guard let text else { return nil }
    let parts = text.split(whereSeparator: { "(), ".contains($0) }).compactMap { Int($0) }
    return parts.isEmpty ? nil : parts
  }

  /// Writes `PREFIX-symbol.json` and `PREFIX-EPOCH.params` for a feed-forward net, through
  /// ModelIO's exporter (the same files `tabby train --save` writes).
  static func save(_ net: Sequential, prefix: String, epoch: Int) throws {
    do { try MXNetExport.save(net, prefix: prefix, epoch: epoch) } catch {
      throw CellError(ename: "OSError", error.description)
    }
  }

}
