import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Images kept as uint8 with integer labels; batches come out as float32 tensors in [0, 1].
public struct LabeledImages: Sendable {
  /// Pixels, image after image, each channels × height × width.
  public let pixels: [UInt8]
  /// One label per image.
  public let labels: [UInt8]
  /// Image shape [channels, height, width].
  public let imageShape: [Int]
  /// Number of classes (labels lie in 0..<classCount).
  public let classCount: Int

  /// Pairs images and labels; the counts must agree and labels must be below `classCount`.
  public init(pixels: [UInt8], labels: [UInt8], imageShape: [Int], classCount: Int = 10)
    throws(DatasetError)
  {
    let size = (try? Sizes.elementCount(imageShape, of: "image")) ?? 0
    let (expected, overflow) = labels.count.multipliedReportingOverflow(by: size)
    guard size > 0, !overflow, pixels.count == expected else {
      throw DatasetError(
        path: "<data>",
        "\(pixels.count / max(size, 1)) images of \(imageShape) but \(labels.count) labels")
    }
    if let bad = labels.first(where: { Int($0) >= classCount }) {
      throw DatasetError(path: "<data>", "label \(bad) is outside 0..<\(classCount)")
    }
    self.pixels = pixels
    self.labels = labels
    self.imageShape = imageShape
    self.classCount = classCount
  }

  /// Number of images.
  public var count: Int { labels.count }
  /// Floats per image.
  public var imageSize: Int { imageShape.reduce(1, *) }

  /// The first `n` images (a test or quick-run subset); a negative `n` gives none.
  public func prefix(_ n: Int) -> LabeledImages {
    let k = max(0, min(n, count))
    return try! LabeledImages(
      pixels: Array(pixels[0..<(k * imageSize)]), labels: Array(labels[0..<k]),
      imageShape: imageShape,
      classCount: classCount)
  }

  /// A permutation of 0..<count from a seed (Fisher–Yates over SplitMix64), the same on every run.
  public func shuffledOrder(seed: UInt64) -> [Int] {
    var rng = SplitMix64(seed: seed)
    var order = Array(0..<count)
    for i in stride(from: count - 1, to: 0, by: -1) {
      order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
    }
    return order
  }

  /// One batch: the images at `indices` as [n, C, H, W] floats scaled to [0, 1], and labels.
  public func batch(_ indices: ArraySlice<Int>) -> (images: Tensor, labels: [Int32]) {
    let images = indices.withUnsafeBufferPointer { rows in
      pixels.withUnsafeBufferPointer { src in
        Tensor(
          gatheringRows: rows, of: src, rowLength: imageSize, scale: 1 / 255, shape: [indices.count] + imageShape)
      }
    }
    return (images, indices.map { Int32(labels[$0]) })
  }

  /// Batches in order (seed nil) or shuffled by a seed; the last batch may be smaller.
  public func batches(size: Int, seed: UInt64? = nil) -> [ArraySlice<Int>] {
    let order = seed.map { shuffledOrder(seed: $0) } ?? Array(0..<count)
    return stride(from: 0, to: count, by: max(1, size)).map { order[$0..<min($0 + size, count)] }
  }
}

/// SplitMix64: a small, fast, seedable generator (the same sequence on every platform).
public struct SplitMix64: RandomNumberGenerator, Sendable {
  var state: UInt64
  /// Creates a generator from a seed.
  public init(seed: UInt64) { state = seed }
  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
