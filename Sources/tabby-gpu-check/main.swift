// tabby-gpu-check: the GPU comparisons of Tests/GPUTests, as one binary for a machine that
// has a GPU but no Swift toolchain (bench/gpu/device-check.sh carries it there). Runs each
// op on the device and on the CPU engine, then LeNet training on both, and prints one JSON
// object; with `--resnet PATH` (bench/gpu/bundle.sh packs the reference ResNet-18) also
// ResNet-18 inference through DeviceInference against ModelIO's CPU plan, and its latency
// and throughput; every `--model PATH` (SqueezeNet, the quantized MobileNetV2) is compared
// with the CPU plan too. `--emulated` runs the same on the host-emulated device (how CI checks this file).
// No Foundation: the static binary stays small (the bundle travels to the GPU machine).
import Datasets
import GPU
import JSON
import NN
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Seconds on the monotonic clock.
func now() -> Double {
  var t = timespec()
  clock_gettime(CLOCK_MONOTONIC, &t)
  return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
}

let arguments = CommandLine.arguments
let emulated = arguments.contains("--emulated")
let batches = getenv("GPU_CHECK_BATCHES").flatMap { Int(String(cString: $0)) } ?? 200
let resnetPath = arguments.firstIndex(of: "--resnet").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }
/// Every `--model PATH`: more ModelIO models checked on the device.
let modelPaths = arguments.indices.filter { arguments[$0] == "--model" && $0 + 1 < arguments.count }.map { arguments[$0 + 1] }
let resnetBatch = getenv("GPU_CHECK_RESNET_BATCH").flatMap { Int(String(cString: $0)) } ?? (emulated ? 2 : 64)

func random(_ shape: [Int], _ seed: UInt64) -> Tensor {
  var rng = SplitMix64(seed: seed)
  let values = (0..<shape.reduce(1, *)).map { _ in Float.random(in: -1...1, using: &rng) }
  return try! Tensor(shape: shape, scalars: values)
}

/// Largest |a − b| / (1 + |b|).
func error(_ a: Tensor, _ b: Tensor) -> Double {
  guard a.shape == b.shape else { return .infinity }
  return zip(a.scalars, b.scalars).map { Double(abs($0 - $1) / (1 + abs($1))) }.max() ?? 0
}

func opErrors(_ ops: DeviceOps) throws -> [String: Double] {
  var out: [String: Double] = [:]
  let up = { (t: Tensor) throws -> DeviceTensor in try ops.upload(t, "check input") }
  let (x, w, b) = (random([8, 3, 32, 32], 1), random([16, 3, 3, 3], 2), random([16], 3))
  let o = Conv2DOptions(stride: (1, 1), pads: [1, 1, 1, 1])
  let cpu = try Conv2DFunction.apply(
    Variable(x, requiresGrad: true), weight: Variable(w, requiresGrad: true),
    bias: Variable(b, requiresGrad: true), options: o)
  let g = random(cpu.shape, 4)
  let grads = try cpu.creator!.backward(g)
  let (y, saved) = try ops.conv2dForward(try up(x), weight: try up(w), bias: try up(b), options: o)
  let (dx, dw, db) = try ops.conv2dBackward(saved, inputShape: x.shape, weight: try up(w), dy: try up(g))
  out["conv2d_forward"] = error(try y.host(), cpu.value)
  out["conv2d_backward_input"] = error(try dx.host(), grads[0]!)
  out["conv2d_backward_weight"] = error(try dw.host(), grads[1]!)
  out["conv2d_backward_bias"] = error(try db.host(), grads[2]!)
  let pool = Pool2DOptions(kernel: [2, 2])
  let mp = try MaxPool2DFunction.apply(Variable(x, requiresGrad: true), pool)
  let (py, argmax) = try ops.maxPoolForward(try up(x), pool)
  out["maxpool_forward"] = error(try py.host(), mp.value)
  let pg = random(mp.shape, 5)
  let pdx = try ops.maxPoolBackward(inputShape: x.shape, pool, argmax: argmax, dy: try up(pg))
  out["maxpool_backward"] = error(try pdx.host(), try mp.creator!.backward(pg)[0]!)
  for a in [Activation.tanh, .relu, .sigmoid] {
    let c = ActivationFunction.apply(Variable(x, requiresGrad: true), a)
    let d = try ops.unary(DeviceUnary(a.unaryOp!), try up(x))
    out["\(a)_forward"] = error(try d.host(), c.value)
    let ad = try ops.unaryBackward(DeviceUnary(a.unaryOp!), x: try up(x), y: d, dy: try up(x))
    out["\(a)_backward"] = error(try ad.host(), try c.creator!.backward(x)[0]!)
  }
  return out
}

