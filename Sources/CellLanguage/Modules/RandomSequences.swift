#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// choice, choices, sample and shuffle, as CPython 3.11's Lib/random.py writes them (the same
/// draws in the same order: _randbelow for indices, floor(random() * n) in unweighted
/// choices, bisect on the cumulative weights, sample's pool and set branches).
extension RandomGenerator {
  /// A sequence read by index without copying it (a range stays lazy).
  struct Population {
    let count: Int
    let typeName: String
    let item: (Int) -> Value

    /// nil for a dict or set, which Python does not index by position.
    init?(_ v: Value) throws(CellError) {
      typeName = v.typeName
      switch v {
      case .list(let l):
        let items = l.items
        count = items.count
        item = { items[$0] }
      case .tuple(let t):
        count = t.count
        item = { t[$0] }
      case .string(let s):
        let scalars = Array(s.unicodeScalars)
        count = scalars.count
        item = { .string(String(scalars[$0])) }
      case .host(let r as RangeObject):
        count = r.count
        item = { .int(r.element($0)) }
      case .dict, .host(is SetObject): return nil
      case .host:
        guard let items = try? ValueIterator.collect(v) else { throw .typeError("object of type '\(v.typeName)' has no len()") }
        count = items.count
        item = { items[$0] }
      default: throw .typeError("object of type '\(v.typeName)' has no len()")
      }
    }

    func at(_ i: Int) throws(CellError) -> Value {
      guard i < count else {
        let kind = typeName == "str" ? "string" : typeName == "range" ? "range object" : typeName
        throw CellError(ename: "IndexError", "\(kind) index out of range")
      }
      return item(i)
    }
  }

  private static func sequence(_ v: Value) throws(CellError) -> Population {
    guard let p = try Population(v) else { throw .typeError("'\(v.typeName)' object is not subscriptable") }
    return p
  }

  func choice(_ seq: Value) throws(CellError) -> Value {
    // Python takes len() first: an empty set or dict is "empty", not "not subscriptable".
    if try Population(seq) == nil, try StandardLibrary.length(seq) == .int(0) {
      throw CellError(ename: "IndexError", "Cannot choose from an empty sequence")
    }
    let p = try Self.sequence(seq)
    guard p.count > 0 else { throw CellError(ename: "IndexError", "Cannot choose from an empty sequence") }
    return p.item(twister.below(p.count))
  }

  func choices(_ population: Value, weights: Value?, cumWeights: Value?, k: Int) throws(CellError) -> [Value] {
    let p = try Self.sequence(population)
    try Memory.checkItems(max(k, 0), "list")
    var cumulative: [Double]
    if let cumWeights {
      guard weights == nil else { throw .typeError("Cannot specify both weights and cumulative weights") }
      cumulative = try ValueIterator.collect(cumWeights).map { (v) throws(CellError) in try Self.number(v) }
    } else if let weights {
      if case .int(let n) = weights { throw .typeError("The number of choices must be a keyword argument: k=\(n)") }
      cumulative = try Self.accumulate(try ValueIterator.collect(weights)).map { $0.double }
    } else {
      let n = Double(p.count)
      return try (0..<max(k, 0)).map { (_) throws(CellError) in try p.at(Int(floor(random() * n))) }
    }
    guard cumulative.count == p.count else { throw .valueError("The number of weights does not match the population") }
    guard let total = cumulative.last else { throw CellError(ename: "IndexError", "list index out of range") }
    guard !(total <= 0.0) else { throw .valueError("Total of weights must be greater than zero") }
    guard total.isFinite else { throw .valueError("Total of weights must be finite") }
    let hi = p.count - 1
    return (0..<max(k, 0)).map { _ in p.item(Self.bisectRight(cumulative, random() * total, hi: hi)) }
  }

  func sample(_ population: Value, k: Int, counts: Value?) throws(CellError) -> [Value] {
    guard let p = try? Population(population) else {
      throw .typeError("Population must be a sequence.  For dicts or sets, use sorted(d).")
    }
    if let counts {
      var cumulative = try Self.accumulate(try ValueIterator.collect(counts))
      guard cumulative.count == p.count else { throw .valueError("The number of counts does not match the population") }
      guard let total = cumulative.popLast() else { throw CellError(ename: "IndexError", "pop from empty list") }
      guard case .int(let n) = total else { throw .typeError("Counts must be integers") }
      guard n > 0 else { throw .valueError("Total of counts must be greater than zero") }
      let bounds = cumulative.map { $0.double }
      return try sample(.host(try RangeObject(0, n, 1)), k: k, counts: nil).map { selection in
        guard case .int(let i) = selection else { return selection }
        return p.item(Self.bisectRight(bounds, Double(i), hi: bounds.count))
      }
    }
    let n = p.count
    guard 0 <= k, k <= n else { throw .valueError("Sample larger than population or is negative") }
    try Memory.checkItems(k, "list")
    var result: [Value] = []
    result.reserveCapacity(k)
    // A small population is copied and drawn from without replacement; a large one is
    // indexed at random, redrawing indices already taken (the size rule is random.py's).
    var setSize = 21.0
    if k > 5 { setSize += pow(4, ceil(log(Double(k) * 3) / log(4.0))) }
    if Double(n) <= setSize {
      var pool = (0..<n).map(p.item)
      for i in 0..<k {
        let j = twister.below(n - i)
        result.append(pool[j])
        pool[j] = pool[n - i - 1]
      }
    } else {
      var selected = Set<Int>()
      for _ in 0..<k {
        var j = twister.below(n)
        while selected.contains(j) { j = twister.below(n) }
        selected.insert(j)
        result.append(p.item(j))
      }
    }
    return result
  }

  func shuffle(_ x: Value) throws(CellError) {
    guard case .list(let l) = x else {
      let p = try Self.sequence(x)
      if p.count > 1 {
        _ = twister.below(p.count)  // Python draws before the assignment fails
        throw .typeError("'\(x.typeName)' object does not support item assignment")
      }
      return
    }
    for i in stride(from: l.items.count - 1, to: 0, by: -1) {
      l.items.swapAt(i, twister.below(i + 1))
    }
  }

  /// bisect.bisect_right(a, x, 0, hi).
  static func bisectRight(_ a: [Double], _ x: Double, hi: Int) -> Int {
    var (lo, hi) = (0, hi)
    while lo < hi {
      let mid = (lo + hi) / 2
      if x < a[mid] { hi = mid } else { lo = mid + 1 }
    }
    return lo
  }

  static func number(_ v: Value) throws(CellError) -> Double {
    guard let n = v.numeric else { throw .typeError("must be real number, not \(v.typeName)") }
    return n.double
  }

  /// itertools.accumulate: running sums, ints while every term is an int.
  static func accumulate(_ items: [Value]) throws(CellError) -> [Numeric] {
    var sums: [Numeric] = []
    for v in items {
      guard let x = v.numeric else {
        var left = "int"
        if case .float? = sums.last { left = "float" }
        throw .typeError("unsupported operand type(s) for +: '\(left)' and '\(v.typeName)'")
      }
      switch (sums.last, x) {
      case (nil, _): sums.append(x)
      case (.int(let a)?, .int(let b)):
        let (s, overflow) = a.addingReportingOverflow(b)
        sums.append(overflow ? .float(Double(a) + Double(b)) : .int(s))
      case (let a?, _): sums.append(.float(a.double + x.double))
      }
    }
    return sums
  }
}
