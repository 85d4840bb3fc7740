import JSON

/// How a model file is stored.
public enum ModelFormat: String, Sendable {
  /// An ONNX protobuf, optionally gzipped.
  case onnx
  /// An MXNet checkpoint: `prefix-symbol.json` plus `prefix-NNNN.params`.
  case mxnet
}

/// Which class names a model's outputs carry.
public enum LabelSource: Equatable, Sendable {
  /// The ImageNet-1k list that ships with Tabby (1000 or 1001 outputs).
  case imageNet1k
  /// A synset or label-per-line file.
  case file(String)
  /// No names: results carry the raw output index only.
  case unlabeled
}

/// One downloadable pretrained model.
public struct ZooEntry: Equatable, Sendable {
  /// The name a user types (`squeezenet1.1`).
  public var name: String
  /// The file name in the download cache (`squeezenet1.1-7.onnx`).
  public var fileName: String
  /// Path under the zoo base URL, or an absolute `https://` URL.
  public var path: String
  /// The file's format.
  public var format: ModelFormat
  /// The preprocessing profile the model was trained with.
  public var profile: String
  /// The class names of its outputs.
  public var labels: LabelSource
  /// The publisher's sha256, or nil where it could not be confirmed (first download records it).
  public var sha256: String?
  /// The published size in bytes, when known (progress before the server says).
  public var size: Int?
  /// One line for listings.
  public var summary: String

  /// The download URL of this entry given a zoo base URL.
  public func url(base: String) -> String {
    if path.hasPrefix("https://") || path.hasPrefix("http://") || path.hasPrefix("file://") {
      return path
    }
    return base.hasSuffix("/") ? base + path : base + "/" + path
  }
}

/// The catalogue of pretrained models Tabby can download by name.
public struct ModelZoo: Sendable {
  /// Files of the ONNX Model Zoo (github.com/onnx/models, Apache-2.0); raw URLs redirect to
  /// Git LFS storage.
  public static let defaultBaseURL = "https://github.com/onnx/models/raw/main/validated/vision/classification/"

  /// The entries, in listing order.
  public var entries: [ZooEntry]

  /// Makes a zoo of the given entries.
  public init(entries: [ZooEntry]) { self.entries = entries }

  /// The entry named `name` (case-insensitive), if any.
  public func entry(named name: String) -> ZooEntry? {
    let key = name.lowercased()
    return entries.first { $0.name.lowercased() == key }
  }

  /// The zoo that ships with Tabby. The checksums are the Git LFS object ids of the files in
  /// onnx/models (an LFS oid is the sha256 of the content), read from the pointer files.
  public static let builtin = ModelZoo(entries: [
    ZooEntry(
      name: "squeezenet1.1", fileName: "squeezenet1.1-7.onnx",
      path: "squeezenet/model/squeezenet1.1-7.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "9456373b67f04e4a9cb0bb9be984f0db2d0ad141582d84d4b4ad9e84f7ec7785",
      size: 9_165_684, summary: "SqueezeNet 1.1 (ImageNet-1k), 9 MB"),
    ZooEntry(
      name: "squeezenet1.0", fileName: "squeezenet1.0-8.onnx",
      path: "squeezenet/model/squeezenet1.0-8.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "3c0bff2f7c984350d3ffa98e0167dc08c15da88f05d0c31989ebeba6fbb5e025",
      size: 4_952_222, summary: "SqueezeNet 1.0 (ImageNet-1k), 5 MB"),
    ZooEntry(
      name: "resnet18", fileName: "resnet18-v1-7.onnx",
      path: "resnet/model/resnet18-v1-7.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "4e8f8653e7a2222b3904cc3fe8e304cd8b339ce1d05fd24688162f86fb6df52c",
      size: 46_820_737, summary: "ResNet-18 v1 (ImageNet-1k), 47 MB"),
    ZooEntry(
      name: "resnet18-v2", fileName: "resnet18-v2-7.onnx",
      path: "resnet/model/resnet18-v2-7.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b",
      size: 46_806_737, summary: "ResNet-18 v2 (ImageNet-1k), 47 MB"),
    ZooEntry(
      name: "resnet50", fileName: "resnet50-v1-12.onnx",
      path: "resnet/model/resnet50-v1-12.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "ab65bdc02c5b3123eb3cdf6dac01742438517d8635d4f233913b2be1c70db3b6",
      size: 102_576_419, summary: "ResNet-50 v1 (ImageNet-1k), 103 MB"),
    ZooEntry(
      name: "mobilenetv2", fileName: "mobilenetv2-7.onnx",
      path: "mobilenet/model/mobilenetv2-7.onnx", format: .onnx, profile: "imagenet",
      labels: .imageNet1k,
      sha256: "c1c513582d56afceff8516c73804e484c81c6a830712ab6d682253f4a3cd042f",
      size: 14_246_826, summary: "MobileNetV2 1.0 (ImageNet-1k), 14 MB"),
  ])
}

extension ModelZoo {
  /// Reads a user catalogue (`zoo.json` in the model directory) and lays it over this zoo.
  ///
  /// Format: `{"models": [{"name", "file", "url", "sha256"?, "profile"?, "labels"?, "format"?}]}`
  /// where `labels` is `"imagenet1k"`, `"none"` or a file path; a same-named entry replaces
  /// the built-in one (a local mirror, say).
  public func merging(catalog text: String, source: String) throws -> ModelZoo {
    let json: JSON
    do { json = try JSON.parse(text) } catch {
      throw ClassifierError(.invalidArgument, "\(source) is not valid JSON: \(error)")
    }
    guard let models = json["models"]?.arrayValue else {
      throw ClassifierError(.invalidArgument, "\(source) has no \"models\" list")
    }
    var zoo = self
    for (i, item) in models.enumerated() {
      let entry = try Self.entry(from: item, at: "\(source) models[\(i)]")
      zoo.entries.removeAll { $0.name.lowercased() == entry.name.lowercased() }
      zoo.entries.append(entry)
    }
    return zoo
  }

  private static func entry(from item: JSON, at place: String) throws -> ZooEntry {
    guard let name = item["name"]?.stringValue, let url = item["url"]?.stringValue else {
      throw ClassifierError(.invalidArgument, "\(place) needs \"name\" and \"url\"")
    }
    let file = item["file"]?.stringValue ?? String(url.split(separator: "/").last ?? "")
    guard !file.isEmpty, !file.contains("/"), file != "..", !name.contains("/") else {
      throw ClassifierError(.invalidArgument, "\(place) has an unusable \"file\" or \"name\"")
    }
    let formatName = item["format"]?.stringValue ?? "onnx"
    guard let format = ModelFormat(rawValue: formatName), format == .onnx else {
      throw ClassifierError(.invalidArgument, "\(place): only \"onnx\" files can be downloaded")
    }
    let labels: LabelSource
    switch item["labels"]?.stringValue ?? "imagenet1k" {
    case "imagenet1k": labels = .imageNet1k
    case "none": labels = .unlabeled
    case let path: labels = .file(path)
    }
    return ZooEntry(
      name: name, fileName: file, path: url, format: format,
      profile: item["profile"]?.stringValue ?? "imagenet", labels: labels,
      sha256: item["sha256"]?.stringValue?.lowercased(), size: item["size"]?.intValue,
      summary: item["summary"]?.stringValue ?? "from \(place)")
  }
}
