import DeviceInference
import GPU
import JSON
import ModelIO
import Tensor

/// Indices of the k largest values, largest first.
func topK(_ v: [Float], _ k: Int) -> [Int] {
  Array(v.indices.sorted { v[$0] != v[$1] ? v[$0] > v[$1] : $0 < $1 }.prefix(k))
}

/// Median of the seconds `body` takes over `runs` runs (after `warmup` untimed ones).
func medianSeconds(runs: Int, warmup: Int, _ body: () throws -> Void) rethrows -> Double {
  for _ in 0..<warmup { try body() }
  var times: [Double] = []
  for _ in 0..<runs {
    let start = now()
    try body()
    times.append(now() - start)
  }
  return times.sorted()[times.count / 2]
}

/// ResNet-18 (the reference checkpoint, random weights) through DeviceInference against
/// ModelIO's CPU plan: the top-5 and largest difference for one input, then batch-1
/// latency and batch-`batch` throughput on the device (host input in, host logits out, as
/// torch_resnet.py measures PyTorch eager), and the CPU's batch-1 latency beside them.
func resnet(_ device: any ComputeDevice, path: String, batch: Int) throws -> JSON {
  let model = try Model.load(path: path)
  let placed = DeviceModel(model, device: device)
  let x1 = random([1, 3, 224, 224], 11)
  let cpu = try model.run(x1)[0]
  let opened = now()
  let gpu = try placed.run([x1])[0]
  let firstRun = now() - opened
  let scale = Double(cpu.scalars.map(abs).max() ?? 1)
  let worst = zip(cpu.scalars, gpu.scalars).map { Double(abs($0 - $1)) }.max() ?? .infinity
  let latency = try medianSeconds(runs: emulated ? 2 : 50, warmup: emulated ? 0 : 5) { _ = try placed.run([x1]) }
  let cpuLatency = try medianSeconds(runs: 3, warmup: 1) { _ = try model.run(x1) }
  let xb = random([batch, 3, 224, 224], 12)
  let batchSeconds = try medianSeconds(runs: emulated ? 1 : 10, warmup: emulated ? 0 : 2) { _ = try placed.run([xb]) }
  return [
    "top5_cpu": .array(topK(cpu.scalars, 5).map { .int($0) }),
    "top5_device": .array(topK(gpu.scalars, 5).map { .int($0) }),
    "top5_equal": .bool(topK(cpu.scalars, 5) == topK(gpu.scalars, 5)),
    "max_abs_difference_over_max_logit": .number(worst / max(scale, 1)),
    "first_run_seconds": .number(firstRun),
    "device_batch1_latency_ms": .number(latency * 1000),
    "cpu_batch1_latency_ms": .number(cpuLatency * 1000),
    "batch": .int(batch),
    "device_images_per_s": .number(Double(batch) / batchSeconds),
  ]
}

/// One more model (`--model PATH`: SqueezeNet, the quantized MobileNetV2) on the device
/// against the CPU plan, on a seeded input of its declared shape (uint8 codes for a uint8
/// input): the top-5 of both and the largest output difference.
func checkModel(_ device: any ComputeDevice, path: String) throws -> JSON {
  let model = try Model.load(path: path)
  guard let info = model.inputs.first, !info.shape.isEmpty else {
    return ["path": .string(path), "error": "the model declares no input shape"]
  }
  let shape = info.shape.enumerated().map { i, d in d.value ?? (i == 0 ? 1 : 224) }
  var x = random(shape, 13)
  if info.dtype == .uint8 { x = try Tensor(shape: shape, scalars: x.scalars.map { (($0 + 1) * 127.5).rounded() }) }
  let cpu = try model.run(x)[0]
  let gpu = try DeviceModel(model, device: device).run([x])[0]
  let worst = zip(cpu.scalars, gpu.scalars).map { Double(abs($0 - $1)) }.max() ?? .infinity
  return [
    "path": .string(path), "input": .array(shape.map { .int($0) }),
    "top5_cpu": .array(topK(cpu.scalars, 5).map { .int($0) }),
    "top5_device": .array(topK(gpu.scalars, 5).map { .int($0) }),
    "top1_equal": .bool(topK(cpu.scalars, 1) == topK(gpu.scalars, 1)),
    "max_abs_difference": .number(worst),
  ]
}
