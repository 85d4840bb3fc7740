/// The parsed form of a `re` pattern. Flags that Python lets a pattern switch on for a
/// part of itself (`(?i:…)`) are baked into the nodes they cover, so the compiler and
/// matcher never track flag scopes.
indirect enum RegexNode {
  case empty
  case char(UInt32, fold: Bool)
  /// `.`: any code point, or any but "\n" without DOTALL.
  case any(dotAll: Bool)
  case set(RegexCharSet)
  case sequence([RegexNode])
  case alternation([RegexNode])
  /// A group; `index` is its capture number, nil for `(?:…)`.
  case group(index: Int?, RegexNode)
  case repeated(RegexNode, min: Int, max: Int?, greedy: Bool, possessive: Bool)
  case anchor(RegexAnchor)
  case backReference(Int, fold: Bool)
  case look(RegexNode, ahead: Bool, negated: Bool)
  /// `(?>…)`: once matched, never backtracked into.
  case atomic(RegexNode)

  /// Whether the node can match without consuming input (a loop over it then needs the
  /// empty-iteration guard Python's engine has).
  var canBeEmpty: Bool {
    switch self {
    case .empty, .anchor, .look, .backReference: true
    case .char, .any, .set: false
    case .sequence(let items): items.allSatisfy(\.canBeEmpty)
    case .alternation(let items): items.contains(where: \.canBeEmpty)
    case .group(_, let n), .atomic(let n): n.canBeEmpty
    case .repeated(let n, let min, _, _, _): min == 0 || n.canBeEmpty
    }
  }

  /// How many code points the node always matches, or nil when that varies (a
  /// look-behind needs a fixed width, as in Python).
  var fixedWidth: Int? {
    switch self {
    case .empty, .anchor, .look: 0
    case .char, .any, .set: 1
    case .backReference: nil
    case .sequence(let items):
      items.reduce(Optional(0)) { total, n in total.flatMap { t in n.fixedWidth.map { t + $0 } } }
    case .alternation(let items):
      items.first?.fixedWidth.flatMap { w in items.allSatisfy { $0.fixedWidth == w } ? w : nil } ?? 0
    case .group(_, let n), .atomic(let n): n.fixedWidth
    case .repeated(let n, let min, let max, _, _): max == min ? n.fixedWidth.map { $0 * min } : nil
    }
  }
}

enum RegexAnchor {
  case lineStart(multiline: Bool), lineEnd(multiline: Bool), textStart, textEnd
  case wordBoundary(ascii: Bool), notWordBoundary(ascii: Bool)
}

/// A character class: `[a-z_]`, `\d`, `[^\s,]`.
struct RegexCharSet {
  enum Item {
    case range(UInt32, UInt32)
    case digit(ascii: Bool, negated: Bool), word(ascii: Bool, negated: Bool), space(ascii: Bool, negated: Bool)
  }
  var items: [Item] = []
  var negated = false
  var fold = false

  func contains(_ c: UInt32) -> Bool {
    var hit = test(c)
    if !hit, fold {
      let lower = RegexText.fold(c)
      hit = test(lower) || test(RegexText.upper(c))
    }
    return hit != negated
  }

  private func test(_ c: UInt32) -> Bool {
    for item in items {
      switch item {
      case .range(let lo, let hi): if c >= lo && c <= hi { return true }
      case .digit(let ascii, let neg): if RegexText.isDigit(c, ascii: ascii) != neg { return true }
      case .word(let ascii, let neg): if RegexText.isWord(c, ascii: ascii) != neg { return true }
      case .space(let ascii, let neg): if RegexText.isSpace(c, ascii: ascii) != neg { return true }
      }
    }
    return false
  }
}

/// Python's character categories for `\d`, `\w`, `\s` and IGNORECASE (Unicode by default,
/// ASCII under `re.ASCII`).
enum RegexText {
  static func isDigit(_ c: UInt32, ascii: Bool) -> Bool {
    if c >= 48 && c <= 57 { return true }
    guard !ascii, c >= 128, let s = Unicode.Scalar(c) else { return false }
    return s.properties.generalCategory == .decimalNumber
  }

