import CellLanguage
import Dispatch
import Foundation
import TestSupport
import Testing

@testable import TabbyKernel

/// A directory of tiny MNIST-format files (raw IDX): `count` training and test images.
func tinyMNIST(count: Int = 6, side: Int = 28) -> String {
  let dir = Scratch.directory("tiny-mnist")
  func idx(_ dims: [Int], _ payload: [UInt8]) -> Data {
    var b: [UInt8] = [0, 0, 8, UInt8(dims.count)]
    for d in dims { b += [UInt8(d >> 24 & 0xff), UInt8(d >> 16 & 0xff), UInt8(d >> 8 & 0xff), UInt8(d & 0xff)] }
    return Data(b + payload)
  }
  let pixels = (0..<(count * side * side)).map { UInt8(truncatingIfNeeded: $0 * 31) }
  let labels = (0..<count).map { UInt8($0 % 10) }
  for stem in ["train", "t10k"] {
    try? idx([count, side, side], pixels).write(to: URL(fileURLWithPath: "\(dir)/\(stem)-images-idx3-ubyte"))
    try? idx([count], labels).write(to: URL(fileURLWithPath: "\(dir)/\(stem)-labels-idx1-ubyte"))
  }
  return dir
}

/// Cells that used to end the kernel: each is now an error reply, and variables survive.
@Suite struct CrashReproducerTests {
  @Test func hugeHiddenLayerIsAMemoryErrorAndTheSessionKeepsItsVariables() throws {
    let s = BuiltinsHarness()
    try s.run("keep = 41 + 1")
    let e = try #require(s.error("m = mlp(hidden=[2**40])"))
    #expect(e.ename == "MemoryError")
    #expect(e.evalue.contains("1,099,511,627,776 × 784") && e.evalue.contains("this machine has"))
    #expect(try s.run("keep") == "42")
    #expect(s.error("m = mlp(hidden=[-3])")?.ename == "ValueError")
    #expect(try s.run("keep") == "42")
  }

  @Test func epochsThatCannotBeCountedAreAnError() throws {
    let s = BuiltinsHarness()
    try s.run("d = mnist('\(tinyMNIST())')")
    try s.run("m = mlp(hidden=[4])")
    let e = try #require(s.error("train(m, d, epochs=2**62)"))
    #expect(e.evalue.contains("4,611,686,018,427,387,904 epochs"))
    #expect(try s.run("d") != nil)
    try s.run("h = train(m, d, epochs=1, batch=3)")
  }

  @Test func divergingTrainingShowsNaNInsteadOfTrapping() throws {
    let s = BuiltinsHarness()
    try s.run("d = mnist('\(tinyMNIST())')")
    try s.run("m = mlp(hidden=[4])")
    try s.run("h = train(m, d, epochs=2, batch=2, lr=1e30)")
    let shown = s.sink.displays.map { "\($0.0.data)" } + s.sink.updates.map { "\($0.0.data)" }
    #expect(shown.contains { $0.lowercased().contains("nan") })
    #expect(try s.run("h") != nil)
  }

  @Test func idxHeaderOfAllOnesIsAnError() throws {
    let dir = tinyMNIST(count: 2)
    var header: [UInt8] = [0, 0, 8, 3]
    header += [UInt8](repeating: 0xFF, count: 12)
    try Data(header).write(to: URL(fileURLWithPath: dir + "/train-images-idx3-ubyte"))
    let s = BuiltinsHarness()
    try s.run("keep = 'still here'")
    let e = try #require(s.error("d = mnist('\(dir)')"))
    #expect(e.evalue.contains("4,294,967,295"))
    #expect(try s.run("keep") == "'still here'")
  }
}

/// Calls every session built-in with seeded random arguments, positional and keyword:
/// huge and negative ints, NaN and infinities, nested lists, strings, None and host objects
/// of the wrong kind. Each call gets a small time budget (an interrupt), so a valid but long
/// call (training for 2**40 epochs) stops instead of running on.
@Suite struct BuiltinFuzzTests {
  static let values = [
    "2**62", "-2**62", "2**40", "-1", "0", "1", "3", "float('nan')", "float('inf')", "-float('inf')", "1e308", "-0.5",
    "0.01", "[[1, [2]], 3]", "[]", "[4]", "[2**40]", "[-1, 3]", "(1, 2)", "{'a': 1}", "''", "DIR + '/out'",
    "'/nonexistent/file'", "DIR", "None", "True", "m", "d", "h", "p", "ctx()", "len",
  ]

