import Datasets
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// ../shared/reference/mnist (the tests reading it carry `.needsShared`).
let mnistReference = SharedData.root + "/reference/mnist"

func temporaryFile(_ bytes: [UInt8], name: String) -> String {
  let path = Scratch.file("engine-test-\(name)")
  let f = fopen(path, "wb")!
  _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
  fclose(f)
  return path
}

@Test(.needsShared, arguments: ["", ".gz"])
func readsReferenceSubset(_ suffix: String) throws {
  let set = try MNIST.load(
    images: "\(mnistReference)/t10k-512-images-idx3-ubyte\(suffix)",
    labels: "\(mnistReference)/t10k-512-labels-idx1-ubyte\(suffix)")
  #expect(set.count == 512 && set.imageShape == [1, 28, 28] && set.pixels.count == 512 * 784)
  // Fashion-MNIST's first test image is an ankle boot (class 9).
  #expect(set.labels.first == 9)
  #expect(Set(set.labels).count == 10)
}

@Test(.needsShared) func gzipAndRawAgree() throws {
  let raw = try readMaybeGzipped("\(mnistReference)/t10k-512-images-idx3-ubyte")
  let gz = try readMaybeGzipped("\(mnistReference)/t10k-512-images-idx3-ubyte.gz")
  #expect(raw == gz && raw.count == 16 + 512 * 784)
}

@Test(.needsShared) func truncatedAndCorruptFilesNameTheProblem() throws {
  let raw = try readMaybeGzipped("\(mnistReference)/t10k-512-images-idx3-ubyte")
  let cut = temporaryFile(Array(raw.prefix(5000)), name: "cut")
  defer { unlink(cut) }
  #expect {
    try IDXArray(contentsOf: cut, rank: 3)
  } throws: { e in
    let d = "\(e)"
    return d.contains(cut) && d.contains("truncated") && d.contains("401408")
  }
  var wrongMagic = raw
  wrongMagic[3] = 1
  #expect(throws: DatasetError.self) { try IDXArray(parsing: wrongMagic, rank: 3, path: "x") }
  #expect(throws: DatasetError.self) { try IDXArray(parsing: raw + [0], rank: 3, path: "x") }
  let gzBytes = try [UInt8](
    readFile("\(mnistReference)/t10k-512-images-idx3-ubyte.gz").prefix(3000))
  let badGz = temporaryFile(gzBytes, name: "bad.gz")
  defer { unlink(badGz) }
  #expect(throws: DatasetError.self) { try IDXArray(contentsOf: badGz, rank: 3) }
}

@Test(.needsShared) func mismatchedCountsAndMissingFilesAreErrors() throws {
  let labels = try readMaybeGzipped("\(mnistReference)/t10k-512-labels-idx1-ubyte")
  var short = Array(labels.prefix(8 + 100))
  short[4...7] = [0, 0, 0, 100]
  let path = temporaryFile(short, name: "labels")
  defer { unlink(path) }
  #expect {
    try MNIST.load(images: "\(mnistReference)/t10k-512-images-idx3-ubyte", labels: path)
  } throws: { e in "\(e)".contains("100 labels") && "\(e)".contains("512 images") }
  #expect {
    try MNIST.load(directory: mnistReference)
  } throws: { e in "\(e)".contains("train-images-idx3-ubyte") }
}

@Test(.needsShared) func shufflingIsSeededAndBatchesCoverEverything() throws {
  let set = try MNIST.load(
    images: "\(mnistReference)/t10k-512-images-idx3-ubyte",
    labels: "\(mnistReference)/t10k-512-labels-idx1-ubyte")
  let a = set.shuffledOrder(seed: 7)
  let b = set.shuffledOrder(seed: 7)
  let c = set.shuffledOrder(seed: 8)
  #expect(a == b && a != c && a.sorted() == Array(0..<512))
  let batches = set.batches(size: 100, seed: 7)
  #expect(batches.map(\.count) == [100, 100, 100, 100, 100, 12])
  let (images, labels) = set.batch(batches[0])
  #expect(images.shape == [100, 1, 28, 28])
  #expect(labels[0] == Int32(set.labels[a[0]]))
  let first = images.scalars.prefix(784)
  #expect(first.max()! <= 1 && first.min()! >= 0)
  #expect(
    zip(first, set.pixels[(a[0] * 784)..<(a[0] * 784 + 784)]).allSatisfy {
      abs($0 - Float($1) / 255) < 1e-6
    })
}

func readFile(_ path: String) throws -> [UInt8] {
  guard let f = fopen(path, "rb") else { throw DatasetError(path: path, "cannot open") }
  defer { fclose(f) }
  var out: [UInt8] = []
  var buf = [UInt8](repeating: 0, count: 65536)
  while true {
    let n = fread(&buf, 1, buf.count, f)
    if n == 0 { break }
    out += buf[0..<n]
  }
  return out
}
