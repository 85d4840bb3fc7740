/// A model-input recipe: geometric steps on the image, then conversion to numbers.
///
/// Profiles (`imagenet`, `mxnetLegacy`, `inception`) are plain values; change any
/// field to override a step. Output values are float32 `(Float(p) / scale − mean[c]) / std[c]`
/// or raw uint8, in NCHW or NHWC order.
public struct Preprocessing: Equatable, Sendable {
  /// One geometric step, applied in order.
  public enum Step: Equatable, Sendable {
    /// Scale so the shorter side is `side` (long side floored).
    case resizeShorterSide(Int, Interpolation)
    /// Scale to exactly `width` × `height`.
    case resize(width: Int, height: Int, Interpolation)
    /// Keep the centred `width` × `height` region.
    case centerCrop(width: Int, height: Int)
    /// Keep the centred square of side round(fraction · min(W, H)).
    case centralSquareCrop(fraction: Double)
  }

  /// Axis order of the output.
  public enum Layout: String, Equatable, Sendable {
    /// Batch, channel, row, column.
    case nchw
    /// Batch, row, column, channel.
    case nhwc
  }

  /// Element type of the output.
  public enum ElementType: String, Equatable, Sendable {
    /// Normalised float32.
    case float32
    /// The pixel bytes, unnormalised.
    case uint8
  }

  /// Channel layout fed to the model.
  public enum ColorMode: String, Equatable, Sendable {
    /// Three channels, gray replicated.
    case rgb
    /// One channel (Pillow's luma).
    case gray
  }

  /// `(Float(p) / scale − mean[c]) / std[c]`, in float32, in this order.
  public struct Normalization: Equatable, Sendable {
    /// Divisor applied first (255 for [0, 1] inputs, 1 for raw 0–255).
    public var scale: Float
    /// Subtracted per channel after scaling (one value applies to every channel).
    public var mean: [Float]
    /// Divides per channel after subtracting the mean (one value applies to every channel).
    public var std: [Float]

    /// Creates a normalisation.
    public init(scale: Float, mean: [Float], std: [Float]) {
      self.scale = scale
      self.mean = mean
      self.std = std
    }
  }

  /// Geometric steps, in order.
  public var steps: [Step]
  /// Channels fed to the model.
  public var colorMode: ColorMode
  /// Float normalisation (ignored for uint8 output).
  public var normalization: Normalization
  /// Axis order.
  public var layout: Layout
  /// Element type.
  public var elementType: ElementType

  /// Creates a recipe from its parts.
  public init(
    steps: [Step], colorMode: ColorMode = .rgb, normalization: Normalization,
    layout: Layout = .nchw, elementType: ElementType = .float32
  ) {
    self.steps = steps
    self.colorMode = colorMode
    self.normalization = normalization
    self.layout = layout
    self.elementType = elementType
  }
}

extension Preprocessing {
  /// ImageNet mean of RGB values in [0, 1] (torchvision, ONNX zoo, Gluon).
  public static let imagenetMean: [Float] = [0.485, 0.456, 0.406]
  /// ImageNet standard deviation of RGB values in [0, 1].
  public static let imagenetStd: [Float] = [0.229, 0.224, 0.225]

  /// Shorter side to `size / 0.875` (256 for 224), center crop `size`, x/255, ImageNet mean/std.
  public static func imagenet(
    size: Int = 224, layout: Layout = .nchw, elementType: ElementType = .float32
  )
    -> Preprocessing
  {
    Preprocessing(
      steps: [
        .resizeShorterSide(resizeSide(for: size), .bilinear),
        .centerCrop(width: size, height: size),
      ],
      normalization: Normalization(scale: 255, mean: imagenetMean, std: imagenetStd),
      layout: layout, elementType: elementType)
  }

  /// Old MXNet models: the imagenet geometry, raw 0–255 values minus the ImageNet mean in 0–255 units.
  public static func mxnetLegacy(
    size: Int = 224, layout: Layout = .nchw, elementType: ElementType = .float32
  )
    -> Preprocessing
  {
    Preprocessing(
      steps: [
        .resizeShorterSide(resizeSide(for: size), .bilinear),
        .centerCrop(width: size, height: size),
      ],
      normalization: Normalization(scale: 1, mean: [123.68, 116.779, 103.939], std: [1, 1, 1]),
      layout: layout, elementType: elementType)
  }

