import CellLanguage
import Classifier

/// What `mnist()` returns: a training and a test split of MNIST-format images.
final class DatasetValue: HostObject {
  let dataset: Dataset
  let train: SplitValue
  let test: SplitValue

  init(_ dataset: Dataset) {
    self.dataset = dataset
    train = SplitValue(name: "train", images: dataset.train, classNames: dataset.classNames)
    test = SplitValue(name: "test", images: dataset.test, classNames: dataset.classNames)
  }

  var path: String { dataset.path }
  var classNames: [String] { dataset.classNames }

  var typeName: String { "Dataset" }
  var repr: String {
    "Dataset(\(path): \(train.images.count) training and \(test.images.count) test images, "
      + "\(shapeText(train.images.imageShape)), \(classNames.count) classes)"
  }
  var attributeNames: [String] { ["train", "test", "classes", "path"] }

  func attribute(_ name: String) throws -> Value? {
    switch name {
    case "train": .host(train)
    case "test": .host(test)
    case "classes": .list(classNames.map { .string($0) })
    case "path": .string(path)
    default: nil
    }
  }

  func richDisplay() -> MimeBundle? {
    let counts = HTML.table(
      header: ["split", "images", "shape", "classes"],
      rows: [train, test].map {
        [
          $0.name, String($0.images.count), shapeText($0.images.imageShape),
          String(classNames.count),
        ]
      },
      caption: path)
    var items = [counts]
    if let grid = try? samplesPNG() {
      items.append(Inline.imgTag(grid, alt: "sample images", width: 2 * 10 * 30))
    }
    return MimeBundle(data: ["text/html": .string(HTML.row(items)), "text/plain": .string(repr)])
  }

  /// A grid of the first 40 training images.
  func samplesPNG() throws -> String {
    let n = min(40, train.images.count)
    return Inline.base64(try Pictures.gridPNG(train.images, indices: Array(0..<n), columns: 10))
  }

  var help: String? {
    "A data set from mnist(): .train and .test splits (index them for single images), .classes."
  }
}

/// One split of a data set; `split[i]` is one image with its label.
final class SplitValue: HostObject {
  let name: String
  let images: ImageSet
  let classNames: [String]

  init(name: String, images: ImageSet, classNames: [String]) {
    self.name = name
    self.images = images
    self.classNames = classNames
  }

  var typeName: String { "Split" }
  var repr: String { "<\(name) split: \(images.count) images \(shapeText(images.imageShape))>" }
  var attributeNames: [String] { ["count", "classes", "labels"] }

  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "count": .int(images.count)
    case "classes": .list(classNames.map { .string($0) })
    case "labels": .list(images.labels.map { .int(Int($0)) })
    default: nil
    }
  }

  func item(_ key: Value) throws -> Value? {
    guard case .int(var i) = key else {
      throw CellError.typeError("\(name) indices must be integers, not \(key.typeName)")
    }
    if i < 0 { i += images.count }
    guard i >= 0, i < images.count else {
      throw CellError(
        ename: "IndexError", "\(name) index \(i) out of range (\(images.count) images)")
    }
    return .host(DigitValue(split: self, index: i))
  }

  func richDisplay() -> MimeBundle? {
    let n = min(20, images.count)
    guard n > 0, let grid = try? Pictures.gridPNG(images, indices: Array(0..<n), columns: 10)
    else { return nil }
    let png = Inline.base64(grid)
    return MimeBundle(data: ["image/png": .string(png), "text/plain": .string(repr)])
  }
}

/// One image of a split, e.g. `data.test[0]`: shows itself and knows its label.
final class DigitValue: HostObject {
  let split: SplitValue
  let index: Int

  init(split: SplitValue, index: Int) {
    self.split = split
    self.index = index
  }

  var label: Int { Int(split.images.labels[index]) }
  var labelName: String { label < split.classNames.count ? split.classNames[label] : String(label) }
  var pixels: ArraySlice<UInt8> { split.images.pixels(at: index) }

  var typeName: String { "Digit" }
  var repr: String { "<\(split.name)[\(index)]: label \(label) (\(labelName))>" }
  var attributeNames: [String] { ["label", "name", "index"] }

  func attribute(_ attr: String) throws -> Value? {
    switch attr {
    case "label": .int(label)
    case "name": .string(labelName)
    case "index": .int(index)
    default: nil
    }
  }

  /// The image scaled up four times.
  func png(scale: Int = 4) throws -> String {
    let shape = split.images.imageShape
    let (h, w) = (shape.count >= 2 ? shape[shape.count - 2] : 28, shape.last ?? 28)
    return Inline.base64(try Pictures.grayPNG(pixels, width: w, height: h, scale: scale))
  }

  func richDisplay() -> MimeBundle? {
    guard let png = try? png() else { return nil }
    return MimeBundle(data: ["image/png": .string(png), "text/plain": .string(repr)])
  }
}

func shapeText(_ shape: [Int]) -> String { shape.map(String.init).joined(separator: "×") }
