import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Updates parameters from their gradients and clears the gradients.
public protocol Optimizer: AnyObject {
  /// The step size used by the next update.
  var learningRate: Float { get set }
  /// One step over all trainable parameters that have a gradient; the elementwise work of a
  /// large parameter is split over up to `threads` threads (the result is the same on any count).
  func update(_ parameters: [Parameter], threads: Int)
  /// One step from gradients as a training step's shards left them: `shardGradients[i]`
  /// holds parameters[i]'s pieces in shard order, whose sum in that order is its gradient
  /// (left empty after the call). The same weights as summing them and calling `update`.
  func update(_ parameters: [Parameter], shardGradients: inout [[Tensor]], threads: Int)
}

extension Optimizer {
  /// One step on this thread.
  public func update(_ parameters: [Parameter]) { update(parameters, threads: 1) }

  /// Sums the pieces (`sumShardGradients`), then steps.
  public func update(_ parameters: [Parameter], shardGradients: inout [[Tensor]], threads: Int) {
    sumShardGradients(parameters, &shardGradients, threads: threads)
    update(parameters, threads: threads)
  }
}

/// Sets each trainable parameter's gradient to the sum of its pieces (`shardGradients[i]`,
/// one per shard, added in order into the first; nil where there are none) and leaves the
/// pieces empty. Taken out of the array, the first piece is the sum's only holder, so adding
/// into it does not copy it.
public func sumShardGradients(_ parameters: [Parameter], _ shardGradients: inout [[Tensor]], threads: Int) {
  precondition(shardGradients.count == parameters.count, "one list of gradient pieces per parameter")
  for (i, p) in parameters.enumerated() where p.isTrainable {
    var pieces: [Tensor] = []
    swap(&pieces, &shardGradients[i])
    guard !pieces.isEmpty else {
      p.variable.grad = nil
      continue
    }
    var total = pieces.removeFirst()
    for g in pieces {
      precondition(g.count == total.count, "gradient pieces of different sizes")
      total.withUnsafeMutableBufferPointer { tp in
        g.withUnsafeBufferPointer { gp in
          forChunks(tp.count, threads: threads) { range in for j in range { tp[j] += gp[j] } }
        }
      }
    }
    p.variable.grad = total
  }
}

/// Runs `body` over 0..<count in `threads` contiguous chunks on the kernel pool (the one
/// training's shards run on, `parallelTasks`); arrays of fewer than 32 Ki elements stay on
/// this thread. Chunks are disjoint: elementwise updates give the same result on any count.
/// Not `parallelChunks`: its smaller chunks (three for the MLP's first layer on two threads)
/// leave one thread twice the work, and the MLP trained 10 % slower on them; here each
/// thread gets an equal part, the same one every step.
func forChunks(_ count: Int, threads: Int, _ body: (Range<Int>) -> Void) {
  let parts = min(threads, count / 32_768)
  if parts <= 1 {
    body(0..<count)
    return
  }
  parallelTasks(parts) { s in body(s * count / parts..<(s + 1) * count / parts) }
}

/// SGD with momentum and weight decay, MXNet's update rule:
/// v = momentum·v − lr·(g + wd·w); w += v.
public final class SGD: Optimizer {
  public var learningRate: Float
  public let momentum: Float
  public let weightDecay: Float
  var velocity: [ObjectIdentifier: Tensor] = [:]

  /// Defaults are the classic train_mnist ones.
  public init(learningRate: Float = 0.05, momentum: Float = 0.9, weightDecay: Float = 1e-4) {
    self.learningRate = learningRate
    self.momentum = momentum
    self.weightDecay = weightDecay
  }

  public func update(_ parameters: [Parameter], threads: Int) {
    var pieces = parameters.map { p in p.variable.grad.map { [$0] } ?? [] }
    update(parameters, shardGradients: &pieces, threads: threads)
  }

