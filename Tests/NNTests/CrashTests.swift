import Datasets
import Tensor
import Testing

@testable import NN

/// An IDX file of uint8 with the given header words (the magic's rank byte and the
/// dimensions are free, so headers can lie) and payload.
func idxBytes(rank: UInt8, dims: [UInt32], payload: [UInt8], dtype: UInt8 = 0x08) -> [UInt8] {
  var b: [UInt8] = [0, 0, dtype, rank]
  for d in dims { b += [UInt8(d >> 24), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
  return b + payload
}

/// Reproducers that used to end the process: each now throws a typed error.
@Suite struct SizeCrashTests {
  @Test func idxDimensionsOfAllOnesAreRefused() {
    let bytes = idxBytes(rank: 3, dims: [0xFFFF_FFFF, 0xFFFF_FFFF, 0xFFFF_FFFF], payload: [1, 2, 3])
    #expect {
      try IDXArray(parsing: bytes, rank: 3, path: "big")
    } throws: { e in
      let text = "\(e)"
      return e is DatasetError && text.contains("4,294,967,295") && text.contains("this machine has")
    }
  }

  @Test func idxLargerThanMemoryIsRefusedBeforeCounting() {
    // 2³¹ × 2¹⁰ × 2¹⁰ bytes fit an Int but not any machine this runs on.
    let bytes = idxBytes(rank: 3, dims: [1 << 31, 1 << 10, 1 << 10], payload: [])
    #expect(throws: DatasetError.self) { try IDXArray(parsing: bytes, rank: 3, path: "big") }
  }

  @Test func trainingEpochsThatCannotBeCountedAreAnError() throws {
    let data = try LabeledImages(pixels: [UInt8](repeating: 7, count: 8 * 4), labels: Array(0..<8), imageShape: [1, 2, 2])
    let model = Sequential(name: "m", [Flatten(), try Dense(inputSize: 4, outputSize: 10)])
    #expect {
      try train(model, on: data, epochs: 1 << 62, batchSize: 4, optimizer: SGD(learningRate: 0.1))
    } throws: { e in "\(e)".contains("4,611,686,018,427,387,904 epochs") }
  }

  @Test func hugeDenseLayerIsAMemoryErrorNamingTheRequest() {
    #expect {
      try Dense(inputSize: 784, outputSize: 1 << 40, name: "fc1")
    } throws: { e in
      guard let m = e as? MemoryError else { return false }
      return m.message.hasPrefix("a 1,099,511,627,776 × 784 fc1 layer needs 3.1 PiB")
        && m.message.contains("this machine has")
    }
  }

  @Test(arguments: [0, -1, Int.min])
  func nonPositiveLayerSizesAreErrors(_ size: Int) {
    #expect(throws: (any Error).self) { try Dense(inputSize: size, outputSize: 3) }
    #expect(throws: (any Error).self) { try Conv2D(inChannels: 1, outChannels: size, kernelSize: (3, 3)) }
  }

  @Test func hugeConvolutionIsAMemoryError() {
    #expect(throws: MemoryError.self) {
      try Conv2D(inChannels: 1 << 20, outChannels: 1 << 20, kernelSize: (1 << 10, 1 << 10))
    }
  }

  @Test func sizesHelperFormatsAndRefuses() throws {
    #expect(Sizes.grouped(1_099_511_627_776) == "1,099,511,627,776")
    #expect(Sizes.grouped(-1234) == "-1,234")
    #expect(Sizes.bytesText(24 << 30) == "24 GiB")
    #expect(Sizes.bytesText(1536) == "1.5 KiB")
    #expect(try Sizes.elementCount([3, 4, 5], of: "x") == 60)
    #expect(throws: MemoryError.self) { try Sizes.elementCount([Int.max, 2], of: "x") }
    #expect(throws: MemoryError.self) { try Sizes.elementCount([2, -1], of: "x") }
    #expect(throws: MemoryError.self) { try Sizes.checkedFloats([Sizes.physicalMemory], of: "x") }
  }
}

