import Tensor
import Testing

@testable import ModelIO

/// The quantized-model steps fused at load time (Add+FakeQuant, Transpose+DequantizeLinear,
/// whole-plane AveragePool) and CKernels' fake quantization they run on.
@Suite struct FusedStepsTests {
  /// [scale, zeroPoint, lo, hi] as uint8 and int8 quantization make them.
  static let quantizations: [[Float]] = [[0.05, 128, 0, 255], [6.0 / 255, 0, 0, 255], [0.03, -5, -128, 127], [1, 0, -128, 127]]

  /// Random values, exact half steps of the grid (ties), values beyond the range and non-finite ones.
  static func values(_ q: [Float], count: Int, seed: UInt64) -> [Float] {
    var rng = SplitMix(seed: seed)
    var v = (0..<count).map { i -> Float in
      switch i % 3 {
      case 0: Float.random(in: -20...20, using: &rng)
      case 1: (Float(Int.random(in: -300...300, using: &rng)) + 0.5) * q[0]
      default: Float(Int.random(in: -400...400, using: &rng)) * q[0] * 0.25
      }
    }
    for (i, special) in [Float.nan, .infinity, -.infinity, -0.0, 1e30, -1e30].enumerated() where i * 7 < count {
      v[i * 7] = special
    }
    return v
  }

