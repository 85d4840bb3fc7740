import CellLanguage
import Foundation
import Testing

@testable import TabbyKernel

/// The small wrong results, predict over lists, and the chart built-ins.
@Suite struct DataAndModelErrorTests {
  @Test func truncatedIDXIsADataErrorNamingTheFileAndWhatIsShort() throws {
    let dir = tinyMNIST(count: 4)
    let path = dir + "/train-images-idx3-ubyte"
    let whole = try Data(contentsOf: URL(fileURLWithPath: path))
    try whole.prefix(100).write(to: URL(fileURLWithPath: path))
    let s = BuiltinsHarness()
    try s.run("keep = 1")
    let e = try #require(s.error("d = mnist('\(dir)')"))
    #expect(e.ename == "DataError")
    #expect(e.evalue.contains("train-images-idx3-ubyte") && e.evalue.contains("truncated"))
    #expect(try s.run("try:\n    mnist('\(dir)')\nexcept ValueError as e:\n    r = type(e)\nr") == "<class 'DataError'>")
    try FileManager.default.removeItem(atPath: path)
    #expect(s.error("d = mnist('\(dir)')")?.ename == "FileNotFoundError")
    #expect(try s.run("keep") == "1")
  }

  @Test(arguments: ["limit=0", "limit=-3", "test_limit=0"])
  func emptyLimitsAreRefused(_ argument: String) throws {
    let s = BuiltinsHarness()
    let e = try #require(s.error("d = mnist('\(tinyMNIST())', \(argument))"))
    #expect(e.ename == "ValueError")
    #expect(e.evalue.contains("must be at least 1"))
    #expect(try s.run("mnist('\(tinyMNIST())', limit=1).train.count") != nil)
  }

  @Test(arguments: [
    [UInt8](repeating: 0, count: 0), Array("hello, this is not a model\n".utf8),
    (0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 13) },
  ])
  func aFileThatIsNotAModelSaysSo(_ bytes: [UInt8]) throws {
    let path = NSTemporaryDirectory() + "tabby-random-\(UUID().uuidString).onnx"
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    defer { try? FileManager.default.removeItem(atPath: path) }
    let s = BuiltinsHarness()
    let e = try #require(s.error("m = load('\(path)')"))
    #expect(e.ename == "ModelLoadError")
    #expect(e.evalue.contains("not an ONNX model"), "\(e.evalue)")
  }
}

@Suite struct PredictListTests {
  static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("ImagingTests/Fixtures/gray.png").path

  @Test func aBadFileInAListBecomesAnErrorEntryWithOneWarning() throws {
    let bad = NSTemporaryDirectory() + "tabby-bad-\(UUID().uuidString).png"
    try Data("not a picture".utf8).write(to: URL(fileURLWithPath: bad))
    defer { try? FileManager.default.removeItem(atPath: bad) }
    let s = BuiltinsHarness()
    try s.run("m = lenet()")
    try s.run("p = predict(m, ['\(Self.fixture)', '\(bad)', '/nonexistent/x.png'])")
    #expect(try s.run("len(p)") == "3")
    #expect(try s.run("p[0].error is None and p[0].label is not None") == "True")
    #expect(try s.run("p[1].label is None") == "True")
    #expect(try s.run("p[1].error")?.contains("ImageError") == true)
    #expect(try s.run("len(p.errors)") == "2")
    let warnings = s.sink.streams.filter { $0.0 == .stderr }.map(\.1)
    #expect(warnings.count == 1)
    #expect(warnings.first?.contains("could not read 2 images of 3") == true)
    #expect(s.sink.displays.count == 1)
    // One image on its own still fails the call.
    #expect(s.error("predict(m, '\(bad)')")?.ename == "ImageError")
  }

