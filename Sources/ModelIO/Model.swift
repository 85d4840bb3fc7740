// ModelIO: loads pretrained classifiers (ONNX, MXNet checkpoints) and runs them.
//
// Public API (stable; the Classifier module builds on it):
//
//   let model = try Model.load(path: "squeezenet1.1.onnx")          // .onnx, .onnx.gz
//   let model = try Model.load(path: "resnet18_v1", epoch: 0)        // MXNet PREFIX (+ -symbol.json,
//                                                                    //   -0000.params[.gz]); also accepts
//                                                                    //   the -symbol.json or .params path
//   model.format                     .onnx / .mxnet
//   model.inputs / model.outputs     [TensorInfo]: name, dtype (.float32, .uint8, …),
//                                    shape [Dimension] (.fixed(224) / .symbolic("N"); [] = not
//                                    declared, e.g. an MXNet MLP's data)
//   model.outputs[0].isProbability   the output already went through Softmax/SoftmaxOutput
//   model.outputs[0].quantization    (scale, zeroPoint) when the output is quantized (uint8):
//                                    probability = (value − zeroPoint) · scale
//   try model.run(["data": x])       → [Tensor], one per output (float32 values; a uint8
//   try model.run(x)                    output holds its integer codes 0…255 as floats)
//   try model.prepare(inputShapes:)  plans ahead for a shape (run plans on first use per shape)
//
// Errors are ModelLoadError values (message + file) — a corrupt file, a missing parameter,
// a shape mismatch, an unsupported operator (named with node and opset) — never a crash.
// Loading checks the file size against LoadOptions.maxFileBytes before reading. An ONNX file
// is mapped, not read (each tensor is copied out once); the rewrites take the imported graph
// over and fold BatchNorm into weights in place; constants go straight into tensor storage.
// The codecs are public too: MXNetParams (read/write .params, all dtypes, V1/V2/V3/legacy),
// MXNetSymbol, ONNXReader, Graph (the neutral IR both importers produce).
// Export: MXNetExport.save(sequential, prefix:, epoch:) writes PREFIX-symbol.json and
// PREFIX-NNNN.params as MXNet's train_mnist does (Apache MXNet 1.9.1 loads and runs them).
//
// Execution: GraphRewrite (Conv+BatchNorm folding, Conv+activation fusion, Q→DQ pairs merged,
// fake quantization fused into Conv) then, per input shape, Planner → ExecutionPlan (shapes
// inferred, constant subgraphs folded, weights converted once, intermediates released after
// their last reader). QDQ models run in float with exact round-half-to-even quantization.
import Synchronization
import Tensor

/// How a model's file was written.
public enum ModelFormat: String, Sendable {
  case onnx, mxnet
}

/// Options for loading a model.
public struct LoadOptions: Sendable {
  /// Files larger than this (packed or unpacked) are refused before they are read.
  public var maxFileBytes: Int
  /// Creates options.
  public init(maxFileBytes: Int = ModelFiles.defaultMaxBytes) { self.maxFileBytes = maxFileBytes }
}

/// A model input or output: name, element type, shape and (for outputs) what the values mean.
public struct TensorInfo: Equatable, Sendable {
  /// The value's name in the graph.
  public var name: String
  /// Element type of the data fed or returned (`.uint8` for quantized images/scores).
  public var dtype: ElementType
  /// The shape; symbolic where the file leaves a dimension open (e.g. the batch); empty when
  /// the file does not say (an MXNet input that only reaches a Flatten).
  public var shape: [Dimension]
  /// Whether the output is already a probability distribution (ends in a softmax).
  public var isProbability: Bool = false
  /// For a quantized output: real value = (code − zeroPoint) · scale.
  public var quantization: QuantizationParameters?

  /// Creates a description.
  public init(name: String, dtype: ElementType, shape: [Dimension]) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
  }
}

/// The affine map from a quantized code to its real value.
public struct QuantizationParameters: Equatable, Sendable {
  /// Real-value step per code.
  public var scale: Float
  /// The code that stands for 0.
  public var zeroPoint: Float
  /// Creates parameters.
  public init(scale: Float, zeroPoint: Float) {
    self.scale = scale
    self.zeroPoint = zeroPoint
  }
  /// The real value of a code.
  public func dequantize(_ code: Float) -> Float { (code - zeroPoint) * scale }
}

