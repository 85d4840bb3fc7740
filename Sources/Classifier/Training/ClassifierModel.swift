import Foundation

/// What `ClassifierSession.load` found: a trainable net (an MXNet checkpoint of a LeNet or
/// MLP) or a pretrained classifier (ONNX, or any other MXNet symbol).
public enum ClassifierModel {
  case trainable(TrainableModel)
  case pretrained(PretrainedModel)
}

extension ClassifierSession {
  /// Resolves `nameOrPath` with the one resolver (path, `$TABBY_MODELS`, cache, zoo) and
  /// loads it: an MXNet checkpoint of a feed-forward net comes back trainable wherever it was
  /// found; anything else as a pretrained classifier (`loadModel`).
  public func load(
    _ nameOrPath: String, epoch: Int? = nil, labels: String? = nil, profile: String? = nil,
    progress: ((DownloadProgress) -> Void)? = nil, message: ((String) -> Void)? = nil
  ) throws -> ClassifierModel {
    let start = DispatchTime.now()
    try Self.checkProfile(profile)
    let resolved = try resolve(nameOrPath, epoch: epoch, progress: progress, message: message)
    if case .mxnet(let prefix, let epoch) = resolved.location, profile == nil,
      let model = try TrainableModel.read(prefix: prefix, epoch: epoch, labels: labels)
    {
      return .trainable(model)
    }
    return .pretrained(try open(nameOrPath, resolved, labels: labels, profile: profile, start: start))
  }
}
