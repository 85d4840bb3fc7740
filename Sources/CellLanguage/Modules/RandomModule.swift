#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `import random`: Python's random module's common functions on a xoshiro256** generator.
/// `seed(n)` makes a session's numbers repeat from run to run; they are not CPython's
/// numbers for the same seed (that is its Mersenne Twister).
enum RandomModule {
  /// The generator one module (one session) draws from.
  final class Generator: @unchecked Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    init() { seed(UInt64.random(in: .min ... .max)) }

    /// SplitMix64 spreads one number over the four words of state.
    func seed(_ value: UInt64) {
      var x = value
      func next() -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
      }
      s = (next(), next(), next(), next())
    }

    func next() -> UInt64 {
      let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
      let t = s.1 << 17
      s.2 ^= s.0
      s.3 ^= s.1
      s.1 ^= s.2
      s.0 ^= s.3
      s.2 ^= t
      s.3 = s.3 << 45 | s.3 >> 19
      return result
    }

    /// A float in [0, 1) with 53 random bits.
    func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// An integer in 0..<n (n > 0), without modulo bias.
    func below(_ n: UInt64) -> UInt64 {
      let limit = UInt64.max - UInt64.max % n
      while true {
        let x = next()
        if x < limit { return x % n }
      }
    }
  }

  static func make() -> ModuleObject {
    let g = Generator()
    func pick(_ low: Int, _ span: UInt64) -> Int { low &+ Int(truncatingIfNeeded: g.below(span)) }
    func items(_ v: Value) throws(CellError) -> [Value] { try ValueIterator.collect(v) }
    let functions = [
      Builtin("seed(a=None)", summary: "Starts the numbers afresh: from a (an int, float or str) so they repeat, or at random.") { a, _ in
        switch a["a"] {
        case nil, .none?: g.seed(UInt64.random(in: .min ... .max))
        case .int(let i)?: g.seed(UInt64(bitPattern: Int64(i)))
        case .float(let d)?: g.seed(d.bitPattern)
        case .bool(let b)?: g.seed(b ? 1 : 0)
        case .string(let s)?: g.seed(s.unicodeScalars.reduce(0xCBF2_9CE4_8422_2325) { ($0 ^ UInt64($1.value)) &* 0x100_0000_01B3 })
        case let v?: throw CellError.typeError("seed() argument must be an int, float or str, not '\(v.typeName)'")
        }
        return .none
      },
      Builtin("random()", summary: "A float in [0.0, 1.0).") { _, _ in .float(g.unit()) },
      Builtin("uniform(a, b)", summary: "A float between a and b.") { a, _ in
        let (x, y) = (try a.double("a", default: 0), try a.double("b", default: 0))
        return .float(x + (y - x) * g.unit())
      },
      Builtin("randint(a, b)", summary: "An integer N with a <= N <= b.") { a, _ in
        let (low, high) = (try a.int("a", default: 0), try a.int("b", default: 0))
        guard low <= high else { throw CellError.valueError("empty range for randint(\(low), \(high))") }
        let span = UInt64(bitPattern: Int64(high &- low)) &+ 1
        return .int(span == 0 ? Int(truncatingIfNeeded: g.next()) : pick(low, span))
      },
      Builtin("randrange(start, stop=None, step=1)", summary: "A random item of range(start, stop, step).") { a, _ in
        var (start, stop) = (try a.int("start", default: 0), try a.int("stop"))
        if stop == nil { (start, stop) = (0, start) }
        let step = try a.int("step", default: 1)
        guard step != 0 else { throw CellError.valueError("zero step for randrange()") }
        let n = try RangeObject(start, stop!, step).count
        guard n > 0 else { throw CellError.valueError("empty range in randrange(\(start), \(stop!), \(step))") }
        return .int(start + step * Int(g.below(UInt64(n))))
      },
      Builtin("choice(seq)", summary: "A random item of a non-empty sequence.") { a, _ in
        let xs = try items(a["seq"]!)
        guard !xs.isEmpty else { throw CellError(ename: "IndexError", "Cannot choose from an empty sequence") }
        return xs[Int(g.below(UInt64(xs.count)))]
      },
      Builtin("choices(population, weights=None, *, k=1)", summary: "k items drawn with replacement (optionally weighted).") { a, _ in
        let xs = try items(a["population"]!)
        let k = try a.int("k", default: 1)
        guard k >= 0 else { throw CellError.valueError("k must be non-negative") }
        try Memory.checkItems(k, "list")
        guard !xs.isEmpty || k == 0 else { throw CellError(ename: "IndexError", "Cannot choose from an empty population") }
        guard let w = a.value("weights") else { return .list(ListObject((0..<k).map { _ in xs[Int(g.below(UInt64(xs.count)))] })) }
        let weights = try items(w).map { (v) throws(CellError) -> Double in
          guard let d = v.numeric?.double, d >= 0, d.isFinite else { throw CellError.valueError("weights must be non-negative numbers") }
          return d
        }
        guard weights.count == xs.count else { throw CellError.valueError("the number of weights does not match the population") }
        var cumulative: [Double] = []
        for x in weights { cumulative.append((cumulative.last ?? 0) + x) }
        guard let total = cumulative.last, total > 0 else { throw CellError.valueError("total of weights must be greater than zero") }
        return .list(ListObject((0..<k).map { _ in
          let r = g.unit() * total
          return xs[min(xs.count - 1, cumulative.firstIndex { r < $0 } ?? xs.count - 1)]
        }))
      },
      Builtin("shuffle(x)", summary: "Shuffles a list in place (Fisher–Yates).") { a, _ in
        guard case .list(let l) = a["x"]! else { throw CellError.typeError("shuffle() argument must be a list, not '\(a["x"]!.typeName)'") }
        for i in stride(from: l.items.count - 1, to: 0, by: -1) { l.items.swapAt(i, Int(g.below(UInt64(i + 1)))) }
        return .none
      },
      Builtin("sample(population, k)", summary: "k distinct items of the population, in random order.") { a, _ in
        var xs = try items(a["population"]!)
        let k = try a.int("k", default: 0)
        guard (0...xs.count).contains(k) else { throw CellError.valueError("Sample larger than population or is negative") }
        for i in 0..<k { xs.swapAt(i, i + Int(g.below(UInt64(xs.count - i)))) }
        return .list(ListObject(Array(xs.prefix(k))))
      },
      Builtin("gauss(mu=0.0, sigma=1.0)", summary: "A normally distributed float (mean mu, standard deviation sigma).") { a, _ in
        let (mu, sigma) = (try a.double("mu", default: 0), try a.double("sigma", default: 1))
        // Box–Muller on (0, 1]: 1 - unit() is never 0, so the logarithm is finite.
        let r = (-2 * Glibc.log(1 - g.unit())).squareRoot()
        return .float(mu + sigma * r * Glibc.cos(2 * .pi * g.unit()))
      },
    ]
    return ModuleObject(name: "random", summary: "Random numbers, choices and shuffles, as Python's random module.", functions: functions)
  }
}
