import DeviceInference
import Foundation
import GPU
import ModelIO
import Tensor
import TestSupport
import Testing

/// The shipped reference nets and the real quantized MobileNetV2 on the emulated device give
/// the CPU's top-5 (one image each: emulated kernels run one C call per device thread).
@Suite(.needsShared) struct ReferenceNetTests {
  static let reference = SharedData.root + "/reference"

  static func floats(_ path: String) throws -> [Float] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
  }

  /// Indices of the k largest values, largest first (ties by index).
  static func top(_ v: [Float], _ k: Int) -> [Int] {
    Array(v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }.prefix(k))
  }

  /// The device's top-5 is the CPU's, place by place; two classes may trade places only
  /// where the CPU scores them within `ties` of each other (uint8 outputs tie often).
  static func expectSameTop5(_ cpu: Tensor, _ device: Tensor, ties: Float = 0) {
    let (c, d) = (cpu.scalars, device.scalars)
    let (tc, td) = (top(c, 5), top(d, 5))
    for (a, b) in zip(tc, td) {
      #expect(a == b || abs(c[a] - c[b]) <= ties, "top-5 \(td) on the device, \(tc) on the CPU")
    }
  }

  @Test(arguments: [
    ("squeezenet1.1.onnx", "chelsea"), ("squeezenet1.1-symbol.json", "coffee"),
    ("resnet18_v1.onnx.gz", "camera"), ("resnet18_v1-symbol.json", "chelsea"),
  ])
  func referenceNetGivesTheCPUsTop5(file: String, image: String) throws {
    let model = try Model.load(path: Self.reference + "/models/" + file)
    let x = try Tensor(shape: [1, 3, 224, 224], scalars: try Self.floats(Self.reference + "/inputs/\(image).f32"))
    let cpu = try model.run(x)[0]
    let device = try DeviceModel(model, device: HostDevice(maxBlocks: 8)).run([x])[0]
    #expect(device.shape == cpu.shape)
    Self.expectSameTop5(cpu, device)
    let scale = cpu.scalars.map(abs).max() ?? 1
    let worst = zip(cpu.scalars, device.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 1e-4 * max(scale, 1), "largest difference \(worst) on outputs up to \(scale)")
  }

  /// The quantized MobileNetV2 takes uint8 NHWC pixels: a reference photo's 224×224 crop,
  /// recovered from its normalised input.
  @Test func quantizedMobileNetV2GivesTheCPUsTop5() throws {
    let model = try Model.load(path: SharedData.root + "/imagenet/mobilenet_v2_1.0_224_quant.onnx")
    let nchw = try Self.floats(Self.reference + "/inputs/chelsea.f32")
    let (mean, std): ([Float], [Float]) = ([0.485, 0.456, 0.406], [0.229, 0.224, 0.225])
    var pixels = [Float](repeating: 0, count: nchw.count)
    for c in 0..<3 {
      for i in 0..<(224 * 224) {
        pixels[i * 3 + c] = min(max(((nchw[c * 224 * 224 + i] * std[c] + mean[c]) * 255).rounded(), 0), 255)
      }
    }
    let x = try Tensor(shape: [1, 224, 224, 3], scalars: pixels)
    let cpu = try model.run(x)[0]
    let device = try DeviceModel(model, device: HostDevice(maxBlocks: 8)).run([x])[0]
    #expect(device.shape == cpu.shape)
    #expect(Self.top(device.scalars, 1) == Self.top(cpu.scalars, 1))
    Self.expectSameTop5(cpu, device, ties: 1)
    // A value on a rounding edge of one of the 60-odd fake quantizations may land one code
    // apart (the gemms sum in other orders) and move the scores a few codes: the same bound
    // as the CPU against onnxruntime (ModelIOTests.QuantizedModelTests).
    let worst = zip(cpu.scalars, device.scalars).map { abs($0 - $1) }.max() ?? 0
    #expect(worst <= 6, "the uint8 scores differ by \(worst) codes")
  }
}

/// The planned graph a device lowering starts from: shape arithmetic folded away.
@Suite(.needsShared) struct PlannedGraphTests {
  /// mx2onnx's LeNet computes each Reshape's target with Shape, Slice, Sub and Concat:
  /// planned for a batch, those are constants, and the device runs what is left.
  @Test func shapeArithmeticIsFoldedAndTheLeNetRunsOnTheDevice() throws {
    let model = try Model.load(path: SharedData.root + "/reference/models/lenet_fmnist1ep.onnx")
    let planned = try model.plannedGraph(inputShapes: [[16, 1, 28, 28]])
    let ops = Set(planned.nodes.map(\.op))
    #expect(ops.isDisjoint(with: ["Shape", "Slice", "Concat"]), "left to run: \(ops.sorted())")
    #expect(ops.isSuperset(of: ["Conv", "Gemm", "Reshape"]))
    for node in planned.nodes {
      guard case .runtime(let shape, _)? = planned.values[node.outputs[0]] else {
        Issue.record("\(node.op) '\(node.name)' has no planned run-time shape")
        continue
      }
      #expect(shape.first == 16)
    }
    let x = try Tensor(shape: [16, 1, 28, 28], scalars: (0..<(16 * 784)).map { Float($0 % 251) / 251 })
    let cpu = try model.run(x)[0]
    let device = try DeviceModel(model, device: HostDevice()).run([x])[0]
    #expect(device.shape == cpu.shape)
    let worst = zip(cpu.scalars, device.scalars).map { abs($0 - $1) / (1 + abs($1)) }.max() ?? 1
    #expect(worst <= 1e-4)
  }
}
