import Foundation
import GPU
import Imaging
import TestSupport
import Testing

@testable import Classifier

/// `predict` of a pretrained model on a GPU context whose gpu(0) is the host-emulated device:
/// the ModelIO plan lowered onto the device (DeviceInference), compared with the CPU.
@Suite(.serialized) struct DeviceInferenceTests {
  static func gpuSession() throws -> ClassifierSession {
    var s = try ClassifierSession()
    s.context = ComputeContext(device: .gpu(0), threads: 1, gpus: .emulated(HostDevice(maxBlocks: 8)))
    return s
  }

  @Test(.needsShared, arguments: ["squeezenet1.1.onnx", "squeezenet1.1-symbol.json"])
  func pretrainedPredictOnTheGPUGivesTheCPUsTop5(model: String) throws {
    let path = sharedData + "/reference/models/" + model
    let images = ["chelsea.png", "coffee.jpg"].map { sharedData + "/reference/images/" + $0 }
    let cpu = try ClassifierSession()
    let expected = try cpu.predict(try cpu.loadModel(path), images: images, top: 5)
    let gpu = try Self.gpuSession()
    let got = try gpu.predict(try gpu.loadModel(path), images: images, top: 5)
    #expect(got.count == expected.count)
    for (a, b) in zip(got, expected) {
      #expect(a.top.map(\.index) == b.top.map(\.index))
      for (p, q) in zip(a.top, b.top) { #expect(abs(p.probability - q.probability) <= 1e-4) }
    }
  }

  /// A network with no device version is refused on a GPU context, never run on the CPU.
  @Test func aNetworkWithoutADeviceVersionIsADeviceError() throws {
    var s = try Self.gpuSession()
    let net = FakeNetwork(
      input: InputSignature(
        name: "data", elementType: .float32, layout: .nchw, channels: 3, height: 32, width: 32, batch: nil),
      outputs: 10, endsInSoftmax: nil
    ) { _ in [Float](repeating: 0.1, count: 10) }
    s.openNetwork = { _ in net }
    let dir = NSTemporaryDirectory() + "tabby-device-inference-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(FileManager.default.createFile(atPath: dir + "/m.onnx", contents: Data("x".utf8)))
    let model = try s.loadModel(dir + "/m.onnx")
    #expect {
      _ = try s.predict(model, images: [try Image(width: 40, height: 40, fill: [1, 2, 3])])
    } throws: { error in
      (error as? DeviceFailure)?.ename == "DeviceError" && net.runs.isEmpty
    }
  }
}