/// Trains LeNet on the CPU and on the device from the same weights and batches.
func lenet(_ device: any ComputeDevice) throws -> JSON {
  let dir = MNIST.fashionMNISTDirectory
  let path = (dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz")
  let data: LabeledImages
  if let real = try? MNIST.load(images: path.0, labels: path.1) {
    data = real
  } else {
    data = try LabeledImages(
      pixels: (0..<(6400 * 784)).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 24) },
      labels: (0..<6400).map { UInt8($0 % 10) }, imageShape: [1, 28, 28])
  }
  let keys = Array(data.batches(size: 64, seed: 1).prefix(batches))
  let order = keys.map { data.batch($0) }
  let (cpu, gpu) = (Models.lenet(seed: 7), Models.lenet(seed: 7))
  let (cpuOpt, trainer) = (SGD(), try DeviceTrainer(model: gpu, optimizer: SGD(), device: device))
  var (cpuLoss, gpuLoss): ([Float], [Float]) = ([], [])
  var start = now()
  for (x, labels) in order {
    let loss = try SoftmaxCrossEntropyFunction.apply(cpu(Variable(x)), labels: labels)
    try loss.backward()
    cpuOpt.update(cpu.parameters)
    cpuLoss.append(loss.value.scalars[0])
  }
  let cpuSeconds = now() - start
  start = now()
  // As NN.train runs it: the next batch's copy overlaps this one's compute.
  for i in order.indices {
    if i + 1 < order.count { try trainer.prefetch(images: order[i + 1].0, labels: order[i + 1].1, key: keys[i + 1]) }
    gpuLoss.append(try trainer.step(key: keys[i]) { order[i] }.loss)
  }
  try device.synchronize()
  let gpuSeconds = now() - start
  let tail = { (l: [Float]) in Double(l.suffix(50).reduce(0, +)) / Double(min(50, l.count)) }
  return [
    "batches": .number(Double(order.count)), "batch_size": 64,
    "cpu_last50_loss": .number(tail(cpuLoss)), "device_last50_loss": .number(tail(gpuLoss)),
    "first_loss_cpu": .number(Double(cpuLoss.first ?? 0)),
    "first_loss_device": .number(Double(gpuLoss.first ?? 0)),
    "cpu_images_per_s": .number(Double(order.count * 64) / cpuSeconds),
    "device_images_per_s": .number(Double(order.count * 64) / gpuSeconds),
    "device_prefetched_steps": .number(Double(trainer.prefetchedSteps)),
  ]
}

var report: [(String, JSON)] = [("emulated", .bool(emulated))]
var failed = false
do {
  let opened = now()
  let device: any ComputeDevice = emulated ? HostDevice() : try CUDADevice(index: 0)
  report.append(("open_seconds", .number(now() - opened)))
  report.append(("device", .string(device.name)))
  if let cuda = device as? CUDADevice { report.append(("kernels_from_cache", .bool(cuda.kernelsFromCache))) }
  let errors = try opErrors(DeviceOps(device: device))
  report.append(("op_max_relative_error", .object(JSONObject(errors.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) }))))
  report.append(("ops_within_1e-4", .bool(errors.values.allSatisfy { $0 <= 1e-4 })))
  report.append(("lenet", try lenet(device)))
  if let resnetPath { report.append(("resnet18", try resnet(device, path: resnetPath, batch: resnetBatch))) }
  if !modelPaths.isEmpty { report.append(("models", .array(try modelPaths.map { try checkModel(device, path: $0) }))) }
} catch {
  report.append(("error", .string("\(error)")))
  failed = true
}
print(JSON.object(JSONObject(report)).pretty())
exit(failed ? 1 : 0)