  /// Plausible values by parameter name, so that calls get past argument binding and reach
  /// the engine; the other half of the values come from the wild pool.
  static let plausible: [String: [String]] = [
    "model": ["m", "l"], "data": ["d"], "images": ["d.test[0]", "[d.test[0], d.test[1]]", "d.test"],
    "path": ["DIR"], "name_or_path": ["DIR + '/missing.onnx'"], "prefix": ["DIR + '/ckpt'"],
    "hidden": ["[4]", "[3, 2]"], "activation": ["'relu'", "'tanh'"], "optimizer": ["'sgd'", "'adam'"],
    "limit": ["4", "2"], "test_limit": ["2"], "epochs": ["1", "2"], "batch": ["2", "4"],
    "seed": ["1", "42"], "top": ["1", "3"], "lr": ["0.1", "None"], "momentum": ["0.9"], "wd": ["0.0001"],
    "epoch": ["1", "None"], "labels": ["None"], "profile": ["None", "'imagenet'"], "index": ["0"],
    "device": ["cpu", "None"],
  ]

  /// Arguments for one call: each parameter (in signature order) is given or left out,
  /// positionally up to the first one left out and then by keyword; sometimes a stray
  /// extra positional value.
  static func arguments(_ params: [String], _ rng: inout SeededRNG) -> [String] {
    let positional = rng.int(2) == 0
    // Half the calls are tame (plausible values only) so they reach the engine; the rest
    // take a wild value for about one parameter in three.
    let wild = rng.int(2) == 0
    var out: [String] = []
    var named = false
    for p in params where p != "threads" {
      guard rng.int(8) != 0 else {
        named = true
        continue
      }
      let pool = !wild || rng.int(3) != 0 ? plausible[p] ?? ["1", "0.1", "None"] : values
      let v = pool[rng.int(pool.count)]
      if positional && !named { out.append(v) } else { out.append("\(p)=\(v)"); named = true }
    }
    if rng.int(10) == 0 { out.insert(values[rng.int(values.count)], at: 0) }
    return out
  }

  /// The names the session adds to a plain interpreter, found through completion (public API).
  static func sessionBuiltins(_ s: BuiltinsHarness) -> [String] {
    let plain = Set(Interpreter(colorTracebacks: false).complete("", cursor: 0).matches)
    return s.interpreter.complete("", cursor: 0).matches.filter { !plain.contains($0) }.sorted()
  }

  static func keywords(_ s: BuiltinsHarness, _ name: String) -> [String] {
    s.interpreter.complete("\(name)(", cursor: name.count + 1).matches
      .filter { $0.hasSuffix("=") }.map { String($0.dropLast()) }
  }

  @Test func everyBuiltinWithRandomArgumentsGivesAResultOrANamedError() throws {
    let s = BuiltinsHarness()
    // Before any variable exists: completion then lists only built-ins.
    let names = Self.sessionBuiltins(s)
    let keywords = Dictionary(uniqueKeysWithValues: names.map { ($0, Self.keywords(s, $0)) })
    let dir = tinyMNIST()
    try s.run("DIR = '\(dir)'")
    try s.run("d = mnist(DIR)")
    try s.run("m = mlp(hidden=[4])")
    try s.run("h = train(m, d, epochs=1, batch=4)")
    try s.run("p = predict(m, d.test[0])")
    try s.run("l = lenet()")
    try s.run("keep = 7")
    #expect(names.contains("train") && names.contains("mlp") && names.contains("mnist"))
    print("built-in fuzz signatures: \(keywords.sorted { $0.key < $1.key })")
    var rng = SeededRNG(seed: 0xB17_F022)
    var (cases, ok) = (0, 0)
    var errors: [String: Int] = [:]
    var seconds: [String: Double] = [:]
    let start = Date()
    while cases < 10_000 && Date().timeIntervalSince(start) < 240 {
      let name = names[rng.int(names.count)]
      let args = Self.arguments(keywords[name] ?? [], &rng)
      // Never the default data set (60,000 images): its path must come from the pool.
      var call = args
      if name == "mnist" {
        call = args.map { $0 == "None" ? "DIR" : $0 == "path=None" ? "path=DIR" : $0 }
        if !call.contains(where: { $0.hasPrefix("path=") || !$0.contains("=") }) { call.insert("DIR", at: 0) }
      }
      let flag = InterruptFlag()
      DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { flag.raise() }
      let context = ExecutionContext(sink: s.sink, interrupt: flag, allowStdin: false)
      let callStart = Date()
      defer { seconds[name, default: 0] += Date().timeIntervalSince(callStart) }
      do {
        _ = try s.interpreter.execute("_r = \(name)(\(call.joined(separator: ", ")))", context: context)
        ok += 1
      } catch {
        errors[error.ename, default: 0] += 1
        #expect(!error.ename.isEmpty && !error.traceback.isEmpty)
      }
      s.sink.streams.removeAll()
      s.sink.displays.removeAll()
      s.sink.updates.removeAll()
      cases += 1
    }
    print("built-in fuzz: \(cases) cases over \(names.count) built-ins, \(ok) results, errors \(errors.sorted { $0.key < $1.key })")
    print("built-in fuzz seconds: \(seconds.sorted { $0.value > $1.value }.prefix(5))")
    #expect(cases >= 10_000)
    #expect(ok > 0 && errors.values.reduce(0, +) > cases / 4)
    #expect(try s.run("keep") == "7")
  }
}
