import NN

#if canImport(Glibc)
  import Glibc
#endif

/// A data-parallel `tabby train` run on N worker processes started through `mpirun`, as a
/// notebook's `train(model, data, workers=N)` uses it: rank 0's progress lines come back as
/// `TrainingProgress`, its `--json` result as a `TrainingHistory`.
public struct WorkerJob: Sendable {
  /// Worker processes (MPI ranks) and an optional Open MPI host file spreading them.
  public var workers: Int, hostfile: String?
  /// The tabby executable the workers run, and the `tabby train` arguments after `train`.
  public var tabby: String, trainArguments: [String]

  /// Describes a job; nothing starts until `run`.
  public init(workers: Int, hostfile: String? = nil, tabby: String, trainArguments: [String]) {
    self.workers = workers
    self.hostfile = hostfile
    self.tabby = tabby
    self.trainArguments = trainArguments
  }

  /// The mpirun command line: on one machine more ranks than cores are allowed and ranks are
  /// not pinned (they share this machine with the kernel); a host file decides otherwise.
  public func command(mpirun: String) -> [String] {
    var argv = [mpirun, "-np", String(workers)]
    if let hostfile {
      argv += ["--hostfile", hostfile]
    } else {
      argv += ["--oversubscribe"]
    }
    argv += ["--bind-to", "none", tabby, "train"] + trainArguments + ["--json"]
    return argv
  }

  /// Finds `mpirun` on a PATH-style list of directories.
  public static func locateMPIRun(searchPath: String) throws -> String {
    for dir in searchPath.split(separator: ":") where !dir.isEmpty {
      let candidate = "\(dir)/mpirun"
      if access(candidate, X_OK) == 0 { return candidate }
    }
    throw DistributedError(
      "mpirun not found on PATH: training with workers= needs Open MPI's launcher (Debian package openmpi-bin)"
    )
  }

  /// Runs the job to its end, reporting rank 0's progress; when `shouldStop` turns true the
  /// ranks get SIGUSR1 (through mpirun) and stop together at the next batch. A failed job
  /// (a rank killed, an error) throws with mpirun's last lines, which name the rank.
  public func run(
    progress: (TrainingProgress) -> Void, shouldStop: () -> Bool
  ) throws -> (exitStatus: Int32, stdout: String, stderr: String) {
    let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
    let child = try SpawnedProcess(argv: command(mpirun: try Self.locateMPIRun(searchPath: path)))
    var stdout: [UInt8] = []
    var stderr = LineBuffer()
    var errorText: [String] = []
    var signalled = false
    while true {
      let chunks = child.read(timeoutMilliseconds: 100)
      stdout += chunks.stdout
      for line in stderr.append(chunks.stderr) {
        if let p = ProgressLine.parse(line) { progress(p) } else { errorText.append(line) }
      }
      if !signalled, shouldStop() {
        signalled = true
        kill(child.pid, SIGUSR1)
      }
      if chunks.closed { break }
    }
    let status = child.wait()
    let tail = errorText.suffix(40).joined(separator: "\n")
    return (status, String(decoding: stdout, as: UTF8.self), tail)
  }
}

/// Splits a byte stream into lines.
struct LineBuffer {
  private var pending: [UInt8] = []
  mutating func append(_ bytes: [UInt8]) -> [String] {
    pending += bytes
    var lines: [String] = []
    while let nl = pending.firstIndex(of: 10) {
      lines.append(String(decoding: pending[..<nl], as: UTF8.self))
      pending.removeSubrange(...nl)
    }
    return lines
  }
}

/// `tabby train`'s progress line, read back:
/// "epoch 1/2 batch 30/94 512 img/s loss 0.6412 acc 0.7700 [test 0.8100] ETA 12s"; the test
/// accuracy marks an epoch's end (the notebook always trains with a test split).
public enum ProgressLine {
  /// The progress a line reports, or nil for any other line.
  public static func parse(_ line: String) -> TrainingProgress? {
    let w = line.split(separator: " ").map(String.init)
    guard w.count == 12 || w.count == 14, w[0] == "epoch", w[2] == "batch", w[5] == "img/s",
      w[6] == "loss",
      w[8] == "acc", w[w.count - 2] == "ETA"
    else { return nil }
    func pair(_ s: String) -> (Int, Int)? {
      let p = s.split(separator: "/")
      guard p.count == 2, let a = Int(p[0]), let b = Int(p[1]) else { return nil }
      return (a, b)
    }
    guard let (epoch, epochs) = pair(w[1]), let (batch, batches) = pair(w[3]),
      let rate = Double(w[4]), let loss = Double(w[7]), let acc = Double(w[9]),
      let eta = Double(w[w.count - 1].dropLast())
    else { return nil }
    var test: Double?
    if w.count == 14 {
      guard w[10] == "test", let t = Double(w[11]) else { return nil }
      test = t
    }
    return TrainingProgress(
      reportedEpoch: epoch, of: epochs, batch: batch, of: batches, imagesPerSecond: rate,
      loss: loss, accuracy: acc, etaSeconds: eta, testAccuracy: test)
  }
}
