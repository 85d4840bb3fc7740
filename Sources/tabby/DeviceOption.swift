import ArgumentParser
import Classifier

/// `--device cpu|gpu|gpu:N` of `tabby train` and `tabby predict`: the same devices as a
/// cell's `ctx(cpu)`, `ctx(gpu)` and `ctx(gpu(N))`.
enum DeviceOption {
  static let help: ArgumentHelp =
    "Where to run: cpu, gpu (the first CUDA GPU) or gpu:N. On gpu, LeNet/MLP train and predict on the device, and pretrained (ONNX/MXNet) models run there through DeviceInference."

  /// The device a flag names.
  static func parse(_ text: String) throws -> ComputeDevice {
    if text == "cpu" { return .cpu }
    if text == "gpu" { return .gpu(0) }
    if text.hasPrefix("gpu:"), let n = Int(text.dropFirst(4)), n >= 0 { return .gpu(n) }
    throw ValidationError("--device must be cpu, gpu or gpu:N, not \(text)")
  }

  /// A context on the flag's device with `threads` threads; the device is checked here, so an
  /// unusable GPU stops the command before any work with the device's own message.
  static func context(_ text: String, threads: Int?) throws -> ComputeContext {
    let context = ComputeContext(threads: threads)
    try context.use(try parse(text))
    return context
  }
}
