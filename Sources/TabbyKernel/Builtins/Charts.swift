import CellLanguage
import Charts

extension SessionBuiltins {
  /// `plot`, `bar` and `hist`: a picture of any numbers, drawn as SVG by `Charts`.
  static func chartBuiltins() -> [Builtin] {
    [
      Builtin(
        "plot(xs, ys=None, *, title='', xlabel='', ylabel='', markers=False)",
        summary: "Draws a line chart: plot(ys), plot(xs, ys), or plot(xs, {'name': ys, ...}) for several lines.",
        details: "markers=True draws points instead of lines (a scatter plot). Shown at once as SVG; returns None."
      ) { a, ctx in
        let labels = try ChartArguments(a)
        var xs = try numbers(a["xs"]!, "xs")
        var named: [(String, [Double])]
        switch a["ys"] {
        case nil: (named, xs) = ([("y", xs)], xs.indices.map(Double.init))
        case .dict(let d)?:
          named = try zip(d.keys, d.values).map { k, v throws(CellError) in (k.str, try numbers(v, k.str)) }
        case let ys?: named = [("y", try numbers(ys, "ys"))]
        }
        for (name, ys) in named where ys.count != xs.count {
          throw CellError.valueError("plot(): xs has \(xs.count) values but \(name) has \(ys.count)")
        }
        let colors = ["#3b7dd8", "#e07b39", "#3a9e5c", "#c0392b", "#8e44ad", "#7f8c8d"]
        let series = named.enumerated().map { i, s in
          Series(name: s.0, points: Array(zip(xs, s.1)), color: colors[i % colors.count])
        }
        let svg = Plot.lines(
          series, title: labels.title, xLabel: labels.x, yLabel: labels.y,
          markers: try a.bool("markers", default: false))
        show(svg, "line chart of \(xs.count) points", ctx)
        return .none
      },
      Builtin(
        "bar(labels, values=None, *, title='', xlabel='', ylabel='')",
        summary: "Draws a bar chart: bar(['a', 'b'], [3, 5]) or bar({'a': 3, 'b': 5}).",
        details: "Negative values go below the zero line. Shown at once as SVG; returns None."
      ) { a, ctx in
        let labels = try ChartArguments(a)
        let names: [String]
        let values: [Double]
        if case .dict(let d)? = a["labels"], a["values"] == nil {
          (names, values) = (d.keys.map(\.str), try numbers(.list(ListObject(d.values)), "values"))
        } else {
          guard let v = a["values"] else { throw CellError.typeError("bar() missing 'values' (or pass one dict)") }
          (names, values) = (try a["labels"]!.iterated().map(\.str), try numbers(v, "values"))
        }
        guard names.count == values.count else {
          throw CellError.valueError("bar(): \(names.count) labels but \(values.count) values")
        }
        guard values.count <= maxBars else { throw CellError.valueError("bar(): at most \(maxBars) bars, got \(values.count)") }
        let svg = Plot.columns(labels: names, values: values, title: labels.title, xLabel: labels.x, yLabel: labels.y)
        show(svg, "bar chart of \(values.count) values", ctx)
        return .none
      },
      Builtin(
        "hist(xs, bins=10, *, title='', xlabel='', ylabel='count')",
        summary: "Draws a histogram of the values in bins equal-width bins; returns the counts.",
        details: "The bins run from the smallest to the largest value; nan and inf are left out."
      ) { a, ctx in
        let labels = try ChartArguments(a)
        let xs = try numbers(a["xs"]!, "xs")
        let bins = try a.int("bins", default: 10)
        guard (1...maxBars).contains(bins) else {
          throw CellError.valueError("hist() bins must be between 1 and \(maxBars), got \(bins)")
        }
        let (edges, counts) = Plot.histogram(xs, bins: bins)
        let names = counts.indices.map { Plot.shortNumber(edges[$0]) + "–" + Plot.shortNumber(edges[$0 + 1]) }
        let svg = Plot.columns(
          labels: names, values: counts.map(Double.init), title: labels.title, xLabel: labels.x, yLabel: labels.y)
        show(svg, "histogram of \(xs.count) values in \(bins) bins", ctx)
        return .list(ListObject(counts.map(Value.int)))
      },
    ]
  }

  /// The most bars (or histogram bins) one chart draws.
  static let maxBars = 1000

  /// The title and axis labels every chart takes.
  struct ChartArguments {
    let title: String
    let x: String
    let y: String
    init(_ a: BoundArguments) throws(CellError) {
      title = try a.string("title", default: "")
      x = try a.string("xlabel", default: "")
      y = try a.string("ylabel", default: "")
    }
  }

  /// The numbers of an iterable (ints, floats, bools), for a chart.
  static func numbers(_ v: Value, _ what: String) throws(CellError) -> [Double] {
    try v.iterated().map { item throws(CellError) in
      switch item {
      case .int(let i): return Double(i)
      case .float(let d): return d
      case .bool(let b): return b ? 1 : 0
      default: throw CellError.typeError("\(what) must hold numbers, found '\(item.typeName)'")
      }
    }
  }

  static func show(_ svg: String, _ text: String, _ ctx: CallContext) {
    ctx.sink.display(
      MimeBundle(data: ["image/svg+xml": .string(svg), "text/plain": .string("<\(text)>")]), displayID: nil)
  }
}
