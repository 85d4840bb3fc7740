/// getstate()/setstate() in CPython's shape, so a state can be compared with Python's or
/// carried between the two: (3, (624 words of state..., position), gauss's kept number or None).
enum RandomState {
  static func get(_ g: RandomGenerator) -> Value {
    let words = g.twister.state.map { Value.int(Int($0)) } + [.int(g.twister.index)]
    return .tuple([.int(3), .tuple(words), g.gaussNext.map(Value.float) ?? .none])
  }

  /// Python's checks and messages: random.py's version dispatch, then _random's checks of the
  /// tuple; version 2 states (signed words) are read modulo 2**32 as random.py does.
  static func set(_ g: RandomGenerator, _ state: Value) throws(CellError) {
    let parts: [Value]
    switch state {
    case .tuple(let t): parts = t
    case .list(let l): parts = l.items
    default: throw .typeError("'\(state.typeName)' object is not subscriptable")
    }
    guard let version = parts.first else { throw CellError(ename: "IndexError", "\(state.typeName) index out of range") }
    guard version == .int(3) || version == .int(2) else {
      throw .valueError("state with version \(version.str) passed to Random.setstate() of version 3")
    }
    guard parts.count == 3 else {
      throw .valueError(parts.count > 3 ? "too many values to unpack (expected 3)" : "not enough values to unpack (expected 3, got \(parts.count))")
    }
    switch parts[2] {
    case .none: g.gaussNext = nil
    case let v:
      guard let n = v.numeric else { throw .typeError("gauss_next must be a float or None, not '\(v.typeName)'") }
      g.gaussNext = n.double
    }
    var items: [Value]
    switch parts[1] {
    case .tuple(let t): items = t
    case .list(let l) where version == .int(2): items = l.items
    default: throw .typeError("state vector must be a tuple")
    }
    if version == .int(2) {
      items = try items.map { (v) throws(CellError) in
        guard case .int(let x)? = v.numeric else { throw .typeError("unsupported operand type(s) for %: '\(v.typeName)' and 'int'") }
        return .int(x & 0xFFFF_FFFF)  // x % 2**32, as random.py
      }
    }
    guard items.count == MersenneTwister.n + 1 else { throw .valueError("state vector is the wrong size") }
    var words: [UInt32] = []
    for item in items.dropLast() {
      guard case .int(let x)? = item.numeric else { throw .typeError("'\(item.typeName)' object cannot be interpreted as an integer") }
      guard x >= 0 else { throw CellError(ename: "OverflowError", "can't convert negative value to unsigned int") }
      words.append(UInt32(truncatingIfNeeded: x))
    }
    guard case .int(let index)? = items.last!.numeric else { throw .typeError("'\(items.last!.typeName)' object cannot be interpreted as an integer") }
    guard (0...MersenneTwister.n).contains(index) else { throw .valueError("invalid state") }
    g.twister.restore(words, index: index)
  }
}