  static func swiftFakeQuantize(_ v: [Float], _ q: [Float]) -> [Float] {
    var r = v
    r.withUnsafeMutableBufferPointer { fakeQuantize($0.baseAddress!, $0.count, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3]) }
    return r
  }

  @Test(arguments: quantizations, [false, true])
  func fakeQuantizedMatchesSwiftBitForBit(_ q: [Float], _ portable: Bool) throws {
    for count in [1, 7, 8, 9, 100, 40_000] {
      let a = Self.values(q, count: count, seed: UInt64(count))
      let b = Self.values(q, count: count, seed: UInt64(count) + 99)
      let (ta, tb) = (try Tensor(shape: [count], scalars: a), try Tensor(shape: [count], scalars: b))
      let alone = fakeQuantized(ta, plus: nil, q, portable: portable).scalars
      let sum = fakeQuantized(ta, plus: tb, q, portable: portable).scalars
      #expect(alone.map(\.bitPattern) == Self.swiftFakeQuantize(a, q).map(\.bitPattern), "count \(count)")
      #expect(sum.map(\.bitPattern) == Self.swiftFakeQuantize(zip(a, b).map { $0 + $1 }, q).map(\.bitPattern), "count \(count)")
    }
  }

  static func model(_ nodes: [Node], inputs: [(String, ElementType, [Int])], _ initializers: [String: HostArray]) throws
    -> LoadedModel
  {
    let g = Graph(
      nodes: nodes, inputs: inputs.map { ValueInfo(name: $0.0, dtype: $0.1, shape: $0.2.map { .fixed($0) }) },
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: initializers, opset: 13, format: "test")
    return try LoadedModel(graph: g, format: .onnx, file: "test")
  }

  static func qdq(_ input: String, scale: Float, zeroPoint: Int64) -> ([Node], [String: HostArray]) {
    (
      [
        Node(op: "QuantizeLinear", name: "q", inputs: [input, "s", "z"], outputs: ["codes"]),
        Node(op: "DequantizeLinear", name: "d", inputs: ["codes", "s", "z"], outputs: ["y"]),
      ],
      ["s": HostArray(shape: [], floats: [scale]), "z": HostArray(dtype: .uint8, shape: [], integers: [zeroPoint])]
    )
  }

  /// A file cannot claim a fusion: attributes named like the old internal ones are plain
  /// (unknown) attributes, and the rewrites' own operator domain is refused.
  @Test func filesCannotSetFusions() throws {
    let shape = [1, 2, 3]
    let add = Node(
      op: "Add", name: "add", inputs: ["x", "r"], outputs: ["y"],
      attributes: ["_fq": .floats([1, 0, 0, 1]), "_activation": .string("relu")])
    let m = try Self.model([add], inputs: [("x", .float32, shape), ("r", .float32, shape)], [:])
    #expect(m.graph.nodes[0].fusion == Fusion())
    let x: [Float] = [-3, 0.25, 7, 1.5, -0.5, 300]
    let y = try m.run(["x": try Tensor(shape: shape, scalars: x), "r": try Tensor(shape: shape, scalars: x)])[0]
    #expect(y.scalars == x.map { $0 * 2 }, "a plain sum: no quantization to 0…1, no ReLU")
    let internalOp = Node(op: "FakeQuant", domain: Node.internalDomain, name: "fq", inputs: ["x"], outputs: ["y"])
    #expect(throws: ModelLoadError.self) {
      _ = try Self.model([internalOp], inputs: [("x", .float32, shape)], [:])
    }
    let lookalike = Node(op: "FakeQuant", name: "fq", inputs: ["x"], outputs: ["y"])
    #expect(throws: ModelLoadError.self) {
      _ = try Self.model([lookalike], inputs: [("x", .float32, shape)], [:])
    }
  }

  @Test func residualAddAndItsQuantizationRunAsOneStep() throws {
    let shape = [1, 3, 5, 7]
    let (tail, initializers) = Self.qdq("sum", scale: 0.04, zeroPoint: 120)
    let m = try Self.model(
      [Node(op: "Add", name: "add", inputs: ["x", "r"], outputs: ["sum"])] + tail,
      inputs: [("x", .float32, shape), ("r", .float32, shape)], initializers)
    #expect(m.graph.nodes.map(\.op) == ["Add"])
    #expect(m.graph.nodes[0].fusion.outputQuantization == FusedQuantization(scale: 0.04, zeroPoint: 120, low: 0, high: 255))
    #expect(m.graph.nodes[0].attributes.isEmpty, "a fusion is typed, never an attribute a file could set")
    let q: [Float] = [0.04, 120, 0, 255]
    let x = Self.values(q, count: 105, seed: 1), r = Self.values(q, count: 105, seed: 2)
    let y = try m.run(["x": try Tensor(shape: shape, scalars: x), "r": try Tensor(shape: shape, scalars: r)])[0]
    #expect(y.shape == shape)
    #expect(y.scalars.map(\.bitPattern) == Self.swiftFakeQuantize(zip(x, r).map { $0 + $1 }, q).map(\.bitPattern))
  }

  @Test(arguments: [[0, 3, 1, 2], [0, 2, 1, 3]])
  func quantizedInputIsTransposedAndDequantizedInOnePass(_ perm: [Int]) throws {
    let shape = [2, 4, 5, 3]
    let m = try Self.model(
      [
        Node(op: "Transpose", name: "t", inputs: ["x"], outputs: ["nchw"], attributes: ["perm": .ints(perm)]),
        Node(op: "DequantizeLinear", name: "d", inputs: ["nchw", "s", "z"], outputs: ["y"]),
      ], inputs: [("x", .uint8, shape)],
      ["s": HostArray(shape: [], floats: [0.0078125]), "z": HostArray(dtype: .uint8, shape: [], integers: [128])])
    #expect(m.graph.nodes.map(\.op) == ["Transpose"])
    let codes = (0..<120).map { Float(($0 * 37) % 256) }
    let y = try m.run(["x": try Tensor(shape: shape, scalars: codes)])[0]
    let out = perm.map { shape[$0] }
    #expect(y.shape == out)
    // Naive: walk the output index, read the input at the permuted index.
    var expected: [Float] = []
    for i in 0..<120 {
      var rest = i
      var index = [Int](repeating: 0, count: 4)
      for k in (0..<4).reversed() { (rest, index[k]) = rest.quotientAndRemainder(dividingBy: out[k]) }
      var source = [Int](repeating: 0, count: 4)
      for k in 0..<4 { source[perm[k]] = index[k] }
      let flat = ((source[0] * shape[1] + source[1]) * shape[2] + source[2]) * shape[3] + source[3]
      expected.append((codes[flat] - 128) * 0.0078125)
    }
    #expect(y.scalars == expected)
  }

  @Test(arguments: [(7, 7), (3, 5), (1, 1), (4, 4)])
  func wholePlaneAveragePoolIsThePlaneMean(_ h: Int, _ w: Int) throws {
    let shape = [2, 3, h, w]
    let m = try Self.model(
      [Node(op: "AveragePool", name: "a", inputs: ["x"], outputs: ["y"], attributes: ["kernel_shape": .ints([h, w])])],
      inputs: [("x", .float32, shape)], [:])
    var rng = SplitMix(seed: UInt64(h * w))
    let x = (0..<(6 * h * w)).map { _ in Float.random(in: -4...4, using: &rng) }
    let y = try m.run(try Tensor(shape: shape, scalars: x))[0]
    #expect(y.shape == [2, 3, 1, 1])
    for p in 0..<6 {
      let mean = x[(p * h * w)..<((p + 1) * h * w)].reduce(0.0) { $0 + Double($1) } / Double(h * w)
      #expect(abs(Double(y.scalars[p]) - mean) <= 1e-5 * max(1, abs(mean)))
    }
  }
}
