import CellLanguage
import Foundation
import JSON
import NN
import Tensor
import Testing

@testable import TabbyKernel

/// Collects what a cell shows, for in-process tests of the classifier built-ins.
final class SessionSink: OutputSink {
  var streams: [(OutputStreamName, String)] = []
  var displays: [(MimeBundle, String?)] = []
  var updates: [(MimeBundle, String)] = []
  func stream(_ name: OutputStreamName, _ text: String) { streams.append((name, text)) }
  func display(_ bundle: MimeBundle, displayID: String?) { displays.append((bundle, displayID)) }
  func updateDisplay(_ bundle: MimeBundle, displayID: String) {
    updates.append((bundle, displayID))
  }
  func clearOutput(wait: Bool) {}
  func readInput(prompt: String, password: Bool) throws -> String { "" }
}

/// An interpreter with the session built-ins and a way to run cells and read results.
struct BuiltinsHarness {
  let interpreter = Interpreter(colorTracebacks: false)
  let sink = SessionSink()
  init() { SessionBuiltins.install(into: interpreter) }

  @discardableResult
  func run(_ code: String) throws(LanguageError) -> String? {
    let context = ExecutionContext(sink: sink, interrupt: InterruptFlag(), allowStdin: false)
    guard
      case .string(let text)? = try interpreter.execute(code, context: context).result?.data[
        "text/plain"]
    else { return nil }
    return text
  }

  func error(_ code: String) -> LanguageError? {
    do { try run(code) } catch { return error }
    return nil
  }
}

let noGPU = Device.cudaDeviceCount() == 0

