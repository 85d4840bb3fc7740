import DeviceInference
import GPU
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// The quantized path: QuantizeLinear, DequantizeLinear, the rewrites' fake quantization
/// fused into Conv and Add, and the uint8 NHWC input dequantized as it is transposed.
@Suite struct InferenceQuantTests {
  typealias T = InferenceOpTests
  static func u8(_ v: Int) -> HostArray { HostArray(dtype: .uint8, shape: [], integers: [Int64(v)]) }

  @Test func quantizationRoundsHalfToEvenAndSaturatesAsTheCPU() throws {
    let q = Node(op: "QuantizeLinear", name: "q", inputs: ["x", "s", "z"], outputs: ["y"])
    let g = Graph(
      nodes: [q], inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(8)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)],
      initializers: ["s": T.scalar(1), "z": Self.u8(128)], opset: 13, format: "test")
    let model = try LoadedModel(graph: g, format: .onnx, file: "test")
    let x = try Tensor(shape: [8], scalars: [0.5, 1.5, 2.5, -0.5, 300, -300, 127.5, 3.49])
    let device = try DeviceModel(model, device: HostDevice()).run([x])[0]
    #expect(device.scalars == [128, 130, 130, 128, 255, 0, 255, 131])
    #expect(device.scalars == (try model.run(x)[0]).scalars)
  }

  @Test func quantizedBlockMatchesTheCPU() throws {
    func qdq(_ x: String, _ y: String, _ s: String) -> [Node] {
      [
        Node(op: "QuantizeLinear", name: y + ".q", inputs: [x, s, "zp"], outputs: [y + ".codes"]),
        Node(op: "DequantizeLinear", name: y + ".dq", inputs: [y + ".codes", s, "zp"], outputs: [y]),
      ]
    }
    var nodes = [
      Node(op: "Transpose", name: "t", inputs: ["x"], outputs: ["t1"], attributes: ["perm": .ints([0, 3, 1, 2])]),
      Node(op: "DequantizeLinear", name: "in", inputs: ["t1", "sIn", "zp"], outputs: ["d"]),
      T.conv("a", "d", "a1", ["pads": .ints([1, 1, 1, 1])]),
    ]
    nodes += qdq("a1", "a2", "s1")
    nodes += [T.conv("b", "a2", "b1", ["group": .int(4), "pads": .ints([1, 1, 1, 1])])]
    nodes += [Node(op: "Clip", name: "clip", inputs: ["b1", "lo", "hi"], outputs: ["b2"])]
    nodes += qdq("b2", "b3", "s1")
    nodes += [Node(op: "Add", name: "add", inputs: ["a2", "b3"], outputs: ["s"])]
    nodes += qdq("s", "sum", "sSum")
    nodes += [
      Node(op: "GlobalAveragePool", name: "gap", inputs: ["sum"], outputs: ["p"]),
      Node(op: "Reshape", name: "rs", inputs: ["p", "shape"], outputs: ["p2"]),
      Node(op: "Softmax", name: "sm", inputs: ["p2"], outputs: ["sm1"]),
      Node(op: "QuantizeLinear", name: "out", inputs: ["sm1", "sOut", "zp"], outputs: ["y"]),
    ]
    let inits: [String: HostArray] = [
      "a.w": T.weights([4, 3, 3, 3], seed: 21, range: -0.05...0.05), "a.b": T.weights([4], seed: 22),
      "b.w": T.weights([4, 1, 3, 3], seed: 23), "b.b": T.weights([4], seed: 24),
      "sIn": T.scalar(1.0 / 128), "zp": Self.u8(128), "s1": T.scalar(0.05), "sSum": T.scalar(0.1),
      "lo": T.scalar(0), "hi": T.scalar(6), "sOut": T.scalar(1.0 / 256), "shape": T.i64([2, 4]),
    ]
    // Codes 0…255 in. The device runs the float path (fake quantization after each float
    // step); the CPU runs this block on its int8 path (onnxruntime's QLinear arithmetic:
    // integer accumulation, one requantization per step, a quantized softmax). The two round
    // at different points, so a few output codes differ; four codes bound it (as the CPU vs
    // onnxruntime tests bound the whole MobileNetV2 by six).
    try T.compare(nodes, input: [2, 5, 5, 3], inits, inputType: .uint8, range: 0...255, tolerance: 4.0 / 256 + 1e-6)
  }
}
