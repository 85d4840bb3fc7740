/// `& | ^ << >>` and unary `~`: Python's integer bit operations (on 64-bit integers, a
/// shift past 64 bits an OverflowError), bools kept bools (`True & False` is False), set
/// union, intersection and symmetric difference, and dict merge (`d | other`).
extension Operators {
  static func bitwise(_ op: BinaryOp, _ a: Value, _ b: Value, inPlace: Bool) throws(CellError) -> Value {
    switch (a, b) {
    case (.bool(let x), .bool(let y)):
      switch op {
      case .bitAnd: return .bool(x && y)
      case .bitOr: return .bool(x || y)
      case .bitXor: return .bool(x != y)
      default: break
      }
    case (.host(let x as SetObject), .host(let y as SetObject)) where op != .shiftLeft && op != .shiftRight:
      var items: [Value] = []
      switch op {
      case .bitOr: items = x.items + y.items
      case .bitAnd: for v in x.items where try y.contains(v) { items.append(v) }
      default:
        for v in x.items where try !y.contains(v) { items.append(v) }
        for v in y.items where try !x.contains(v) { items.append(v) }
      }
      // `s |= t` changes a set itself, as in Python; a frozenset gets a new one.
      guard inPlace && !x.frozen else { return .host(try x.like(items)) }
      for v in x.items { _ = try x.storage.remove(v) }
      for v in items { try x.insert(v) }
      return a
    case (.dict(let x), .dict(let y)) where op == .bitOr:
      let merged = inPlace ? x : DictObject()
      if !inPlace { for (k, v) in zip(x.keys, x.values) { try merged.set(k, v) } }
      for (k, v) in zip(y.keys, y.values) { try merged.set(k, v) }
      return .dict(merged)
    default:
      if let r = try DictView.setOperation(op, a, b) { return r }
    }
    guard case .int(let x)? = a.numeric, case .int(let y)? = b.numeric, a.typeName != "float", b.typeName != "float"
    else { throw unsupported(op.rawValue, a, b) }
    switch op {
    case .bitAnd: return .int(x & y)
    case .bitOr: return .int(x | y)
    case .bitXor: return .int(x ^ y)
    case .shiftLeft:
      guard y >= 0 else { throw .valueError("negative shift count") }
      guard x != 0 else { return .int(0) }
      guard y < 64, (x << y) >> y == x else { throw overflow() }
      return .int(x << y)
    default:  // .shiftRight: an arithmetic shift floors, as Python's does
      guard y >= 0 else { throw .valueError("negative shift count") }
      return .int(y >= 64 ? (x < 0 ? -1 : 0) : x >> y)
    }
  }
}
