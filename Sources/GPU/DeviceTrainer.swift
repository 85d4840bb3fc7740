#if canImport(Glibc)
  import Glibc
#endif

import NN
import Tensor

/// Trains an NN `Sequential` on a device: the weights live in device memory, every op of
/// forward, backward and the optimiser step runs through `DeviceOps`, and only the batch
/// goes in and the loss comes out. The same arithmetic as NN's CPU training, so the same
/// model, data and optimiser reach the same loss.
public final class DeviceTrainer {
  /// The ops (and so the device) training runs on.
  public let ops: DeviceOps
  let model: Sequential
  let optimizer: any Optimizer
  var weights: [ObjectIdentifier: DeviceTensor] = [:]
  var slots: [ObjectIdentifier: (DeviceTensor, DeviceTensor)] = [:]
  var steps = 0
  /// Batches whose copy has begun (`prefetch`), oldest first: the loop prefetches the next
  /// batch before stepping the current one, so at most two are in flight (one per slot).
  var prefetched: [(key: ArraySlice<Int>, images: DeviceTensor, labels: [Int32], slot: Int)] = []
  /// The staging slot the next prefetch uses (two, in turn).
  var nextSlot = 0
  /// Steps whose batch had been copied ahead (for tests and the GPU check).
  public private(set) var prefetchedSteps = 0

  /// Copies the model's parameters to `device`; refuses a layer the device cannot train.
  public init(model: Sequential, optimizer: any Optimizer, device: any ComputeDevice) throws(GPUError) {
    ops = DeviceOps(device: device)
    self.model = model
    self.optimizer = optimizer
    guard optimizer is SGD || optimizer is Adam else {
      throw .invalid("device training supports SGD and Adam, not \(type(of: optimizer))")
    }
    for layer in model.layers {
      switch layer {
      case is Conv2D, is Dense, is MaxPool2D, is AvgPool2D, is Flatten, is ActivationLayer,
        is BatchNorm, is Dropout:
        break
      default: throw .invalid("\(layer.name) (\(layer.kind)) cannot train on the device yet")
      }
      for p in layer.parameters {
        weights[ObjectIdentifier(p)] = try ops.upload(p.value, p.name)
      }
    }
  }

  func weight(_ p: Parameter) -> DeviceTensor { weights[ObjectIdentifier(p)]! }

  /// What one training step reports: the batch's mean loss and how many of its images the
  /// forward pass classified correctly (before the update, as the CPU counts them).
  public struct StepResult: Sendable {
    public var loss: Float
    public var correct: Int
  }

  /// One step on a batch: forward, softmax cross-entropy, backward, optimiser update.
  /// Returns the batch's mean loss and correct count (the probabilities, batch × classes
  /// floats, are copied back for the count: cheap next to the step).
  @discardableResult
  public func step(images: Tensor, labels: [Int32]) throws(GPUError) -> StepResult {
    try step(input: try ops.upload(images, "batch \(images.shape)"), labels: labels)
  }

  /// Begins copying the batch `key` names to the device; a later `step(key:)` for the same
  /// key computes on it once the copy is in (the device, not the host, waits for it).
  public func prefetch(images: Tensor, labels: [Int32], key: ArraySlice<Int>) throws(GPUError) {
    let x = try DeviceTensor(device: ops.device, shape: images.shape, purpose: "batch \(images.shape)")
    let (slot, device, dst) = (nextSlot, ops.device, x.buffer.address)
    nextSlot ^= 1
    let failure = images.withUnsafeBufferPointer { p in
      attempt { () throws(GPUError) in
        if let base = p.baseAddress { try device.beginCopy(to: dst, from: base, bytes: p.count * 4, slot: slot) }
      }
    }
    if let failure { throw failure }
    // A batch the loop never stepped (a stop) must not hold the slot this copy now reuses.
    prefetched.removeAll { $0.slot == slot }
    prefetched.append((key, x, labels, slot))
  }

  /// One step on the batch `key` names: the prefetched copy when it is that batch, else
  /// `batch()` uploaded now.
  public func step(key: ArraySlice<Int>, batch: () -> (Tensor, [Int32])) throws(GPUError) -> StepResult {
    guard let i = prefetched.firstIndex(where: { $0.key == key }) else {
      let (images, labels) = batch()
      return try step(images: images, labels: labels)
    }
    let p = prefetched.remove(at: i)
    try ops.device.awaitCopy(slot: p.slot)
    prefetchedSteps += 1
    return try step(input: p.images, labels: p.labels)
  }

