import ArgumentParser
import Datasets
import JSON
import ModelIO
import NN
import Synchronization
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Set by SIGINT; the training loop stops cleanly between batches.
private let interruptRequested = Atomic<Bool>(false)

/// `tabby train`: trains LeNet or the MLP on MNIST-format data and reports throughput.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train LeNet or an MLP on MNIST-format data (Fashion-MNIST by default).")

  @Option(help: "Network: lenet or mlp.") var net: String = "lenet"
  @Option(help: "LeNet activation: tanh (classic) or relu.") var activation: String = "tanh"
  @Option(help: "Directory with the four MNIST-format files (raw or .gz).")
  var data: String = MNIST.fashionMNISTDirectory
  @Option(help: "Epochs.") var epochs: Int = 5
  @Option(help: "Batch size.") var batch: Int = 64
  @Option(help: "Optimizer: sgd or adam.") var optimizer: String = "sgd"
  @Option(help: "Learning rate (default: 0.05 for sgd, 0.001 for adam).") var lr: Float?
  @Option(help: "SGD momentum.") var momentum: Float = 0.9
  @Option(help: "Weight decay.") var wd: Float = 1e-4
  @Option(help: "Learning-rate schedule: cosine, step or none.") var schedule: String = "cosine"
  @Option(help: "Seed for initialisation and shuffling.") var seed: UInt64 = 42
  @Option(help: "Threads (default: the CPUs this process may use).") var threads: Int?
  @Option(help: "Use only the first N training images (quick runs).") var limit: Int?
  @Option(help: "Use only the first N test images.") var testLimit: Int?
  @Option(help: "Write an MXNet checkpoint PREFIX-symbol.json / PREFIX-NNNN.params.") var save:
    String?
  @Flag(help: "Print one JSON object with the results on stdout (progress goes to stderr).")
  var json = false

  func validate() throws {
    guard ["lenet", "mlp"].contains(net) else {
      throw ValidationError("--net must be lenet or mlp, not \(net)")
    }
    guard ["tanh", "relu"].contains(activation) else {
      throw ValidationError("--activation must be tanh or relu")
    }
    guard ["sgd", "adam"].contains(optimizer) else {
      throw ValidationError("--optimizer must be sgd or adam")
    }
    guard ["cosine", "step", "none"].contains(schedule) else {
      throw ValidationError("--schedule must be cosine, step or none")
    }
    guard epochs >= 1, batch >= 1 else {
      throw ValidationError("--epochs and --batch must be at least 1")
    }
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
  }

  func run() throws {
    let threadCount = threads ?? Threads.available
    Threads.set(threadCount)
    var (trainSet, testSet) = try MNIST.load(directory: data)
    if let limit { trainSet = trainSet.prefix(limit) }
    if let testLimit { testSet = testSet.prefix(testLimit) }
    let model =
      net == "mlp"
      ? Models.mlp(seed: seed)
      : Models.lenet(activation: activation == "relu" ? .relu : .tanh, seed: seed)
    let rate = lr ?? (optimizer == "adam" ? 1e-3 : 0.05)
    let opt: any Optimizer =
      optimizer == "adam"
      ? Adam(learningRate: rate, weightDecay: wd)
      : SGD(learningRate: rate, momentum: momentum, weightDecay: wd)
    let sched: (any LearningRateSchedule)? =
      switch schedule {
      case "cosine": CosineSchedule(base: rate, epochs: epochs)
      case "step": StepSchedule(base: rate, stepEpochs: 10)
      default: nil
      }
    signal(SIGINT) { _ in interruptRequested.store(true, ordering: .relaxed) }
    log(
      "training \(net) on \(trainSet.count) images (\(data)), \(epochs) epochs, batch \(batch), \(optimizer) lr \(rate), \(threadCount) threads"
    )
    let history = try train(
      model, on: trainSet, test: testSet, epochs: epochs, batchSize: batch, optimizer: opt,
      seed: seed,
      schedule: sched, progressInterval: 1, threads: threadCount, progress: { report($0) },
      shouldStop: { interruptRequested.load(ordering: .relaxed) })
    if history.stopped { log("interrupted: stopped after \(history.epochs.count) epoch(s)") }
    if let save {
      try MXNetExport.save(model, prefix: save, epoch: history.epochs.count)
      log("saved \(save)-symbol.json and \(save)-\(epochString(history.epochs.count)).params")
    }
    if json { print(results(history, threads: threadCount).text) }
  }

  private func log(_ line: String) {
    // write(2) keeps each progress line whole and unbuffered on either stream.
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(json ? 2 : 1, $0.baseAddress, $0.count) }
  }

  private func report(_ p: TrainingProgress) {
    var line =
      "epoch \(p.epoch)/\(p.epochs) batch \(p.batch)/\(p.batches) \(whole(p.imagesPerSecond)) img/s loss \(fmt(p.loss)) acc \(fmt(p.accuracy))"
    if p.epochEnded {
      line += p.testAccuracy.map { " test \(fmt($0))" } ?? ""
    }
    line += " ETA \(whole(p.etaSeconds))s"
    log(line)
  }

  /// Four decimals; NaN, infinities and huge values (a diverging run: `--lr 1e30`) are
  /// printed as they are rather than converted to Int, which would trap.
  private func fmt(_ v: Double) -> String {
    guard v.isFinite, abs(v) < 1e14 else { return "\(v)" }
    let scaled = Int((abs(v) * 10000).rounded())
    let frac = String(scaled % 10000)
    let sign = v < 0 && scaled != 0 ? "-" : ""
    return "\(sign)\(scaled / 10000).\(String(repeating: "0", count: 4 - frac.count))\(frac)"
  }

  /// A rounded whole number, or the value as it is when it is not finite or too large for Int.
  private func whole(_ v: Double) -> String {
    guard v.isFinite, abs(v) < 1e18 else { return "\(v)" }
    return String(Int(v.rounded()))
  }

  private func results(_ h: TrainingHistory, threads: Int) -> JSON {
    // Steady-state throughput: epochs after the first (warm-up), or the only one.
    let steady = h.epochs.count > 1 ? Array(h.epochs.dropFirst()) : h.epochs
    let seconds = steady.reduce(0) { $0 + $1.seconds }
    let images = steady.reduce(0) { $0 + $1.images }
    return [
      "net": .string(net), "epochs": .int(h.epochs.count), "batch": .int(batch),
      "optimizer": .string(optimizer),
      "threads": .int(threads), "interrupted": .bool(h.stopped),
      "images_per_second": .number(seconds > 0 ? Double(images) / seconds : 0),
      "seconds_per_epoch": .number(steady.isEmpty ? 0 : seconds / Double(steady.count)),
      "test_accuracy": .array(h.epochs.map { .number($0.testAccuracy ?? 0) }),
      "train_accuracy": .array(h.epochs.map { .number($0.trainAccuracy) }),
      "train_loss": .array(h.epochs.map { .number($0.loss) }),
      "peak_rss_mib": .number(peakRSSMiB()),
    ]
  }
}

/// VmHWM from /proc/self/status, in MiB.
func peakRSSMiB() -> Double {
  guard let f = fopen("/proc/self/status", "r") else { return 0 }
  defer { fclose(f) }
  var line = [CChar](repeating: 0, count: 512)
  while fgets(&line, 512, f) != nil {
    let text = String(
      decoding: line.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if text.hasPrefix("VmHWM:") {
      let kb = text.split(separator: " ").compactMap { Double($0) }.first ?? 0
      return kb / 1024
    }
  }
  return 0
}

/// MXNet's checkpoint epoch suffix: four digits.
func epochString(_ epoch: Int) -> String {
  let digits = String(epoch)
  return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
}

