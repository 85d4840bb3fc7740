import Datasets

/// Why a data set could not be read: the file and what is wrong with it.
public struct DataError: Error, CustomStringConvertible, Sendable {
  /// A sentence naming the file and the fault ("…/train-images-idx3-ubyte: truncated …").
  public var message: String
  /// True when a file is absent (a `FileNotFoundError` in a cell), false when one is corrupt.
  public var isMissing = false
  public var description: String { message }
}

/// One split of a data set: gray images of one shape with integer labels.
public struct ImageSet: Sendable {
  let images: LabeledImages

  init(_ images: LabeledImages) { self.images = images }

  /// Images in the split.
  public var count: Int { images.count }
  /// One image's shape, channels first ([1, 28, 28]).
  public var imageShape: [Int] { images.imageShape }
  /// Pixels per image.
  public var imageSize: Int { images.imageSize }
  /// Every image's label, in order.
  public var labels: [UInt8] { images.labels }
  /// Every image's pixels, one image after another.
  public var pixels: [UInt8] { images.pixels }

  /// Image `index`'s pixels (0…255).
  public func pixels(at index: Int) -> ArraySlice<UInt8> {
    images.pixels[(index * imageSize)..<((index + 1) * imageSize)]
  }

  /// The first `n` images (at least one).
  public func prefix(_ n: Int) -> ImageSet { ImageSet(images.prefix(max(1, n))) }
}

/// An MNIST-format data set: a training and a test split and the class names.
public struct Dataset: Sendable {
  /// Where the data set comes from by default: Fashion-MNIST's directory.
  public static let defaultDirectory = MNIST.fashionMNISTDirectory

  /// The directory read.
  public var path: String
  public var train: ImageSet
  public var test: ImageSet
  /// Fashion-MNIST's names for a "fashion" directory, else the digits 0…9.
  public var classNames: [String]

  /// Reads the four IDX files (raw or .gz) of `directory`; `limit` and `testLimit` keep the
  /// first images of each split.
  public static func load(directory: String, limit: Int? = nil, testLimit: Int? = nil) throws(DataError)
    -> Dataset
  {
    var (train, test): (LabeledImages, LabeledImages)
    do { (train, test) = try MNIST.load(directory: directory) } catch {
      throw DataError(message: error.description, isMissing: error.isMissing)
    }
    if let limit { train = train.prefix(max(1, limit)) }
    if let testLimit { test = test.prefix(max(1, testLimit)) }
    return Dataset(
      path: directory, train: ImageSet(train), test: ImageSet(test),
      classNames: classNames(for: directory))
  }

  /// Fashion-MNIST's ten classes; plain digits for any other MNIST-format directory.
  public static func classNames(for path: String) -> [String] {
    if path.lowercased().contains("fashion") {
      return [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
        "Ankle boot",
      ]
    }
    return TrainableModel.digitNames
  }
}
