import Tensor
import Testing

@testable import ModelIO

/// Random QDQ layers (DequantizeLinear → Conv/Add → QuantizeLinear graphs) on the int8 path,
/// against integer loops and onnxruntime's requantization formula written out here.
@Suite(.serialized) struct Int8LayerTests {
  struct Layer: CustomStringConvertible, Sendable {
    var channels: Int, outputs: Int, size: Int, kernel: Int, stride: Int, pad: Int, depthwise: Bool, perChannel: Bool
    var description: String { "\(depthwise ? "depthwise " : "")\(kernel)×\(kernel)/\(stride) \(channels)→\(outputs) on \(size)²" }
  }

  static let layers = [
    Layer(channels: 24, outputs: 40, size: 9, kernel: 1, stride: 1, pad: 0, depthwise: false, perChannel: false),
    Layer(channels: 3, outputs: 16, size: 15, kernel: 3, stride: 2, pad: 1, depthwise: false, perChannel: false),
    Layer(channels: 37, outputs: 5, size: 1, kernel: 1, stride: 1, pad: 0, depthwise: false, perChannel: true),
    Layer(channels: 20, outputs: 20, size: 11, kernel: 3, stride: 1, pad: 1, depthwise: true, perChannel: false),
    Layer(channels: 12, outputs: 12, size: 10, kernel: 3, stride: 2, pad: 1, depthwise: true, perChannel: true),
    // Not 3×3: the generic depthwise kernel (ck_qdepthwise) instead of the float 3×3 one.
    Layer(channels: 8, outputs: 8, size: 9, kernel: 5, stride: 2, pad: 2, depthwise: true, perChannel: false),
  ]

  struct Params {
    var xs: Float, xz: Int, ws: [Float], wz: [Int], ys: Float, yz: Int
    var w: [Int], bias: [Int]
  }

  static func random(_ l: Layer, _ rng: inout SplitMix) -> Params {
    let k = (l.depthwise ? 1 : l.channels) * l.kernel * l.kernel
    let n = l.perChannel ? l.outputs : 1
    func int(_ r: Int) -> Int { Int(rng.next() % UInt64(r)) }
    return Params(
      xs: Float(1 + int(40)) / 1000, xz: int(256), ws: (0..<n).map { _ in Float(1 + int(60)) / 10_000 },
      wz: (0..<n).map { _ in int(256) }, ys: Float(5 + int(100)) / 1000, yz: int(256),
      w: (0..<(l.outputs * k)).map { _ in int(256) }, bias: (0..<l.outputs).map { _ in int(4000) - 2000 })
  }

