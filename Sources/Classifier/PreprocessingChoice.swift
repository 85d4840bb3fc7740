import Imaging

/// Picks the preprocessing recipe for a model: an explicit profile name first, then what the
/// input implies (one channel is a gray model such as LeNet: gray; NHWC uint8 is a
/// TF-converted model: inception), then the zoo entry's profile, then imagenet; layout,
/// element type and size always follow the declared input, and a one-channel input always
/// gets one gray channel with one mean and std (an RGB profile's are folded by luma).
enum PreprocessingChoice {
  /// The profile names a user may pass.
  static var names: [String] { Preprocessing.profileNames }

  static func choose(input: InputSignature, requested: String?, zooProfile: String?) throws
    -> (name: String, recipe: Preprocessing)
  {
    let name: String
    if let requested {
      name = requested
    } else if input.channels == 1 {
      name = "gray"
    } else if input.layout == .nhwc && input.elementType == .uint8 {
      name = "inception"
    } else {
      name = zooProfile ?? "imagenet"
    }
    if let h = input.height, let w = input.width, h != w {
      throw ClassifierError(
        .unsupportedModel, "the model input is \(w)x\(h); only square inputs are supported")
    }
    guard
      let recipe = Preprocessing.named(
        name, size: input.height ?? input.width, layout: input.layout,
        elementType: input.elementType)
    else {
      throw ClassifierError(
        .invalidArgument,
        "unknown preprocessing profile '\(name)'; known: \(names.joined(separator: ", "))")
    }
    return (name, input.channels == 1 ? recipe.forGrayInput() : recipe)
  }
}
