#if canImport(Glibc)
  import Glibc
#endif

import GPU
import NN
import Tensor
import TestSupport
import Testing

/// Each device op on the emulated device against the CPU engine (forward and backward,
/// 1e-4 relative): the same kernel sources and gemm argument packing a GPU runs.
@Suite struct EmulatedOpTests {
  let ops = DeviceOps(device: HostDevice())

  func up(_ t: Tensor) throws -> DeviceTensor { try ops.upload(t, "test input") }

  @Test(arguments: [Activation.relu, .tanh, .sigmoid, .relu6])
  func activationMatchesCPU(_ activation: Activation) throws {
    let x = randomTensor([3, 5, 7], seed: 1, range: -4...8)
    let g = randomTensor([3, 5, 7], seed: 2)
    let cpu = ActivationFunction.apply(Variable(x, requiresGrad: true), activation)
    let cpuDx = try cpu.creator!.backward(g)[0]!
    let op = DeviceUnary(activation.unaryOp!)
    let (dx, dy) = (try up(x), try up(g))
    let y = try ops.unary(op, dx)
    expectClose(try y.host(), cpu.value)
    expectClose(try ops.unaryBackward(op, x: dx, y: y, dy: dy).host(), cpuDx)
  }

  @Test(arguments: [
    ([2, 3, 4], [3, 1]), ([4, 1], [1, 5]), ([2, 3, 4, 5], [5]), ([6], [6]), ([1, 3, 1, 2], [2, 1, 4, 1]),
  ])
  func broadcastingMatchesCPU(_ shapes: ([Int], [Int])) throws {
    let (a, b) = (randomTensor(shapes.0, seed: 3), randomTensor(shapes.1, seed: 4, range: 0.5...2))
    for (op, cpuOp) in [(DeviceBinary.add, BinaryOp.add), (.sub, .sub), (.mul, .mul), (.div, .div)] {
      let y = try ops.binary(op, try up(a), try up(b))
      expectClose(try y.host(), try Tensor.binary(cpuOp, a, b))
    }
  }

  @Test(arguments: [
    Conv2DOptions(), Conv2DOptions(stride: (2, 2), pads: [1, 1, 1, 1]),
    Conv2DOptions(stride: (1, 2), pads: [2, 0, 1, 1], dilation: (2, 1)),
  ])
  func convolutionMatchesCPU(_ options: Conv2DOptions) throws {
    let x = randomTensor([2, 3, 9, 8], seed: 5)
    let w = randomTensor([4, 3, 3, 3], seed: 6)
    let b = randomTensor([4], seed: 7)
    let cpu = try Conv2DFunction.apply(
      Variable(x, requiresGrad: true), weight: Variable(w, requiresGrad: true),
      bias: Variable(b, requiresGrad: true), options: options)
    let g = randomTensor(cpu.shape, seed: 8)
    let grads = try cpu.creator!.backward(g)
    let (y, saved) = try ops.conv2dForward(try up(x), weight: try up(w), bias: try up(b), options: options)
    expectClose(try y.host(), cpu.value)
    let (dx, dw, db) = try ops.conv2dBackward(saved, inputShape: x.shape, weight: try up(w), dy: try up(g))
    expectClose(try dx.host(), grads[0]!)
    expectClose(try dw.host(), grads[1]!)
    expectClose(try db.host(), grads[2]!)
  }

  @Test func denseMatchesCPU() throws {
    let (x, w, b) = (randomTensor([5, 12], seed: 9), randomTensor([7, 12], seed: 10), randomTensor([7], seed: 11))
    let cpu = try DenseFunction.apply(
      Variable(x, requiresGrad: true), weight: Variable(w, requiresGrad: true),
      bias: Variable(b, requiresGrad: true))
    let g = randomTensor([5, 7], seed: 12)
    let grads = try cpu.creator!.backward(g)
    let y = try ops.denseForward(try up(x), weight: try up(w), bias: try up(b))
    expectClose(try y.host(), cpu.value)
    let (dx, dw, db) = try ops.denseBackward(try up(x), weight: try up(w), dy: try up(g))
    expectClose(try dx.host(), grads[0]!)
    expectClose(try dw.host(), grads[1]!)
    expectClose(try db.host(), grads[2]!)
  }

  static let pools = [
    Pool2DOptions(kernel: [2, 2]), Pool2DOptions(kernel: [3, 3], stride: [2, 2], pads: [1, 1, 1, 1]),
    Pool2DOptions(kernel: [3, 2], stride: [1, 2], pads: [1, 0, 0, 1], countIncludePad: true),
  ]

  @Test(arguments: pools)
  func maxPoolingMatchesCPU(_ o: Pool2DOptions) throws {
    let x = randomTensor([2, 3, 7, 6], seed: 13)
    let cpu = try MaxPool2DFunction.apply(Variable(x, requiresGrad: true), o)
    let g = randomTensor(cpu.shape, seed: 14)
    let (y, argmax) = try ops.maxPoolForward(try up(x), o)
    expectClose(try y.host(), cpu.value)
    let dx = try ops.maxPoolBackward(inputShape: x.shape, o, argmax: argmax, dy: try up(g))
    expectClose(try dx.host(), try cpu.creator!.backward(g)[0]!)
  }