  /// DequantizeLinear(x) → Conv → QuantizeLinear, weights and bias dequantized from codes.
  static func model(_ l: Layer, _ p: Params) throws -> LoadedModel {
    let g = Graph(
      nodes: try rawNodes(l, p, output: "y"),
      inputs: [ValueInfo(name: "x", dtype: .uint8, shape: [1, l.channels, l.size, l.size].map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: .uint8, shape: nil)], initializers: try initializers(l, p), opset: 13, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  static func initializers(_ l: Layer, _ p: Params) throws -> [String: HostArray] {
    let wShape = [l.outputs, l.depthwise ? 1 : l.channels, l.kernel, l.kernel]
    let n = p.ws.count
    return [
      "xs": HostArray(shape: [], floats: [p.xs]), "xz": HostArray(dtype: .uint8, shape: [], integers: [Int64(p.xz)]),
      "w": HostArray(dtype: .uint8, shape: wShape, integers: p.w.map(Int64.init)),
      "ws": HostArray(shape: n > 1 ? [n] : [], floats: p.ws),
      "wz": HostArray(dtype: .uint8, shape: n > 1 ? [n] : [], integers: p.wz.map(Int64.init)),
      "b": HostArray(dtype: .int32, shape: [l.outputs], integers: p.bias.map(Int64.init)),
      "bs": HostArray(shape: [], floats: [p.xs * p.ws[0]]),
      "ys": HostArray(shape: [], floats: [p.ys]), "yz": HostArray(dtype: .uint8, shape: [], integers: [Int64(p.yz)]),
    ]
  }

  static func rawNodes(_ l: Layer, _ p: Params, output: String) throws -> [Node] {
    let pads = [l.pad, l.pad, l.pad, l.pad]
    return [
      Node(op: "DequantizeLinear", name: "dx", inputs: ["x", "xs", "xz"], outputs: ["xf"]),
      Node(
        op: "DequantizeLinear", name: "dw", inputs: ["w", "ws", "wz"], outputs: ["wf"],
        attributes: p.ws.count > 1 ? ["axis": .int(0)] : [:]),
      Node(op: "DequantizeLinear", name: "db", inputs: ["b", "bs"], outputs: ["bf"]),
      Node(
        op: "Conv", name: "conv", inputs: ["xf", "wf", "bf"], outputs: ["c"],
        attributes: [
          "strides": .ints([l.stride, l.stride]), "pads": .ints(pads), "group": .int(l.depthwise ? l.channels : 1),
        ]),
      Node(op: "QuantizeLinear", name: "q", inputs: ["c", "ys", "yz"], outputs: [output]),
    ]
  }

  /// The exact result: integer sums of (x − xz)(w − wz), + bias, then float(acc) · (xs·ws/ys),
  /// clamped to the codes, rounded half to even, + yz.
  static func reference(_ l: Layer, _ p: Params, _ x: [Int]) -> [Float] {
    let o = (l.size + 2 * l.pad - l.kernel) / l.stride + 1
    let icg = l.depthwise ? 1 : l.channels
    var y: [Float] = []
    for oc in 0..<l.outputs {
      let (ws, wz) = p.ws.count > 1 ? (p.ws[oc], p.wz[oc]) : (p.ws[0], p.wz[0])
      let scale = p.xs * ws / p.ys
      for oy in 0..<o {
        for ox in 0..<o {
          var acc = p.bias[oc]
          for c in 0..<icg {
            let ic = l.depthwise ? oc : c
            for i in 0..<l.kernel {
              for j in 0..<l.kernel {
                let (iy, ix) = (oy * l.stride + i - l.pad, ox * l.stride + j - l.pad)
                guard iy >= 0, iy < l.size, ix >= 0, ix < l.size else { continue }
                let wv = p.w[((oc * icg + c) * l.kernel + i) * l.kernel + j]
                acc += (x[(ic * l.size + iy) * l.size + ix] - p.xz) * (wv - wz)
              }
            }
          }
          let f = min(max(Float(acc) * scale, Float(-p.yz)), Float(255 - p.yz))
          y.append(f.rounded(.toNearestOrEven) + Float(p.yz))
        }
      }
    }
    return y
  }

  @Test(arguments: layers)
  func codesEqualTheExactFormula(_ l: Layer) throws {
    var rng = SplitMix(seed: UInt64(l.channels * 31 + l.outputs))
    for _ in 0..<3 {
      let p = Self.random(l, &rng)
      let m = try Self.model(l, p)
      let labels = try m.plan(for: [[1, l.channels, l.size, l.size]]).steps.map(\.label)
      #expect(labels.contains { $0.hasPrefix(l.depthwise ? "Conv(int8 depthwise)" : "Conv(int8)") }, "\(labels)")
      let x = (0..<(l.channels * l.size * l.size)).map { _ in Int(rng.next() % 256) }
      let y = try m.run(["x": try Tensor(shape: [1, l.channels, l.size, l.size], scalars: x.map(Float.init))])[0]
      let want = Self.reference(l, p, x)
      let wrong = zip(y.scalars, want).filter { $0 != $1 }.count
      #expect(y.scalars.count == want.count && wrong == 0, "\(l): \(wrong) of \(want.count) codes differ")
    }
  }

  /// The int8 path reads the weights as codes: planning it leaves their dequantized float
  /// values (four times the codes' bytes) unmade; the float path, which reads them, makes them.
  @Test(arguments: [layers[0], layers[3]])
  func int8PlansLeaveFloatWeightsUnmade(_ l: Layer) throws {
    var rng = SplitMix(seed: 11)
    let m = try Self.model(l, Self.random(l, &rng))
    let shape = [[1, l.channels, l.size, l.size]]
    var int8 = Planner(graph: m.graph)
    let labels = try int8.plan(inputShapes: shape).steps.map(\.label)
    #expect(labels.contains { $0.hasPrefix("Conv(int8") }, "\(labels)")
    #expect(int8.env.isPending("wf"), "the int8 plan made the float weights")
    var float = Planner(graph: m.floatGraph)
    _ = try float.plan(inputShapes: shape)
    #expect(float.env.isDefined("wf") && !float.env.isPending("wf"), "the float plan did not read the weights")
  }

  /// A pointwise layer feeding a depthwise one: the codes pass between the two int8 steps as
  /// codes (emitsCodes), and the depthwise kernel takes the input's zero point off itself.
  @Test func codesFlowBetweenInt8Steps() throws {
    let a = Layer(channels: 6, outputs: 10, size: 8, kernel: 1, stride: 1, pad: 0, depthwise: false, perChannel: false)
    let b = Layer(channels: 10, outputs: 10, size: 8, kernel: 3, stride: 2, pad: 1, depthwise: true, perChannel: true)
    var rng = SplitMix(seed: 5)
    let pa = Self.random(a, &rng)
    var pb = Self.random(b, &rng)
    (pb.xs, pb.xz) = (pa.ys, pa.yz)
    // Rename the second layer's values and parameters, then read the first layer's codes.
    func renamed(_ v: String) -> String { v == "x" ? "y1" : v == "y" ? "y" : v.isEmpty ? v : "b." + v }
    var nodes = try Self.rawNodes(a, pa, output: "y1")
    nodes += try Self.rawNodes(b, pb, output: "y").map { n in
      var n = n
      n.inputs = n.inputs.map(renamed)
      n.outputs = n.outputs.map(renamed)
      n.name = "b." + n.name
      return n
    }
    var inits = try Self.initializers(a, pa)
    for (k, v) in try Self.initializers(b, pb) { inits["b." + k] = v }
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .uint8, shape: [1, a.channels, a.size, a.size].map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: .uint8, shape: nil)], initializers: inits, opset: 13, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    #expect(m.graph.nodes.filter { $0.op == "Conv" }.map(\.fusion.emitsCodes) == [true, true])
    #expect(m.graph.nodes.filter { $0.op == "Conv" }.map(\.fusion.codesCentred) == [true, false])
    let x = (0..<(a.channels * a.size * a.size)).map { _ in Int(rng.next() % 256) }
    let y = try m.run(["x": try Tensor(shape: [1, a.channels, a.size, a.size], scalars: x.map(Float.init))])[0]
    let middle = Self.reference(a, pa, x).map { Int($0) }
    #expect(y.scalars == Self.reference(b, pb, middle))
  }

