/// `import itertools`: Python's combinatoric and slicing iterators, each returning a list
/// (as `map` and generator expressions do here). The infinite ones — count, cycle, repeat
/// without times — have no list to return and say so.
enum IterToolsModule {
  static func make() -> ModuleObject {
    ModuleObject(
      name: "itertools", summary: "Combinations, products, chains and slices of iterables, as lists.",
      functions: combinatorics() + slicing() + infinite())
  }

  private static func items(_ v: Value?) throws(CellError) -> [Value] { try ValueIterator.collect(v ?? .tuple([])) }

  private static func count(_ a: BoundArguments, _ name: String) throws(CellError) -> Int? {
    guard let v = a.value(name) else { return nil }
    guard case .int(let n) = v else { throw .typeError("\(name) must be an integer, not \(v.typeName)") }
    guard n >= 0 else { throw .valueError("\(name) must be non-negative") }
    return n
  }

  /// Calls `body` for every choice of `r` positions out of `n` (in lexicographic order):
  /// with `repeats` a position may repeat, with `ordered` every order counts.
  private static func choose(
    _ n: Int, _ r: Int, ordered: Bool, repeats: Bool, _ ctx: CallContext, _ body: ([Int]) throws(CellError) -> Void
  ) throws(CellError) {
    var chosen: [Int] = []
    var steps = 0
    func extend() throws(CellError) {
      if chosen.count == r { return try body(chosen) }
      steps &+= 1
      if steps & 0xFFF == 0 { try ctx.checkInterrupt() }
      let start = ordered ? 0 : (chosen.last.map { repeats ? $0 : $0 + 1 } ?? 0)
      guard start < n else { return }
      for i in start..<n where repeats || !(ordered && chosen.contains(i)) {
        chosen.append(i)
        try extend()
        chosen.removeLast()
      }
    }
    try extend()
  }

  private static func combinatorics() -> [Builtin] {
    func chooser(_ name: String, _ summary: String, ordered: Bool, repeats: Bool, rOptional: Bool) -> Builtin {
      Builtin("\(name)(iterable, r=\(rOptional ? "None" : "2"))", summary: summary) { a, ctx in
        let pool = try items(a["iterable"])
        let r = try count(a, "r") ?? (rOptional ? pool.count : 2)
        var out: [Value] = []
        try choose(pool.count, r, ordered: ordered, repeats: repeats, ctx) { (picks) throws(CellError) in
          if out.count == Memory.maxItemCount { try Memory.checkItems(out.count + 1, "list") }
          out.append(.tuple(picks.map { pool[$0] }))
        }
        return .list(out)
      }
    }
    return [
      Builtin("product(*iterables, repeat=1)", summary: "Every tuple taking one item from each iterable: product('ab', [0, 1]).") { a, ctx in
        let pools = Array(repeating: try a.variadic.map { (v) throws(CellError) in try items(v) }, count: try count(a, "repeat") ?? 1).flatMap { $0 }
        var total = 1
        for p in pools { total = Memory.product(total, p.count) }
        try Memory.checkItems(total, "list")
        var out: [Value] = [.tuple([])]
        for pool in pools {
          try ctx.checkInterrupt()
          out = out.flatMap { prefix in pool.map { x in
            guard case .tuple(let t) = prefix else { return prefix }
            return .tuple(t + [x])
          } }
        }
        return .list(out)
      },
      chooser("permutations", "Every ordering of r items (all of them by default).", ordered: true, repeats: false, rOptional: true),
      chooser("combinations", "Every choice of r items, in the iterable's order.", ordered: false, repeats: false, rOptional: false),
      chooser(
        "combinations_with_replacement", "Every choice of r items where an item may repeat.", ordered: false, repeats: true,
        rOptional: false),
    ]
  }

