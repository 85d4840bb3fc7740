import ArgumentParser
import Classifier
import JSON
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// Set by SIGINT; the training loop stops cleanly between batches.
private let interruptRequested = Atomic<Bool>(false)
/// Set by SIGINT only (not mpirun's SIGUSR1): the run then exits 130, as an interrupted
/// command should, after saving and reporting what it trained.
private let sigintReceived = Atomic<Bool>(false)
/// This process's rank under mpirun (0 otherwise): only rank 0 prints, saves and reports.
private let processRank = Atomic<Int>(0)

/// `tabby train`: trains LeNet or the MLP on MNIST-format data and reports throughput.
struct TrainCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "train",
    abstract: "Train LeNet or an MLP on MNIST-format data (Fashion-MNIST by default).")

  // Defaults shown here are TrainingConfiguration's (shared with train() in a cell), except
  // --epochs: a command-line run trains 5 epochs by default, a cell 1.
  private static let defaults = TrainingConfiguration()

  @Option(help: "Network: lenet or mlp.") var net: String = "lenet"
  @Option(help: "LeNet activation: tanh (classic) or relu.") var activation: String = "tanh"
  @Option(help: "Directory with the four MNIST-format files (raw or .gz).")
  var data: String = Dataset.defaultDirectory
  @Option(parsing: .unconditional, help: "Epochs (train() in a cell defaults to 1).") var epochs: Int = 5
  @Option(parsing: .unconditional, help: "Batch size (per rank under mpirun: the global batch is ranks × batch).")
  var batch: Int = defaults.batchSize
  @Flag(help: "Under mpirun: multiply the learning rate by the number of ranks.")
  var scaleLr = false
  @Option(help: "Optimizer: sgd or adam.") var optimizer: String = defaults.optimizer.rawValue
  @Option(parsing: .unconditional, help: "Learning rate (default: 0.05 for sgd, 0.001 for adam).") var lr: Double?
  @Option(parsing: .unconditional, help: "SGD momentum.") var momentum: Double = defaults.momentum
  @Option(parsing: .unconditional, help: "Weight decay.") var wd: Double = defaults.weightDecay
  @Option(help: "Learning-rate schedule: cosine, step or none.")
  var schedule: String = defaults.schedule.rawValue
  @Option(help: "Seed for initialisation and shuffling.") var seed: UInt64 = defaults.seed
  @Option(parsing: .unconditional, help: "Threads (default: the CPUs this process may use).") var threads: Int?
  @Option(help: DeviceOption.help) var device: String = "cpu"
  @Option(parsing: .unconditional, help: "Use only the first N training images (quick runs).") var limit: Int?
  @Option(parsing: .unconditional, help: "Use only the first N test images.") var testLimit: Int?
  @Option(help: "Write an MXNet checkpoint PREFIX-symbol.json / PREFIX-NNNN.params.") var save:
    String?
  @Option(
    help: "Start from a checkpoint's network and weights (PREFIX of PREFIX-symbol.json; --net is ignored).")
  var initFrom: String?
  @Flag(help: "Print one JSON object with the results on stdout (progress goes to stderr).")
  var json = false

  /// The run these flags ask for: TrainingConfiguration, the same type train() in a cell fills.
  var configuration: TrainingConfiguration {
    get throws {
      var c = TrainingConfiguration()
      c.epochs = epochs
      c.batchSize = batch
      guard let kind = TrainingConfiguration.OptimizerKind(rawValue: optimizer) else {
        throw ValidationError("--optimizer must be sgd or adam")
      }
      c.optimizer = kind
      c.learningRate = lr
      c.momentum = momentum
      c.weightDecay = wd
      guard let s = TrainingConfiguration.Schedule(rawValue: schedule) else {
        throw ValidationError("--schedule must be cosine, step or none")
      }
      c.schedule = s
      c.seed = seed
      c.limit = limit
      c.testLimit = testLimit
      do { try c.validate() } catch { throw ValidationError(error.message) }
      return c
    }
  }

  func validate() throws {
    guard ["lenet", "mlp"].contains(net) else {
      throw ValidationError("--net must be lenet or mlp, not \(net)")
    }
    guard ["tanh", "relu"].contains(activation) else {
      throw ValidationError("--activation must be tanh or relu")
    }
    _ = try configuration
    if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    _ = try DeviceOption.parse(device)
    if let save { try Self.checkSaveDirectory(save) }
  }

  /// `--save DIR/prefix` fails before training, not after it, when DIR is not a writable
  /// directory.
  static func checkSaveDirectory(_ prefix: String) throws {
    guard !prefix.isEmpty, !prefix.hasSuffix("/") else {
      throw ValidationError("--save takes a file prefix (DIR/name), not '\(prefix)'")
    }
    let slash = prefix.lastIndex(of: "/")
    let directory = slash.map { $0 == prefix.startIndex ? "/" : String(prefix[..<$0]) } ?? "."
    var info = stat()
    guard stat(directory, &info) == 0, info.st_mode & 0o170000 == 0o040000 else {
      throw ValidationError("--save \(prefix): the directory \(directory) does not exist")
    }
    guard access(directory, W_OK) == 0 else {
      throw ValidationError("--save \(prefix): the directory \(directory) is not writable")
    }
  }

  func run() throws {
    // Started by mpirun with several ranks: join the job (Open MPI is loaded only then).
    guard let ranks = try TrainingRanks.joinIfLaunched() else {
      try trainRun(ranks: nil)
      return try exitIfInterrupted()
    }
    processRank.store(ranks.rank, ordering: .relaxed)
    do {
      try trainRun(ranks: ranks)
    } catch {
      // Abort the whole job: the other ranks would otherwise wait for us in a collective.
      let line = Array("tabby train: rank \(ranks.rank) of \(ranks.size) failed: \(error)\n".utf8)
      _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
      ranks.abort()
    }
    ranks.finalize()
    try exitIfInterrupted()
  }

  /// Ctrl-C stopped the run: it was saved and reported; the exit status says it was cut short.
  private func exitIfInterrupted() throws {
    if sigintReceived.load(ordering: .relaxed) { throw ExitCode(130) }
  }

  private func trainRun(ranks: TrainingRanks?) throws {
    let size = ranks?.size ?? 1
    var config = try configuration
    if scaleLr { config.learningRate = config.effectiveLearningRate * Double(size) }
    let context = try DeviceOption.context(device, threads: threads)
    let dataset = try Dataset.load(directory: data)
    let model = try makeModel(classNames: dataset.classNames)
    signal(SIGINT) { _ in
      sigintReceived.store(true, ordering: .relaxed)
      interruptRequested.store(true, ordering: .relaxed)
    }
    // mpirun forwards SIGUSR1 to every rank (SIGINT would kill the job): a clean, saved stop.
    signal(SIGUSR1) { _ in interruptRequested.store(true, ordering: .relaxed) }
    let images = limit.map { min($0, dataset.train.count) } ?? dataset.train.count
    log(
      "training \(initFrom ?? net) on \(images) images (\(data)), \(epochs) epochs, batch \(batch)\(size > 1 ? " × \(size) ranks" : ""), \(optimizer) lr \(config.effectiveLearningRate), \(context.device == .cpu ? "\(context.threads) threads" : "on \(context.device)\(context.gpuIsEmulated ? " (emulated)" : "")")"
    )
    let history = try Trainer(config, context: context).train(
      model, on: dataset.train, test: dataset.test, progressInterval: 1,
      progress: { report($0) }, shouldStop: { interruptRequested.load(ordering: .relaxed) },
      ranks: ranks)
    let checksums = try ranks?.checksums(of: model) ?? [model.parameterChecksum]
    guard processRank.load(ordering: .relaxed) == 0 else { return }
    if history.stopped { log("interrupted: stopped after \(history.epochs.count) epoch(s)") }
    if let save {
      let files = try model.save(prefix: save, epoch: history.epochs.count)
      log("saved \(files.symbol) and \(files.params)")
    }
    if json {
      var result = results(history, threads: context.threads)
      if case .object(var fields) = result {
        fields["device"] = .string(context.device.description)
        fields["ranks"] = .int(size)
        fields["global_batch"] = .int(batch * size)
        let trained = history.epochs.reduce(0) { $0 + $1.seconds }
        fields["allreduce_share"] = .number(trained > 0 ? (ranks?.allReduceSeconds ?? 0) / trained : 0)
        fields["rank_checksums"] = .array(checksums.map { .string(String($0, radix: 16)) })
        result = .object(fields)
      }
      print(result.text)
    }
  }

  /// The network to train: a checkpoint's (`--init-from`, a notebook's workers start from
  /// the notebook's model) or a fresh LeNet/MLP.
  private func makeModel(classNames: [String]) throws -> TrainableModel {
    guard let initFrom else {
      return net == "mlp"
        ? try TrainableModel.mlp(seed: seed, classNames: classNames)
        : TrainableModel.lenet(
          activation: activation == "relu" ? .relu : .tanh, seed: seed, classNames: classNames)
    }
    guard case .trainable(let model) = try ClassifierSession().load(initFrom) else {
      throw ValidationError("--init-from \(initFrom): not a trainable feed-forward checkpoint (LeNet or MLP)")
    }
    return model
  }

  private func log(_ line: String) {
    guard processRank.load(ordering: .relaxed) == 0 else { return }
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
      "epoch_seconds": .array(h.epochs.map { .number($0.seconds) }),
      "epoch_images": .array(h.epochs.map { .int($0.images) }),
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