  static func isWord(_ c: UInt32, ascii: Bool) -> Bool {
    if c < 128 { return c == 95 || (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 122) }
    guard !ascii, let s = Unicode.Scalar(c) else { return false }
    switch s.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
      .decimalNumber, .letterNumber, .otherNumber:
      return true
    default: return false
    }
  }

  static func isSpace(_ c: UInt32, ascii: Bool) -> Bool {
    if c == 32 || (c >= 9 && c <= 13) { return true }
    guard !ascii, c >= 28 else { return false }
    if c <= 31 || c == 0x85 { return true }
    guard c >= 128, let s = Unicode.Scalar(c) else { return false }
    switch s.properties.generalCategory {
    case .spaceSeparator, .lineSeparator, .paragraphSeparator: return true
    default: return false
    }
  }

  /// The simple lowercase of a code point (its one-code-point lowercase mapping).
  static func fold(_ c: UInt32) -> UInt32 {
    if c < 128 { return c >= 65 && c <= 90 ? c + 32 : c }
    guard let s = Unicode.Scalar(c) else { return c }
    let m = s.properties.lowercaseMapping.unicodeScalars
    return m.count == 1 ? m.first!.value : c
  }

  /// The text of some code points (encoded straight to UTF-8: this runs once per match).
  static func string(_ codes: ArraySlice<UInt32>) -> String {
    String(unsafeUninitializedCapacity: codes.count * 4) { buffer in
      var n = 0
      for c in codes {
        if c < 0x80 {
          buffer[n] = UInt8(c)
          n += 1
        } else if c < 0x800 {
          buffer[n] = UInt8(0xC0 | c >> 6)
          buffer[n + 1] = UInt8(0x80 | c & 0x3F)
          n += 2
        } else if c < 0x10000 {
          buffer[n] = UInt8(0xE0 | c >> 12)
          buffer[n + 1] = UInt8(0x80 | (c >> 6) & 0x3F)
          buffer[n + 2] = UInt8(0x80 | c & 0x3F)
          n += 3
        } else {
          buffer[n] = UInt8(0xF0 | c >> 18)
          buffer[n + 1] = UInt8(0x80 | (c >> 12) & 0x3F)
          buffer[n + 2] = UInt8(0x80 | (c >> 6) & 0x3F)
          buffer[n + 3] = UInt8(0x80 | c & 0x3F)
          n += 4
        }
      }
      return n
    }
  }

  static func upper(_ c: UInt32) -> UInt32 {
    if c < 128 { return c >= 97 && c <= 122 ? c - 32 : c }
    guard let s = Unicode.Scalar(c) else { return c }
    let m = s.properties.uppercaseMapping.unicodeScalars
    return m.count == 1 ? m.first!.value : c
  }
}

/// The `re` flags, with Python's values.
struct RegexFlags: OptionSet, Hashable {
  let rawValue: Int
  static let ignoreCase = RegexFlags(rawValue: 2)
  static let multiline = RegexFlags(rawValue: 8)
  static let dotAll = RegexFlags(rawValue: 16)
  static let unicode = RegexFlags(rawValue: 32)
  static let verbose = RegexFlags(rawValue: 64)
  static let ascii = RegexFlags(rawValue: 256)

  /// Python's names, in the order its reprs list them.
  static let names: [(String, String, RegexFlags)] = [
    ("IGNORECASE", "I", .ignoreCase), ("MULTILINE", "M", .multiline), ("DOTALL", "S", .dotAll),
    ("UNICODE", "U", .unicode), ("VERBOSE", "X", .verbose), ("ASCII", "A", .ascii),
  ]

  /// The flag an inline `(?i)` letter names.
  static func inline(_ c: Unicode.Scalar) -> RegexFlags? {
    switch c {
    case "i": .ignoreCase
    case "m": .multiline
    case "s": .dotAll
    case "x": .verbose
    case "a": .ascii
    case "u": .unicode
    default: nil
    }
  }
}
