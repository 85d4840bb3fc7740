import Foundation
import ModelIO
import NN
import Tensor

/// A network this session can train: a LeNet or MLP made here, or an MXNet checkpoint of
/// one read back. Knows one image's shape and its class names; predicts, evaluates, saves.
public final class TrainableModel {
  /// The activations a new LeNet or MLP can use.
  public enum Activation: String, Sendable, CaseIterable {
    case relu, tanh, sigmoid

    var layerActivation: NN.Activation {
      switch self {
      case .relu: .relu
      case .tanh: .tanh
      case .sigmoid: .sigmoid
      }
    }
  }

  /// The class names of a model that came without labels: "0" … "9".
  public static let digitNames = (0..<10).map(String.init)

  let network: Sequential
  /// One image's shape, channels first ([1, 28, 28]).
  public let inputShape: [Int]
  /// One name per output class.
  public var classNames: [String]
  /// Where it came from ("lenet()", "PREFIX epoch N").
  public let source: String

  init(network: Sequential, inputShape: [Int], classNames: [String], source: String) {
    self.network = network
    self.inputShape = inputShape
    self.classNames = classNames
    self.source = source
  }

  /// LeNet for 28×28 gray images: conv 20, conv 50, fc 500, fc 10 (MXNet's names).
  public static func lenet(
    activation: Activation = .tanh, seed: UInt64 = 42, classNames: [String] = digitNames
  ) -> TrainableModel {
    TrainableModel(
      network: Models.lenet(activation: activation.layerActivation, seed: seed),
      inputShape: [1, 28, 28], classNames: classNames, source: "lenet()")
  }

  /// A multilayer perceptron for 28×28 gray images: `hidden` widths, then 10 outputs.
  public static func mlp(
    hidden: [Int] = [128, 64], activation: Activation = .relu, seed: UInt64 = 42,
    classNames: [String] = digitNames
  ) throws -> TrainableModel {
    // Untyped: a layer too large for this machine is the engine's MemoryError, shown as such.
    guard hidden.allSatisfy({ $0 >= 1 }) else {
      throw ClassifierError(.invalidArgument, "'hidden' sizes must be positive ints")
    }
    var layers: [any Layer] = [Flatten(name: "flatten")]
    var width = 784
    for (i, h) in hidden.enumerated() {
      layers.append(
        try Dense(
          inputSize: width, outputSize: h, activation: activation.layerActivation,
          name: "fc\(i + 1)", seed: seed))
      width = h
    }
    layers.append(try Dense(inputSize: width, outputSize: 10, name: "fc\(hidden.count + 1)", seed: seed))
    return TrainableModel(
      network: Sequential(name: "mlp", layers), inputShape: [1, 28, 28], classNames: classNames,
      source: "mlp(hidden=\(hidden))")
  }

  /// The network's name ("lenet", "mlp", a checkpoint's file name).
  public var name: String { network.name }
  /// Layers in the network (activations fused into the layer before them).
  public var layerCount: Int { network.layers.count }
  /// Trainable and fixed parameters together.
  public var parameterCount: Int { network.parameters.reduce(0) { $0 + $1.value.count } }

  /// Every parameter's name and values, in the network's order (for comparing two models).
  public var parameterValues: [(name: String, values: [Float])] {
    network.parameters.map { ($0.name, $0.value.scalars) }
  }

  /// One row per layer: name, kind, output shape and parameter count.
  public func summary() throws -> [LayerInfo] {
    try network.summary(inputShape: [1] + inputShape)
  }

  /// Class probabilities for images of `inputShape` given as pixels 0…255 (on a GPU context
  /// the logits come from the device; the softmax is the CPU's either way).
  public func probabilities(_ images: [[UInt8]], on context: ComputeContext) throws -> [[Float]] {
    try logits(images, on: context).map { Scores.softmax($0[...]) }
  }

  /// Accuracy, per-class accuracy and confusion matrix on a split (on a GPU context the
  /// logits come from the device, in the CPU's batches of 100).
  public func evaluate(on split: ImageSet, context: ComputeContext) throws -> Evaluation {
    try context.place(
      cpu: { threads in try NN.evaluate(network, on: split.images, threads: threads) },
      gpu: { device, _ in
        let net = try onDevice(device)
        return try NN.evaluate(on: split.images) { x in try net.logits(images: x) }
      })
  }

  /// A photo as this model's gray input: scaled to its size, inverted when the background is
  /// light (MNIST digits are light on dark).
  public func grayInput(from photo: Photo) throws(ClassifierError) -> [UInt8] {
    let (h, w) = (inputShape[inputShape.count - 2], inputShape[inputShape.count - 1])
    guard inputShape.reduce(1, *) == h * w else {
      throw ClassifierError(.invalidArgument, "the model does not take gray images")
    }
    var pixels: [UInt8]
    do { pixels = try photo.image.grayscale().resized(width: w, height: h).pixels } catch {
      throw ClassifierError(.badImage, "cannot prepare \(photo.path): \(error.message)")
    }
    if pixels.reduce(0, { $0 + Int($1) }) > 127 * pixels.count { pixels = pixels.map { 255 - $0 } }
    return pixels
  }
}

extension TrainableModel {
  /// Classifies photos the way `predict(model, 'photo.png')` does in a cell: each as the
  /// model's gray input (`grayInput(from:)`), the best `top` classes first.
  public func predict(_ photos: [Photo], top: Int = 5, on context: ComputeContext) throws
    -> [Prediction]
  {
    guard top >= 1 else {
      throw ClassifierError(.invalidArgument, "top must be at least 1, got \(top)")
    }
    let inputs = try photos.map { photo throws(ClassifierError) in try grayInput(from: photo) }
    let probabilities = try self.probabilities(inputs, on: context)
    return zip(photos, probabilities).map { photo, p in
      let top = Scores.top(p, k: top).map { entry in
        ClassScore(
          index: entry.index, label: entry.index < classNames.count ? classNames[entry.index] : nil,
          probability: entry.probability)
      }
      return Prediction(source: photo.path, image: photo.image, top: top)
    }
  }
}