  @Test func manyImagesShowAProgressBarAndShowFalseShowsNothing() throws {
    let s = BuiltinsHarness()
    try s.run("d = mnist('\(tinyMNIST(count: 12))')\nm = mlp(hidden=[4])")
    let before = s.sink.displays.count
    try s.run("p = predict(m, list(range(10)))")
    let shown = s.sink.displays.dropFirst(before)
    #expect(shown.count == 1)
    let id = try #require(shown.first?.1)
    #expect(id.contains("predict"))
    let last = try #require(s.sink.updates.last { $0.1 == id })
    #expect(last.0.data["text/plain"]?.stringValue == nil ? false : "\(last.0.data)".contains("predicted 10 of 10"))
    #expect(try s.run("p") != nil)
    let counts = (s.sink.displays.count, s.sink.updates.count)
    try s.run("q = predict(m, list(range(10)), show=False)")
    #expect(s.sink.displays.count == counts.0 && s.sink.updates.count == counts.1)
    #expect(try s.run("q.labels == p.labels") == "True")
    try s.run("r = predict(m, list(range(6)), show=True)")
    #expect(s.sink.displays.count == counts.0 + 6)
  }

  @Test func aLongListShowsABoundedSummaryTable() throws {
    let list = PredictionList(
      (0..<250).map { PredictionValue(source: "img\($0)", top: [.init(index: 1, label: "cat", probability: 0.5)], picture: nil) })
    let html = "\(list.richDisplay()!.data["text/html"]!)"
    #expect(html.components(separatedBy: "<tr>").count - 1 == PredictionList.tableRows + 2)
    #expect(html.contains("150 more (250 in all)"))
  }
}

@Suite struct ChartBuiltinTests {
  func svg(_ s: BuiltinsHarness) throws -> String {
    let bundle = try #require(s.sink.displays.last?.0)
    return try #require(bundle.data["image/svg+xml"]?.stringValue)
  }

  @Test func plotDrawsLinesAndPoints() throws {
    let s = BuiltinsHarness()
    #expect(try s.run("plot([1, 4, 9, 16])") == nil)
    #expect(try svg(s).contains("<polyline"))
    try s.run("plot([0, 1, 2], {'train': [3, 2, 1], 'test': [-1, 0.5, 2]}, title='loss', markers=True)")
    let two = try svg(s)
    #expect(two.contains(">train<") && two.contains(">test<") && two.contains(">loss<") && two.contains("<circle"))
    #expect(two.contains(">-1<"))
    try s.run("plot([1, float('nan'), float('inf'), 2])")
    #expect(try svg(s).hasPrefix("<svg"))
  }

  @Test func barAndHist() throws {
    let s = BuiltinsHarness()
    try s.run("bar({'cat': 3, 'dog': -1.5})")
    let bars = try svg(s)
    #expect(bars.contains("<title>cat: 3.0000</title>") && bars.contains("<title>dog: -1.5000</title>"))
    try s.run("bar(['a', 'b'], [1, 2], ylabel='count')")
    #expect(try s.run("hist([1, 2, 2, 3], bins=3)") == "[1, 2, 1]")
    #expect(try s.run("sum(hist([float(i % 7) for i in range(1000)]))") == "1000")
    #expect(try svg(s).contains("<rect"))
  }

  @Test(arguments: [
    ("plot([1, 2], [1])", "ValueError"), ("plot(['a'])", "TypeError"), ("plot(3)", "TypeError"),
    ("bar(['a'], [1, 2])", "ValueError"), ("bar(['a'])", "TypeError"), ("hist([1], bins=0)", "ValueError"),
    ("hist([1], bins=2**40)", "ValueError"), ("bar(list(range(5000)), list(range(5000)))", "ValueError"),
  ])
  func badChartArgumentsAreTypedErrors(_ code: String, _ ename: String) throws {
    let s = BuiltinsHarness()
    try s.run("keep = 5")
    #expect(s.error(code)?.ename == ename, "\(code)")
    #expect(try s.run("keep") == "5")
  }

  @Test func helpListsTheNewBuiltins() throws {
    let s = BuiltinsHarness()
    try s.run("help()")
    let text = s.sink.streams.map(\.1).joined()
    for name in ["plot", "bar", "hist", "read_csv", "write_json", "glob", "predict"] {
      #expect(text.contains("  \(name) "), "\(name)")
    }
  }
}
