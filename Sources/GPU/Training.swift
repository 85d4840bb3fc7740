import Tensor

/// What batchNormForward keeps for the backward pass.
public struct BatchNormSaved: @unchecked Sendable {
  /// Per-channel batch mean, biased variance and 1/√(var + ε).
  public let mean: DeviceTensor, variance: DeviceTensor, invStd: DeviceTensor
}

extension DeviceOps {
  /// Mean softmax cross-entropy of logits [N, C] against labels on the device; returns the
  /// loss (summed in Double on the host, as the CPU does) and the probabilities.
  public func softmaxCrossEntropy(_ logits: DeviceTensor, labels: DeviceBuffer) throws(GPUError)
    -> (loss: Float, probabilities: DeviceTensor)
  {
    let (rows, classes) = (logits.shape[0], logits.shape[1])
    guard logits.shape.count == 2, labels.count == rows else {
      throw .invalid("softmaxCrossEntropy: logits \(logits.shape) vs \(labels.count) labels")
    }
    let p = try empty(logits.shape, "softmax \(logits.shape)")
    let losses = try empty([rows], "per-row losses")
    try device.launch(
      .softmaxCrossEntropy, count: rows,
      [.int(rows), .int(classes), .buffer(logits.buffer), .buffer(labels), .buffer(p.buffer), .buffer(losses.buffer)])
    let sum = try losses.host().scalars.reduce(0.0) { $0 + Double($1) }
    return (Float(sum / Double(max(rows, 1))), p)
  }

  /// dlogits = scale·(p − onehot) with scale = seed / N (the mean's gradient).
  public func softmaxCrossEntropyBackward(
    probabilities p: DeviceTensor, labels: DeviceBuffer, seed: Float = 1
  ) throws(GPUError) -> DeviceTensor {
    let (rows, classes) = (p.shape[0], p.shape[1])
    let d = try empty(p.shape, "logit gradient \(p.shape)")
    try device.launch(
      .softmaxCrossEntropyBackward, count: p.count,
      [.int(rows), .int(classes), .float(seed / Float(max(rows, 1))), .buffer(p.buffer), .buffer(labels), .buffer(d.buffer)])
    return d
  }

  /// Batch norm over the batch's statistics (training mode), per channel of axis 1.
  public func batchNormForward(
    _ x: DeviceTensor, scale: DeviceTensor, bias: DeviceTensor, epsilon: Float = 1e-5
  ) throws(GPUError) -> (DeviceTensor, BatchNormSaved) {
    let (n, c, inner) = (x.shape[0], x.shape[1], x.count / max(x.shape[0] * x.shape[1], 1))
    let saved = BatchNormSaved(
      mean: try empty([c], "batch-norm mean"), variance: try empty([c], "batch-norm variance"),
      invStd: try empty([c], "batch-norm inverse std"))
    try device.launch(
      .batchNormStatistics, count: c,
      [
        .int(n), .int(c), .int(inner), .float(epsilon), .buffer(x.buffer), .buffer(saved.mean.buffer),
        .buffer(saved.variance.buffer), .buffer(saved.invStd.buffer),
      ])
    let y = try empty(x.shape, "batch-norm output \(x.shape)")
    try device.launch(
      .batchNorm, count: x.count,
      [
        .int(x.count), .int(c), .int(inner), .buffer(x.buffer), .buffer(saved.mean.buffer),
        .buffer(saved.invStd.buffer), .buffer(scale.buffer), .buffer(bias.buffer), .buffer(y.buffer),
      ])
    return (y, saved)
  }

  /// (dx, dγ, dβ) of batch norm.
  public func batchNormBackward(
    _ x: DeviceTensor, scale: DeviceTensor, saved: BatchNormSaved, dy: DeviceTensor
  ) throws(GPUError) -> (DeviceTensor, DeviceTensor, DeviceTensor) {
    let (n, c, inner) = (x.shape[0], x.shape[1], x.count / max(x.shape[0] * x.shape[1], 1))
    let (dgamma, dbeta) = (try empty([c], "batch-norm scale gradient"), try empty([c], "batch-norm bias gradient"))
    try device.launch(
      .batchNormBackwardReduce, count: c,
      [
        .int(n), .int(c), .int(inner), .buffer(x.buffer), .buffer(dy.buffer), .buffer(saved.mean.buffer),
        .buffer(saved.invStd.buffer), .buffer(dgamma.buffer), .buffer(dbeta.buffer),
      ])
    let dx = try empty(x.shape, "batch-norm input gradient \(x.shape)")
    try device.launch(
      .batchNormBackward, count: x.count,
      [
        .int(x.count), .int(c), .int(inner), .float(Float(n * inner)), .buffer(x.buffer), .buffer(dy.buffer),
        .buffer(saved.mean.buffer), .buffer(saved.invStd.buffer), .buffer(scale.buffer),
        .buffer(dgamma.buffer), .buffer(dbeta.buffer), .buffer(dx.buffer),
      ])
    return (dx, dgamma, dbeta)
  }

  /// Inverted dropout: y = x·mask, mask 0 with probability p else 1/(1−p); the mask is a
  /// hash of (seed, index), so the host and a GPU draw the same one.
  public func dropout(_ x: DeviceTensor, probability p: Float, seed: UInt32) throws(GPUError)
    -> (DeviceTensor, mask: DeviceTensor)
  {
    let (mask, y) = (try empty(x.shape, "dropout mask"), try empty(x.shape, "dropout output"))
    try device.launch(
      .dropout, count: x.count,
      [.int(x.count), .float(p), .uint(seed), .buffer(x.buffer), .buffer(mask.buffer), .buffer(y.buffer)])
    return (y, mask)
  }

  /// SGD with momentum and weight decay in place (MXNet's rule, as NN.SGD).
  public func sgdStep(
    weight w: DeviceTensor, gradient g: DeviceTensor, velocity v: DeviceTensor, learningRate: Float,
    momentum: Float, weightDecay: Float
  ) throws(GPUError) {
    try device.launch(
      .sgd, count: w.count,
      [
        .int(w.count), .float(learningRate), .float(momentum), .float(weightDecay), .buffer(w.buffer),
        .buffer(g.buffer), .buffer(v.buffer),
      ])
  }

  /// One Adam step in place; `learningRate` already carries the bias correction (as NN.Adam).
  public func adamStep(
    weight w: DeviceTensor, gradient g: DeviceTensor, m: DeviceTensor, v: DeviceTensor,
    learningRate: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
  ) throws(GPUError) {
    try device.launch(
      .adam, count: w.count,
      [
        .int(w.count), .float(learningRate), .float(beta1), .float(beta2), .float(epsilon),
        .float(weightDecay), .buffer(w.buffer), .buffer(g.buffer), .buffer(m.buffer), .buffer(v.buffer),
      ])
  }
}
