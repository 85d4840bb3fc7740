import Tensor

/// One pre-planned operation: read some slots, write one.
struct Step: @unchecked Sendable {
  let label: String
  let inputs: [Int]
  let output: Int
  let body: ([Tensor]) throws -> Tensor

  /// The kind a label names ("Conv(depthwise 5×5)" of "Conv(depthwise 5×5) node 'x'"): the
  /// text before " node '", all of it when there is none.
  static func kind(ofLabel label: String) -> String {
    label.firstRange(of: " node '").map { String(label[..<$0.lowerBound]) } ?? label
  }
}

/// A graph lowered for one set of input shapes: shapes inferred, constants folded, weights
/// converted once, and every intermediate released right after its last reader.
final class ExecutionPlan: @unchecked Sendable {
  enum Output { case slot(Int), constant(Tensor) }

  let steps: [Step]
  let slotCount: Int
  let inputSlots: [Int]
  let outputs: [Output]
  let outputShapes: [[Int]]
  /// Slots to drop after step i, so their buffers go back to the allocator early.
  let release: [[Int]]
  /// Weights and other constants that steps read, placed in their slots before each run.
  let constants: [(Int, Tensor)]
  /// For a batch run image by image (see BatchSplit): the batch-1 plan each image runs.
  let perImage: ExecutionPlan?

  init(
    steps: [Step], slotCount: Int, inputSlots: [Int], outputs: [Output], outputShapes: [[Int]],
    constants: [(Int, Tensor)]
  ) {
    _ = mallocTunedForInference
    self.constants = constants
    self.steps = steps
    self.slotCount = slotCount
    self.inputSlots = inputSlots
    self.outputs = outputs
    self.outputShapes = outputShapes
    perImage = nil
    var last = [Int: Int]()
    for (i, s) in steps.enumerated() { for k in s.inputs { last[k] = i } }
    let kept = Set(outputs.compactMap { if case .slot(let s) = $0 { s } else { nil } })
    var release = [[Int]](repeating: [], count: steps.count)
    for (slot, i) in last where !kept.contains(slot) { release[i].append(slot) }
    self.release = release
  }

  /// A batch of `batch` images run one at a time through `plan` (a batch-1 plan of a graph
  /// that keeps images apart); `steps` are the plan's, the steps each image runs.
  init(perImage plan: ExecutionPlan, batch: Int) {
    (steps, slotCount, inputSlots, release, constants) = (plan.steps, 0, [0], [], [])
    outputs = plan.outputs
    outputShapes = plan.outputShapes.map { [batch] + $0.dropFirst() }
    perImage = plan
  }

  func run(_ inputs: [Tensor]) throws(ModelLoadError) -> [Tensor] {
    if let perImage { return try runImageByImage(perImage, inputs[0]) }
    var slots = [Tensor?](repeating: nil, count: slotCount)
    for (slot, t) in constants { slots[slot] = t }
    for (slot, t) in zip(inputSlots, inputs) { slots[slot] = t }
    let profiling = StepProfile.enabled
    var times = [UInt64](repeating: 0, count: profiling ? steps.count : 0)
    for (i, step) in steps.enumerated() {
      let args = step.inputs.map { slots[$0]! }
      do {
        let start = profiling ? StepProfile.now() : 0
        slots[step.output] = try step.body(args)
        if profiling { times[i] = StepProfile.now() - start }
      } catch let e as ModelLoadError {
        throw e
      } catch {
        throw ModelLoadError("\(step.label): \(error)")
      }
      for k in release[i] { slots[k] = nil }
    }
    if profiling { StepProfile.record(steps.map(\.label), times) }
    return outputs.map {
      switch $0 {
      case .slot(let s): slots[s]!
      case .constant(let t): t
      }
    }
  }
}

extension ExecutionPlan {
  /// Runs each image of `x` through the batch-1 plan and stacks the outputs. The images
  /// are shared out among the engine's threads, each running whole images (the kernels'
  /// own parallel loops run serially inside a pool task), so the threads meet once per batch
  /// instead of at every layer.
  fileprivate func runImageByImage(_ plan: ExecutionPlan, _ x: Tensor) throws(ModelLoadError) -> [Tensor] {
    let batch = outputShapes.first?.first ?? 1
    let per = x.count / max(1, batch)
    let imageShape = [1] + x.shape.dropFirst()
    // One result per image, each written by the one thread that ran it.
    let results = UnsafeMutableBufferPointer<Result<[Tensor], ModelLoadError>?>.allocate(capacity: batch)
    results.initialize(repeating: nil)
    defer {
      _ = results.deinitialize()
      results.deallocate()
    }
    x.withUnsafeBufferPointer { xp in
      parallelChunks(batch, grain: 1) { range in
        for i in range {
          var image = Tensor(uninitializedShape: imageShape)
          image.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: xp.baseAddress! + i * per, count: per) }
          do throws(ModelLoadError) {
            results[i] = .success(try plan.run([image]))
          } catch {
            results[i] = .failure(error)
          }
        }
      }
    }
    var stacked = outputShapes.map { Tensor(uninitializedShape: $0) }
    for i in 0..<batch {
      guard let result = results[i] else { throw ModelLoadError("batch image \(i) was not run") }
      let ys = try result.get()
      for (k, y) in ys.enumerated() {
        stacked[k].withUnsafeMutableBufferPointer { dst in
          y.withUnsafeBufferPointer { dst.baseAddress!.advanced(by: i * $0.count).update(from: $0.baseAddress!, count: $0.count) }
        }
      }
    }
    return stacked
  }
}
