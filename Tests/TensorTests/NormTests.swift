import TestSupport
import Testing

@testable import Tensor

#if canImport(Glibc)
  import Glibc
#endif

@Test func batchNormInferenceMatchesFormula() throws {
  let x = randomTensor([2, 3, 4, 5], seed: 40)
  let (s, b, m) = (
    randomTensor([3], seed: 41), randomTensor([3], seed: 42), randomTensor([3], seed: 43)
  )
  let v = randomTensor([3], seed: 44, range: 0.5...2)
  let y = try Tensor.batchNormInference(x, scale: s, bias: b, mean: m, variance: v, epsilon: 1e-3)
  for i in 0..<x.count {
    let c = (i / 20) % 3
    let ref =
      s.scalars[c] * (x.scalars[i] - m.scalars[c]) / (v.scalars[c] + 1e-3).squareRoot()
      + b.scalars[c]
    #expect(abs(y.scalars[i] - ref) < 1e-5)
  }
  #expect(throws: TensorError.self) {
    try Tensor.batchNormInference(x, scale: Tensor(zeros: [4]), bias: b, mean: m, variance: v)
  }
}

@Test func batchNormTrainingNormalisesEachChannel() throws {
  let x = randomTensor([4, 2, 3, 3], seed: 45, range: -3...5)
  let (y, stats) = try Tensor.batchNormTraining(
    x, scale: Tensor(shape: [2], repeating: 1), bias: Tensor(zeros: [2]), epsilon: 1e-5)
  for c in 0..<2 {
    let vals = (0..<x.count).filter { ($0 / 9) % 2 == c }
    let mean = vals.map { x.scalars[$0] }.reduce(0, +) / Float(vals.count)
    let variance =
      vals.map { (x.scalars[$0] - mean) * (x.scalars[$0] - mean) }.reduce(0, +) / Float(vals.count)
    #expect(abs(stats.mean[c] - mean) < 1e-5 && abs(stats.variance[c] - variance) < 1e-4)
    let ym = vals.map { y.scalars[$0] }.reduce(0, +) / Float(vals.count)
    let yv = vals.map { y.scalars[$0] * y.scalars[$0] }.reduce(0, +) / Float(vals.count)
    #expect(abs(ym) < 1e-5 && abs(yv - 1) < 1e-3)
  }
}

@Test(arguments: [3, 4, 5])
func lrnMatchesNaive(_ size: Int) throws {
  let x = randomTensor([2, 7, 3, 2], seed: 46, range: -2...2)
  let (alpha, beta, bias): (Float, Float, Float) = (1e-2, 0.75, 2)
  let y = try Tensor.lrn(x, size: size, alpha: alpha, beta: beta, bias: bias)
  for i in 0..<x.count {
    let (n, c, p) = (i / 42, (i / 6) % 7, i % 6)
    var sum: Float = 0
    for k in (c - (size - 1) / 2)...(c + size / 2) where k >= 0 && k < 7 {
      sum += powf(x.scalars[n * 42 + k * 6 + p], 2)
    }
    let ref = x.scalars[i] / powf(bias + alpha / Float(size) * sum, beta)
    #expect(abs(y.scalars[i] - ref) < 1e-5)
  }
}

@Test func gpuRequestsGiveTypedErrors() {
  if Device.cudaDeviceCount() == 0 {
    #expect(throws: DeviceError.noCUDADevice) { try Device.gpu(0).check() }
    #expect(
      DeviceError.noCUDADevice.description == "no CUDA device found on this machine — use ctx(cpu)")
  } else {
    #expect(throws: DeviceError.self) { try Device.gpu(0).check() }
  }
  #expect(throws: Never.self) { try Device.cpu.check() }
  #expect(Threads.available >= 1)
}
