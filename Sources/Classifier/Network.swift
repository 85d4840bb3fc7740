import GPU
import Imaging

/// The declared input of a network, as far as its file says.
public struct InputSignature: Equatable, Sendable {
  /// The graph input's name.
  public var name: String
  /// float32 or uint8.
  public var elementType: Preprocessing.ElementType
  /// NCHW or NHWC.
  public var layout: Preprocessing.Layout
  /// Colour channels (3, or 1 for gray).
  public var channels: Int
  /// Declared height and width, nil where the file leaves them open.
  public var height: Int?
  public var width: Int?
  /// A fixed batch size, nil when any batch is accepted.
  public var batch: Int?

  /// Makes a signature from its parts.
  public init(
    name: String, elementType: Preprocessing.ElementType, layout: Preprocessing.Layout,
    channels: Int, height: Int?, width: Int?, batch: Int?
  ) {
    self.name = name
    self.elementType = elementType
    self.layout = layout
    self.channels = channels
    self.height = height
    self.width = width
    self.batch = batch
  }

  /// Reads layout and sizes from a rank-4 shape (nil entries are open dimensions): the
  /// channel axis is the one of size 1 or 3, position 1 (NCHW) or 3 (NHWC).
  public init(name: String, elementType: Preprocessing.ElementType, shape: [Int?]) throws {
    guard shape.count == 4 else {
      throw ClassifierError(
        .unsupportedModel,
        "the model input '\(name)' has rank \(shape.count); an image classifier needs a rank-4 "
          + "NCHW or NHWC input")
    }
    let isChannels = { (d: Int?) in d == 1 || d == 3 }
    let layout: Preprocessing.Layout
    if isChannels(shape[1]) {
      layout = .nchw
    } else if isChannels(shape[3]) {
      layout = .nhwc
    } else {
      throw ClassifierError(
        .unsupportedModel,
        "cannot tell the channel axis of the model input '\(name)' with shape "
          + "\(shape.map { $0.map(String.init) ?? "?" }): expected 1 or 3 channels")
    }
    let (c, h, w) = layout == .nchw ? (shape[1], shape[2], shape[3]) : (shape[3], shape[1], shape[2])
    self.init(
      name: name, elementType: elementType, layout: layout, channels: c ?? 3, height: h, width: w,
      batch: shape[0])
  }
}

/// Raw outputs of one run: `values[n]` is image n's output vector, already dequantized.
struct NetworkOutput {
  var values: [[Float]]
}

/// What the classifier needs from a loaded network. ModelIO provides the real one; tests
/// use a fake, so the prediction logic is checked without a model file.
protocol Network: AnyObject {
  /// The input the network declares.
  var input: InputSignature { get }
  /// Outputs per image, when the file declares it.
  var outputCount: Int? { get }
  /// Whether the graph ends in a softmax; nil when it cannot tell.
  var endsInSoftmax: Bool? { get }
  /// Runs one batch.
  func run(_ input: ModelInput) throws -> NetworkOutput
  /// Runs one batch on a device (a GPU context's), or throws `DeviceFailure`.
  func run(_ input: ModelInput, on device: any GPU.ComputeDevice) throws -> NetworkOutput
  /// Outputs per image for an input of this shape, found without running; nil if unknown.
  func outputCount(forInputShape shape: [Int]) throws -> Int?
  /// Gives up the weights only planning reads, when the network will only run planned CPU
  /// shapes from now on (see ModelIO's `dropGraphWeights`; `image`: the batch-1 shape every
  /// later input has, where the file leaves the size open); says whether it did.
  func dropPlanningWeights(image: [Int]?) -> Bool
}

extension Network {
  func outputCount(forInputShape shape: [Int]) throws -> Int? { nil }
  func dropPlanningWeights(image: [Int]?) -> Bool { false }

  /// A network without a device version (a test's fake) is refused on a GPU context.
  func run(_ input: ModelInput, on device: any GPU.ComputeDevice) throws -> NetworkOutput {
    throw DeviceFailure(ename: "DeviceError", "this network cannot run on \(device.name) — use ctx(cpu)")
  }
}
