#if canImport(Glibc)
  import Glibc
#endif

/// `%timeit statement` and `%%timeit` cells, as IPython's magic: the statement runs in
/// loops of 10^k until a loop takes 0.2 s, then 7 such loops are timed and the mean and
/// standard deviation per run printed in IPython's words.
struct TimeItOptions: Equatable {
  /// Runs per loop (`-n`); nil picks it as IPython does.
  var number: Int?
  /// Loops timed (`-r`).
  var repeats = 7
  /// Significant digits shown (`-p`).
  var precision = 3
  /// `-q`: print nothing.
  var quiet = false
}

extension Parser {
  /// The options after `%timeit`/`%%timeit`: `-n 100`, `-n100`, `-r 3`, `-p 4`, `-q`.
  mutating func timeItOptions() throws(CellError) -> TimeItOptions {
    var o = TimeItOptions()
    while isOp("-"), case .name(let word) = tokens[p + 1].kind, let flag = word.first, "nrpqo".contains(flag) {
      let start = current.span
      p += 2
      if flag == "q" || flag == "o" {
        guard word.count == 1 else { throw .syntax("unknown %timeit option -\(word)", start) }
        o.quiet = o.quiet || flag == "q"
        continue
      }
      var value = Int(word.dropFirst())
      if word.count == 1, case .int(let n) = current.kind {
        value = n
        p += 1
      }
      guard let value, value > 0 else { throw .syntax("%timeit -\(flag) needs a positive whole number", start) }
      switch flag {
      case "n": o.number = value
      case "r": o.repeats = value
      default: o.precision = min(value, 17)
      }
    }
    return o
  }
}

extension Evaluator {
  func timeIt(setup: [Stmt], body: [Stmt], _ options: TimeItOptions) throws(CellError) {
    let clock = ContinuousClock()
    func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
    // One loop: the setup, then `loops` runs of the statement, timed without the setup.
    func loop(_ loops: Int) throws(CellError) -> Double {
      _ = try run(setup)
      let started = clock.now
      for _ in 0..<loops {
        try context.checkInterrupt()  // a body of simple statements checks nothing itself
        _ = try run(body)
      }
      return seconds(clock.now - started)
    }
    var number = options.number ?? 1
    if options.number == nil {
      for index in 0..<10 {
        number = Int(pow(10, Double(index)))
        if try loop(number) >= 0.2 { break }
      }
    }
    var runs: [Double] = []
    for _ in 0..<options.repeats { runs.append(try loop(number)) }
    guard !options.quiet else { return }
    let best = runs.min()! / Double(number)
    let worst = runs.max()! / Double(number)
    if worst > 4 * best && best > 0 && worst > 1e-6 {
      context.sink.stream(
        .stdout,
        "The slowest run took \(Format.printf("%0.2f", worst / best)) times longer than the fastest. This could mean that an intermediate result is being cached.\n")
    }
    let each = runs.map { $0 / Double(number) }
    let mean = each.reduce(0, +) / Double(each.count)
    let deviation = (each.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(each.count)).squareRoot()
    let p = options.precision
    let text = "\(Self.duration(mean, p)) ± \(Self.duration(deviation, p)) per loop (mean ± std. dev. of \(options.repeats) run\(options.repeats == 1 ? "" : "s"), "
      + "\(Self.grouped(number)) loop\(number == 1 ? "" : "s") each)\n"
    context.sink.stream(.stdout, text)
  }

  /// IPython's `_format_time`: `%.3g` in s, ms, μs or ns; a minute or more as `1min 5s`.
  static func duration(_ t: Double, _ precision: Int) -> String {
    if t >= 60 {
      var parts: [String] = []
      var left = t
      for (suffix, length) in [("d", 86400.0), ("h", 3600.0), ("min", 60.0), ("s", 1.0)] {
        let value = Int(left / length)
        if value > 0 {
          left = left.truncatingRemainder(dividingBy: length)
          parts.append("\(value)\(suffix)")
        }
        if left < 1 { break }
      }
      return parts.joined(separator: " ")
    }
    let order = t > 0 ? min(-Int((log10(t)).rounded(.down)).floorDivided(by: 3), 3) : 3
    let scaled = t * [1, 1e3, 1e6, 1e9][max(order, 0)]
    return Format.printf("%.\(precision)g", scaled) + " " + ["s", "ms", "μs", "ns"][max(order, 0)]
  }

  /// `{n:,}`: digits in groups of three.
  static func grouped(_ n: Int) -> String {
    let digits = Array(String(n))
    var out = ""
    for (i, d) in digits.enumerated() {
      if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
      out.append(d)
    }
    return out
  }
}

extension Int {
  /// Python's `//` for a positive divisor (rounds toward minus infinity).
  fileprivate func floorDivided(by d: Int) -> Int { self >= 0 ? self / d : -((-self + d - 1) / d) }
}