  func step(input: DeviceTensor, labels: [Int32]) throws(GPUError) -> StepResult {
    steps += 1
    var x = input
    let deviceLabels = try deviceInts(labels, on: ops.device, purpose: "labels")
    var tape: [Saved] = []
    for layer in model.layers {
      let (y, saved) = try forward(layer, x)
      tape.append(saved)
      x = y
    }
    let (loss, p) = try ops.softmaxCrossEntropy(x, labels: deviceLabels)
    var g = try ops.softmaxCrossEntropyBackward(probabilities: p, labels: deviceLabels)
    var gradients: [(Parameter, DeviceTensor)] = []
    for saved in tape.reversed() {
      g = try backward(saved, g, into: &gradients)
    }
    let predicted = predictedClasses(try p.host())
    let correct = zip(predicted, labels).reduce(0) { $0 + ($1.0 == Int($1.1) ? 1 : 0) }
    for (param, grad) in gradients { try update(param, grad) }
    return StepResult(loss: loss, correct: correct)
  }

  /// Inference on the device (running batch-norm statistics, no dropout): the logits of a
  /// batch, copied back. `predict` and `evaluate` on a model placed on the GPU use this.
  public func logits(images: Tensor) throws(GPUError) -> Tensor {
    var x = try ops.upload(images, "batch \(images.shape)")
    for layer in model.layers {
      switch layer {
      case is Dropout: continue
      case let l as BatchNorm: x = try inferenceBatchNorm(l, x)
      default: x = try forward(layer, x).0
      }
    }
    return try x.host()
  }

  /// Batch norm with the running statistics: 1/√(var + ε) is computed on the host (one
  /// value per channel), the normalisation on the device.
  func inferenceBatchNorm(_ l: BatchNorm, _ x: DeviceTensor) throws(GPUError) -> DeviceTensor {
    let variance = try weight(l.runningVariance).host()
    let inv = variance.scalars.map { 1 / ($0 + l.epsilon).squareRoot() }
    let invStd = try ops.upload(try! Tensor(shape: variance.shape, scalars: inv), "batch-norm inverse std")
    let y = try ops.empty(x.shape, "batch-norm output \(x.shape)")
    let (c, inner) = (x.shape[1], x.count / max(x.shape[0] * x.shape[1], 1))
    try ops.device.launch(
      .batchNorm, count: x.count,
      [
        .int(x.count), .int(c), .int(inner), .buffer(x.buffer), .buffer(weight(l.runningMean).buffer),
        .buffer(invStd.buffer), .buffer(weight(l.scale).buffer), .buffer(weight(l.offset).buffer), .buffer(y.buffer),
      ])
    return y
  }

  /// Writes the device weights back into the model's parameters (for save, evaluate, CPU use).
  public func copyWeightsToHost() throws(GPUError) {
    for layer in model.layers {
      for p in layer.parameters { p.value = try weight(p).host() }
    }
  }
}

/// What one layer's forward pass keeps for its backward pass.
enum Saved {
  case conv(Conv2D, input: DeviceTensor, ConvSaved, pre: DeviceTensor, post: DeviceTensor)
  case dense(Dense, input: DeviceTensor, pre: DeviceTensor, post: DeviceTensor)
  case maxPool(MaxPool2D, inputShape: [Int], argmax: DeviceBuffer)
  case avgPool(AvgPool2D, inputShape: [Int])
  case reshape(inputShape: [Int])
  case activation(Activation, input: DeviceTensor, output: DeviceTensor)
  case batchNorm(BatchNorm, input: DeviceTensor, BatchNormSaved)
  case dropout(mask: DeviceTensor)
}

extension DeviceTrainer {
  func activate(_ a: Activation, _ z: DeviceTensor) throws(GPUError) -> DeviceTensor {
    guard let op = a.unaryOp else { return z }
    return try ops.unary(DeviceUnary(op), z)
  }

