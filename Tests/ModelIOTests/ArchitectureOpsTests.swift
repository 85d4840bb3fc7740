import CKernels
import Foundation
import Tensor
import Testing

@testable import ModelIO

/// The operators and rewrites that PyTorch's ResNet, MobileNet, EfficientNet, DenseNet and
/// ConvNeXt exports need, each against a naive loop or the engine's reference op.
@Suite struct ArchitectureOpsTests {
  static func random(_ n: Int, seed: UInt64, in range: ClosedRange<Float> = -2...2) -> [Float] {
    var rng = SplitMix(seed: seed)
    return (0..<n).map { _ in Float.random(in: range, using: &rng) }
  }

  /// Runs a graph of `nodes` on one input `x`; the result is the value `y`.
  static func run(
    _ nodes: [Node], input: [Int], values: [Float], initializers: [String: HostArray] = [:], opset: Int = 17
  ) throws -> Tensor {
    let g = Graph(
      nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: input.map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: initializers, opset: opset, format: "test")
    let m = try LoadedModel(graph: g, format: .onnx, file: "test")
    return try m.run(try Tensor(shape: input, scalars: values))[0]
  }

  static func close(_ a: [Float], _ b: [Float], _ tolerance: Float = 1e-5) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
  }

  static func scalar(_ v: Float) -> HostArray { HostArray(shape: [], floats: [v]) }

  @Test(arguments: [(-1, true), (-1, false), (1, true)])
  func layerNormalizationMatchesNaiveRows(axis: Int, withBias: Bool) throws {
    let shape = [2, 3, 4]
    let x = Self.random(24, seed: 1, in: -3...5)
    let row = axis == -1 ? 4 : 12
    let scale = Self.random(row, seed: 2), bias = Self.random(row, seed: 3)
    var inits = ["s": HostArray(shape: axis == -1 ? [4] : [3, 4], floats: scale)]
    if withBias { inits["b"] = HostArray(shape: axis == -1 ? [4] : [3, 4], floats: bias) }
    let node = Node(op: "LayerNormalization", name: "ln", inputs: withBias ? ["x", "s", "b"] : ["x", "s"], outputs: ["y"],
      attributes: ["axis": .int(axis), "epsilon": .float(1e-3)])
    let y = try Self.run([node], input: shape, values: x, initializers: inits)
    var expected: [Float] = []
    for r in 0..<(24 / row) {
      let v = x[(r * row)..<(r * row + row)].map(Double.init)
      let mean = v.reduce(0, +) / Double(row)
      let variance = v.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(row)
      for (i, e) in v.enumerated() {
        let n = (e - mean) / (variance + 1e-3).squareRoot() * Double(scale[i])
        expected.append(Float(n + (withBias ? Double(bias[i]) : 0)))
      }
    }
    #expect(y.shape == shape)
    #expect(Self.close(y.scalars, expected))
  }

  @Test func layerNormalizationRejectsAScaleThatDoesNotFit() {
    let node = Node(op: "LayerNormalization", name: "ln", inputs: ["x", "s"], outputs: ["y"])
    #expect(throws: ModelLoadError.self) {
      _ = try Self.run([node], input: [2, 4], values: Array(repeating: 1, count: 8), initializers: ["s": HostArray(shape: [3], floats: [1, 1, 1])])
    }
  }

  /// PyTorch's GELU before opset 20, with its scalars as Constant nodes.
  static func geluNodes(divisor: Float = 1.414_213_6) -> [Node] {
    func constant(_ name: String, _ v: Float) -> Node {
      Node(op: "Constant", name: name, inputs: [], outputs: [name], attributes: ["value": .tensor(scalar(v))])
    }
    return [
      constant("c2", divisor), constant("c1", 1), constant("ch", 0.5),
      Node(op: "Div", name: "div", inputs: ["x", "c2"], outputs: ["d"]),
      Node(op: "Erf", name: "erf", inputs: ["d"], outputs: ["e"]),
      Node(op: "Add", name: "add", inputs: ["e", "c1"], outputs: ["a"]),
      Node(op: "Mul", name: "mul", inputs: ["x", "a"], outputs: ["m"]),
      Node(op: "Mul", name: "half", inputs: ["m", "ch"], outputs: ["y"]),
    ]
  }

  @Test func erfGeluBecomesOneGeluNode() throws {
    let x = Self.random(50, seed: 4, in: -4...4)
    let g = Graph(nodes: Self.geluNodes(), inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(50)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 17, format: "test")
    let rewritten = try GraphRewrite.apply(g)
    #expect(rewritten.nodes.map(\.op) == ["Gelu"])
    let y = try Self.run(Self.geluNodes(), input: [50], values: x)
    let expected = x.map { v in Float(0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))) }
    #expect(Self.close(y.scalars, expected))
  }

  /// The vectorised erf/GELU kernels against double-precision libm, over an odd count (a
  /// vector tail), past ±4 (where erf is ±1 in float), and with NaN and infinities.
  @Test func erfAndGeluKernelsMatchLibm() {
    var x = (0..<1001).map { Float(-7 + 14 * Double($0) / 1000) }
    x += [.nan, .infinity, -.infinity, 0, -0.0, 1e-30]
    var e = [Float](repeating: 0, count: x.count), g = e
    ck_erf(x, &e, x.count)
    ck_gelu(x, &g, x.count)
    for (i, v) in x.enumerated() where v.isFinite {
      let exactErf = erf(Double(v))
      let exactGelu = 0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))
      #expect(abs(Double(e[i]) - exactErf) <= 1e-6, "erf(\(v)) = \(e[i]), libm \(exactErf)")
      #expect(abs(Double(g[i]) - exactGelu) <= 2e-6 * max(1, abs(exactGelu)), "gelu(\(v)) = \(g[i])")
    }
    #expect(e[1001].isNaN && g[1001].isNaN)
    #expect(e[1002] == 1 && e[1003] == -1 && g[1002] == .infinity)
  }

  /// A Gelu node over more elements than one parallel chunk (the kernel runs per chunk).
  @Test func geluNodeOverSeveralChunks() throws {
    let n = 40_003
    let x = Self.random(n, seed: 7, in: -5...5)
    let node = Node(op: "Gelu", name: "g", inputs: ["x"], outputs: ["y"])
    let y = try Self.run([node], input: [n], values: x, opset: 20)
    let expected = x.map { v in Float(0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))) }
    #expect(Self.close(y.scalars, expected))
  }

  @Test func aDivisorOtherThanRootTwoStaysUnfused() throws {
    let x = Self.random(20, seed: 5)
    let g = Graph(nodes: Self.geluNodes(divisor: 2), inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(20)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 17, format: "test")
    #expect(!(try GraphRewrite.apply(g)).nodes.contains { $0.op == "Gelu" })
    let y = try Self.run(Self.geluNodes(divisor: 2), input: [20], values: x)
    let expected = x.map { v in Float(0.5 * Double(v) * (1 + erf(Double(v) / 2))) }
    #expect(Self.close(y.scalars, expected))
  }

  @Test(arguments: ["ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin"])
  func reduceOverSpatialAxes(op: String) throws {
    let x = Self.random(2 * 3 * 4 * 5, seed: 6)
    for keep in [0, 1] {
      let node = Node(op: op, name: "r", inputs: ["x"], outputs: ["y"], attributes: ["axes": .ints([-1, 2]), "keepdims": .int(keep)])
      let y = try Self.run([node], input: [2, 3, 4, 5], values: x)
      #expect(y.shape == (keep == 1 ? [2, 3, 1, 1] : [2, 3]))
      let expected = (0..<6).map { p -> Float in
        let v = x[(p * 20)..<(p * 20 + 20)]
        switch op {
        case "ReduceMean": return v.reduce(0, +) / 20
        case "ReduceSum": return v.reduce(0, +)
        case "ReduceMax": return v.max()!
        default: return v.min()!
        }
      }
      #expect(Self.close(y.scalars, expected))
    }
  }

  @Test func reduceMeanAtOpset18TakesAxesAsAnInput() throws {
    let x = Self.random(12, seed: 7)
    let node = Node(op: "ReduceMean", name: "r", inputs: ["x", "axes"], outputs: ["y"], attributes: ["keepdims": .int(0)])
    let axes = HostArray(dtype: .int64, shape: [1], integers: [0])
    let y = try Self.run([node], input: [3, 4], values: x, initializers: ["axes": axes], opset: 18)
    let expected: [Float] = (0..<4).map { (c: Int) -> Float in
      let sum: Float = x[c] + x[4 + c] + x[8 + c]
      return sum / 3
    }
    #expect(Self.close(y.scalars, expected))
  }

  /// Stride-2 columns with an even and an odd left pad (the plane's columns land in the other
  /// half-plane) and an odd count of input columns.
  @Test(arguments: [
    (5, 5, 1, 2, [2, 2, 2, 2]), (5, 5, 2, 2, [1, 2, 2, 1]), (5, 5, 2, 2, [1, 1, 1, 1]), (7, 7, 1, 1, [3, 3, 3, 3]),
    (3, 5, 2, 1, [0, 1, 2, 0]), (5, 3, 1, 3, [2, 1, 2, 1]),
  ])
  func depthwiseOfAnyKernelMatchesTheEngine(kh: Int, kw: Int, sh: Int, sw: Int, pads: [Int]) throws {
    let c = 5
    let x = Self.random(2 * c * 11 * 9, seed: 8)
    let w = Self.random(c * kh * kw, seed: 9)
    let b = Self.random(c, seed: 10)
    let node = Node(op: "Conv", name: "dw", inputs: ["x", "w", "b"], outputs: ["y"], attributes: [
      "group": .int(c), "strides": .ints([sh, sw]), "pads": .ints(pads),
    ])
    let y = try Self.run([node], input: [2, c, 11, 9], values: x, initializers: [
      "w": HostArray(shape: [c, 1, kh, kw], floats: w), "b": HostArray(shape: [c], floats: b),
    ])
    let reference = try Tensor.conv2d(
      try Tensor(shape: [2, c, 11, 9], scalars: x), weight: try Tensor(shape: [c, 1, kh, kw], scalars: w),
      bias: try Tensor(shape: [c], scalars: b), options: Conv2DOptions(stride: (sh, sw), pads: pads, groups: c))
    #expect(y.shape == reference.shape)
    #expect(Self.close(y.scalars, reference.scalars, 1e-4))
  }

  /// Wide planes (several 64-column register blocks and a ragged tail) at every kernel level
  /// of CKernels/dw_direct.c, strides 1 and 2 (even and odd padding), and stride 3 (the
  /// portable loop at every level).
  @Test(arguments: [(7, 1, 3), (5, 2, 2), (5, 2, 1), (5, 1, 2), (3, 3, 1)])
  func depthwiseDirectAtEveryLevel(k: Int, stride: Int, pad: Int) throws {
    let (c, h, w) = (3, 9, 150)
    let x = Self.random(c * h * w, seed: 21)
    let weights = Self.random(c * k * k, seed: 22), b = Self.random(c, seed: 23)
    let node = Node(op: "Conv", name: "dw", inputs: ["x", "w", "b"], outputs: ["y"], attributes: [
      "group": .int(c), "strides": .ints([1, stride]), "pads": .ints([pad, pad, pad, pad]), "kernel_shape": .ints([k, k]),
    ])
    let reference = try Tensor.conv2d(
      try Tensor(shape: [1, c, h, w], scalars: x), weight: try Tensor(shape: [c, 1, k, k], scalars: weights),
      bias: try Tensor(shape: [c], scalars: b), options: Conv2DOptions(stride: (1, stride), pads: [pad, pad, pad, pad], groups: c))
    defer { _ = ck_dw_direct_force_level(-1) }
    for level: Int32 in [0, 1, 2] {
      let running = ck_dw_direct_force_level(level)
      let y = try Self.run([node], input: [1, c, h, w], values: x, initializers: [
        "w": HostArray(shape: [c, 1, k, k], floats: weights), "b": HostArray(shape: [c], floats: b),
      ])
      #expect(y.shape == reference.shape)
      #expect(Self.close(y.scalars, reference.scalars, 1e-4), "level \(running)")
    }
  }

  /// Narrow maps (EfficientNet's and ConvNeXt's 7×7) run sixteen channels at a time with
  /// AVX-512: 37 channels (two full groups and a partial one), two images, strides 1 and 2,
  /// odd pads; against the engine at every level, and at the AVX-512 level bit for bit the
  /// planes one by one (CKernels' ck_dw_direct_plane).
  @Test(arguments: [(5, 1, 7, [2, 2, 2, 2]), (5, 2, 14, [1, 2, 2, 1]), (5, 1, 11, [0, 0, 0, 0]), (7, 1, 9, [3, 3, 3, 3])])
  func narrowMapsSixteenChannelsAtATime(k: Int, stride: Int, size: Int, pads: [Int]) throws {
    let (n, c) = (2, 37)
    let x = Self.random(n * c * size * size, seed: 51)
    let weights = Self.random(c * k * k, seed: 52), b = Self.random(c, seed: 53)
    let node = Node(op: "Conv", name: "dw", inputs: ["x", "w", "b"], outputs: ["y"], attributes: [
      "group": .int(c), "strides": .ints([stride, stride]), "pads": .ints(pads),
    ])
    let inits = ["w": HostArray(shape: [c, 1, k, k], floats: weights), "b": HostArray(shape: [c], floats: b)]
    let reference = try Tensor.conv2d(
      try Tensor(shape: [n, c, size, size], scalars: x), weight: try Tensor(shape: [c, 1, k, k], scalars: weights),
      bias: try Tensor(shape: [c], scalars: b), options: Conv2DOptions(stride: (stride, stride), pads: pads, groups: c))
    defer { _ = ck_dw_direct_force_level(-1) }
    for level: Int32 in [0, 1, 2] {
      let running = ck_dw_direct_force_level(level)
      let y = try Self.run([node], input: [n, c, size, size], values: x, initializers: inits)
      #expect(y.shape == reference.shape)
      #expect(Self.close(y.scalars, reference.scalars, 1e-4), "level \(running)")
      guard running == 2 else { continue }
      #expect(ck_dw_direct_channels16_usable(reference.shape[3]) != 0)
      // The planes one by one through the plane kernel at the same level.
      let (oh, ow) = (reference.shape[2], reference.shape[3])
      var planes = [Float](repeating: 0, count: n * c * oh * ow)
      var scratch = [Float](repeating: 0, count: ck_dw_direct_scratch_count(k, k, stride, stride, oh, ow))
      for p in 0..<(n * c) {
        let ch = p % c
        x.withUnsafeBufferPointer { xp in
          weights.withUnsafeBufferPointer { wp in
            planes.withUnsafeMutableBufferPointer { yp in
              ck_dw_direct_plane(
                xp.baseAddress! + p * size * size, size, size, pads[0], pads[1], wp.baseAddress! + ch * k * k, k, k,
                stride, stride, b[ch], yp.baseAddress! + p * oh * ow, oh, ow, &scratch)
            }
          }
        }
      }
      #expect(y.scalars.map(\.bitPattern) == planes.map(\.bitPattern))
    }
  }

  /// DenseNet's BN → ReLU (no convolution before it to fold into): one node, one pass.
  @Test func batchNormThenReluIsOneAffinePass() throws {
    let (n, c, plane) = (2, 3, 20)
    let x = Self.random(n * c * plane, seed: 24)
    let g = Self.random(c, seed: 25, in: 0.5...1.5), b = Self.random(c, seed: 26)
    let m = Self.random(c, seed: 27), v = Self.random(c, seed: 28, in: 0.5...2)
    let nodes = [
      Node(op: "BatchNormalization", name: "bn", inputs: ["x", "g", "b", "m", "v"], outputs: ["t"]),
      Node(op: "Relu", name: "r", inputs: ["t"], outputs: ["y"]),
    ]
    let inits = ["g": HostArray(shape: [c], floats: g), "b": HostArray(shape: [c], floats: b),
                 "m": HostArray(shape: [c], floats: m), "v": HostArray(shape: [c], floats: v)]
    let graph = Graph(nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [n, c, 4, 5].map { .fixed($0) })],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: inits, opset: 17, format: "test")
    let rewritten = try GraphRewrite.apply(graph)
    #expect(rewritten.nodes.map(\.op) == ["BatchNormalization"] && rewritten.nodes[0].fusion.activation == .relu)
    let y = try Self.run(nodes, input: [n, c, 4, 5], values: x, initializers: inits)
    let expected = x.enumerated().map { i, e -> Float in
      let k = (i / plane) % c
      return max(0, (e - m[k]) / (v[k] + 1e-5).squareRoot() * g[k] + b[k])
    }
    #expect(Self.close(y.scalars, expected))
  }

  /// Many rows (packed as the gemm's A side) and few (PackedDense).
  @Test(arguments: [[2, 3, 4, 6], [1, 2, 6], [3, 6]])
  func matMulOfPermutedTensorsByAConstant(shape: [Int]) throws {
    let x = Self.random(shape.reduce(1, *), seed: 11)
    let w = Self.random(6 * 5, seed: 12)
    let node = Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["y"])
    let y = try Self.run([node], input: shape, values: x, initializers: ["w": HostArray(shape: [6, 5], floats: w)])
    let reference = try Tensor.matmul(try Tensor(shape: shape, scalars: x), try Tensor(shape: [6, 5], scalars: w))
    #expect(y.shape == shape.dropLast() + [5])
    #expect(Self.close(y.scalars, reference.scalars, 1e-5))
  }

  /// Rows enough for RowsTimesConstant but weights large enough that PackedDense (packed
  /// once) moves fewer floats: ConvNeXt's late stages.
  @Test(arguments: [(20, 64, 96), (400, 8, 8), (50, 200, 300)])
  func matMulPicksTheCheaperLayout(rows: Int, k: Int, n: Int) throws {
    let x = Self.random(rows * k, seed: 29), w = Self.random(k * n, seed: 30)
    let node = Node(op: "MatMul", name: "fc", inputs: ["x", "w"], outputs: ["y"])
    let y = try Self.run([node], input: [1, rows, k], values: x, initializers: ["w": HostArray(shape: [k, n], floats: w)])
    let reference = try Tensor.matmul(try Tensor(shape: [rows, k], scalars: x), try Tensor(shape: [k, n], scalars: w))
    #expect(y.shape == [1, rows, n])
    #expect(Self.close(y.scalars, reference.scalars, 1e-4))
  }

  @Test func squeezeAndExcitationBroadcastsPerChannel() throws {
    // x · sigmoid(mean over the plane): EfficientNet's gate on an N×C×H×W tensor.
    let x = Self.random(2 * 3 * 4 * 4, seed: 13)
    let nodes = [
      Node(op: "GlobalAveragePool", name: "p", inputs: ["x"], outputs: ["p"]),
      Node(op: "Sigmoid", name: "s", inputs: ["p"], outputs: ["s"]),
      Node(op: "Mul", name: "m", inputs: ["x", "s"], outputs: ["y"]),
    ]
    let y = try Self.run(nodes, input: [2, 3, 4, 4], values: x)
    let expected = x.indices.map { i -> Float in
      let p = i / 16
      let mean = x[(p * 16)..<(p * 16 + 16)].reduce(0, +) / 16
      return x[i] / (1 + expf(-mean))
    }
    #expect(Self.close(y.scalars, expected))
  }

  @Test func variadicMaxAndPow() throws {
    let x = Self.random(6, seed: 14, in: 0.5...3)
    let nodes = [
      Node(op: "Max", name: "mx", inputs: ["x", "a", "b"], outputs: ["m"]),
      Node(op: "Pow", name: "p", inputs: ["m", "e"], outputs: ["y"]),
    ]
    let inits = ["a": HostArray(shape: [6], floats: [1, 1, 1, 2, 2, 2]), "b": Self.scalar(1.5), "e": Self.scalar(2)]
    let y = try Self.run(nodes, input: [6], values: x, initializers: inits)
    let expected = x.indices.map { i -> Float in
      let m = max(x[i], i < 3 ? 1 : 2, 1.5)
      return m * m
    }
    #expect(Self.close(y.scalars, expected))
  }

  @Test func clipBoundsFromConstantNodesFuseIntoTheConvolution() throws {
    let nodes = [
      Node(op: "Constant", name: "lo", inputs: [], outputs: ["lo"], attributes: ["value": .tensor(Self.scalar(0))]),
      Node(op: "Constant", name: "hi", inputs: [], outputs: ["hi"], attributes: ["value": .tensor(Self.scalar(6))]),
      Node(op: "Conv", name: "c", inputs: ["x", "w"], outputs: ["c"]),
      Node(op: "Clip", name: "clip", inputs: ["c", "lo", "hi"], outputs: ["y"]),
    ]
    let w = HostArray(shape: [2, 1, 1, 1], floats: [4, -1])
    let g = Graph(nodes: nodes, inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1), .fixed(1), .fixed(1), .fixed(3)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: ["w": w], opset: 17, format: "test")
    #expect(try GraphRewrite.apply(g).nodes.map(\.op) == ["Conv"])
    let y = try Self.run(nodes, input: [1, 1, 1, 3], values: [1, -2, 3], initializers: ["w": w])
    #expect(y.scalars == [4, 0, 6, 0, 2, 0])
  }

  @Test func everyOperatorWithALoweringIsSupportedAndOthersAreNamed() throws {
    #expect(Planner.supported == Set(Planner.lowerings.keys))
    #expect(Planner.supported.isSuperset(of: ["LayerNormalization", "Erf", "Gelu", "ReduceMean", "Pow", "MatMul"]))
    // An open input shape defers planning: the operator check still names the op.
    let node = Node(op: "Einsum", name: "e", inputs: ["x"], outputs: ["y"])
    let g = Graph(nodes: [node], inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.symbolic("N"), .symbolic("M")])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 17, format: "test")
    do {
      _ = try LoadedModel(graph: g, format: .onnx, file: "test")
      Issue.record("an unsupported operator loaded")
    } catch {
      #expect(error.message.contains("Einsum"))
    }
  }
}
