/// A dimension of a declared input or output: a number, or a name such as "N" for a batch.
public enum Dimension: Equatable, Hashable, Sendable, CustomStringConvertible {
  case fixed(Int)
  case symbolic(String)

  /// The size when fixed.
  public var value: Int? {
    if case .fixed(let v) = self { return v }
    return nil
  }

  public var description: String {
    switch self {
    case .fixed(let v): "\(v)"
    case .symbolic(let s): s
    }
  }
}

/// A named graph input or output with its element type and (possibly symbolic) shape.
public struct ValueInfo: Equatable, Sendable {
  /// The value's name in the graph.
  public var name: String
  /// The element type, when declared.
  public var dtype: ElementType?
  /// The shape, when declared.
  public var shape: [Dimension]?

  /// Creates a value description.
  public init(name: String, dtype: ElementType?, shape: [Dimension]?) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
  }
}

/// An operator attribute value (the ONNX AttributeProto kinds the importers produce).
public enum Attribute: Equatable, Sendable {
  case int(Int)
  case float(Float)
  case string(String)
  case ints([Int])
  case floats([Float])
  case strings([String])
  case tensor(HostArray)
  /// A kind the importers keep only to name it in an error (subgraphs, sparse tensors, types).
  case unsupported(String)
}

/// One operator application: named input values in, named output values out.
public struct Node: Equatable, Sendable {
  /// The operator in ONNX terms (`Conv`, `Gemm`, …); MXNet operators are translated on import.
  public var op: String
  /// The operator's domain; "" is the default ai.onnx domain.
  public var domain: String
  /// The node's name (for messages); may be empty in ONNX files.
  public var name: String
  /// Input value names in order; "" marks an omitted optional input.
  public var inputs: [String]
  /// Output value names in order.
  public var outputs: [String]
  /// The attributes by name.
  public var attributes: [String: Attribute]
  /// What graph rewrites folded into this node, for lowering to act on. Only GraphRewrite
  /// sets it: a file's attributes land in `attributes`, so no model can claim a fusion.
  public var fusion = Fusion()

  /// Creates a node.
  public init(
    op: String, domain: String = "", name: String, inputs: [String], outputs: [String],
    attributes: [String: Attribute] = [:]
  ) {
    self.op = op
    self.domain = domain
    self.name = name
    self.inputs = inputs
    self.outputs = outputs
    self.attributes = attributes
  }

  /// How the node is named in an error: its name, or its first output.
  public var label: String { name.isEmpty ? "(output \(outputs.first ?? "?"))" : name }

  /// The domain of the operators the rewrites make (`FakeQuant`); a file may not use it.
  public static let internalDomain = "tabby"
}

/// The decisions graph rewrites hand to lowering, as types (not as attributes, which a
/// user's file could also set).
public struct Fusion: Equatable, Sendable {
  /// An activation applied as a Conv stores its output (GraphRewrite.fuseActivations).
  public var activation: FusedActivation?
  /// Per-tensor fake quantization of the output (a QDQ pair after a Conv or an Add).
  public var outputQuantization: FusedQuantization?
  /// Per-tensor dequantization of a uint8/int8 input as a Transpose moves it.
  public var inputDequantization: FusedQuantization?
  /// The int8 path (GraphRewrite.markInt8): the code parameters of each input when the node
  /// runs on 8-bit codes with onnxruntime's QLinear arithmetic; empty on the float path.
  public var int8Inputs: [FusedQuantization] = []
  /// Only int8 steps read the output: it is kept as its codes (a uint8/int8 tensor), not
  /// dequantized.
  public var emitsCodes = false
  /// The emitted codes are stored less their zero point (the readers' `int8Inputs` then give
  /// zero point 0): what the depthwise kernel sums directly, zero padding included.
  public var codesCentred = false

  /// No fusion.
  public init() {}
}

/// An activation fused into the op before it.
public enum FusedActivation: Equatable, Sendable {
  case relu
  case leakyRelu(alpha: Float)
  case clip(min: Float, max: Float)
}

/// Per-tensor (de)quantization parameters: value = (code − zeroPoint) · scale, codes within
/// low…high (0…255 for uint8, −128…127 for int8).
public struct FusedQuantization: Equatable, Sendable {
  public var scale: Float
  public var zeroPoint: Float
  public var low: Float
  public var high: Float

  /// Parameters for codes of `dtype`'s range.
  public init(scale: Float, zeroPoint: Float, low: Float = 0, high: Float = 255) {
    (self.scale, self.zeroPoint, self.low, self.high) = (scale, zeroPoint, low, high)
  }

  /// [scale, zeroPoint, low, high], as the C kernels take them.
  public var packed: [Float] { [scale, zeroPoint, low, high] }
}

/// A neutral, format-independent inference graph: nodes in topological order, constant
/// initializers, and the declared inputs and outputs.
public struct Graph: Sendable {
  /// Nodes, each after the producers of its inputs.
  public var nodes: [Node]
  /// Inputs the caller feeds (initializers excluded).
  public var inputs: [ValueInfo]
  /// The graph's results.
  public var outputs: [ValueInfo]
  /// Weights and other constants by value name.
  public var initializers: [String: HostArray]
  /// The ai.onnx operator-set version the ops follow (MXNet imports use 13 semantics).
  public var opset: Int
  /// Where the graph came from, for messages ("ONNX", "MXNet").
  public var format: String

  /// Creates a graph.
  public init(
    nodes: [Node], inputs: [ValueInfo], outputs: [ValueInfo], initializers: [String: HostArray],
    opset: Int, format: String
  ) {
    self.nodes = nodes
    self.inputs = inputs
    self.outputs = outputs
    self.initializers = initializers
    self.opset = opset
    self.format = format
  }
}

/// Typed attribute access (ModelIO's planner and DeviceInference's lowering read them alike).
extension Node {
  /// An integer attribute.
  public func int(_ key: String) -> Int? {
    if case .int(let v) = attributes[key] { return v }
    return nil
  }
  /// A float attribute (an integer one converted).
  public func float(_ key: String) -> Float? {
    switch attributes[key] {
    case .float(let v): return v
    case .int(let v): return Float(v)
    default: return nil
    }
  }
  /// An integer-list attribute.
  public func ints(_ key: String) -> [Int]? {
    if case .ints(let v) = attributes[key] { return v }
    return nil
  }
  /// A string attribute.
  public func string(_ key: String) -> String? {
    if case .string(let v) = attributes[key] { return v }
    return nil
  }
}