  /// A depthwise layer on a quantized model's NHWC input moved as codes (zero point ≠ 0): the
  /// kernel sums raw codes and takes the zero point's share off per output, borders included.
  @Test(arguments: [1, 2]) func depthwiseOnRawCodes(stride: Int) throws {
    let l = Layer(channels: 7, outputs: 7, size: 10, kernel: 3, stride: stride, pad: 1, depthwise: true, perChannel: false)
    var rng = SplitMix(seed: 9 + UInt64(stride))
    let p = Self.random(l, &rng)
    var nodes = try Self.rawNodes(l, p, output: "y")
    nodes.insert(Node(op: "Transpose", name: "t", inputs: ["nhwc"], outputs: ["x"], attributes: ["perm": .ints([0, 3, 1, 2])]), at: 0)
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "nhwc", dtype: .uint8, shape: [1, l.size, l.size, l.channels].map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: .uint8, shape: nil)], initializers: try Self.initializers(l, p), opset: 13,
      format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    #expect(m.graph.nodes.first?.fusion.emitsCodes == true)
    let nhwc = (0..<(l.channels * l.size * l.size)).map { _ in Int(rng.next() % 256) }
    var nchw = [Int](repeating: 0, count: nhwc.count)
    for c in 0..<l.channels { for i in 0..<(l.size * l.size) { nchw[c * l.size * l.size + i] = nhwc[i * l.channels + c] } }
    let y = try m.run(["nhwc": try Tensor(shape: [1, l.size, l.size, l.channels], scalars: nhwc.map(Float.init))])[0]
    #expect(y.scalars == Self.reference(l, p, nchw))
  }

  /// onnxruntime's QLinearAdd: codes in, codes out, its float steps in its order.
  @Test func residualSumsEqualQLinearAdd() throws {
    let shape = [1, 4, 6, 6]
    var rng = SplitMix(seed: 77)
    let (sa, sb, sc): (Float, Float, Float) = (0.031, 0.047, 0.052)
    let (za, zb, zc): (Float, Float, Float) = (121, 133, 127)
    func q(_ name: String, _ s: Float, _ z: Float) -> [String: HostArray] {
      ["s" + name: HostArray(shape: [], floats: [s]), "z" + name: HostArray(dtype: .uint8, shape: [], integers: [Int64(z)])]
    }
    let inits = q("a", sa, za).merging(q("b", sb, zb)) { a, _ in a }.merging(q("c", sc, zc)) { a, _ in a }
    let nodes = [
      Node(op: "DequantizeLinear", name: "da", inputs: ["a", "sa", "za"], outputs: ["af"]),
      Node(op: "DequantizeLinear", name: "db", inputs: ["b", "sb", "zb"], outputs: ["bf"]),
      Node(op: "Add", name: "add", inputs: ["af", "bf"], outputs: ["s"]),
      Node(op: "QuantizeLinear", name: "qs", inputs: ["s", "sc", "zc"], outputs: ["sq"]),
      Node(op: "DequantizeLinear", name: "ds", inputs: ["sq", "sc", "zc"], outputs: ["y"]),
    ]
    let g = Graph(
      nodes: nodes, inputs: ["a", "b"].map { ValueInfo(name: $0, dtype: .uint8, shape: shape.map { .fixed($0) }) },
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: inits, opset: 13, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    #expect(try m.plan(for: [shape, shape]).steps.map(\.label).contains { $0.hasPrefix("Add(int8)") })
    let a = (0..<144).map { _ in Float(rng.next() % 256) }, b = (0..<144).map { _ in Float(rng.next() % 256) }
    let y = try m.run(["a": try Tensor(shape: shape, scalars: a), "b": try Tensor(shape: shape, scalars: b)])[0]
    let (rac, rbc) = (sa / sc, sb / sc)
    let fixed = zc - (rac * za + rbc * zb)
    let want = zip(a, b).map { a, b -> Float in
      let c = fixed.addingProduct(b, rbc).addingProduct(a, rac).rounded(.toNearestOrEven)
      return (min(max(c, 0), 255) - zc) * sc
    }
    #expect(y.scalars == want)
  }
}
