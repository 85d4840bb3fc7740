import Imaging
import ModelIO

/// The classifier's view of a network loaded by ModelIO.
final class ModelIONetwork: Network {
  let input: InputSignature
  let outputCount: Int?
  let endsInSoftmax: Bool?

  private init(input: InputSignature, outputCount: Int?, endsInSoftmax: Bool?) {
    self.input = input
    self.outputCount = outputCount
    self.endsInSoftmax = endsInSoftmax
  }

  /// Loads the model files at `location`.
  static func open(_ location: ModelLocation) throws -> any Network {
    throw ClassifierError(
      .badModel, "cannot load \(location.displayPath): the ONNX/MXNet runtime is not built in yet")
  }

  func run(_ input: ModelInput) throws -> NetworkOutput {
    throw ClassifierError(.badModel, "the ONNX/MXNet runtime is not built in yet")
  }
}
