import TestSupport
import Testing

@testable import Tensor

struct PoolCase: Sendable, CustomTestStringConvertible {
  var h = 7, w = 6, kernel = [2, 2], stride = [2, 2], pads = [0, 0, 0, 0]
  var ceil = false, includePad = false
  var testDescription: String {
    "\(h)x\(w) k\(kernel) s\(stride) p\(pads) ceil \(ceil) incl \(includePad)"
  }
}

func outSize(_ size: Int, _ k: Int, _ s: Int, _ p0: Int, _ p1: Int, _ ceil: Bool) -> Int {
  let span = size + p0 + p1 - k
  var o = (ceil ? Int((Double(span) / Double(s)).rounded(.up)) : span / s) + 1
  if ceil && (o - 1) * s >= size + p0 { o -= 1 }
  return o
}

func naivePool(_ x: Tensor, _ pc: PoolCase, max isMax: Bool) -> Tensor {
  let (n, c) = (x.shape[0], x.shape[1])
  let oh = outSize(pc.h, pc.kernel[0], pc.stride[0], pc.pads[0], pc.pads[2], pc.ceil)
  let ow = outSize(pc.w, pc.kernel[1], pc.stride[1], pc.pads[1], pc.pads[3], pc.ceil)
  var out: [Float] = []
  let xs = x.scalars
  for i in 0..<n * c {
    for oy in 0..<oh {
      for ox in 0..<ow {
        var best = -Float.infinity
        var sum: Float = 0
        var valid = 0
        var padded = 0
        for ky in 0..<pc.kernel[0] {
          for kx in 0..<pc.kernel[1] {
            let iy = oy * pc.stride[0] - pc.pads[0] + ky
            let ix = ox * pc.stride[1] - pc.pads[1] + kx
            if iy < pc.h + pc.pads[2] && ix < pc.w + pc.pads[3] { padded += 1 }
            guard iy >= 0, iy < pc.h, ix >= 0, ix < pc.w else { continue }
            let v = xs[i * pc.h * pc.w + iy * pc.w + ix]
            best = max(best, v)
            sum += v
            valid += 1
          }
        }
        out.append(isMax ? best : sum / Float(pc.includePad ? padded : valid))
      }
    }
  }
  return try! Tensor(shape: [n, c, oh, ow], scalars: out)
}

let poolCases: [PoolCase] = [
  PoolCase(),
  PoolCase(ceil: true),
  PoolCase(h: 13, w: 13, kernel: [3, 3], stride: [2, 2], ceil: true),
  PoolCase(kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1]),
  PoolCase(kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1], includePad: true),
  PoolCase(
    h: 8, w: 9, kernel: [3, 2], stride: [2, 3], pads: [0, 1, 1, 0], ceil: true, includePad: true),
  PoolCase(h: 28, w: 28, kernel: [2, 2], stride: [2, 2]),
]

@Test(arguments: poolCases)
func maxPoolMatchesNaive(_ pc: PoolCase) throws {
  let x = randomTensor([2, 3, pc.h, pc.w], seed: 7)
  let o = Pool2DOptions(
    kernel: pc.kernel, stride: pc.stride, pads: pc.pads, ceilMode: pc.ceil,
    countIncludePad: pc.includePad)
  expectClose(try Tensor.maxPool2D(x, o), naivePool(x, pc, max: true))
  let (y, idx) = try Tensor.maxPool2DWithIndices(x, o)
  let xs = x.scalars
  let ys = y.scalars
  for i in 0..<ys.count {
    let plane = i / (y.shape[2] * y.shape[3])
    #expect(xs[plane * pc.h * pc.w + Int(idx[i])] == ys[i])
  }
}

@Test(arguments: poolCases)
func avgPoolMatchesNaive(_ pc: PoolCase) throws {
  let x = randomTensor([2, 3, pc.h, pc.w], seed: 8)
  let o = Pool2DOptions(
    kernel: pc.kernel, stride: pc.stride, pads: pc.pads, ceilMode: pc.ceil,
    countIncludePad: pc.includePad)
  expectClose(try Tensor.avgPool2D(x, o), naivePool(x, pc, max: false))
}

@Test func globalAvgPoolIsPlaneMean() throws {
  let x = randomTensor([2, 3, 5, 4], seed: 9)
  let y = try Tensor.globalAvgPool2D(x)
  #expect(y.shape == [2, 3, 1, 1])
  let xs = x.scalars
  for p in 0..<6 {
    let mean = xs[(p * 20)..<(p * 20 + 20)].reduce(0, +) / 20
    #expect(abs(y.scalars[p] - mean) < 1e-5)
  }
}

@Test func poolRejectsBadOptions() {
  let x = Tensor(zeros: [1, 1, 4, 4])
  #expect(throws: TensorError.self) { try Tensor.maxPool2D(x, Pool2DOptions(kernel: [5, 5])) }
  #expect(throws: TensorError.self) {
    try Tensor.avgPool2D(Tensor(zeros: [4, 4]), Pool2DOptions(kernel: [2, 2]))
  }
}

/// Enough planes to be split over the threads (a DenseNet transition's 2×2 pooling).
@Test func avgPoolSplitOverThreadsMatchesNaive() throws {
  let pc = PoolCase(h: 28, w: 27, kernel: [2, 2], stride: [2, 2], ceil: true)
  let x = randomTensor([2, 64, pc.h, pc.w], seed: 10)
  let o = Pool2DOptions(kernel: pc.kernel, stride: pc.stride, pads: pc.pads, ceilMode: pc.ceil)
  expectClose(try Tensor.avgPool2D(x, o), naivePool(x, pc, max: false))
}