  /// The shards' pieces summed lane by lane inside the update (`sgdMomentumStep`): the sum
  /// is never stored, one pass instead of two over the largest layers (the MLP's first:
  /// 100k weights, its step's sum and update 67 → 46 µs on two threads). The same bits as
  /// summing first: each lane adds its pieces in the same order.
  public func update(_ parameters: [Parameter], shardGradients: inout [[Tensor]], threads: Int) {
    precondition(shardGradients.count == parameters.count, "one list of gradient pieces per parameter")
    let (lr, mu, wd) = (learningRate, momentum, weightDecay)
    for (i, p) in parameters.enumerated() where p.isTrainable && !shardGradients[i].isEmpty {
      var pieces: [Tensor] = []
      swap(&pieces, &shardGradients[i])
      p.variable.grad = nil
      let key = ObjectIdentifier(p)
      var w = p.variable.value
      precondition(pieces.allSatisfy { $0.count == w.count }, "\(p.name): gradient of the wrong size")
      var v = velocity[key] ?? Tensor(zeros: w.shape)
      velocity[key] = nil
      p.variable.value = Tensor(zeros: [])
      w.withUnsafeMutableBufferPointer { wp in
        v.withUnsafeMutableBufferPointer { vp in
          Tensor.withBaseAddresses(pieces) { gradients in
            forChunks(wp.count, threads: threads) { range in
              let start = range.lowerBound
              sgdMomentumStep(
                count: range.count, weights: wp.baseAddress! + start, velocity: vp.baseAddress! + start,
                gradientPieces: gradients.map { $0 + start }, learningRate: lr, momentum: mu,
                weightDecay: wd)
            }
          }
        }
      }
      velocity[key] = v
      p.variable.value = w
    }
  }
}

/// Adam (Kingma & Ba) with bias correction; weight decay is added to the gradient.
public final class Adam: Optimizer {
  public var learningRate: Float
  public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
  var moments: [ObjectIdentifier: (Tensor, Tensor)] = [:]
  var step = 0

  /// Creates the optimiser.
  public init(
    learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
    weightDecay: Float = 0
  ) {
    self.learningRate = learningRate
    self.beta1 = beta1
    self.beta2 = beta2
    self.epsilon = epsilon
    self.weightDecay = weightDecay
  }

  public func update(_ parameters: [Parameter], threads: Int) {
    step += 1
    let (b1, b2, eps, wd) = (beta1, beta2, epsilon, weightDecay)
    let lr = learningRate * (1 - powf(b2, Float(step))).squareRoot() / (1 - powf(b1, Float(step)))
    for p in parameters where p.isTrainable {
      guard let g = p.variable.grad else { continue }
      p.variable.grad = nil
      let key = ObjectIdentifier(p)
      var (m, v) = moments[key] ?? (Tensor(zeros: g.shape), Tensor(zeros: g.shape))
      moments[key] = nil
      var w = p.variable.value
      p.variable.value = Tensor(zeros: [])
      w.withUnsafeMutableBufferPointer { wp in
        m.withUnsafeMutableBufferPointer { mp in
          v.withUnsafeMutableBufferPointer { vp in
            g.withUnsafeBufferPointer { gp in
              forChunks(wp.count, threads: threads) { range in
                for i in range {
                  let gi = gp[i] + wd * wp[i]
                  mp[i] = b1 * mp[i] + (1 - b1) * gi
                  vp[i] = b2 * vp[i] + (1 - b2) * gi * gi
                  wp[i] -= lr * mp[i] / (vp[i].squareRoot() + eps)
                }
              }
            }
          }
        }
      }
      moments[key] = (m, v)
      p.variable.value = w
    }
  }
}

/// A learning rate as a function of training progress.
public protocol LearningRateSchedule: Sendable {
  /// The rate at a point in training (epoch 0-based, fraction of the epoch done in [0, 1)).
  func rate(epoch: Int, fraction: Double) -> Float
}

/// Multiplies the rate by `factor` after every `stepEpochs` epochs (MXNet's lr_step_epochs).
public struct StepSchedule: LearningRateSchedule {
  public let base: Float, stepEpochs: Int, factor: Float
  /// Creates the schedule.
  public init(base: Float, stepEpochs: Int, factor: Float = 0.1) {
    self.base = base
    self.stepEpochs = max(1, stepEpochs)
    self.factor = factor
  }
  public func rate(epoch: Int, fraction: Double) -> Float {
    base * powf(factor, Float(epoch / stepEpochs))
  }
}

/// Cosine decay from `base` to `minimum` over `epochs`.
public struct CosineSchedule: LearningRateSchedule {
  public let base: Float, epochs: Int, minimum: Float
  /// Creates the schedule.
  public init(base: Float, epochs: Int, minimum: Float = 0) {
    self.base = base
    self.epochs = max(1, epochs)
    self.minimum = minimum
  }
  public func rate(epoch: Int, fraction: Double) -> Float {
    let t = min(1, (Double(epoch) + fraction) / Double(epochs))
    return minimum + (base - minimum) * Float(0.5 * (1 + cos(Double.pi * t)))
  }
}
