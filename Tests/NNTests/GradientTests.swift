import Tensor
import TestSupport
import Testing

@testable import NN

#if canImport(Glibc)
  import Glibc
#endif

@Test(arguments: Activation.allCases)
func denseGradients(_ act: Activation) throws {
  try checkGradients([
    randomTensor([4, 5], seed: 1), randomTensor([3, 5], seed: 2), randomTensor([3], seed: 3),
  ]) {
    try DenseFunction.apply($0[0], weight: $0[1], bias: $0[2], activation: act)
  }
}

@Test func matmulGradients() throws {
  try checkGradients([randomTensor([3, 4], seed: 4), randomTensor([4, 2], seed: 5)]) {
    try MatMulFunction.apply($0[0], $0[1])
  }
}

@Test(arguments: [
  (Conv2DOptions(), Activation.identity),
  (Conv2DOptions(stride: (2, 2), pads: [1, 1, 1, 1]), .tanh),
  (Conv2DOptions(stride: (1, 2), pads: [0, 2, 1, 0], dilation: (2, 1)), .relu),
])
func conv2dGradients(_ o: Conv2DOptions, _ act: Activation) throws {
  let x = randomTensor([2, 2, 6, 5], seed: 6)
  let w = randomTensor([3, 2, 3, 2], seed: 7)
  let b = randomTensor([3], seed: 8)
  try checkGradients([x, w, b]) {
    try Conv2DFunction.apply($0[0], weight: $0[1], bias: $0[2], options: o, activation: act)
  }
}

/// A 1×1 convolution (the packed forward reads the images as the gemm's B) without a bias.
@Test func pointwiseConv2dGradients() throws {
  let x = randomTensor([2, 3, 4, 5], seed: 14)
  let w = randomTensor([7, 3, 1, 1], seed: 15)
  try checkGradients([x, w]) { try Conv2DFunction.apply($0[0], weight: $0[1], bias: nil) }
}

