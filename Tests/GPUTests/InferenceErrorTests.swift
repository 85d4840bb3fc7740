import DeviceInference
import GPU
import Tensor
import TestSupport
import Testing

@testable import ModelIO

/// An operator the device lacks is a clear error naming it; the CPU plan still runs it.
@Suite struct InferenceErrorTests {
  @Test func anUnsupportedOperatorIsNamedAndTheCPUStillRuns() throws {
    let g = Graph(
      nodes: [
        Node(op: "Relu", name: "r", inputs: ["x"], outputs: ["r1"]),
        Node(op: "Erf", name: "the_erf", inputs: ["r1"], outputs: ["y"]),
      ],
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(2), .fixed(3)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 13, format: "test")
    let model = try LoadedModel(graph: g, format: .onnx, file: "test")
    let x = randomTensor([2, 3], seed: 1)
    #expect {
      _ = try DeviceModel(model, device: HostDevice()).run([x])
    } throws: { error in
      guard let e = error as? UnsupportedOnDevice else { return false }
      return e.message.contains("Erf") && e.message.contains("the_erf") && e.message.contains("ctx(cpu)")
    }
    #expect(try model.run(x)[0].shape == [2, 3])
  }

  @Test func outOfDeviceMemoryNamesTheStep() throws {
    let g = Graph(
      nodes: [Node(op: "Relu", name: "big_relu", inputs: ["x"], outputs: ["y"])],
      inputs: [ValueInfo(name: "x", dtype: .float32, shape: [.fixed(1000)])],
      outputs: [ValueInfo(name: "y", dtype: nil, shape: nil)], initializers: [:], opset: 13, format: "test")
    let model = try LoadedModel(graph: g, format: .onnx, file: "test")
    let device = HostDevice(memoryLimit: 6000)
    #expect {
      _ = try DeviceModel(model, device: device).run([randomTensor([1000], seed: 2)])
    } throws: { error in
      guard let e = error as? GPUError, case .outOfMemory(let what, _, _) = e else { return false }
      return what.contains("big_relu")
    }
    #expect(device.bytesInUse == 0, "nothing is left allocated after the failure")
  }
}
