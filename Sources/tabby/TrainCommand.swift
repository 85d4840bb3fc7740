import ArgumentParser
import Datasets
import Distributed
import JSON
import ModelIO
import NN
import Synchronization
import TabbyKernel
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Set by SIGINT; the training loop stops cleanly between batches.
private let interruptRequested = Atomic<Bool>(false)
/// This process's MPI rank (0 outside mpirun): only rank 0 prints, saves and reports.
private let processRank = Atomic<Int>(0)

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
  @Option(help: "Batch size (per rank under mpirun: the global batch is ranks × batch).")
  var batch: Int = 64
  @Flag(help: "Under mpirun: multiply the learning rate by the number of ranks.")
  var scaleLr = false
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
  @Option(
    help: "Start from a checkpoint's network and weights (PREFIX of PREFIX-symbol.json; --net is ignored).")
  var initFrom: String?
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
    // Started by mpirun with several ranks: join the job (Open MPI is loaded only then).
    guard let comm = try MPICommunicator.joinIfLaunched() else { return try trainRun(comm: nil) }
    processRank.store(comm.rank, ordering: .relaxed)
    do {
      try trainRun(comm: comm)
    } catch {
      // Abort the whole job: the other ranks would otherwise wait for us in a collective.
      let line = Array("tabby train: rank \(comm.rank) of \(comm.size) failed: \(error)\n".utf8)
      _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
      comm.abort()
    }
    comm.finalize()
  }

  private func trainRun(comm: MPICommunicator?) throws {
    let ranks = comm?.size ?? 1
    let threadCount = threads ?? Threads.available
    Threads.set(threadCount)
    var (trainSet, testSet) = try MNIST.load(directory: data)
    if let limit { trainSet = trainSet.prefix(limit) }
    if let testLimit { testSet = testSet.prefix(testLimit) }
    let model =
      try initFrom.map { try WorkerCheckpoint.network(prefix: $0) } ?? (net == "mlp"
      ? Models.mlp(seed: seed)
      : Models.lenet(activation: activation == "relu" ? .relu : .tanh, seed: seed))
    let rate = (lr ?? (optimizer == "adam" ? 1e-3 : 0.05)) * (scaleLr ? Float(ranks) : 1)
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
    // mpirun forwards SIGUSR1 to every rank (SIGINT would kill the job): a clean, saved stop.
    signal(SIGUSR1) { _ in interruptRequested.store(true, ordering: .relaxed) }
    log(
      "training \(net) on \(trainSet.count) images (\(data)), \(epochs) epochs, batch \(batch)\(ranks > 1 ? " × \(ranks) ranks" : ""), \(optimizer) lr \(rate), \(threadCount) threads"
    )
    let history = try NN.train(
      model, on: trainSet, test: testSet, epochs: epochs, batchSize: batch, optimizer: opt,
      seed: seed,
      schedule: sched, progressInterval: 1, threads: threadCount, progress: { report($0) },
      shouldStop: { interruptRequested.load(ordering: .relaxed) }, dataParallel: comm)
    let checksums = try comm?.gatherToRoot(parameterChecksum(model)) ?? [parameterChecksum(model)]
    guard processRank.load(ordering: .relaxed) == 0 else { return }
    if history.stopped { log("interrupted: stopped after \(history.epochs.count) epoch(s)") }
    if let save {
      try MXNetExport.save(model, prefix: save, epoch: history.epochs.count)
      log("saved \(save)-symbol.json and \(save)-\(epochString(history.epochs.count)).params")
    }
    if json {
      var result = results(history, threads: threadCount)
      if case .object(var fields) = result {
        fields["ranks"] = .int(ranks)
        fields["global_batch"] = .int(batch * ranks)
        let trained = history.epochs.reduce(0) { $0 + $1.seconds }
        fields["allreduce_share"] = .number(trained > 0 ? (comm?.allReduceSeconds ?? 0) / trained : 0)
        fields["rank_checksums"] = .array(checksums.map { .string(String($0, radix: 16)) })
        fields["epoch_seconds"] = .array(history.epochs.map { .number($0.seconds) })
        fields["epoch_images"] = .array(history.epochs.map { .int($0.images) })
        result = .object(fields)
      }
      print(result.text)
    }
  }

  private func log(_ line: String) {
    guard processRank.load(ordering: .relaxed) == 0 else { return }
    // write(2) keeps each progress line whole and unbuffered on either stream.
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(json ? 2 : 1, $0.baseAddress, $0.count) }
  }

  private func report(_ p: TrainingProgress) {
    var line =
      "epoch \(p.epoch)/\(p.epochs) batch \(p.batch)/\(p.batches) \(Int(p.imagesPerSecond)) img/s loss \(fmt(p.loss)) acc \(fmt(p.accuracy))"
    if p.epochEnded {
      line += p.testAccuracy.map { " test \(fmt($0))" } ?? ""
    }
    line += " ETA \(Int(p.etaSeconds.rounded()))s"
    log(line)
  }

  private func fmt(_ v: Double) -> String {
    let scaled = Int((v * 10000).rounded())
    let frac = String(scaled % 10000)
    return "\(scaled / 10000).\(String(repeating: "0", count: 4 - frac.count))\(frac)"
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