@Test func contextStartsOnTheCPUAndSurvivesAFailedSwitch() throws {
  let s = BuiltinsHarness()
  #expect(try s.run("ctx()") == "ctx(cpu, threads=\(Threads.available))")
  #expect(try s.run("ctx(cpu, threads=1)") == "ctx(cpu, threads=1)")
  let e = try #require(s.error("ctx(gpu)"))
  #expect(e.ename == "DeviceError")
  if noGPU { #expect(e.evalue == "no CUDA device found on this machine — use ctx(cpu)") }
  #expect(try s.run("ctx()") == "ctx(cpu, threads=1)")
  #expect(try s.run("ctx().device") == "cpu")
}

@Test(arguments: [
  ("ctx(cpu, threads=0)", "ValueError"), ("ctx('cpu')", "TypeError"), ("gpu(-1)", "ValueError"),
  ("mlp(hidden=[0])", "ValueError"), ("mlp(hidden='x')", "TypeError"),
  ("lenet(activation='none')", "ValueError"),
  ("train(lenet(), None)", "TypeError"), ("evaluate(lenet(), 3)", "TypeError"),
  ("predict(lenet(), 4)", "ValueError"),
  ("predict(lenet(), [], top=0)", "ValueError"), ("summary(3)", "TypeError"),
  ("save(3, 'x')", "TypeError"),
])
func badArgumentsAreNamedErrors(code: String, ename: String) {
  #expect(BuiltinsHarness().error(code)?.ename == ename)
}

@Test func mlpSummaryCountsParameters() throws {
  let s = BuiltinsHarness()
  try s.run("m = mlp(hidden=[16, 8])")
  let text = try #require(try s.run("summary(m)"))
  let expected = (784 * 16 + 16) + (16 * 8 + 8) + (8 * 10 + 10)
  #expect(text.contains("fc1 (Dense+relu)") && text.contains("fc3 (Dense)"))
  #expect(text.contains("total parameters: \(expected)"))
  #expect(try s.run("m.parameters") == String(expected))
  #expect(try s.run("m.input_shape") == "(1, 28, 28)")
}

@Test(
  arguments: [("(5, 5)", [5, 5]), ("(2,2)", [2, 2]), ("3", [3]), ("()", nil), (nil, nil)]
    as [(String?, [Int]?)])
func symbolTuples(text: String?, expected: [Int]?) {
  #expect(Checkpoint.tuple(text) == expected)
}

func sessionScratchDirectory() throws -> String {
  let dir = NSTemporaryDirectory() + "tabby-session-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

@Test func lenetCheckpointRoundTripsExactly() throws {
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  let net = Models.lenet(activation: .relu, seed: 7)
  try Checkpoint.save(net, prefix: dir + "/lenet", epoch: 3)
  for given in ["lenet", "lenet-symbol.json", "lenet-0003.params"] {
    let found = try #require(Checkpoint.locate(dir + "/" + given, epoch: nil))
    #expect(found.prefix == dir + "/lenet" && found.epoch == 3)
  }
  let (loaded, shape) = try #require(try Checkpoint.network(prefix: dir + "/lenet", epoch: 3))
  #expect(shape == [1, 28, 28])
  #expect(loaded.layers.map(\.kind) == net.layers.map(\.kind))
  for (a, b) in zip(net.parameters, loaded.parameters) {
    #expect(a.name == b.name && a.value.scalars == b.value.scalars)
  }
  let input = try Tensor(shape: [2, 1, 28, 28], scalars: (0..<1568).map { Float($0 % 255) / 255 })
  #expect(try net(input).scalars == (try loaded(input)).scalars)
}

@Test func checkpointErrorsNameTheFile() throws {
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try Checkpoint.save(Models.mlp(seed: 1), prefix: dir + "/mlp", epoch: 1)
  #expect(Checkpoint.locate(dir + "/nothing", epoch: nil) == nil)
  try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/mlp-0001.params"))
  do {
    _ = try Checkpoint.network(prefix: dir + "/mlp", epoch: 1)
    Issue.record("a corrupt .params file loaded")
  } catch let e as CellError {
    #expect(e.ename == "ModelLoadError" && e.message.contains("mlp-0001.params"))
  }
}

@Test func unknownOperatorsFallBackToTheClassifier() throws {
  let nodes: [JSON] = [["op": "null", "name": "data"], ["op": "BatchNorm", "name": "bn"]]
  #expect(try Checkpoint.layers(nodes, [:]) == nil)
}

@Test func trainingStreamsBoundedUpdatesAndAHistory() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try writeTinyMNIST(dir, count: 256)
  try s.run("d = mnist('\(dir)')\nm = mlp(hidden=[16])")
  #expect(try s.run("d.train.count, d.test.count, d.test[3].label") == "(256, 256, 3)")
  try s.run("h = train(m, d, epochs=2, batch=32)")
  let ids = Set(s.sink.displays.compactMap(\.1))
  #expect(ids.count == 2)
  #expect(Set(s.sink.updates.map(\.1)).isSubset(of: ids))
  #expect(s.sink.updates.contains { $0.0.data["image/svg+xml"] != nil })
  #expect(try s.run("len(h.epochs), m.history.stopped, h.epochs[1]['epoch']") == "(2, False, 2)")
  let p = try #require(try s.run("p = predict(m, [0, d.test[1]], top=3)\np[1]"))
  #expect(p.hasPrefix("test[1] (true: 1)"))
  #expect(try s.run("len(p[0].top), p[0][0].rank") == "(3, 1)")
}

@Test func anInterruptedTrainingKeepsItsPartialHistory() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try writeTinyMNIST(dir, count: 64)
  try s.run("d = mnist('\(dir)')\nm = mlp(hidden=[8])")
  let flag = InterruptFlag()
  flag.raise()
  let context = ExecutionContext(sink: s.sink, interrupt: flag, allowStdin: false)
  do {
    _ = try s.interpreter.execute("train(m, d, epochs=3)", context: context)
    Issue.record("an interrupted train returned normally")
  } catch {
    #expect(error.ename == "KeyboardInterrupt")
  }
  #expect(s.sink.streams.contains { $0.1.contains("training interrupted at the first batch") })
  #expect(try s.run("m.history.stopped") == "True")
}

/// Four IDX files of `count` 28×28 images whose label is `index % 10`.
func writeTinyMNIST(_ dir: String, count: Int) throws {
  func idx(_ magic: UInt8, _ dims: [Int], _ body: [UInt8]) -> Data {
    var d = Data([0, 0, 8, magic])
    for n in dims { d.append(contentsOf: withUnsafeBytes(of: UInt32(n).bigEndian, Array.init)) }
    d.append(contentsOf: body)
    return d
  }
  let labels = (0..<count).map { UInt8($0 % 10) }
  let pixels = (0..<count).flatMap { i in (0..<784).map { UInt8(($0 * (i % 10 + 1)) % 256) } }
  for split in ["train", "t10k"] {
    try idx(3, [count, 28, 28], pixels).write(
      to: URL(fileURLWithPath: "\(dir)/\(split)-images-idx3-ubyte"))
    try idx(1, [count], labels).write(to: URL(fileURLWithPath: "\(dir)/\(split)-labels-idx1-ubyte"))
  }
}