/// LeNet's convolutions against the inference path and against the input and weight
/// gradients made with im2col and OpenBLAS (the gemms the packed ones replaced). The second:
/// more output channels than one micro-kernel's rows, a patch longer than a packed block's,
/// several images as one gemm; the first: one channel, and a weight gradient whose sum runs
/// over thousands of output positions (many packed blocks of K).
@Test(arguments: [([3, 20, 12, 12], [50, 20, 5, 5]), ([9, 1, 28, 28], [20, 1, 5, 5])])
func conv2dTrainingMatchesReferenceAtLeNetSize(_ xShape: [Int], _ wShape: [Int]) throws {
  let x = randomTensor(xShape, seed: 16)
  let w = randomTensor(wShape, seed: 17, range: -0.1...0.1)
  let b = randomTensor([wShape[0]], seed: 18)
  let xv = Variable(x, requiresGrad: true)
  let y = try Conv2DFunction.apply(xv, weight: Variable(w, requiresGrad: true), bias: Variable(b), activation: .tanh)
  expectClose(y.value, try Tensor.conv2d(x, weight: w, bias: b, activation: .tanh), tolerance: 1e-5)
  let gy = randomTensor(y.shape, seed: 19)
  let grads = try y.creator!.backward(gy)
  // dx by the definition: col2im(Wᵀ · dT) with OpenBLAS, dT the activation's derivative.
  let (g, _) = try Tensor.conv2dGeometry(input: x.shape, weight: w.shape, options: .init())
  let (n, cout, k, p) = (xShape[0], wShape[0], g.patchSize, g.outPlane)
  var dT = [Float](repeating: 0, count: cout * n * p)
  for i in 0..<n {
    for oc in 0..<cout {
      for j in 0..<p {
        let yv = y.value.scalars[(i * cout + oc) * p + j]
        dT[(oc * n + i) * p + j] = gy.scalars[(i * cout + oc) * p + j] * (1 - yv * yv)
      }
    }
  }
  var dcols = [Float](repeating: 0, count: k * n * p)
  var dx = Tensor(zeros: x.shape)
  w.withUnsafeBufferPointer { wp in
    CPUBackend.shared.gemm(
      transA: true, transB: false, m: k, n: n * p, k: cout, alpha: 1, a: wp.baseAddress!, lda: k, b: dT,
      ldb: n * p, beta: 0, c: &dcols, ldc: n * p)
  }
  dx.withUnsafeMutableBufferPointer { xp in
    CPUBackend.shared.col2im(dcols, imageStride: x.count / n, images: n, geometry: g, into: xp.baseAddress!)
  }
  expectClose(try #require(grads[0]), dx, tolerance: 1e-4)
  // dW by the definition: dT · colsᵀ with OpenBLAS over the im2col columns.
  var cols = [Float](repeating: 0, count: k * n * p)
  var dw = Tensor(zeros: w.shape)
  x.withUnsafeBufferPointer { xp in
    CPUBackend.shared.im2col(xp.baseAddress!, imageStride: x.count / n, images: n, geometry: g, into: &cols)
  }
  dw.withUnsafeMutableBufferPointer { wp in
    CPUBackend.shared.gemm(
      transA: false, transB: true, m: cout, n: k, k: n * p, alpha: 1, a: dT, lda: n * p, b: cols, ldb: n * p,
      beta: 0, c: wp.baseAddress!, ldc: k)
  }
  expectClose(try #require(grads[1]), dw, tolerance: 1e-4)
}

/// The packed gemms share out output tiles, never the sum over the patch, so a training
/// run's numbers do not depend on how many threads the pool has.
@Test func packedConvTrainingIsTheSameOnAnyThreadCount() throws {
  let x = randomTensor([4, 20, 12, 12], seed: 20)
  let w = randomTensor([50, 20, 5, 5], seed: 21, range: -0.1...0.1)
  let gy = randomTensor([4, 50, 8, 8], seed: 22)
  let before = Threads.current
  defer { Threads.set(before) }
  var runs: [[[Float]]] = []
  for threads in [1, 2, 3] {
    Threads.set(threads)
    let y = try Conv2DFunction.apply(
      Variable(x, requiresGrad: true), weight: Variable(w, requiresGrad: true), bias: nil, activation: .tanh)
    let grads = try y.creator!.backward(gy)
    runs.append([y.value.scalars] + grads.map { $0?.scalars ?? [] })
  }
  #expect(runs[0] == runs[1])
  #expect(runs[0] == runs[2])
}

@Test func conv2dTrainingForwardMatchesInference() throws {
  let x = randomTensor([3, 2, 7, 7], seed: 9)
  let w = randomTensor([4, 2, 3, 3], seed: 10)
  let b = randomTensor([4], seed: 11)
  let o = Conv2DOptions(stride: (2, 2), pads: [1, 0, 1, 0])
  let y = try Conv2DFunction.apply(
    Variable(x), weight: Variable(w, requiresGrad: true), bias: Variable(b), options: o,
    activation: .tanh)
  expectClose(
    y.value, try Tensor.conv2d(x, weight: w, bias: b, options: o, activation: .tanh),
    tolerance: 1e-5)
}

@Test(arguments: [
  Pool2DOptions(kernel: [2, 2]),
  Pool2DOptions(kernel: [3, 3], stride: [2, 2], ceilMode: true),
  Pool2DOptions(kernel: [3, 3], stride: [1, 1], pads: [1, 1, 1, 1]),
])
func poolingGradients(_ o: Pool2DOptions) throws {
  let x = randomTensor([2, 2, 7, 6], seed: 12)
  try checkGradients([x], eps: 1e-3) { try MaxPool2DFunction.apply($0[0], o) }
  var inclusive = o
  inclusive.countIncludePad = true
  try checkGradients([x]) { try AvgPool2DFunction.apply($0[0], o) }
  try checkGradients([x]) { try AvgPool2DFunction.apply($0[0], inclusive) }
  try checkGradients([x]) { try GlobalAvgPoolFunction.apply($0[0]) }
}

@Test(arguments: Activation.allCases)
func activationGradients(_ act: Activation) throws {
  try checkGradients([randomTensor([3, 7], seed: 13, range: -3...3)], eps: 1e-3) {
    ActivationFunction.apply($0[0], act)
  }
}

@Test func softmaxCrossEntropyGradients() throws {
  let labels: [Int32] = [2, 0, 1, 2]
  try checkGradients([randomTensor([4, 3], seed: 14, range: -2...2)]) {
    try SoftmaxCrossEntropyFunction.apply($0[0], labels: labels)
  }
  try checkGradients([randomTensor([2, 3, 4], seed: 15)]) {
    try SoftmaxFunction.apply($0[0], axis: 1)
  }
  try checkGradients([randomTensor([2, 3, 4], seed: 16)]) {
    try SoftmaxFunction.apply($0[0], axis: -1, log: true)
  }
  #expect(throws: TensorError.self) {
    try SoftmaxCrossEntropyFunction.apply(Variable(Tensor(zeros: [2, 3])), labels: [0, 3])
  }
}

@Test func softmaxCrossEntropyValue() throws {
  let logits = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0])
  let loss = try SoftmaxCrossEntropyFunction.apply(Variable(logits), labels: [2, 1])
  let l0 = -log(exp(3.0) / (exp(1.0) + exp(2.0) + exp(3.0)))
  let l1 = log(3.0)
  #expect(abs(Double(loss.value.scalars[0]) - (l0 + l1) / 2) < 1e-5)
}

