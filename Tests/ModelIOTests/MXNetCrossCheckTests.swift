import Foundation
import JSON
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// Files written by our writer, loaded and run by Apache MXNet 1.9.1 itself.
@Suite(.needsMXNet, .serialized) struct MXNetCrossCheckTests {
  /// The MXNet venv scripts/setup.sh makes in the repository root (override with
  /// TABBY_MXNET_PYTHON); `.needsMXNet` skips the suite without it, or fails it in CI.
  static let python = SharedData.mxnetPython

  static func runPython(_ script: String) throws -> JSON {
    try runPythonJSON(python, script, what: "MXNet")
  }

  static func tempDir() -> String {
    let d = NSTemporaryDirectory() + "tabby-mxnet-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  @Test func mxnetLoadsEveryDtypeWeWrite() throws {
    let dir = Self.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var entries: [(name: String, array: HostArray)] = [("arg:f32", HostArray(shape: [2, 3], floats: [1.5, -2, 0.25, 4, 5, -6.5]))]
    for (t, vals) in [(ElementType.uint8, [0, 7, 255]), (.int8, [-128, 0, 127]), (.int32, [-70000, 1, 2_000_000_000]),
      (.int64, [-5_000_000_000, 0, 9]), (.float64, [1.0, -2, 1e300].map { Int64(bitPattern: $0.bitPattern) }),
      (.float16, [15360, 49152, 13312])] as [(ElementType, [Int64])]
    {
      entries.append(("aux:\(t)", HostArray(dtype: t, shape: [3], integers: vals)))
    }
    try MXNetParams.write(entries, to: dir + "/all.params")
    let result = try Self.runPython("""
      import mxnet as mx, numpy as np, json
      d = mx.nd.load('\(dir)/all.params')
      print(json.dumps({k: [np.dtype(v.dtype).name, list(v.shape), v.asnumpy().ravel().tolist()] for k, v in d.items()}))
      """)
    #expect(result.objectValue?.count == entries.count)
    for (name, a) in entries {
      let r = try #require(result[name]?.arrayValue, "MXNet did not load \(name)")
      #expect(r[0].stringValue == a.dtype.rawValue)
      #expect(r[1].arrayValue?.map { $0.intValue! } == a.shape)
      #expect(r[2].arrayValue?.map { $0.doubleValue! } == (0..<a.count).map { a.double(at: $0) }, "\(name)")
    }
  }

  @Test func mxnetRunsOurCheckpointWithOurOutputs() throws {
    let dir = Self.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var rng = SplitMix(seed: 77)
    func random(_ shape: [Int], _ s: Float) -> HostArray {
      HostArray(shape: shape, floats: (0..<shape.reduce(1, *)).map { _ in Float.random(in: -s...s, using: &rng) })
    }
    let layers: [ExportLayer] = [
      .convolution(name: "conv1", weight: random([8, 1, 3, 3], 0.5), bias: random([8], 0.1), stride: [1, 1], pad: [1, 1]),
      .activation(name: "relu1", type: "relu"),
      .pooling(name: "pool1", type: "max", kernel: [2, 2], stride: [2, 2]),
      .flatten(name: "flatten"),
      .fullyConnected(name: "fc1", weight: random([32, 8 * 14 * 14], 0.05), bias: random([32], 0.1)),
      .activation(name: "act2", type: "sigmoid"),
      .fullyConnected(name: "fc2", weight: random([10, 32], 0.3), bias: random([10], 0.1)),
    ]
    try MXNetExport.save(layers, prefix: dir + "/net", epoch: 2)
    let raw = try Shared.bytes(Shared.reference + "/mnist/t10k-512-images-idx3-ubyte")
    let batch = 16
    let pixels = raw[16..<(16 + batch * 784)].map { Float($0) / 255 }
    let ours = try Model.load(path: dir + "/net").run(try Tensor(shape: [batch, 1, 28, 28], scalars: pixels))[0]
    let result = try Self.runPython("""
      import mxnet as mx, numpy as np, json
      sym, args, aux = mx.model.load_checkpoint('\(dir)/net', 2)
      raw = np.fromfile('\(Shared.reference)/mnist/t10k-512-images-idx3-ubyte', dtype=np.uint8)[16:16 + \(batch) * 784]
      x = (raw.astype(np.float32) / 255).reshape(\(batch), 1, 28, 28)
      mod = mx.mod.Module(sym, context=mx.cpu())
      mod.bind(data_shapes=[('data', x.shape)], for_training=False)
      mod.set_params(args, aux)
      mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=False)
      print(json.dumps(mod.get_outputs()[0].asnumpy().ravel().tolist()))
      """)
    let theirs = try #require(result.arrayValue).map { Float($0.doubleValue!) }
    #expect(theirs.count == ours.count)
    let diff = zip(ours.scalars, theirs).map { abs($0 - $1) }.max() ?? 1
    #expect(diff < 1e-5, "MXNet and Tabby outputs differ by \(diff)")
  }
}
