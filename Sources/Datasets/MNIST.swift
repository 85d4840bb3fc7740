#if canImport(Glibc)
  import Glibc
#endif

/// The MNIST-format data sets (MNIST, Fashion-MNIST): four IDX files, raw or gzip.
public enum MNIST {
  /// Debian's dataset-fashion-mnist location, the default data set.
  public static let fashionMNISTDirectory = "/usr/share/datasets/fashion-mnist"

  /// Loads one images file and its labels file and checks they agree.
  public static func load(images: String, labels: String) throws(DatasetError) -> LabeledImages {
    let img = try IDXArray(contentsOf: images, rank: 3)
    let lab = try IDXArray(contentsOf: labels, rank: 1)
    guard img.dimensions[0] == lab.dimensions[0] else {
      throw DatasetError(
        path: labels,
        "holds \(lab.dimensions[0]) labels but \(images) holds \(img.dimensions[0]) images")
    }
    if let bad = lab.bytes.firstIndex(where: { $0 > 9 }) {
      throw DatasetError(
        path: labels, "label \(lab.bytes[bad]) at index \(bad) is not a digit class 0–9")
    }
    return try LabeledImages(
      pixels: img.bytes, labels: lab.bytes, imageShape: [1, img.dimensions[1], img.dimensions[2]])
  }

  /// Loads the training and test sets from a directory holding the four standard files
  /// (`train-images-idx3-ubyte`, …, each raw or with `.gz`).
  public static func load(directory: String) throws(DatasetError) -> (
    train: LabeledImages, test: LabeledImages
  ) {
    func find(_ stem: String) throws(DatasetError) -> String {
      for name in [stem, stem + ".gz"] where access(directory + "/" + name, R_OK) == 0 {
        return directory + "/" + name
      }
      throw DatasetError(path: directory, "missing \(stem) (or \(stem).gz)", isMissing: true)
    }
    let train = try load(
      images: find("train-images-idx3-ubyte"), labels: find("train-labels-idx1-ubyte"))
    let test = try load(
      images: find("t10k-images-idx3-ubyte"), labels: find("t10k-labels-idx1-ubyte"))
    return (train, test)
  }
}
