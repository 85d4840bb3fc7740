import Imaging
import Testing

@testable import Classifier

/// One-channel models (LeNet on MNIST, a `tabby train --save` checkpoint) get one gray
/// channel with one mean and std; an RGB profile's three-value normalisation used to fail
/// with "normalisation mean has 3 values for 1 channels" at the first image.
@Suite struct GrayPreprocessingTests {
  static func gray(size: Int?) -> InputSignature {
    InputSignature(
      name: "data", elementType: .float32, layout: .nchw, channels: 1, height: size, width: size,
      batch: nil)
  }

  /// A 40×48 RGB image whose pixels are (r, g, b).
  func photo(_ r: UInt8, _ g: UInt8, _ b: UInt8) throws -> Image {
    try Image(width: 40, height: 48, fill: [r, g, b])
  }

  @Test func aOneChannelInputDefaultsToTheGrayProfile() throws {
    let choice = try PreprocessingChoice.choose(input: Self.gray(size: 28), requested: nil, zooProfile: nil)
    #expect(choice.name == "gray")
    #expect(choice.recipe.colorMode == .gray)
    let input = try choice.recipe(try photo(200, 200, 200))
    #expect(input.shape == [1, 1, 28, 28])
    // x/255 with no mean or std, as the MNIST-format data and `tabby train` feed a LeNet.
    let values = try #require(input.floats)
    #expect(values.allSatisfy { abs($0 - Float(200) / 255) < 1e-6 })
  }

  @Test func anUndeclaredSizeTakesTheGrayDefaultOf28() throws {
    // An MXNet symbol declares no input size; a LeNet's dense layer needs 28×28.
    let choice = try PreprocessingChoice.choose(input: Self.gray(size: nil), requested: nil, zooProfile: nil)
    #expect(try choice.recipe(try photo(0, 0, 0)).shape == [1, 1, 28, 28])
  }

  @Test func aZooProfileDoesNotOverrideOneChannel() throws {
    let choice = try PreprocessingChoice.choose(
      input: Self.gray(size: 28), requested: nil, zooProfile: "imagenet")
    #expect(choice.name == "gray")
  }

  @Test func anRGBProfileAskedForByNameFoldsItsMeanAndStd() throws {
    let choice = try PreprocessingChoice.choose(
      input: Self.gray(size: 32), requested: "imagenet", zooProfile: nil)
    #expect(choice.name == "imagenet")
    let norm = choice.recipe.normalization
    #expect(norm.mean.count == 1 && norm.std.count == 1)
    let mean = 0.299 * Preprocessing.imagenetMean[0] + 0.587 * Preprocessing.imagenetMean[1]
      + 0.114 * Preprocessing.imagenetMean[2]
    #expect(abs(norm.mean[0] - mean) < 1e-6)
    let input = try choice.recipe(try photo(255, 255, 255))
    #expect(input.shape == [1, 1, 32, 32])
    let values = try #require(input.floats)
    #expect(values.allSatisfy { abs($0 - (1 - norm.mean[0]) / norm.std[0]) < 1e-5 })
  }

  @Test func threeChannelInputsKeepTheirProfile() throws {
    let rgb = InputSignature(
      name: "data", elementType: .float32, layout: .nchw, channels: 3, height: 224, width: 224,
      batch: nil)
    let choice = try PreprocessingChoice.choose(input: rgb, requested: nil, zooProfile: nil)
    #expect(choice.name == "imagenet")
    #expect(choice.recipe.colorMode == .rgb)
    #expect(choice.recipe.normalization.mean == Preprocessing.imagenetMean)
  }
}
