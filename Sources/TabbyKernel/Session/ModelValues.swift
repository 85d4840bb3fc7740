import CellLanguage
import Classifier

/// A trainable network of this session (`lenet()`, `mlp()`, or an MXNet checkpoint of one):
/// shows itself as a summary, trains, evaluates, predicts single images, saves.
final class NetModel: HostObject {
  let model: TrainableModel
  let device: ComputeDevice
  /// The last training run's history (partial when interrupted).
  var history: HistoryValue?

  init(_ model: TrainableModel, device: ComputeDevice) {
    self.model = model
    self.device = device
  }

  /// One image's shape, channels first ([1, 28, 28]).
  var inputShape: [Int] { model.inputShape }
  var classNames: [String] { model.classNames }

  var typeName: String { "Model" }
  var repr: String {
    "Model(\(model.source): \(model.layerCount) layers, \(model.parameterCount) parameters, "
      + "input \(shapeText(inputShape)), \(classNames.count) classes, on \(device))"
  }

  var attributeNames: [String] {
    ["history", "classes", "name", "parameters", "device", "input_shape"]
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "history": history.map { .host($0) } ?? Value.none
    case "classes": .list(classNames.map { .string($0) })
    case "name": .string(model.name)
    case "parameters": .int(model.parameterCount)
    case "device": .host(DeviceValue(device))
    case "input_shape": .tuple(inputShape.map { .int($0) })
    default: nil
    }
  }

  func richDisplay() -> MimeBundle? { try? SummaryValue(model: self).richDisplay() }

  var help: String? {
    "A trainable network: train(model, data), evaluate(model, data), predict(model, data.test[0]), "
      + "save(model, prefix), summary(model); model.history after training."
  }
}

/// A pretrained classifier from `load()` (ONNX or MXNet, e.g. MobileNetV2 on ImageNet).
final class PretrainedValue: HostObject {
  let model: PretrainedModel
  let device: ComputeDevice
  init(_ model: PretrainedModel, device: ComputeDevice) {
    self.model = model
    self.device = device
  }

  var typeName: String { "PretrainedModel" }
  var repr: String { "PretrainedModel(\(model.summary), on \(device))" }
  var attributeNames: [String] {
    ["name", "labels", "profile", "path", "input_size", "load_seconds"]
  }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "name": .string(model.name)
    case "labels": .list((model.labels?.names ?? []).map { .string($0) })
    case "profile": .string(model.profileName)
    case "path": .string(model.resolved.location.displayPath)
    case "input_size": model.input.height.map { .int($0) } ?? Value.none
    case "load_seconds": .float(model.loadSeconds)
    default: nil
    }
  }

  func richDisplay() -> MimeBundle? {
    let input = model.input
    let rows: [[String]] = [
      ["name", model.name], ["file", model.resolved.location.displayPath],
      ["found in", model.resolved.origin.rawValue],
      [
        "input",
        "\(input.layout.rawValue) \(input.elementType.rawValue) \(input.height.map { "\($0)×\($0)" } ?? "any size")",
      ],
      ["preprocessing", model.profileName],
      ["classes", model.labels.map { "\($0.count) (\(model.labelsSource))" } ?? "none"],
      ["context", device.description], ["load time", fixed(model.loadSeconds, 2) + " s"],
    ]
    return MimeBundle(data: [
      "text/html": .string(HTML.table(header: ["", ""], rows: rows, caption: "Pretrained model")),
      "text/plain": .string(repr),
    ])
  }

  var help: String? {
    "A pretrained classifier: predict(model, 'photo.jpg', top=5) or a list of paths."
  }
}

/// What `summary(model)` returns: one row per layer (name, output shape, parameters).
final class SummaryValue: HostObject {
  let rows: [LayerInfo]
  let total: Int
  let title: String

  init(model: NetModel) throws {
    rows = try model.model.summary()
    total = model.model.parameterCount
    title = "\(model.model.name) on \(model.device), input \(shapeText(model.inputShape))"
  }

  var typeName: String { "Summary" }
  var repr: String {
    var lines = [title, pad("layer", 20) + pad("output shape", 18) + "parameters"]
    for r in rows {
      lines.append(
        pad("\(r.name) (\(r.kind))", 20) + pad(shapeText(r.outputShape), 18)
          + String(r.parameterCount))
    }
    lines.append("total parameters: \(total)")
    return lines.joined(separator: "\n")
  }

  func richDisplay() -> MimeBundle? {
    var body = rows.map {
      ["\($0.name) (\($0.kind))", shapeText($0.outputShape), String($0.parameterCount)]
    }
    body.append(["total", "", String(total)])
    return MimeBundle(data: [
      "text/html": .string(
        HTML.table(header: ["layer", "output shape", "parameters"], rows: body, caption: title)),
      "text/plain": .string(repr),
    ])
  }

  private func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count)
  }
}
