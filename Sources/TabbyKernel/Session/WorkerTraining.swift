import CellLanguage
import Distributed
import Foundation
import JSON
import ModelIO
import NN
import Tensor

/// `train(model, data, workers=N, hosts=None)`: the same run as `train` spread over N
/// `tabby train` processes under mpirun (Distributed/WorkerLauncher.swift). The model goes to
/// the workers as a checkpoint, their progress into the usual live display, and rank 0's
/// weights back into the model; a failed job leaves the model as it was.
extension SessionBuiltins {
  static func trainOnWorkers(
    _ a: BoundArguments, _ ctx: CallContext, _ state: SessionState, model: NetModel, workers: Int,
    epochs: Int, batch: Int
  ) throws -> Value {
    let hosts = try a.string("hosts")
    guard (1...1024).contains(workers) else {
      throw CellError.valueError("workers must be between 1 and 1024, not \(workers)")
    }
    let data = try diskDataset(a["data"])
    let dir = try workDirectory()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Checkpoint.save(model.network, prefix: dir + "/start", epoch: 0)
    let tabby = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
    let arguments = try workerArguments(
      a, data: data, epochs: epochs, batch: batch, workers: workers, dir: dir)
    let job = WorkerJob(workers: workers, hostfile: hosts, tabby: tabby, trainArguments: arguments)
    let display = TrainingDisplay(
      sink: ctx.sink, barID: state.newDisplayID("progress"), chartID: state.newDisplayID("curve"),
      images: data.train.images.count, epochs: epochs)
    let run: (exitStatus: Int32, stdout: String, stderr: String)
    do {
      run = try job.run(progress: { display.report($0) }, shouldStop: { ctx.interrupt.isRaised })
    } catch let e as DistributedError { throw CellError(ename: "RuntimeError", e.description) }
    guard run.exitStatus == 0, let result = try? JSON.parse(run.stdout) else {
      display.finish(stoppedAt: "failure")
      throw CellError(
        ename: "RuntimeError",
        "the \(workers) workers failed (mpirun exit status \(run.exitStatus)); the model keeps its weights:\n\(run.stderr)"
      )
    }
    let history = workerHistory(result)
    let trained = dir + "/trained-" + epochText(result["epochs"]?.intValue ?? 0) + ".params"
    try loadWeights(trained, into: model.network)
    let stoppedAt =
      history.stopped
      ? stopPoint(history, images: data.train.images.count, batch: batch * workers, epochs: epochs)
      : nil
    display.finish(stoppedAt: stoppedAt)
    let value = HistoryValue(history, curve: display.curve, stoppedAt: stoppedAt)
    model.history = value
    if let stoppedAt {
      ctx.sink.stream(
        .stderr, "training interrupted at \(stoppedAt); model.history holds the partial history\n")
      try ctx.checkInterrupt()
    }
    return .host(value)
  }

  /// A data set the workers can load themselves: one mnist() read from a directory.
  static func diskDataset(_ v: Value?) throws -> DatasetValue {
    guard case .host(let d as DatasetValue)? = v else {
      throw CellError.typeError(
        "train(workers=...) needs a Dataset from mnist(path) that every worker can read from disk; "
          + "a split or an in-memory data set cannot be sent to other processes")
    }
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: d.path, isDirectory: &isDir), isDir.boolValue
    else {
      throw CellError.valueError(
        "train(workers=...) needs the data set's files on disk, and \(d.path) is not a directory")
    }
    return d
  }

  /// A fresh directory for the start and trained checkpoints, under the working directory so a
  /// host file's other machines see it when the notebook directory is shared.
  static func workDirectory() throws -> String {
    let dir =
      FileManager.default.currentDirectoryPath + "/.tabby-workers-" + UUID().uuidString.prefix(8)
    do {
      try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    } catch {
      throw CellError(ename: "OSError", "cannot create \(dir) for the workers: \(error)")
    }
    return dir
  }

  /// `tabby train` arguments that repeat this call: same data (and limits), optimizer, seed,
  /// no schedule (as `train` here), each worker's share of this machine's threads.
  static func workerArguments(
    _ a: BoundArguments, data: DatasetValue, epochs: Int, batch: Int, workers: Int, dir: String
  ) throws -> [String] {
    let optimizer = try a.string("optimizer", default: "sgd")
    _ = try makeOptimizer(a)  // the same validation as a local run
    var args = [
      "--init-from", dir + "/start", "--data", data.path,
      "--limit", String(data.train.images.count), "--test-limit", String(data.test.images.count),
      "--epochs", String(epochs), "--batch", String(batch), "--optimizer", optimizer,
      "--schedule", "none", "--seed", String(try a.int("seed", default: 42)),
      "--wd", String(try a.double("wd", default: 1e-4)),
      "--momentum", String(try a.double("momentum", default: 0.9)),
      "--threads", String(max(1, Threads.available / workers)), "--save", dir + "/trained",
    ]
    let lr = try a.double("lr", default: optimizer == "adam" ? 0.001 : 0.05)
    args += ["--lr", String(lr)]
    return args
  }

  /// rank 0's JSON result as a history.
  static func workerHistory(_ r: JSON) -> TrainingHistory {
    func numbers(_ key: String) -> [Double] {
      r[key]?.arrayValue?.compactMap { $0.doubleValue } ?? []
    }
    let (loss, acc, test, secs, images) = (
      numbers("train_loss"), numbers("train_accuracy"), numbers("test_accuracy"),
      numbers("epoch_seconds"), numbers("epoch_images")
    )
    let count = min(loss.count, acc.count, secs.count, images.count)
    let records = (0..<count).map { i in
      EpochRecord(
        reportedEpoch: i + 1, loss: loss[i], trainAccuracy: acc[i],
        testAccuracy: i < test.count ? test[i] : nil, seconds: secs[i], images: Int(images[i]))
    }
    return TrainingHistory(reportedEpochs: records, stopped: r["interrupted"]?.boolValue ?? false)
  }

  /// Reads every parameter first and assigns only when all match: a bad file changes nothing.
  static func loadWeights(_ path: String, into net: Sequential) throws {
    var byName: [String: HostArray] = [:]
    do {
      for e in try MXNetParams.read(path: path) {
        guard let name = e.name, let array = e.array else { continue }
        byName[String(name.split(separator: ":").last ?? "")] = array
      }
    } catch { throw CellError(ename: "ModelLoadError", "\(path): \(error)") }
    var values: [Tensor] = []
    for p in net.parameters {
      guard let array = byName[p.name], array.shape == p.value.shape else {
        throw CellError(
          ename: "ModelLoadError", "\(path): parameter \(p.name) is missing or has another shape")
      }
      values.append(try Tensor(shape: array.shape, scalars: array.floats()))
    }
    for (p, v) in zip(net.parameters, values) { p.value = v }
  }

  static func epochText(_ epoch: Int) -> String {
    String(repeating: "0", count: max(0, 4 - String(epoch).count)) + String(epoch)
  }
}

/// The network and weights of a checkpoint written by `save(model, prefix)` or a notebook's
/// `train(workers=)`, for `tabby train --init-from`.
public enum WorkerCheckpoint {
  /// The feed-forward net at PREFIX's latest epoch, weights loaded.
  public static func network(prefix: String) throws -> Sequential {
    guard let (p, epoch) = Checkpoint.locate(prefix, epoch: nil),
      let (net, _) = try Checkpoint.network(prefix: p, epoch: epoch)
    else {
      throw CellError(
        ename: "ModelLoadError",
        "\(prefix): no trainable feed-forward checkpoint (PREFIX-symbol.json)")
    }
    return net
  }
}