/// Seeded structural mutations of IDX image/label pairs: magic, dtype, rank, dimensions,
/// truncation and trailing bytes, and count mismatches between the two files.
@Suite struct IDXFuzzTests {
  struct Rng {
    var g = SplitMix64(seed: 0x1D_F022)
    mutating func int(_ r: ClosedRange<Int>) -> Int { Int.random(in: r, using: &g) }
    mutating func word() -> UInt32 {
      // Biased to edges: 0, 1, small, 2^k, 2^k ± 1, all ones, random.
      switch int(0...6) {
      case 0: return 0
      case 1: return UInt32(int(1...6))
      case 2: return UInt32(1) << UInt32(int(0...31))
      case 3: return (UInt32(1) << UInt32(int(1...31))) &- 1
      case 4: return 0xFFFF_FFFF
      case 5: return 0x7FFF_FFFF &+ UInt32(int(0...2))
      default: return UInt32.random(in: 0...UInt32.max, using: &g)
      }
    }
  }

  static func mutate(_ rng: inout Rng, images: Int, side: Int) -> ([UInt8], [UInt8]) {
    var imgRank: UInt8 = 3, labRank: UInt8 = 1
    var imgDims: [UInt32] = [UInt32(images), UInt32(side), UInt32(side)]
    var labDims: [UInt32] = [UInt32(images)]
    var imgDtype: UInt8 = 8, labDtype: UInt8 = 8
    var imgPayload = (0..<(images * side * side)).map { UInt8(truncatingIfNeeded: $0) }
    var labPayload = (0..<images).map { UInt8($0 % 10) }
    for _ in 0..<rng.int(1...3) {
      switch rng.int(0...9) {
      case 0: imgRank = UInt8(rng.int(0...255))
      case 1: labRank = UInt8(rng.int(0...4))
      case 2: if !imgDims.isEmpty { imgDims[rng.int(0...imgDims.count - 1)] = rng.word() }
      case 3: labDims[0] = rng.word()
      case 4: imgDtype = [0x08, 0x09, 0x0B, 0x0C, 0x0D, 0x0E, 0][rng.int(0...6)]
      case 5: labDtype = [0x08, 0x0D, 0xFF][rng.int(0...2)]
      case 6: imgPayload.removeLast(rng.int(0...imgPayload.count))
      case 7: labPayload += [UInt8](repeating: 200, count: rng.int(0...3))
      case 8: labDims[0] = UInt32(max(0, images + rng.int(-1...1)))
      default:
        // A header with fewer or more dimension words than the rank says.
        if Bool.random(using: &rng.g), !imgDims.isEmpty { imgDims.removeLast() } else { imgDims.append(rng.word()) }
      }
    }
    var img = idxBytes(rank: imgRank, dims: imgDims, payload: imgPayload, dtype: imgDtype)
    if rng.int(0...9) == 0 { img.removeLast(rng.int(0...img.count)) }
    let lab = idxBytes(rank: labRank, dims: labDims, payload: labPayload, dtype: labDtype)
    return (img, lab)
  }

  @Test func structuralHeaderMutationsGiveTypedErrors() throws {
    var rng = Rng()
    let images = temporaryFile([], name: "fuzz-images")
    let labels = temporaryFile([], name: "fuzz-labels")
    var (cases, loaded, failed) = (0, 0, 0)
    let start = monotonicSeconds()
    while cases < 10_000 && monotonicSeconds() - start < 60 {
      let (img, lab) = Self.mutate(&rng, images: rng.int(0...4), side: rng.int(0...3))
      // Mostly in memory; one case in ten through files (the path `mnist(DIR)` takes).
      do {
        if cases % 10 != 0 {
          let i = try IDXArray(parsing: img, rank: 3, path: "images")
          let l = try IDXArray(parsing: lab, rank: 1, path: "labels")
          _ = try LabeledImages(
            pixels: i.bytes, labels: l.bytes, imageShape: [1, i.dimensions[1], i.dimensions[2]])
        } else {
          _ = temporaryFile(img, name: "fuzz-images")
          _ = temporaryFile(lab, name: "fuzz-labels")
          _ = try MNIST.load(images: images, labels: labels)
        }
        loaded += 1
      } catch {
        failed += 1
        #expect(!"\(error)".isEmpty)
      }
      cases += 1
    }
    print("IDX fuzz: \(cases) cases, \(loaded) loaded, \(failed) typed errors, 0 crashes")
    #expect(cases >= 10_000)
    #expect(failed > cases / 2 && loaded > 0)
  }
}
