import Distributed
import Foundation
import JSON
import ModelIO
import NN
import Tensor

/// A notebook's `train(model, data, workers=N, hosts=None)`: the same run spread over N
/// `tabby train` processes under mpirun (Distributed/WorkerLauncher.swift). The model goes
/// to the workers as a checkpoint, their progress comes back line by line, and rank 0's
/// weights go back into the model; a failed job leaves the model as it was.
public struct WorkerTraining {
  /// Processes to train on, and an Open MPI host file (nil: all on this machine).
  public let workers: Int
  public let hostfile: String?

  /// Checks the worker count (1…1024).
  public init(workers: Int, hostfile: String? = nil) throws(ClassifierError) {
    guard (1...1024).contains(workers) else {
      throw ClassifierError(.invalidArgument, "workers must be between 1 and 1024, not \(workers)")
    }
    self.workers = workers
    self.hostfile = hostfile
  }

  /// Trains `model` on `dataset` (read again from disk by every worker) with `configuration`,
  /// each worker taking its share of `context`'s threads. `progress` sees rank 0's reports;
  /// when `shouldStop` turns true the workers stop together at their next batch.
  public func train(
    _ model: TrainableModel, on dataset: Dataset, configuration: TrainingConfiguration,
    context: ComputeContext, progress: (TrainingProgress) -> Void, shouldStop: () -> Bool
  ) throws -> TrainingHistory {
    try configuration.validate()
    try Self.checkOnDisk(dataset)
    let dir = try Self.makeWorkDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try model.save(prefix: dir + "/start", epoch: 0)
    let job = WorkerJob(
      workers: workers, hostfile: hostfile, tabby: try Self.runningExecutable(),
      trainArguments: arguments(configuration, dataset: dataset, context: context, dir: dir))
    let run: (exitStatus: Int32, stdout: String, stderr: String)
    do { run = try job.run(progress: progress, shouldStop: shouldStop) } catch let e as DistributedError {
      throw ClassifierError(.invalidArgument, e.description)
    }
    guard run.exitStatus == 0, let result = try? JSON.parse(run.stdout) else {
      throw WorkerFailure(
        "the \(workers) workers failed (mpirun exit status \(run.exitStatus)); the model keeps its weights:\n\(run.stderr)"
      )
    }
    let epochs = result["epochs"]?.intValue ?? 0
    try model.loadWeights(params: MXNetCheckpoint.paramsPath(prefix: dir + "/trained", epoch: epochs))
    return Self.history(result)
  }

  /// `tabby train` flags that repeat this run: same data (and its limits), optimizer,
  /// schedule and seed; each worker gets its share of the context's threads.
  func arguments(
    _ c: TrainingConfiguration, dataset: Dataset, context: ComputeContext, dir: String
  ) -> [String] {
    [
      "--init-from", dir + "/start", "--data", dataset.path,
      "--limit", String(dataset.train.count), "--test-limit", String(dataset.test.count),
      "--epochs", String(c.epochs), "--batch", String(c.batchSize),
      "--optimizer", c.optimizer.rawValue, "--lr", String(c.effectiveLearningRate),
      "--momentum", String(c.momentum), "--wd", String(c.weightDecay),
      "--schedule", c.schedule.rawValue, "--seed", String(c.seed),
      "--threads", String(max(1, context.threads / workers)), "--save", dir + "/trained",
    ]
  }

  /// The workers read the data set again: it must be a directory of MNIST-format files.
  static func checkOnDisk(_ dataset: Dataset) throws(ClassifierError) {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: dataset.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw ClassifierError(
        .invalidArgument,
        "train(workers=...) needs the data set's files on disk, and \(dataset.path) is not a directory")
    }
  }

  /// A fresh directory for the start and trained checkpoints, under the working directory
  /// so a host file's other machines see it when the notebook directory is shared.
  static func makeWorkDirectory() throws(ClassifierError) -> String {
    let dir =
      FileManager.default.currentDirectoryPath + "/.tabby-workers-" + UUID().uuidString.prefix(8)
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw ClassifierError(.invalidArgument, "cannot create \(dir) for the workers: \(error)")
    }
    return dir
  }

  /// The workers run this same binary (`tabby train`).
  static func runningExecutable() throws(ClassifierError) -> String {
    do { return try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") } catch {
      throw ClassifierError(.invalidArgument, "cannot find the running tabby binary: \(error)")
    }
  }

  /// Rank 0's `--json` result as a history.
  static func history(_ r: JSON) -> TrainingHistory {
    func numbers(_ key: String) -> [Double] { r[key]?.arrayValue?.compactMap { $0.doubleValue } ?? [] }
    let (loss, acc, test) = (numbers("train_loss"), numbers("train_accuracy"), numbers("test_accuracy"))
    let (secs, images) = (numbers("epoch_seconds"), numbers("epoch_images"))
    let count = min(loss.count, acc.count, secs.count, images.count)
    let records = (0..<count).map { i in
      EpochRecord(
        reportedEpoch: i + 1, loss: loss[i], trainAccuracy: acc[i],
        testAccuracy: i < test.count ? test[i] : nil, seconds: secs[i], images: Int(images[i]))
    }
    return TrainingHistory(reportedEpochs: records, stopped: r["interrupted"]?.boolValue ?? false)
  }
}

/// The worker job failed (a rank died or reported an error); carries mpirun's last lines.
public struct WorkerFailure: Error, CustomStringConvertible {
  public let description: String
  init(_ description: String) { self.description = description }
}

extension TrainableModel {
  /// Replaces the weights with those of an MXNet `.params` file: every parameter is read and
  /// checked first, so a bad file changes nothing.
  public func loadWeights(params path: String) throws(ClassifierError) {
    var byName: [String: HostArray] = [:]
    do {
      for e in try MXNetParams.read(path: path) {
        guard let name = e.name, let array = e.array else { continue }
        byName[String(name.split(separator: ":").last ?? "")] = array
      }
    } catch { throw ClassifierError(.badModel, "\(path): \(error)") }
    var values: [Tensor] = []
    for p in network.parameters {
      guard let array = byName[p.name], array.shape == p.value.shape,
        let value = try? Tensor(shape: array.shape, scalars: array.floats())
      else {
        throw ClassifierError(.badModel, "\(path): parameter \(p.name) is missing or has another shape")
      }
      values.append(value)
    }
    for (p, v) in zip(network.parameters, values) { p.value = v }
  }
}
