/// `import random`: CPython 3.11's random module on its Mersenne Twister, so a seed gives
/// CPython's numbers. The module's functions share one hidden Random per session (as Python's
/// share one per process); `random.Random(x)` makes others with their own state.
enum RandomModule {
  static func make() -> ModuleObject {
    let hidden = RandomGenerator()
    return ModuleObject(
      name: "random", summary: "Random numbers, choices and shuffles, as Python's random module (CPython's numbers for a seed).",
      functions: [
        Builtin("Random(x=None)", summary: "A generator with its own state, seeded as seed(x).") { a, _ in
          .host(RandomObject(RandomGenerator(key: try RandomSeeds.key(a["x"]))))
        }
      ] + methods(hidden))
  }

  /// The functions of one generator: the module's, or a Random's methods.
  static func methods(_ g: RandomGenerator) -> [Builtin] {
    func number(_ a: BoundArguments, _ name: String, _ d: Double = 0) throws(CellError) -> Double { try a.double(name, default: d) }
    return [
      Builtin("seed(a=None, version=2)", summary: "Starts the numbers afresh: from a (an int, float or str) so they repeat, or at random.") { a, _ in
        g.seed(key: try RandomSeeds.key(a["a"], version: try a.int("version", default: 2)))
        return .none
      },
      Builtin("random()", summary: "A float in [0.0, 1.0).") { _, _ in .float(g.random()) },
      Builtin("getrandbits(k)", summary: "An int with k random bits (k <= 63: ints here are 64-bit).") { a, _ in
        let k = try a.int("k", default: 0)
        guard k >= 0 else { throw CellError.valueError("number of bits must be non-negative") }
        guard k < 64 else { throw CellError(ename: "OverflowError", "getrandbits(\(k)): ints here are 64-bit, so at most 63 bits") }
        return .int(Int(g.twister.bits(k)))
      },
      Builtin("randrange(start, stop=None, step=1)", summary: "A random item of range(start, stop, step).") { a, _ in
        .int(try RandomIntegers.randrange(g, a["start"]!, a["stop"], a["step"]))
      },
      Builtin("randint(a, b)", summary: "An integer N with a <= N <= b.") { a, _ in
        .int(try RandomIntegers.randrange(g, a["a"]!, try RandomIntegers.plusOne(a["b"]!), nil))
      },
      Builtin("choice(seq)", summary: "A random item of a non-empty sequence.") { a, _ in try g.choice(a["seq"]!) },
      Builtin("choices(population, weights=None, *, cum_weights=None, k=1)", summary: "k items drawn with replacement (optionally weighted).") { a, _ in
        .list(ListObject(try g.choices(a["population"]!, weights: a.value("weights"), cumWeights: a.value("cum_weights"), k: try a.int("k", default: 1))))
      },
      Builtin("shuffle(x)", summary: "Shuffles a list in place.") { a, _ in
        try g.shuffle(a["x"]!)
        return .none
      },
      Builtin("sample(population, k, *, counts=None)", summary: "k distinct items of the population, in selection order.") { a, _ in
        .list(ListObject(try g.sample(a["population"]!, k: try a.int("k", default: 0), counts: a.value("counts"))))
      },
      Builtin("uniform(a, b)", summary: "A float between a and b.") { a, _ in
        let (x, y) = (try number(a, "a"), try number(a, "b"))
        return .float(x + RandomIntegers.difference(a["b"]!, a["a"]!, y - x) * g.random())
      },
      Builtin("triangular(low=0.0, high=1.0, mode=None)", summary: "A float in [low, high] with the triangular distribution peaking at mode.") { a, _ in
        let u = g.random()
        var (low, high) = (try number(a, "low", 0), try number(a, "high", 1))
        var c = 0.5
        if let mode = try a.double("mode") {
          // (mode - low) / (high - low): on a zero width Python returns low as given.
          guard high - low != 0 else { return a["low"] ?? .float(0) }
          c = (mode - low) / (high - low)
        }
        var v = u
        if v > c { (v, c, low, high) = (1.0 - v, 1.0 - c, high, low) }
        return .float(low + (high - low) * (v * c).squareRoot())
      },
      Builtin("gauss(mu=0.0, sigma=1.0)", summary: "A normal float (mean mu, standard deviation sigma), two made at a time.") { a, _ in
        .float(g.gauss(try number(a, "mu"), try number(a, "sigma", 1)))
      },
      Builtin("normalvariate(mu=0.0, sigma=1.0)", summary: "A normal float (Kinderman and Monahan's method).") { a, _ in
        .float(g.normalvariate(try number(a, "mu"), try number(a, "sigma", 1)))
      },
      Builtin("lognormvariate(mu, sigma)", summary: "A float whose logarithm is normal (mean mu, standard deviation sigma).") { a, _ in
        .float(g.lognormvariate(try number(a, "mu"), try number(a, "sigma")))
      },
      Builtin("expovariate(lambd)", summary: "An exponential float (lambd is 1 / the mean).") { a, _ in
        .float(try g.expovariate(try number(a, "lambd")))
      },
      Builtin("vonmisesvariate(mu, kappa)", summary: "An angle in [0, 2π) around mu, concentration kappa.") { a, _ in
        .float(try g.vonmisesvariate(try number(a, "mu"), try number(a, "kappa")))
      },
      Builtin("gammavariate(alpha, beta)", summary: "A gamma-distributed float (alpha, beta > 0).") { a, _ in
        .float(try g.gammavariate(try number(a, "alpha"), try number(a, "beta")))
      },
      Builtin("betavariate(alpha, beta)", summary: "A beta-distributed float in [0, 1] (alpha, beta > 0).") { a, _ in
        .float(try g.betavariate(try number(a, "alpha"), try number(a, "beta")))
      },
      Builtin("paretovariate(alpha)", summary: "A Pareto-distributed float (shape alpha).") { a, _ in
        .float(try g.paretovariate(try number(a, "alpha")))
      },
      Builtin("weibullvariate(alpha, beta)", summary: "A Weibull-distributed float (scale alpha, shape beta).") { a, _ in
        .float(try g.weibullvariate(try number(a, "alpha"), try number(a, "beta")))
      },
      Builtin("getstate()", summary: "The generator's state, as CPython's: (3, 625 ints, gauss's kept number).") { _, _ in
        RandomState.get(g)
      },
      Builtin("setstate(state)", summary: "Restores a state getstate() returned.") { a, _ in
        try RandomState.set(g, a["state"]!)
        return .none
      },
    ]
  }
}

/// `random.Random(x)`: a generator of its own, with the module's functions as methods.
final class RandomObject: HostObject {
  let generator: RandomGenerator
  private lazy var table: [String: Builtin] = Dictionary(
    RandomModule.methods(generator).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

  init(_ generator: RandomGenerator) { self.generator = generator }

  var typeName: String { "Random" }
  var repr: String { "<random.Random object>" }
  var attributeNames: [String] { table.keys.sorted() }
  func attribute(_ name: String) throws -> Value? { table[name].map(Value.function) }
}