@Test func batchNormGradients() throws {
  let x = randomTensor([3, 2, 2, 3], seed: 17, range: -2...2)
  try checkGradients(
    [x, randomTensor([2], seed: 18, range: 0.5...1.5), randomTensor([2], seed: 19)], eps: 5e-3
  ) {
    try BatchNormFunction.apply($0[0], scale: $0[1], bias: $0[2], epsilon: 1e-3).0
  }
}

@Test(arguments: [BinaryOp.add, .sub, .mul])
func broadcastGradients(_ op: BinaryOp) throws {
  try checkGradients([randomTensor([2, 3, 4], seed: 20), randomTensor([3, 1], seed: 21)]) {
    try BroadcastFunction.apply(op, $0[0], $0[1])
  }
}

@Test func shapeOpGradients() throws {
  try checkGradients([randomTensor([2, 3, 2], seed: 22), randomTensor([2, 1, 2], seed: 23)]) {
    try ConcatFunction.apply([$0[0], $0[1]], axis: 1)
  }
  try checkGradients([randomTensor([2, 3, 4], seed: 24)]) {
    try TransposeFunction.apply($0[0], [2, 0, 1])
  }
  try checkGradients([randomTensor([2, 3, 4], seed: 25)]) {
    try ActivationFunction.apply(ReshapeFunction.flatten($0[0]), .tanh)
  }
}

@Test func dropoutMaskIsSharedByForwardAndBackward() throws {
  var rng = SeededRNG(5)
  let x = Variable(Tensor(shape: [1000], repeating: 1), requiresGrad: true)
  let y = try DropoutFunction.apply(x, probability: 0.25, using: &rng)
  try y.backward()
  let kept = y.value.scalars.filter { $0 != 0 }.count
  #expect(kept > 700 && kept < 800)
  #expect(y.value.scalars.allSatisfy { $0 == 0 || abs($0 - 4.0 / 3.0) < 1e-6 })
  #expect(x.grad!.scalars == y.value.scalars)
}

@Test func gradientsAccumulateAcrossUses() throws {
  let x = Variable(randomTensor([3], seed: 26), requiresGrad: true)
  let y = try BroadcastFunction.apply(.mul, x, x)
  try y.backward()
  expectClose(x.grad!, x.value.scaled(by: 2))
}

@Test func noGraphIsRecordedWithoutGradient() throws {
  let w = Variable(randomTensor([2, 3], seed: 27), requiresGrad: true)
  let y = try withoutGradient {
    try DenseFunction.apply(Variable(randomTensor([1, 3], seed: 28)), weight: w, bias: nil)
  }
  #expect(y.creator == nil && !y.requiresGrad)
}

/// Each activation's buffer backward is its scalar derivative, element for element and bit
/// for bit: outputs around every kink (0, 6 for relu6), ±0, NaN and values either side,
/// lengths off the eight-lane width, in place too.
@Test(arguments: Activation.allCases)
func activationBackwardIsTheDerivativeOnEveryElement(_ act: Activation) {
  var y: [Float] = [0, -0.0, 6, 5.999999, 6.000001, 1e-30, -1e-30, .nan, .infinity, -.infinity, 3, -3]
  y += randomTensor([45], seed: 81, range: -7...7).scalars
  let g = randomTensor([y.count], seed: 82, range: -2...2).scalars
  for count in [y.count, 13, 7, 1] {
    var d = [Float](repeating: .nan, count: count)
    act.backward(g, output: y, into: &d, count: count)
    let expected = (0..<count).map { act.derivative(g[$0], output: y[$0]) }
    #expect(d.map(\.bitPattern) == expected.map(\.bitPattern), "\(act) count \(count)")
    var inPlace = Array(g.prefix(count))
    inPlace.withUnsafeMutableBufferPointer { act.backward($0.baseAddress!, output: y, into: $0.baseAddress!, count: count) }
    #expect(inPlace.map(\.bitPattern) == expected.map(\.bitPattern), "\(act) count \(count) in place")
  }
}
