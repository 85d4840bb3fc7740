import CellLanguage
import Testing

@testable import TabbyKernel

/// A quantized model's top-k ends in classes at probability exactly 0: the table, chart
/// and text leave them out, while the value keeps every row the model gave.
@Suite struct PredictionDisplayTests {
  static func prediction(_ probabilities: [Double]) -> PredictionValue {
    PredictionValue(
      source: "cat.png",
      top: probabilities.enumerated().map {
        .init(index: $0.offset, label: "class\($0.offset)", probability: $0.element)
      },
      picture: nil)
  }

  @Test func zeroRowsAreLeftOutOfTheDisplayButKeptInTheValue() throws {
    let p = Self.prediction([0.91796875, 0.08203125, 0, 0, 0])
    let lines = p.repr.split(separator: "\n").map(String.init)
    #expect(
      lines == [
        "cat.png", "  1. class0  0.9180", "  2. class1  0.0820",
        "  (3 more of the top 5 with probability 0 not shown)",
      ])
    #expect(!p.tableHTML.contains("0.0000") && !p.tableHTML.contains("class2"))
    #expect(p.tableHTML.contains("3 more of the top 5 with probability 0 not shown"))
    #expect(!p.chartSVG.contains("class2") && p.chartSVG.contains("class1"))
    // The value: five rows, the zeros as the model said them.
    guard case .list(let rows)? = try p.attribute("top") else { Issue.record("top is not a list"); return }
    #expect(rows.items.count == 5)
    guard case .host(let last)? = try p.item(.int(-1)), let row = last as? ClassScoreValue else {
      Issue.record("p[-1] is not a class score")
      return
    }
    #expect(row.entry.probability == 0 && row.entry.label == "class4")
    #expect(row.repr == "5. class4  0.0000")
  }

  @Test func everyRowIsShownWhenNoneIsZero() {
    let p = Self.prediction([0.5, 0.3, 0.2])
    #expect(p.hiddenNote == nil && p.shownTop.count == 3)
    #expect(p.repr.split(separator: "\n").count == 4)
  }

  @Test func anAllZeroOutputStillShowsItsFirstRow() {
    let p = Self.prediction([0, 0])
    #expect(p.shownTop.map(\.label) == ["class0"])
    #expect(p.hiddenNote == "1 more of the top 2 with probability 0 not shown")
  }

  @Test(arguments: [(0.0, "0.0000"), (0.00004, "< 0.0001"), (0.00005, "0.0001"), (0.25, "0.2500")])
  func tinyProbabilitiesAreNotShownAsZero(p: Double, text: String) {
    #expect(probabilityText(p) == text)
  }
}