/// Entry point for loading models.
public enum Model {
  /// Loads an ONNX file (`.onnx`, `.onnx.gz`) or an MXNet checkpoint (prefix, `-symbol.json`
  /// or `.params` path); `epoch` picks the MXNet params file (default: the highest present).
  public static func load(path: String, epoch: Int? = nil, options: LoadOptions = .init())
    throws(ModelLoadError) -> LoadedModel
  {
    // Before the first weight is read: freed load-time temporaries then go back to the heap
    // and are reused, instead of being unmapped and faulted in afresh.
    _ = mallocTunedForInference
    let source = try ModelSource.resolve(path: path, epoch: epoch)
    let graph: Graph
    switch source {
    case .onnx(let file):
      do throws(ModelLoadError) {
        graph = try ModelFiles.withContents(path: file, maxBytes: options.maxFileBytes) {
          (bytes) throws(ModelLoadError) -> Graph in try ONNXReader.read(buffer: bytes)
        }
      } catch { throw error.inFile(file) }
      return try LoadedModel(graph: consume graph, format: .onnx, file: file)
    case .mxnet(let symbol, let params):
      let entries = try MXNetParams.read(path: params, maxBytes: options.maxFileBytes)
      do throws(ModelLoadError) {
        graph = try MXNetSymbol.importGraph(
          symbol: try ModelFiles.read(path: symbol, maxBytes: options.maxFileBytes), params: consume entries,
          paramsFile: params)
      } catch { throw error.inFile(symbol) }
      return try LoadedModel(graph: consume graph, format: .mxnet, file: params)
    }
  }
}

/// A loaded, validated model ready to run; safe to share between threads.
public final class LoadedModel: Sendable {
  /// The file format it came from.
  public let format: ModelFormat
  /// Inputs the caller feeds, in order.
  public let inputs: [TensorInfo]
  /// The results `run` returns, in order.
  public let outputs: [TensorInfo]
  /// The rewritten graph that plans are made from, with its weights (see `dropGraphWeights`).
  var graph: Graph { source.withLock { $0.graph } }
  /// The same rewrites without the int8 path's marks (float with fake quantization), for
  /// executors that have no int8 kernels (DeviceInference); shares `graph`'s weights.
  var floatGraph: Graph { source.withLock { $0.floatGraph } }
  let file: String
  let source: Mutex<PlanningSource>
  let plans = Mutex<[[[Int]]: ExecutionPlan]>([:])

