import Synchronization
import Tensor

/// What a LoadedModel plans from: the rewritten graph (int8 marks) and its float twin,
/// which share weights, until `dropGraphWeights` gives those up.
struct PlanningSource: Sendable {
  var graph: Graph
  var floatGraph: Graph
  /// The batch-1 input shape whose plan every run goes through, once the weights are dropped.
  var droppedFor: [Int]? = nil
}

extension LoadedModel {
  /// Gives up the graph's weights when no plan will read them again, and says whether it did.
  ///
  /// A plan converts the weights it reads into its own layout (packed panels, Winograd
  /// transforms), so once a model is planned the graph's float copy is only kept to plan
  /// other shapes: 4.9 MB of SqueezeNet 1.1's, 46 MB of ResNet-18's. A holder that runs the
  /// model on the CPU only, with inputs that differ at most in the batch (`tabby serve
  /// --device cpu`), never needs another plan when the graph keeps images apart (BatchSplit)
  /// and the batch-1 plan exists: every batch then runs image by image through that plan.
  /// Only then are the weights dropped; afterwards a shape other than the model's declared
  /// image size and `plannedGraph` (the GPU executor's input) fail with a ModelLoadError.
  ///
  /// A file that leaves the image size open (an MXNet symbol declares no input shape) keeps
  /// its weights unless the holder names the batch-1 shape `image` it will run from now on
  /// (a server's preprocessing makes one size); a file's own size must agree with it.
  public func dropGraphWeights(image declared: [Int]? = nil) -> Bool {
    guard inputs.count == 1 else { return false }
    let shape = inputs[0].shape
    let dims = shape.dropFirst().map(\.value)
    let image: [Int]
    if shape.count >= 2, dims.allSatisfy({ $0 != nil }) {
      image = [1] + dims.map { $0! }
      if let declared, declared != image { return false }
    } else if let declared, declared.count >= 2, declared[0] == 1, declared.allSatisfy({ $0 >= 1 }),
      shape.count == 1 || shape.count == declared.count
    {
      image = declared
    } else {
      return false
    }
    guard let single = plans.withLock({ $0[[image]] }), single.outputShapes.allSatisfy({ $0.first == 1 })
    else { return false }
    return source.withLock { s in
      if s.droppedFor != nil { return true }
      guard BatchSplit.imageShapes(s.graph, [[2] + image.dropFirst()]) != nil else { return false }
      s.graph.initializers = [:]
      s.floatGraph.initializers = [:]
      s.droppedFor = image
      return true
    }
  }

  /// Whether `dropGraphWeights` has given the weights up.
  public var graphWeightsDropped: Bool { source.withLock { $0.droppedFor != nil } }

  /// A plan after the weights were dropped: a batch of the model's image size, image by
  /// image through the batch-1 plan; anything else cannot be planned any more.
  func planWithoutWeights(for shapes: [[Int]], image: [Int]) throws(ModelLoadError) -> ExecutionPlan {
    guard shapes.count == 1, shapes[0].count == image.count, shapes[0][0] >= 1,
      shapes[0].dropFirst().elementsEqual(image.dropFirst()),
      let single = plans.withLock({ $0[[image]] })
    else {
      throw ModelLoadError(
        "cannot plan input shapes \(shapes): this model was planned for \(image) (any batch) and its weights "
          + "were then released to save memory; load it again to run other shapes", file: file)
    }
    let p = ExecutionPlan(perImage: single, batch: shapes[0][0])
    plans.withLock { $0[shapes] = p }
    return p
  }
}
