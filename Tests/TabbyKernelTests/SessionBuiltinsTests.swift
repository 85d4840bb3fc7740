import CellLanguage
import Classifier
import Foundation
import JSON
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

let noGPU = ComputeDevice.cudaDeviceCount() == 0

@Test func contextStartsOnTheCPUAndSurvivesAFailedSwitch() throws {
  let s = BuiltinsHarness()
  #expect(try s.run("ctx()") == "ctx(cpu, threads=\(ComputeContext.availableThreads))")
  #expect(try s.run("ctx(cpu, threads=1)") == "ctx(cpu, threads=1)")
  let e = try #require(s.error("ctx(gpu)"))
  #expect(e.ename == "DeviceError")
  if noGPU { #expect(e.evalue == "no CUDA device found on this machine — use ctx(cpu)") }
  #expect(try s.run("ctx()") == "ctx(cpu, threads=1)")
  #expect(try s.run("ctx().device") == "cpu")
  #expect(try s.run("ctx(threads=2)") == "ctx(cpu, threads=2)")
  #expect(try s.run("ctx(None, threads=1)") == "ctx(cpu, threads=1)")
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

func sessionScratchDirectory() throws -> String {
  let dir = NSTemporaryDirectory() + "tabby-session-\(UUID().uuidString)"
  try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
  return dir
}

@Test func aSavedLenetLoadsBackTrainableFromEveryPathForm() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try s.run("m = lenet(activation='relu', seed=7)\nsave(m, '\(dir)/lenet', epoch=3)")
  for given in ["lenet", "lenet-symbol.json", "lenet-0003.params"] {
    try s.run("r = load('\(dir)/\(given)')")
    #expect(try s.run("repr(r)")?.contains("Model(\(dir)/lenet epoch 3") == true)
    #expect(try s.run("r.input_shape, r.parameters == m.parameters") == "((1, 28, 28), True)")
  }
  let e = try #require(s.error("load('\(dir)/lenet', epoch=9)"))
  #expect(e.ename == "FileNotFoundError" && e.evalue.contains("no epoch 9"))
}

@Test func aCorruptCheckpointNamesTheFile() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try s.run("save(mlp(seed=1), '\(dir)/mlp', epoch=1)")
  try Data([1, 2, 3]).write(to: URL(fileURLWithPath: dir + "/mlp-0001.params"))
  let e = try #require(s.error("load('\(dir)/mlp')"))
  #expect(e.ename == "ModelLoadError" && e.evalue.contains("mlp-0001.params"))
}

/// `lr=None` is what inspection shows, so passing it means "the optimizer's default".
@Test func anExplicitNoneMeansTheDeclaredDefault() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try writeTinyMNIST(dir, count: 64)
  try s.run("d = mnist('\(dir)', limit=None, test_limit=None)\nm = mlp(hidden=[8])")
  #expect(try s.run("len(train(m, d, lr=None, schedule='none').epochs)") == "1")
  #expect(try s.run("ctx(None, threads=None)") == "ctx(cpu, threads=\(ComputeContext.availableThreads))")
}

/// The signature help shows is the configuration's defaults, and binding with no options
/// gives exactly `TrainingConfiguration()`: one declaration, one set of defaults.
@Test func trainsSignatureIsTheSharedConfiguration() throws {
  let builtin = SessionBuiltins.trainBuiltin(SessionState())
  let d = TrainingConfiguration()
  #expect(builtin.signature.text.contains("epochs=\(d.epochs), batch=\(d.batchSize), lr=None"))
  #expect(builtin.signature.text.contains("schedule='\(d.schedule.rawValue)'"))
  let bound = try builtin.signature.bind(Arguments([.none, .none]))
  #expect(try SessionBuiltins.configuration(bound) == d)
  let explicit = try builtin.signature.bind(
    Arguments([.none, .none], keywords: [("lr", .none), ("epochs", .int(3)), ("optimizer", .string("adam"))]))
  var expected = d
  expected.epochs = 3
  expected.optimizer = .adam
  #expect(try SessionBuiltins.configuration(explicit) == expected)
}

/// `train()` in a cell and the engine's `Trainer` (what `tabby train` runs) give bit-identical
/// weights for the same seed, settings and threads.
@Test func aCellTrainsTheSameWeightsAsTheTrainer() throws {
  let s = BuiltinsHarness()
  let dir = try sessionScratchDirectory()
  defer { try? FileManager.default.removeItem(atPath: dir) }
  try writeTinyMNIST(dir, count: 200)
  try s.run(
    "ctx(cpu, threads=2)\nd = mnist('\(dir)')\nm = mlp(hidden=[32], seed=5)\n"
      + "h = train(m, d, epochs=2, batch=32, seed=9, momentum=0.8)\nsave(m, '\(dir)/cell')")
  let data = try Dataset.load(directory: dir)
  let model = try TrainableModel.mlp(hidden: [32], seed: 5)
  var config = TrainingConfiguration()
  (config.epochs, config.batchSize, config.seed, config.momentum) = (2, 32, 9, 0.8)
  _ = try Trainer(config, context: ComputeContext(threads: 2)).train(
    model, on: data.train, test: data.test)
  let cell = try #require(try TrainableModel.read(prefix: dir + "/cell", epoch: 2))
  #expect(cell.parameterValues.map(\.name) == model.parameterValues.map(\.name))
  for (a, b) in zip(cell.parameterValues, model.parameterValues) { #expect(a.values == b.values) }
  let untrained = try TrainableModel.mlp(hidden: [32], seed: 5)
  #expect(untrained.parameterValues[1].values != model.parameterValues[1].values)
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
  #expect(s.sink.streams.contains { $0.1.contains("training interrupted at epoch 1/3, batch 0/1") })
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
