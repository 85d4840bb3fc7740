import Testing

@testable import Charts

/// Number formatting is total: values beyond Int's range, NaN and infinities, and odd
/// place counts give text instead of a trap (they used to trap above 9.2e18).
@Test(arguments: [9.3e18, -9.3e18, 1e300, -1e300, Double.greatestFiniteMagnitude, 1e15, 123456789012345.67])
func hugeNumbersFormatWithoutTrapping(_ v: Double) {
  #expect(!num(v).isEmpty)
  #expect(Double(num(v)).map { abs($0 - v) <= abs(v) * 1e-12 + 0.01 } == true)
  for places in [-3, 0, 2, 40] {
    let text = formatDecimal(v, places: places)
    #expect(Double(text).map { abs($0 - v) <= abs(v) * 1e-12 + 1 } == true, "\(text)")
  }
}

@Test func nonFiniteNumbersFormatAsWords() {
  #expect(num(.nan) == "0" && num(.infinity) == "0")
  #expect(formatDecimal(.nan, places: 2) == "nan")
  #expect(formatDecimal(-.infinity, places: 2) == "-inf")
  #expect(formatDecimal(2.5, places: -1) == "3" || formatDecimal(2.5, places: -1) == "2")
}

@Test func aLineChartOfHugeAndNonFiniteValuesRenders() {
  let chart = LineChart.thinned([(0, 1), (.nan, 2), (1e300, 3), (-1e300, .infinity), (5, 5)])
  #expect(chart.count >= 2)
}
