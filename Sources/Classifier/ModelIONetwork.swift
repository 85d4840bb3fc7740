import DeviceInference
import GPU
import Imaging
import ModelIO
import Synchronization
import Tensor

/// The classifier's view of a network loaded by ModelIO.
final class ModelIONetwork: Network {
  let input: InputSignature
  let outputCount: Int?
  let endsInSoftmax: Bool?
  private let model: LoadedModel
  private let quantization: QuantizationParameters?
  private let path: String
  /// The model on each device it ran on (weights uploaded once per device).
  private let placed = Mutex<[ObjectIdentifier: DeviceModel]>([:])

  private init(model: LoadedModel, input: InputSignature, path: String) throws {
    self.model = model
    self.input = input
    self.path = path
    let output = model.outputs[0]
    let classDims = output.shape.dropFirst().map(\.value)
    // The dimensions are the file's word: counted with overflow and memory checks.
    outputCount =
      classDims.allSatisfy { $0 != nil }
      ? try ModelIONetwork.count(classDims.map { $0! }, output.name, path) : nil
    // ModelIO recognises a softmax head; anything else is checked on the values, since an
    // importer may not name every probability head (SoftmaxActivation, a custom op).
    endsInSoftmax = output.isProbability ? true : nil
    quantization = output.quantization
  }

  /// Loads the model files at `location` and checks it looks like an image classifier.
  static func open(_ location: ModelLocation) throws -> any Network {
    let model: LoadedModel
    do {
      switch location {
      case .onnx(let path): model = try Model.load(path: path)
      case .mxnet(let prefix, let epoch): model = try Model.load(path: prefix, epoch: epoch)
      }
    } catch {
      throw ClassifierError(.badModel, "cannot load the model \(location.displayPath): \(error)")
    }
    let where_ = location.displayPath
    guard model.inputs.count == 1, let info = model.inputs.first else {
      throw ClassifierError(
        .unsupportedModel,
        "\(where_) has \(model.inputs.count) inputs; an image classifier takes one image batch")
    }
    guard !model.outputs.isEmpty else {
      throw ClassifierError(.unsupportedModel, "\(where_) has no outputs")
    }
    return try ModelIONetwork(model: model, input: try signature(info, model: where_), path: where_)
  }

  /// The element count of an output's dimensions after the batch, or a ClassifierError.
  private static func count(_ dims: [Int], _ name: String, _ path: String) throws -> Int {
    do {
      return try Sizes.checkedFloats(dims, of: "output '\(name)' of \(path)")
    } catch {
      throw ClassifierError(.unsupportedModel, error.description)
    }
  }

  /// The input signature; an MXNet symbol declares no input shape, so it is taken as an
  /// NCHW float32 RGB batch of any size (the profile's size is then used).
  private static func signature(_ info: TensorInfo, model: String) throws -> InputSignature {
    let type: Preprocessing.ElementType
    switch info.dtype {
    case .float32: type = .float32
    case .uint8: type = .uint8
    default:
      throw ClassifierError(
        .unsupportedModel,
        "\(model): input '\(info.name)' is \(info.dtype.rawValue); only float32 and uint8 image "
          + "inputs are supported")
    }
    if info.shape.count == 1 && info.shape[0].value == nil {
      return InputSignature(
        name: info.name, elementType: type, layout: .nchw, channels: 3, height: nil, width: nil,
        batch: nil)
    }
    return try InputSignature(name: info.name, elementType: type, shape: info.shape.map(\.value))
  }

  func outputCount(forInputShape shape: [Int]) throws -> Int? {
    guard let out = try model.outputShapes(inputShapes: [shape]).first, out.count >= 1 else { return nil }
    return try ModelIONetwork.count(Array(out.dropFirst()), model.outputs[0].name, path)
  }

  func dropPlanningWeights(image: [Int]?) -> Bool { model.dropGraphWeights(image: image) }

  func run(_ batch: ModelInput) throws -> NetworkOutput {
    let outputs: [Tensor]
    do {
      outputs = try model.run(try tensor(batch))
    } catch {
      throw ClassifierError(.badModel, "running \(path) failed: \(error)")
    }
    return try split(outputs[0], batch)
  }

  /// Runs the batch on `device` through DeviceInference: the same planned graph, lowered
  /// into device steps; an operator the device lacks is a DeviceError naming it.
  func run(_ batch: ModelInput, on device: any GPU.ComputeDevice) throws -> NetworkOutput {
    let key = ObjectIdentifier(device)
    let placed = self.placed.withLock { p in
      if let m = p[key] { return m }
      let m = DeviceModel(model, device: device)
      p[key] = m
      return m
    }
    let outputs: [Tensor]
    do {
      outputs = try placed.run([try tensor(batch)])
    } catch let e as UnsupportedOnDevice {
      throw DeviceFailure(ename: "DeviceError", "\(path): \(e.message)")
    } catch let e as GPUError {
      throw DeviceFailure(e)
    } catch {
      throw ClassifierError(.badModel, "running \(path) on \(device.name) failed: \(error)")
    }
    return try split(outputs[0], batch)
  }

  private func tensor(_ batch: ModelInput) throws -> Tensor {
    try Tensor(shape: batch.shape, scalars: batch.floats ?? batch.bytes!.map(Float.init))
  }

  /// One output vector per image, dequantized.
  private func split(_ output: Tensor, _ batch: ModelInput) throws -> NetworkOutput {
    let n = batch.shape[0]
    guard n > 0, output.count % n == 0 else {
      throw ClassifierError(
        .unsupportedModel, "\(path) returned shape \(output.shape) for a batch of \(n)")
    }
    var scalars = output.scalars
    if let q = quantization {
      for i in scalars.indices { scalars[i] = q.dequantize(scalars[i]) }
    }
    let per = output.count / n
    return NetworkOutput(values: (0..<n).map { Array(scalars[($0 * per)..<(($0 + 1) * per)]) })
  }
}
