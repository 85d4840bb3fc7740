import Testing

@testable import Distributed

@Test func progressLinesParseBackIntoReports() throws {
  let mid = try #require(
    ProgressLine.parse("epoch 1/2 batch 30/94 512 img/s loss 0.6412 acc 0.7700 ETA 12s"))
  #expect(mid.epoch == 1 && mid.epochs == 2 && mid.batch == 30 && mid.batches == 94)
  #expect(mid.imagesPerSecond == 512 && mid.loss == 0.6412 && mid.accuracy == 0.77)
  #expect(mid.etaSeconds == 12 && !mid.epochEnded && mid.testAccuracy == nil)
  let end = try #require(
    ProgressLine.parse("epoch 2/2 batch 94/94 500 img/s loss 0.5 acc 0.8 test 0.8100 ETA 0s"))
  #expect(end.epochEnded && end.testAccuracy == 0.81)
}

@Test(arguments: [
  "training lenet on 1024 images", "mpirun noticed that process rank 1 exited on signal 9",
  "epoch x/2 batch 30/94 512 img/s loss 0.6 acc 0.7 ETA 1s",
  "epoch 1/2 batch 30/94 512 img/s loss 0.6 acc 0.7 nope 0.1 ETA 1s", "",
])
func otherLinesAreNotProgress(_ line: String) {
  #expect(ProgressLine.parse(line) == nil)
}

@Test func commandRunsTabbyTrainOnEveryWorker() {
  let local = WorkerJob(workers: 3, tabby: "/bin/tabby", trainArguments: ["--epochs", "2"])
  #expect(
    local.command(mpirun: "/usr/bin/mpirun") == [
      "/usr/bin/mpirun", "-np", "3", "--oversubscribe", "--bind-to", "none", "/bin/tabby", "train",
      "--epochs", "2", "--json",
    ])
  let hosts = WorkerJob(workers: 8, hostfile: "/h", tabby: "t", trainArguments: [])
  #expect(hosts.command(mpirun: "m").prefix(5) == ["m", "-np", "8", "--hostfile", "/h"])
}

@Test func aMissingMPIRunNamesItsPackage() {
  #expect(throws: DistributedError.self) { try WorkerJob.locateMPIRun(searchPath: "/nonexistent:") }
  do {
    _ = try WorkerJob.locateMPIRun(searchPath: "/nonexistent")
  } catch {
    #expect("\(error)".contains("openmpi-bin"))
  }
}

@Test func linesSplitAcrossChunks() {
  var buffer = LineBuffer()
  #expect(buffer.append(Array("ab".utf8)) == [])
  #expect(buffer.append(Array("c\nde\n\nf".utf8)) == ["abc", "de", ""])
  #expect(buffer.append(Array("\n".utf8)) == ["f"])
}