  @Test(arguments: pools)
  func averagePoolingMatchesCPU(_ o: Pool2DOptions) throws {
    let x = randomTensor([2, 3, 7, 6], seed: 15)
    let cpu = try AvgPool2DFunction.apply(Variable(x, requiresGrad: true), o)
    let g = randomTensor(cpu.shape, seed: 16)
    expectClose(try ops.avgPoolForward(try up(x), o).host(), cpu.value)
    let dx = try ops.avgPoolBackward(inputShape: x.shape, o, dy: try up(g))
    expectClose(try dx.host(), try cpu.creator!.backward(g)[0]!)
  }

  @Test func softmaxCrossEntropyMatchesCPU() throws {
    let logits = randomTensor([6, 10], seed: 17, range: -5...5)
    let labels: [Int32] = [0, 9, 3, 3, 7, 1]
    let cpu = try SoftmaxCrossEntropyFunction.apply(Variable(logits, requiresGrad: true), labels: labels)
    let cpuGrad = try cpu.creator!.backward(Tensor(scalar: 1))[0]!
    let deviceLabels = try deviceInts(labels, on: ops.device, purpose: "labels")
    let (loss, p) = try ops.softmaxCrossEntropy(try up(logits), labels: deviceLabels)
    #expect(abs(loss - cpu.value.scalars[0]) <= 1e-4 * (1 + abs(loss)))
    expectClose(try ops.softmaxCrossEntropyBackward(probabilities: p, labels: deviceLabels).host(), cpuGrad)
  }

  @Test func batchNormMatchesCPU() throws {
    let x = randomTensor([4, 3, 5, 5], seed: 18, range: -2...3)
    let (scale, bias) = (randomTensor([3], seed: 19, range: 0.5...1.5), randomTensor([3], seed: 20))
    let (cpu, _) = try BatchNormFunction.apply(
      Variable(x, requiresGrad: true), scale: Variable(scale, requiresGrad: true),
      bias: Variable(bias, requiresGrad: true), epsilon: 1e-5)
    let g = randomTensor(x.shape, seed: 21)
    let grads = try cpu.creator!.backward(g)
    let (y, saved) = try ops.batchNormForward(try up(x), scale: try up(scale), bias: try up(bias))
    expectClose(try y.host(), cpu.value)
    let (dx, dgamma, dbeta) = try ops.batchNormBackward(try up(x), scale: try up(scale), saved: saved, dy: try up(g))
    expectClose(try dx.host(), grads[0]!, tolerance: 2e-4)
    expectClose(try dgamma.host(), grads[1]!)
    expectClose(try dbeta.host(), grads[2]!)
  }

  @Test func dropoutKeepsTheExpectedFractionAndScales() throws {
    let x = Tensor(shape: [4000], repeating: 2)
    let (y, mask) = try ops.dropout(try up(x), probability: 0.25, seed: 42)
    let (ys, ms) = (try y.host().scalars, try mask.host().scalars)
    let dropped = ms.filter { $0 == 0 }.count
    #expect(abs(Double(dropped) / 4000 - 0.25) < 0.03)
    #expect(ms.allSatisfy { $0 == 0 || abs($0 - 4 / 3) < 1e-6 })
    #expect(zip(ys, ms).allSatisfy { abs($0 - 2 * $1) < 1e-6 })
    let again = try ops.dropout(try up(x), probability: 0.25, seed: 42).mask.host().scalars
    #expect(again == ms, "the mask is a function of (seed, index)")
  }

  @Test func optimizerStepsMatchNN() throws {
    let (w0, g) = (randomTensor([50], seed: 22), randomTensor([50], seed: 23))
    for useAdam in [false, true] {
      let p = Parameter(name: "w", value: w0)
      let optimizer: any Optimizer = useAdam ? Adam(learningRate: 0.01, weightDecay: 1e-3) : SGD()
      let (w, v, m) = (try up(w0), try ops.full([50], 0, "v"), try ops.full([50], 0, "m"))
      for step in 1...3 {
        p.variable.grad = g
        optimizer.update([p])
        if useAdam {
          let lr = 0.01 * (1 - powf(0.999, Float(step))).squareRoot() / (1 - powf(0.9, Float(step)))
          try ops.adamStep(
            weight: w, gradient: try up(g), m: m, v: v, learningRate: lr, beta1: 0.9, beta2: 0.999,
            epsilon: 1e-8, weightDecay: 1e-3)
        } else {
          try ops.sgdStep(
            weight: w, gradient: try up(g), velocity: v, learningRate: 0.05, momentum: 0.9, weightDecay: 1e-4)
        }
      }
      expectClose(try w.host(), p.value)
    }
  }
}