  /// Takes the graph over (`consuming`): when no one else holds its weights, the rewrites
  /// change them in place instead of copying them.
  init(graph raw: consuming Graph, format: ModelFormat, file: String) throws(ModelLoadError) {
    self.format = format
    self.file = file
    // Structure first: everything after this may index a node's inputs and outputs.
    do throws(ModelLoadError) { try GraphValidation.check(raw) } catch { throw error.inFile(file) }
    inputs = raw.inputs.map {
      TensorInfo(name: $0.name, dtype: $0.dtype ?? .float32, shape: $0.shape ?? [])
    }
    var outputs = raw.outputs.map { LoadedModel.describe($0, in: raw) }
    let rewritten: Graph
    let floatGraph: Graph
    do throws(ModelLoadError) {
      floatGraph = try GraphRewrite.apply(consume raw, int8: false)
    } catch { throw error.inFile(file) }
    var marked = floatGraph
    GraphRewrite.markInt8(&marked)
    rewritten = marked
    source = Mutex(PlanningSource(graph: rewritten, floatGraph: floatGraph))
    // Validate shapes and operators now when the input shape is known up to the batch.
    let concrete = inputs.map { $0.shape.enumerated().map { i, d in d.value ?? (i == 0 ? 1 : -1) } }
    var first: ExecutionPlan?
    if concrete.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0 > 0 } }) {
      do throws(ModelLoadError) {
        var planner = Planner(graph: rewritten)
        first = try planner.plan(inputShapes: concrete)
      } catch { throw error.inFile(file) }
      outputs = zip(outputs, first!.outputShapes).map { LoadedModel.inferred($0, $1) }
    }
    self.outputs = outputs
    if let first {
      plans.withLock { $0[concrete] = first }
    } else {
      try checkOperators()
    }
  }

  /// An output whose file leaves dimensions after the batch open (`[N, ?]`) gets them from
  /// shape inference, so a caller need not run the model to learn how many classes it has.
  static func inferred(_ info: TensorInfo, _ planned: [Int]) -> TensorInfo {
    guard info.shape.count == planned.count else { return info }
    var info = info
    for k in info.shape.indices.dropFirst() where info.shape[k].value == nil { info.shape[k] = .fixed(planned[k]) }
    return info
  }

  /// The shapes `run` returns for inputs of these shapes, found by planning (the plan is kept
  /// for the first run), without running the model.
  public func outputShapes(inputShapes: [[Int]]) throws(ModelLoadError) -> [[Int]] {
    try plan(for: inputShapes).outputShapes
  }

  /// Plans execution for these input shapes now (run does it on first use of a shape).
  public func prepare(inputShapes: [[Int]]) throws(ModelLoadError) {
    _ = try plan(for: inputShapes)
  }

  func plan(for shapes: [[Int]]) throws(ModelLoadError) -> ExecutionPlan {
    if let p = plans.withLock({ $0[shapes] }) { return p }
    let (graph, dropped) = source.withLock { ($0.graph, $0.droppedFor) }
    if let image = dropped { return try planWithoutWeights(for: shapes, image: image) }
    // A batch of a graph that keeps images apart runs image by image (see BatchSplit).
    if let one = BatchSplit.imageShapes(graph, shapes), let single = try? plan(for: one),
      single.outputShapes.allSatisfy({ $0.first == 1 })
    {
      let p = ExecutionPlan(perImage: single, batch: shapes[0][0])
      plans.withLock { $0[shapes] = p }
      return p
    }
    var planner = Planner(graph: graph)
    let p = try planner.plan(inputShapes: shapes)
    plans.withLock { $0[shapes] = p }
    return p
  }

  /// Runs the model on named inputs; returns one tensor per output.
  public func run(_ feeds: [String: Tensor]) throws(ModelLoadError) -> [Tensor] {
    var ordered: [Tensor] = []
    for info in inputs {
      guard let t = feeds[info.name] else { throw ModelLoadError("run: input '\(info.name)' was not given") }
      guard info.shape.isEmpty
        || (t.rank == info.shape.count && zip(t.shape, info.shape).allSatisfy({ $1.value == nil || $1.value == $0 }))
      else {
        throw ModelLoadError("run: input '\(info.name)' has shape \(t.shape) but the model expects \(info.shape)")
      }
      ordered.append(t)
    }
    return try plan(for: ordered.map(\.shape)).run(ordered)
  }

  /// Runs a single-input model.
  public func run(_ input: Tensor) throws(ModelLoadError) -> [Tensor] {
    guard inputs.count == 1 else { throw ModelLoadError("run: the model has \(inputs.count) inputs; name them") }
    return try run([inputs[0].name: input])
  }

  private func checkOperators() throws(ModelLoadError) {
    let known: Set<String> = Planner.supported.union(ConstantFolder.foldable)
    // The rewrites' own operators (domain "tabby") are lowered apart; files cannot hold them.
    let graph = self.graph
    for n in graph.nodes where !known.contains(n.op) && n.domain != Node.internalDomain {
      throw ModelLoadError(
        "\(n.op) node '\(n.label)' (opset \(graph.opset)): operator '\(n.op)' is not supported", file: file)
    }
  }

  static func describe(_ v: ValueInfo, in g: Graph) -> TensorInfo {
    var info = TensorInfo(name: v.name, dtype: v.dtype ?? .float32, shape: v.shape ?? [.symbolic("N"), .symbolic("classes")])
    var producer = g.nodes.first { $0.outputs.contains(v.name) }
    if let p = producer, p.op == "QuantizeLinear", let s = g.initializers[p.inputs[1]], s.count == 1 {
      let z = p.inputs.count > 2 ? g.initializers[p.inputs[2]] : nil
      info.quantization = QuantizationParameters(scale: s.floats()[0], zeroPoint: z?.floats().first ?? 0)
      info.dtype = z?.dtype ?? .uint8
      producer = g.nodes.first { $0.outputs.contains(p.inputs[0]) }
    }
    info.isProbability = producer?.op == "Softmax"
    return info
  }
}
