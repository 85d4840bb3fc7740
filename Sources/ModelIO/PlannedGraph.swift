/// A model's rewritten graph planned for concrete input shapes, as another executor (a GPU's,
/// DeviceInference) lowers it: the nodes left to run, with every value either a constant
/// known at load time (weights, folded shape arithmetic, dequantized 8-bit weights) or a
/// run-time value of a known shape. The fusions the rewrites made are in each node's
/// typed `fusion`; nothing here is an opaque CPU closure.
public struct PlannedGraph: Sendable {
  /// A value of the planned graph.
  public enum Value: Sendable {
    /// Known at load time (as float data or integers, in its stored type).
    case constant(HostArray)
    /// Computed while running, of this shape and element type.
    case runtime(shape: [Int], dtype: ElementType)
  }

  /// The nodes that run, in order (those folded into constants at plan time are left out).
  public let nodes: [Node]
  /// Every value by name.
  public let values: [String: Value]
  /// The graph inputs, in the order `run` takes them.
  public let inputs: [String]
  /// The graph outputs, in order.
  public let outputs: [String]
  /// The ai.onnx operator-set version the nodes follow.
  public let opset: Int
  /// Where the graph came from ("ONNX", "MXNet"), for messages.
  public let format: String
}

extension LoadedModel {
  /// Plans the rewritten graph for these input shapes (shapes inferred, constants folded,
  /// operators checked, exactly as `run` plans it) and returns it in the form above: the
  /// float path (fake quantization), without the CPU's int8 marks.
  public func plannedGraph(inputShapes: [[Int]]) throws(ModelLoadError) -> PlannedGraph {
    let graph = floatGraph
    if graphWeightsDropped {
      throw ModelLoadError(
        "this model's weights were released after it was planned for the CPU; load it again to run it elsewhere",
        file: file)
    }
    var planner = Planner(graph: graph)
    do throws(ModelLoadError) { _ = try planner.plan(inputShapes: inputShapes) } catch { throw error.inFile(file) }
    var values: [String: PlannedGraph.Value] = [:]
    for (name, v) in planner.env.all {
      switch v {
      case .constant(let a): values[name] = .constant(a)
      case .runtime(_, let shape, let dtype): values[name] = .runtime(shape: shape, dtype: dtype)
      }
    }
    let running = graph.nodes.filter { n in
      n.outputs.contains { o in
        if case .runtime? = values[o] { return true }
        return false
      }
    }
    return PlannedGraph(
      nodes: running, values: values, inputs: graph.inputs.map(\.name), outputs: graph.outputs.map(\.name),
      opset: graph.opset, format: graph.format)
  }
}