  func forward(_ layer: any Layer, _ x: DeviceTensor) throws(GPUError) -> (DeviceTensor, Saved) {
    switch layer {
    case let l as Conv2D:
      let (z, saved) = try ops.conv2dForward(x, weight: weight(l.weight), bias: weight(l.bias), options: l.options)
      let y = try activate(l.activation, z)
      return (y, .conv(l, input: x, saved, pre: z, post: y))
    case let l as Dense:
      let flat = try x.reshaped([x.shape[0], x.count / max(x.shape[0], 1)])
      let z = try ops.denseForward(flat, weight: weight(l.weight), bias: weight(l.bias))
      let y = try activate(l.activation, z)
      return (y, .dense(l, input: flat, pre: z, post: y))
    case let l as MaxPool2D:
      let (y, argmax) = try ops.maxPoolForward(x, l.options)
      return (y, .maxPool(l, inputShape: x.shape, argmax: argmax))
    case let l as AvgPool2D:
      return (try ops.avgPoolForward(x, l.options), .avgPool(l, inputShape: x.shape))
    case is Flatten:
      return (try x.reshaped([x.shape[0], x.count / max(x.shape[0], 1)]), .reshape(inputShape: x.shape))
    case let l as ActivationLayer:
      let y = try activate(l.activation, x)
      return (y, .activation(l.activation, input: x, output: y))
    case let l as BatchNorm:
      let (y, saved) = try ops.batchNormForward(
        x, scale: weight(l.scale), bias: weight(l.offset), epsilon: l.epsilon)
      try updateRunningStatistics(l, saved)
      return (y, .batchNorm(l, input: x, saved))
    case let l as Dropout:
      let (y, mask) = try ops.dropout(x, probability: l.probability, seed: UInt32(truncatingIfNeeded: steps &* 2_654_435_761))
      return (y, .dropout(mask: mask))
    default:
      throw .invalid("\(layer.name) (\(layer.kind)) cannot train on the device yet")
    }
  }

  /// running = m·running + (1 − m)·batch, as NN.BatchNorm (on the device).
  func updateRunningStatistics(_ l: BatchNorm, _ s: BatchNormSaved) throws(GPUError) {
    for (p, batch) in [(l.runningMean, s.mean), (l.runningVariance, s.variance)] {
      let kept = try ops.unary(.scale(l.momentum), weight(p))
      let added = try ops.unary(.scale(1 - l.momentum), batch)
      weights[ObjectIdentifier(p)] = try ops.binary(.add, kept, added)
    }
  }

  func unactivate(_ a: Activation, pre: DeviceTensor, post: DeviceTensor, _ g: DeviceTensor) throws(GPUError)
    -> DeviceTensor
  {
    guard let op = a.unaryOp else { return g }
    return try ops.unaryBackward(DeviceUnary(op), x: pre, y: post, dy: g)
  }

  func backward(_ saved: Saved, _ g: DeviceTensor, into grads: inout [(Parameter, DeviceTensor)]) throws(GPUError)
    -> DeviceTensor
  {
    switch saved {
    case .conv(let l, let x, let s, let pre, let post):
      let dz = try unactivate(l.activation, pre: pre, post: post, g)
      let (dx, dw, db) = try ops.conv2dBackward(s, inputShape: x.shape, weight: weight(l.weight), dy: dz)
      grads += [(l.weight, dw), (l.bias, db)]
      return dx
    case .dense(let l, let x, let pre, let post):
      let dz = try unactivate(l.activation, pre: pre, post: post, g)
      let (dx, dw, db) = try ops.denseBackward(x, weight: weight(l.weight), dy: dz)
      grads += [(l.weight, dw), (l.bias, db)]
      return dx
    case .maxPool(let l, let shape, let argmax):
      return try ops.maxPoolBackward(inputShape: shape, l.options, argmax: argmax, dy: g)
    case .avgPool(let l, let shape):
      return try ops.avgPoolBackward(inputShape: shape, l.options, dy: g)
    case .reshape(let shape):
      return try g.reshaped(shape)
    case .activation(let a, let x, let y):
      return try unactivate(a, pre: x, post: y, g)
    case .batchNorm(let l, let x, let s):
      let (dx, dgamma, dbeta) = try ops.batchNormBackward(x, scale: weight(l.scale), saved: s, dy: g)
      grads += [(l.scale, dgamma), (l.offset, dbeta)]
      return dx
    case .dropout(let mask):
      return try ops.binary(.mul, g, mask)
    }
  }

  func update(_ p: Parameter, _ g: DeviceTensor) throws(GPUError) {
    guard p.isTrainable else { return }
    let key = ObjectIdentifier(p)
    let w = weight(p)
    if slots[key] == nil {
      slots[key] = (try ops.full(w.shape, 0, p.name + " optimiser state"), try ops.full(w.shape, 0, p.name + " optimiser state"))
    }
    let (m, v) = slots[key]!
    if let sgd = optimizer as? SGD {
      try ops.sgdStep(
        weight: w, gradient: g, velocity: m, learningRate: sgd.learningRate, momentum: sgd.momentum,
        weightDecay: sgd.weightDecay)
    } else if let adam = optimizer as? Adam {
      let t = Float(steps)
      let lr = adam.learningRate * (1 - powf(adam.beta2, t)).squareRoot() / (1 - powf(adam.beta1, t))
      try ops.adamStep(
        weight: w, gradient: g, m: m, v: v, learningRate: lr, beta1: adam.beta1, beta2: adam.beta2,
        epsilon: adam.epsilon, weightDecay: adam.weightDecay)
    }
  }
}
