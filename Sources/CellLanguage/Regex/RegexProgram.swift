/// A compiled `re` pattern: instructions for a backtracking machine (the design of
/// Python's own engine, so the same match is found: leftmost, alternatives in order,
/// greedy or lazy loops as written).
struct RegexProgram {
  enum Op {
    case char(UInt32)
    /// A case-insensitive literal; the operand is already folded.
    case charFold(UInt32)
    case any
    case anyButNewline
    case set(Int)
    /// Tries `first`; on failure backtracks to `second`.
    case split(first: Int, second: Int)
    case jump(Int)
    case save(Int)
    case anchor(RegexAnchor)
    case backReference(Int, fold: Bool)
    /// Runs sub-program `code` as a look-around (behind: starting `width` code points back).
    case look(code: Int, ahead: Bool, negated: Bool, width: Int)
    /// Runs sub-program `code` and continues from its first match, never backtracking into it.
    case atomic(code: Int)
    /// Remembers where a loop iteration over a possibly empty body started...
    case loopStart(register: Int)
    /// ...and leaves the loop, to `exit`, when the iteration matched nothing (as Python's
    /// engine does: `(a|)*` stops rather than looping forever).
    case loopCheck(register: Int, exit: Int)
    case match
  }

  /// `code[0]` is the pattern; the others are look-around and atomic bodies.
  private(set) var code: [[Op]] = [[]]
  private(set) var sets: [RegexCharSet] = []
  private(set) var registers = 0
  let groups: Int
  /// A code point every match must start with, when there is one (the search skips
  /// other positions without running the machine).
  private(set) var firstChar: UInt32?
  /// True when a match can only start at position 0 (`\A…`, or `^…` without MULTILINE).
  private(set) var anchoredAtStart = false

  private static let maxSize = 400_000

  init(_ node: RegexNode, groups: Int) throws(CellError) {
    self.groups = groups
    try emit(.group(index: 0, node), into: 0)
    code[0].append(.match)
    (firstChar, anchoredAtStart) = Self.prefix(node)
  }

  private static func prefix(_ node: RegexNode) -> (UInt32?, Bool) {
    switch node {
    case .char(let c, fold: false): (c, false)
    case .anchor(.textStart), .anchor(.lineStart(multiline: false)): (nil, true)
    case .sequence(let items): items.first.map(prefix) ?? (nil, false)
    case .group(_, let n), .atomic(let n): prefix(n)
    case .repeated(let n, let min, _, _, _) where min > 0: prefix(n)
    default: (nil, false)
    }
  }

  private mutating func add(_ op: Op, _ c: Int) throws(CellError) -> Int {
    guard code[c].count < Self.maxSize else {
      throw RegexParser.error("the pattern is too large to compile (over \(Self.maxSize) steps; use fewer or smaller {m,n} repeats)")
    }
    code[c].append(op)
    return code[c].count - 1
  }

  private mutating func patch(_ c: Int, _ at: Int, _ op: Op) { code[c][at] = op }

  private mutating func subprogram(_ node: RegexNode) throws(CellError) -> Int {
    code.append([])
    let c = code.count - 1
    try emit(node, into: c)
    _ = try add(.match, c)
    return c
  }

  private mutating func emit(_ node: RegexNode, into c: Int) throws(CellError) {
    switch node {
    case .empty: break
    case .char(let ch, let fold): _ = try add(fold ? .charFold(ch) : .char(ch), c)
    case .any(let dotAll): _ = try add(dotAll ? .any : .anyButNewline, c)
    case .set(let s):
      sets.append(s)
      _ = try add(.set(sets.count - 1), c)
    case .sequence(let items): for n in items { try emit(n, into: c) }
    case .alternation(let branches):
      var jumps: [Int] = []
      for (k, b) in branches.enumerated() {
        if k == branches.count - 1 {
          try emit(b, into: c)
        } else {
          let split = try add(.jump(0), c)
          try emit(b, into: c)
          jumps.append(try add(.jump(0), c))
          patch(c, split, .split(first: split + 1, second: code[c].count))
        }
      }
      for j in jumps { patch(c, j, .jump(code[c].count)) }
    case .group(let index, let body):
      if let index { _ = try add(.save(2 * index), c) }
      try emit(body, into: c)
      if let index { _ = try add(.save(2 * index + 1), c) }
    case .anchor(let a): _ = try add(.anchor(a), c)
    case .backReference(let n, let fold): _ = try add(.backReference(n, fold: fold), c)
    case .look(let body, let ahead, let negated):
      let sub = try subprogram(body)
      _ = try add(.look(code: sub, ahead: ahead, negated: negated, width: body.fixedWidth ?? 0), c)
    case .atomic(let body): _ = try add(.atomic(code: try subprogram(body)), c)
    case .repeated(let body, let min, let max, let greedy, let possessive):
      if possessive {
        try emit(.atomic(.repeated(body, min: min, max: max, greedy: true, possessive: false)), into: c)
        return
      }
      for _ in 0..<min { try emit(body, into: c) }
      if let max {
        try optionals(body, count: max - min, greedy: greedy, into: c)
      } else {
        try loop(body, greedy: greedy, into: c)
      }
    }
  }

  /// Up to `count` more copies of `body`, each tried only if the one before matched (and,
  /// as in Python's engine, only if it consumed something).
  private mutating func optionals(_ body: RegexNode, count: Int, greedy: Bool, into c: Int) throws(CellError) {
    let guarded = body.canBeEmpty
    let register = registers
    if guarded && count > 0 { registers += 1 }
    var splits: [Int] = []
    var checks: [Int] = []
    for _ in 0..<count {
      splits.append(try add(.jump(0), c))
      if guarded { _ = try add(.loopStart(register: register), c) }
      try emit(body, into: c)
      if guarded { checks.append(try add(.jump(0), c)) }
    }
    let end = code[c].count
    for s in splits { patch(c, s, greedy ? .split(first: s + 1, second: end) : .split(first: end, second: s + 1)) }
    for k in checks { patch(c, k, .loopCheck(register: register, exit: end)) }
  }

  private mutating func loop(_ body: RegexNode, greedy: Bool, into c: Int) throws(CellError) {
    let guarded = body.canBeEmpty
    let register = registers
    if guarded { registers += 1 }
    let top = try add(.jump(0), c)
    if guarded { _ = try add(.loopStart(register: register), c) }
    try emit(body, into: c)
    let check = guarded ? try add(.jump(0), c) : nil
    _ = try add(.jump(top), c)
    let exit = code[c].count
    patch(c, top, greedy ? .split(first: top + 1, second: exit) : .split(first: exit, second: top + 1))
    if let check { patch(c, check, .loopCheck(register: register, exit: exit)) }
  }
}
