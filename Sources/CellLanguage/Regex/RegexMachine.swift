/// Runs a `RegexProgram` over a text's code points. Backtracking uses an explicit stack
/// (no native recursion per character, so a long text cannot overflow the native stack),
/// and capture changes are logged so that a backtrack undoes them.
struct RegexMachine {
  private let program: RegexProgram
  private let text: [UInt32]
  /// The end of the text as the match sees it (`endpos`).
  private let end: Int
  private(set) var captures: [Int]
  private var registers: [Int]
  /// (slot, old value); a slot below zero is register `-slot - 1`.
  private var undo: [(slot: Int, old: Int)] = []
  private var stack: [(pc: Int, pos: Int, undo: Int)] = []
  private var steps = 0
  private let checkInterrupt: () throws(CellError) -> Void

  init(_ program: RegexProgram, text: [UInt32], end: Int, checkInterrupt: @escaping () throws(CellError) -> Void) {
    self.program = program
    self.text = text
    self.end = end
    self.checkInterrupt = checkInterrupt
    captures = Array(repeating: -1, count: 2 * (program.groups + 1))
    registers = Array(repeating: -1, count: program.registers)
  }

  /// The first match starting at or after `from` (only at `from` when `anchored`); on
  /// success `captures` holds its groups' spans. `mustAdvance` refuses an empty match at
  /// `from` (how Python's finditer/sub/split step past an empty match) and `full` one that
  /// stops short of the end (`fullmatch`); either way the machine backtracks for another.
  mutating func search(from: Int, anchored: Bool, mustAdvance: Bool = false, full: Bool = false) throws(CellError) -> Bool {
    var start = from
    while start <= end {
      if program.anchoredAtStart && start > 0 { return false }
      if let c = program.firstChar, !anchored {
        while start < end && text[start] != c { start += 1 }
        if start >= end { return false }
      }
      for k in captures.indices { captures[k] = -1 }
      undo.removeAll(keepingCapacity: true)
      let accept = Acceptance(refuseEmptyAt: mustAdvance && start == from ? from : nil, mustEndAt: full ? end : nil)
      if try run(0, at: start, accept) != nil { return true }
      if anchored { return false }
      start += 1
    }
    return false
  }

  /// The group whose end was set last on the match's path (Python's `lastindex`).
  var lastClosedGroup: Int? { undo.last(where: { $0.slot > 1 && $0.slot % 2 == 1 }).map { $0.slot / 2 } }

  /// What a top-level match must satisfy besides the pattern.
  private struct Acceptance {
    var refuseEmptyAt: Int?
    var mustEndAt: Int?
    func allows(_ pos: Int) -> Bool { pos != refuseEmptyAt && (mustEndAt == nil || pos == mustEndAt) }
  }

  /// Runs sub-program `c` from `pos`; returns where its first match ends, or nil.
  private mutating func run(_ c: Int, at pos0: Int, _ accept: Acceptance = Acceptance()) throws(CellError) -> Int? {
    let ops = program.code[c]
    let base = stack.count
    var pc = 0
    var pos = pos0
    while true {
      steps &+= 1
      if steps & 0x3FFF == 0 { try checkInterrupt() }
      var ok = true
      switch ops[pc] {
      case .char(let ch):
        if pos < end && text[pos] == ch { pos += 1; pc += 1 } else { ok = false }
      case .charFold(let ch):
        if pos < end && RegexText.fold(text[pos]) == ch { pos += 1; pc += 1 } else { ok = false }
      case .any:
        if pos < end { pos += 1; pc += 1 } else { ok = false }
      case .anyButNewline:
        if pos < end && text[pos] != 10 { pos += 1; pc += 1 } else { ok = false }
      case .set(let s):
        if pos < end && program.sets[s].contains(text[pos]) { pos += 1; pc += 1 } else { ok = false }
      case .split(let first, let second):
        stack.append((second, pos, undo.count))
        pc = first
      case .jump(let target): pc = target
      case .save(let slot):
        undo.append((slot, captures[slot]))
        captures[slot] = pos
        pc += 1
      case .anchor(let a):
        if at(a, pos) { pc += 1 } else { ok = false }
      case .backReference(let n, let fold):
        if let next = backReference(n, fold: fold, at: pos) { pos = next; pc += 1 } else { ok = false }
      case .look(let sub, let ahead, let negated, let width):
        let mark = undo.count
        let from = ahead ? pos : pos - width
        let found = from >= 0 ? try run(sub, at: from) != nil : false
        if found == negated { ok = false } else { pc += 1 }
        if negated { rollBack(to: mark) }
      case .atomic(let sub):
        if let next = try run(sub, at: pos) { pos = next; pc += 1 } else { ok = false }
      case .loopStart(let r):
        undo.append((-r - 1, registers[r]))
        registers[r] = pos
        pc += 1
      case .loopCheck(let r, let exit):
        pc = registers[r] == pos ? exit : pc + 1
      case .match:
        if !accept.allows(pos) {
          ok = false
        } else {
          stack.removeSubrange(base...)
          return pos
        }
      }
      if !ok {
        guard stack.count > base else { return nil }
        let back = stack.removeLast()
        rollBack(to: back.undo)
        pc = back.pc
        pos = back.pos
      }
    }
  }

  private mutating func rollBack(to mark: Int) {
    while undo.count > mark {
      let (slot, old) = undo.removeLast()
      if slot >= 0 { captures[slot] = old } else { registers[-slot - 1] = old }
    }
  }

  private func at(_ anchor: RegexAnchor, _ pos: Int) -> Bool {
    switch anchor {
    case .lineStart(let multiline): return pos == 0 || (multiline && text[pos - 1] == 10)
    case .lineEnd(let multiline):
      return pos == end || (pos < end && text[pos] == 10 && (multiline || pos == end - 1))
    case .textStart: return pos == 0
    case .textEnd: return pos == end
    case .wordBoundary(let ascii): return end > 0 && isWordAt(pos - 1, ascii) != isWordAt(pos, ascii)
    case .notWordBoundary(let ascii): return end > 0 && isWordAt(pos - 1, ascii) == isWordAt(pos, ascii)
    }
  }

  private func isWordAt(_ i: Int, _ ascii: Bool) -> Bool {
    i >= 0 && i < end && RegexText.isWord(text[i], ascii: ascii)
  }

  private func backReference(_ n: Int, fold: Bool, at pos: Int) -> Int? {
    let s = captures[2 * n]
    let e = captures[2 * n + 1]
    guard s >= 0, e >= s, pos + (e - s) <= end else { return nil }
    for k in 0..<(e - s) {
      let a = text[s + k]
      let b = text[pos + k]
      guard a == b || (fold && RegexText.fold(a) == RegexText.fold(b)) else { return nil }
    }
    return pos + (e - s)
  }
}