  private static func slicing() -> [Builtin] {
    [
      Builtin("chain(*iterables)", summary: "The items of each iterable in turn.") { a, _ in
        var out: [Value] = []
        for v in a.variadic {
          let more = try items(v)
          try Memory.checkItems(Memory.sum(out.count, more.count), "list")
          out += more
        }
        return .list(out)
      },
      Builtin("islice(iterable, *args)", summary: "Items start to stop by step: islice(xs, 5) or islice(xs, 2, 10, 2).") { a, _ in
        let bounds = a.variadic
        guard (1...3).contains(bounds.count) else { throw CellError.typeError("islice expected 2 to 4 arguments, got \(bounds.count + 1)") }
        func bound(_ v: Value, _ fallback: Int?) throws(CellError) -> Int? {
          if case .none = v { return fallback }
          guard case .int(let n) = v, n >= 0 else {
            throw .valueError("Indices for islice() must be None or an integer: 0 <= x <= sys.maxsize.")
          }
          return n
        }
        let start = bounds.count == 1 ? 0 : try bound(bounds[0], 0)!
        let stop = try bound(bounds.count == 1 ? bounds[0] : bounds[1], nil)
        let step = bounds.count == 3 ? try bound(bounds[2], 1)! : 1
        guard step > 0 else { throw CellError.valueError("Step for islice() must be a positive integer or None.") }
        var it = try ValueIterator(a["iterable"]!)
        var out: [Value] = []
        var i = 0
        while stop.map({ i < $0 }) ?? true, let v = it.next() {
          if i >= start && (i - start) % step == 0 { out.append(v) }
          i += 1
        }
        return .list(out)
      },
      Builtin("accumulate(iterable, func=None, *, initial=None)", summary: "Running totals (or running func(total, x)).") { a, ctx in
        var out: [Value] = a.value("initial").map { [$0] } ?? []
        for x in try items(a["iterable"]) {
          guard let last = out.last else { out.append(x); continue }
          if let f = a.value("func") {
            out.append(try ctx.interpreter.call(f, Arguments([last, x]), context: ctx))
          } else {
            out.append(try Operators.binary(.add, last, x))
          }
        }
        return .list(out)
      },
      Builtin(
        "groupby(iterable, key=None)", summary: "(key, items) for each run of consecutive items with the same key (sort first to group all)."
      ) { a, ctx in
        let xs = try items(a["iterable"])
        let keys = try StandardLibrary.keyed(xs, a["key"], ctx) ?? xs
        var out: [Value] = []
        var run: [Value] = []
        for (i, x) in xs.enumerated() {
          if i > 0, !(try Value.equals(keys[i], keys[i - 1])) {
            out.append(.tuple([keys[i - 1], .list(run)]))
            run = []
          }
          run.append(x)
        }
        if let last = keys.last { out.append(.tuple([last, .list(run)])) }
        return .list(out)
      },
      Builtin("zip_longest(*iterables, fillvalue=None)", summary: "Tuples of the iterables' items, the shorter ones padded with fillvalue.") { a, _ in
        let lists = try a.variadic.map { (v) throws(CellError) in try items(v) }
        let n = lists.map(\.count).max() ?? 0
        let fill = a.value("fillvalue") ?? .none
        return .list((0..<n).map { i in .tuple(lists.map { i < $0.count ? $0[i] : fill }) })
      },
      Builtin("pairwise(iterable)", summary: "Each item with the next: pairwise('abc') is [('a', 'b'), ('b', 'c')].") { a, _ in
        let xs = try items(a["iterable"])
        return .list(zip(xs, xs.dropFirst()).map { .tuple([$0, $1]) })
      },
      Builtin("starmap(function, iterable)", summary: "function(*args) for each tuple of args.") { a, ctx in
        .list(try items(a["iterable"]).map { (args) throws(CellError) in
          try ctx.interpreter.call(a["function"]!, Arguments(try ValueIterator.collect(args)), context: ctx)
        })
      },
      Builtin("compress(data, selectors)", summary: "The items of data whose selector is true.") { a, _ in
        .list(zip(try items(a["data"]), try items(a["selectors"])).filter { $0.1.isTruthy }.map(\.0))
      },
      Builtin("takewhile(predicate, iterable)", summary: "The leading items for which predicate is true.") { a, ctx in
        var out: [Value] = []
        for x in try items(a["iterable"]) {
          guard try ctx.interpreter.call(a["predicate"]!, Arguments([x]), context: ctx).isTruthy else { break }
          out.append(x)
        }
        return .list(out)
      },
      Builtin("dropwhile(predicate, iterable)", summary: "The items from the first for which predicate is false.") { a, ctx in
        let xs = try items(a["iterable"])
        var start = 0
        while start < xs.count, try ctx.interpreter.call(a["predicate"]!, Arguments([xs[start]]), context: ctx).isTruthy { start += 1 }
        return .list(Array(xs[start...]))
      },
      Builtin("filterfalse(predicate, iterable)", summary: "The items for which predicate is false.") { a, ctx in
        var out: [Value] = []
        for x in try items(a["iterable"]) {
          let keep: Bool
          if case .none = a["predicate"]! { keep = !x.isTruthy } else {
            keep = !(try ctx.interpreter.call(a["predicate"]!, Arguments([x]), context: ctx).isTruthy)
          }
          if keep { out.append(x) }
        }
        return .list(out)
      },
    ]
  }

  private static func infinite() -> [Builtin] {
    [
      Builtin("repeat(object, times=None)", summary: "object repeated times times (times is required here).") { a, _ in
        guard let n = try count(a, "times") else {
          throw CellError.typeError("repeat() without times never ends; Tabby's itertools return lists: give times")
        }
        try Memory.checkItems(n, "list")
        return .list(Array(repeating: a["object"]!, count: n))
      },
      Builtin("count(start=0, step=1)", summary: "Never ends in Python; here a TypeError that suggests range().") { _, _ in
        throw CellError.typeError("itertools.count() never ends; Tabby's itertools return lists: use range(start, stop, step)")
      },
      Builtin("cycle(iterable)", summary: "Never ends in Python; here a TypeError that suggests indexing with i % len(xs).") { _, _ in
        throw CellError.typeError("itertools.cycle() never ends; Tabby's itertools return lists: use xs[i % len(xs)]")
      },
    ]
  }
}