  /// TF-converted Inception-style models: central square crop of 0.875, bilinear resize to `size`,
  /// values in [−1, 1] (or uint8), NHWC by default.
  public static func inception(
    size: Int = 299, layout: Layout = .nhwc, elementType: ElementType = .float32
  )
    -> Preprocessing
  {
    Preprocessing(
      steps: [.centralSquareCrop(fraction: 0.875), .resize(width: size, height: size, .bilinear)],
      normalization: Normalization(scale: 255, mean: [0.5], std: [0.5]),
      layout: layout, elementType: elementType)
  }

  /// Gray (one-channel) models such as LeNet on MNIST: the whole image resized to
  /// `size` × `size` (a digit or garment fills its frame; cropping would cut it), one luma
  /// channel, x/255 with no mean or std, as `tabby train` and the MNIST-format data feed it.
  public static func gray(
    size: Int = 28, layout: Layout = .nchw, elementType: ElementType = .float32
  )
    -> Preprocessing
  {
    Preprocessing(
      steps: [.resize(width: size, height: size, .bilinear)], colorMode: .gray,
      normalization: Normalization(scale: 255, mean: [0], std: [1]),
      layout: layout, elementType: elementType)
  }

  /// This recipe for a one-channel model: gray input, and a per-channel RGB mean and std
  /// folded into one value each with the luma weights the gray conversion uses, so an
  /// RGB profile asked for by name still describes the gray pixel it is applied to.
  public func forGrayInput() -> Preprocessing {
    var result = self
    result.colorMode = .gray
    let luma: [Float] = [0.299, 0.587, 0.114]
    let fold = { (values: [Float]) -> [Float] in
      values.count == 3 ? [zip(values, luma).map { $0 * $1 }.reduce(0, +)] : values
    }
    result.normalization.mean = fold(normalization.mean)
    result.normalization.std = fold(normalization.std)
    return result
  }

  /// Profile names accepted by `named(_:size:layout:elementType:)`.
  public static let profileNames = ["imagenet", "mxnet-legacy", "inception", "gray"]

  /// The profile with this name (see `profileNames`), or nil.
  public static func named(
    _ name: String, size: Int? = nil, layout: Layout? = nil, elementType: ElementType? = nil
  )
    -> Preprocessing?
  {
    var profile: Preprocessing
    switch name {
    case "imagenet": profile = .imagenet(size: size ?? 224)
    case "mxnet-legacy": profile = .mxnetLegacy(size: size ?? 224)
    case "inception": profile = .inception(size: size ?? 299)
    case "gray": profile = .gray(size: size ?? 28)
    default: return nil
    }
    if let layout { profile.layout = layout }
    if let elementType { profile.elementType = elementType }
    return profile
  }

  /// 256 for 224, the usual resize-then-crop ratio of 0.875.
  static func resizeSide(for size: Int) -> Int {
    // Out-of-range sizes pass through unchanged so that resizing reports them.
    (1...(1 << 20)).contains(size) ? Int((Double(size) / 0.875).rounded()) : size
  }
}

extension Preprocessing: CustomStringConvertible {
  /// The recipe in one line, e.g. for `help` output in a notebook.
  public var description: String {
    var parts = steps.map { step -> String in
      switch step {
      case .resizeShorterSide(let side, let interpolation):
        "shorter side \(side) (\(interpolation))"
      case .resize(let width, let height, let interpolation):
        "resize \(width)x\(height) (\(interpolation))"
      case .centerCrop(let width, let height): "center crop \(width)x\(height)"
      case .centralSquareCrop(let fraction): "central square crop \(fraction)"
      }
    }
    if colorMode == .gray { parts.append("gray") }
    if elementType == .float32 {
      let n = normalization
      let list = { (values: [Float]) in "[" + values.map(Self.trim).joined(separator: ", ") + "]" }
      parts.append("(x/\(Self.trim(n.scale)) - \(list(n.mean))) / \(list(n.std))")
    }
    parts.append("\(layout.rawValue.uppercased()) \(elementType.rawValue)")
    return parts.joined(separator: " → ")
  }

  private static func trim(_ value: Float) -> String {
    value == value.rounded() && abs(value) < 1e6 ? String(Int(value)) : "\(value)"
  }
}
