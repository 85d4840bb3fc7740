import TestSupport
import Testing

@testable import Classifier

@Suite struct LabelsTests {
  @Test(arguments: [
    (281, "n02123045", "tabby, tabby cat"), (0, "n01440764", "tench, Tinca tinca"),
    (934, "n07697537", "hotdog, hot dog, red hot"), (999, "n15075141", "toilet tissue, toilet paper, bathroom tissue"),
  ])
  func builtInImageNetClasses(index: Int, wnid: String, name: String) {
    let labels = Labels.imageNet1k
    #expect(labels.count == 1000)
    #expect(labels.synsets[index] == wnid)
    #expect(labels.names[index] == name)
  }

  @Test(.needsShared) func builtInListMatchesTheSharedSynsetFile() throws {
    let shared = try Labels.load(file: sharedData + "/imagenet/synset.txt")
    #expect(shared == Labels.imageNet1k)
  }

  @Test(arguments: [
    ("n02123045 tabby, tabby cat\nn02123159 tiger cat\n", ["tabby, tabby cat", "tiger cat"], ["n02123045", "n02123159"]),
    ("cat\ndog\r\n\n\n", ["cat", "dog"], [nil, nil]),
    ("n123 short id\nnx2345678 not digits\n", ["n123 short id", "nx2345678 not digits"], [nil, nil]),
    ("  spaced  \n", ["spaced"], [nil]),
  ] as [(String, [String], [String?])])
  func parsing(text: String, names: [String], synsets: [String?]) {
    let labels = Labels(parsing: text)
    #expect(labels.names == names)
    #expect(labels.synsets == synsets)
  }

  @Test func emptyOrMissingFileIsAClearError() {
    let dir = TempDir()
    defer { dir.cleanup() }
    let empty = dir.write("empty.txt", "\n\n")
    #expect(throws: ClassifierError.self) { try Labels.load(file: empty) }
    do {
      _ = try Labels.load(file: dir.path + "/nope.txt")
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.kind == .badLabels)
      #expect(error.message.contains("nope.txt"))
    } catch { Issue.record("wrong error \(error)") }
  }

  @Test(arguments: [
    (1000, 1000, 0, 1000), (1001, 1000, 1, 1000), (10, 10, 0, 10),
  ])
  func outputLayoutFits(outputs: Int, labels: Int, skip: Int, classes: Int) throws {
    let l = Labels(names: (0..<labels).map { "c\($0)" })
    let layout = try OutputLayout.fit(outputs: outputs, labels: l, labelsSource: "x")
    #expect(layout == OutputLayout(skip: skip, classes: classes))
  }

  @Test(arguments: [(1002, 1000), (999, 1000), (5, 10)])
  func outputLayoutMismatchNamesBothCounts(outputs: Int, labels: Int) {
    let l = Labels(names: (0..<labels).map { "c\($0)" })
    do {
      _ = try OutputLayout.fit(outputs: outputs, labels: l, labelsSource: "my.txt")
      Issue.record("no error")
    } catch let error as ClassifierError {
      #expect(error.message.contains("\(outputs) outputs"))
      #expect(error.message.contains("\(labels) labels"))
      #expect(error.message.contains("my.txt"))
    } catch { Issue.record("wrong error \(error)") }
  }

  @Test func noLabelsKeepsRawOutputs() throws {
    #expect(try OutputLayout.fit(outputs: 7, labels: nil, labelsSource: "") == OutputLayout(skip: 0, classes: 7))
  }
}
