import CellLanguage
import Testing

// statistics' paired-data functions, other averages and NormalDist: each cell is also valid Python,
// and its expected output is what CPython 3.11 prints for it (python3 on the build machine).

/// covariance, correlation, linear_regression, fmean with weights, geometric_mean, harmonic_mean and median_grouped, with their errors.
@Test func statistics_pairsAndMeansMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import statistics as st
    def t(f, *a, **k):
        try:
            print(repr(f(*a, **k)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    x = [1, 2, 3, 4, 5, 6, 7, 8, 9]
    y = [1, 2, 3, 1, 2, 3, 1, 2, 3]
    z = [9, 8, 7, 6, 5, 4, 3, 2, 1]
    h = [1.5, 2.25, 3.1, 4.7, 5.05]
    w = [0.1, 0.7, 0.35, 2.9, 1.3]
    print(st.covariance(x, y), st.covariance(x, z), st.covariance(h, w))
    print(st.correlation(x, x), st.correlation(x, z), st.correlation(x, y), st.correlation(h, w))
    print(st.linear_regression(x, y), st.linear_regression(h, w))
    r = st.linear_regression(h, w, proportional=True)
    print(r, r.slope, r[1], tuple(r))
    t(st.correlation, [1, 2], [3, 3])
    t(st.correlation, [1], [2])
    t(st.covariance, [1, 2, 3], [1, 2])
    t(st.linear_regression, [2, 2, 2], [1, 2, 3])
    t(st.linear_regression, [1, 2], [1])
    t(st.covariance, [1, 'a'], [1, 2])
    print(st.fmean([3.5, 4.0, 5.25]), st.fmean(h), st.fmean([1, 2, 3, 4], weights=[0.25, 0.25, 0.25, 0.25]), st.fmean(h, w))
    t(st.fmean, [])
    t(st.fmean, [1, 2], [1])
    t(st.fmean, [1, 2], [1, -1])
    print(st.geometric_mean([54, 24, 36]), st.geometric_mean(h), st.geometric_mean([2.5]))
    t(st.geometric_mean, [1, 0, 2])
    t(st.geometric_mean, [])
    t(st.geometric_mean, [-1.0])
    print(st.harmonic_mean([40, 60]), st.harmonic_mean([40, 60], weights=[5, 30]), st.harmonic_mean(h), st.harmonic_mean(h, w))
    print(st.harmonic_mean([7]), st.harmonic_mean([2.5]), st.harmonic_mean([1, 0, 2]), st.harmonic_mean([3, 1.5, 0.5, 12]))
    t(st.harmonic_mean, [])
    t(st.harmonic_mean, [-1])
    t(st.harmonic_mean, [1, -2, 3])
    t(st.harmonic_mean, [1, 2], [1])
    t(st.harmonic_mean, [1, 2], [0, 0])
    t(st.harmonic_mean, [1, 2], [1, -1])
    t(st.harmonic_mean, ['a'])
    data = [25] * 172 + [35] * 484 + [45] * 387 + [55] * 22 + [65] * 6
    print(st.median_grouped(data, interval=10), st.median_grouped([1, 2, 2, 3, 4, 4, 4, 4, 4, 5]), st.median_grouped([52, 52, 53, 54]))
    print(st.median_grouped([1, 3, 3, 5, 7], interval=1), st.median_grouped([1, 3, 3, 5, 7], interval=2), st.median_grouped([2.5]))
    t(st.median_grouped, [])
    t(st.median_grouped, [1, 2], 'x')
    t(st.median_grouped, ['a', 'b'])
    print(st.fmean([0.1] * 10), st.mean([0.1] * 10), st.stdev(h), st.pvariance(w), st.variance(x))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    0.75 -7.5 1.31075
    1.0 -1.0 0.31622776601683794 0.7648011173594605
    LinearRegression(slope=0.1, intercept=1.5) LinearRegression(slope=0.5575880038285653, intercept=-0.7811921727108373)
    LinearRegression(slope=0.3565837402154538, intercept=0.0) 0.3565837402154538 0.0 (0.3565837402154538, 0.0)
    StatisticsError: at least one of the inputs is constant
    StatisticsError: correlation requires at least two data points
    StatisticsError: covariance requires that both inputs have same number of data points
    StatisticsError: x is constant
    StatisticsError: linear regression requires that both inputs have same number of data points
    TypeError: must be real number, not str
    4.25 3.3200000000000003 2.5 4.300000000000001
    StatisticsError: fmean requires at least one data point
    StatisticsError: data and weights must be the same length
    StatisticsError: sum of weights must be non-zero
    36.000000000000014 3.013040306422833 2.5
    StatisticsError: geometric mean requires a non-empty dataset containing positive numbers
    StatisticsError: geometric mean requires a non-empty dataset containing positive numbers
    StatisticsError: geometric mean requires a non-empty dataset containing positive numbers
    48.0 56.0 2.710794768405756 3.9190463537669085
    7 2.5 0 1.2972972972972974
    StatisticsError: harmonic_mean requires at least one data point
    StatisticsError: harmonic mean does not support negative values
    StatisticsError: harmonic mean does not support negative values
    StatisticsError: Number of weights does not match data size
    StatisticsError: Weighted sum must be positive
    StatisticsError: harmonic mean does not support negative values
    TypeError: unsupported type
    37.510330578512395 3.7 52.5
    3.25 3.5 2.5
    StatisticsError: no median for empty data
    TypeError: Value cannot be converted to a float
    TypeError: Value cannot be converted to a float
    0.1 0.1 1.5332155751883034 0.9995999999999999 7.5

    """#)
}

/// NormalDist: properties, pdf, cdf, inv_cdf (both tails), quantiles, overlap, zscore, arithmetic, ==, hashing, from_samples and the errors.
@Test func statistics_normalDistMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from statistics import NormalDist
    import statistics
    def t(f, *a, **k):
        try:
            print(repr(f(*a, **k)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    n = NormalDist()
    d = NormalDist(100, 15)
    print(n, d, repr(NormalDist(2.5, 0)), NormalDist(mu=-1, sigma=0.5))
    print(d.mean, d.median, d.mode, d.stdev, d.variance)
    print(n.pdf(0), n.pdf(1.5), d.pdf(130), n.cdf(0), n.cdf(1.96), d.cdf(70), d.cdf(115.5))
    print(n.inv_cdf(0.975), n.inv_cdf(0.5), n.inv_cdf(0.01), d.inv_cdf(0.1), n.inv_cdf(1e-10), n.inv_cdf(0.9999999))
    print(n.quantiles(), d.quantiles(5), n.quantiles(1), n.quantiles(n=3))
    print(d.zscore(130), n.zscore(-2), NormalDist(2.4, 1.6).overlap(NormalDist(3.2, 2.0)), d.overlap(d), n.overlap(NormalDist(1, 1)))
    print(d + 5, 5 + d, d - 10, 10 - d, d * 2, 2 * d, d * -0.5, d / 4, -d, +d)
    print(d + n, d - n, NormalDist(1, 3) + NormalDist(2, 4))
    print(d == NormalDist(100.0, 15.0), d == n, d != n, d == 100, hash(d) == hash(NormalDist(100, 15)))
    s = NormalDist.from_samples([2.5, 3.1, 2.1, 2.4, 2.7, 3.5])
    print(s, s.mean, s.stdev, NormalDist.from_samples([1, 2, 3, 4]))
    print(type(d).__name__, isinstance(d, NormalDist), len({d, NormalDist(100, 15), n}))
    t(NormalDist, 0, -1)
    t(n.inv_cdf, 0)
    t(n.inv_cdf, 1.5)
    t(NormalDist(1, 0).pdf, 1)
    t(NormalDist(1, 0).cdf, 1)
    t(NormalDist(1, 0).zscore, 1)
    t(NormalDist(1, 0).inv_cdf, 0.5)
    t(NormalDist(1, 0).overlap, n)
    t(n.overlap, 1)
    t(NormalDist.from_samples, [1])
    t(lambda: d / 0)
    t(lambda: d * None)
    t(lambda: d + 'a')
    t(n.pdf, 'a')
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    NormalDist(mu=0.0, sigma=1.0) NormalDist(mu=100.0, sigma=15.0) NormalDist(mu=2.5, sigma=0.0) NormalDist(mu=-1.0, sigma=0.5)
    100.0 100.0 100.0 15.0 225.0
    0.3989422804014327 0.12951759566589174 0.0035993977675458705 0.5 0.9750021048517796 0.02275013194817921 0.8492760334309754
    1.9599639845400536 0.0 -2.3263478740408408 80.77672651683099 -6.361340902404056 5.199337582290662
    [-0.6744897501960817, 0.0, 0.6744897501960817] [87.37568149640629, 96.19979345296301, 103.80020654703699, 112.62431850359371] [] [-0.43072729929545744, 0.43072729929545733]
    2.0 -2.0 0.8035050657330205 1.0 0.6170750774519738
    NormalDist(mu=105.0, sigma=15.0) NormalDist(mu=105.0, sigma=15.0) NormalDist(mu=90.0, sigma=15.0) NormalDist(mu=-90.0, sigma=15.0) NormalDist(mu=200.0, sigma=30.0) NormalDist(mu=200.0, sigma=30.0) NormalDist(mu=-50.0, sigma=7.5) NormalDist(mu=25.0, sigma=3.75) NormalDist(mu=-100.0, sigma=15.0) NormalDist(mu=100.0, sigma=15.0)
    NormalDist(mu=100.0, sigma=15.033296378372908) NormalDist(mu=100.0, sigma=15.033296378372908) NormalDist(mu=3.0, sigma=5.0)
    True False True False True
    NormalDist(mu=2.716666666666667, sigma=0.5076087732365021) 2.716666666666667 0.5076087732365021 NormalDist(mu=2.5, sigma=1.2909944487358056)
    NormalDist True 2
    StatisticsError: sigma must be non-negative
    StatisticsError: p must be in the range 0.0 < p < 1.0
    StatisticsError: p must be in the range 0.0 < p < 1.0
    StatisticsError: pdf() not defined when sigma is zero
    StatisticsError: cdf() not defined when sigma is zero
    StatisticsError: zscore() not defined when sigma is zero
    StatisticsError: cdf() not defined when sigma at or below zero
    StatisticsError: overlap() not defined when sigma is zero
    TypeError: Expected another NormalDist instance
    StatisticsError: stdev requires at least two data points
    ZeroDivisionError: float division by zero
    TypeError: unsupported operand type(s) for *: 'float' and 'NoneType'
    TypeError: unsupported operand type(s) for +: 'float' and 'str'
    TypeError: unsupported operand type(s) for -: 'str' and 'float'

    """#)
}

/// mean, median*, mode, multimode, variance/pvariance/stdev/pstdev (with xbar/mu), quantiles (both methods) at their edges: empty and one-item data, Python's messages, int results, a mean whose sum overflows a float.
@Test func statistics_existingFunctionsEdgeCasesMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import statistics as st
    def t(f, *a, **k):
        try:
            print(repr(f(*a, **k)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    t(st.mean, [])
    t(st.mean, [1, 2, 3, 4])
    t(st.mean, [1.5, 2, True])
    t(st.mean, ['a'])
    t(st.median, [])
    t(st.median, [3, 1, 2, 4])
    t(st.median, [1, 2.5])
    t(st.median_low, [])
    t(st.median_high, [1, 5, 3, 2])
    t(st.mode, [])
    t(st.mode, ['a', 'b', 'b', 'a'])
    t(st.multimode, [])
    t(st.multimode, 'aabbbcc')
    t(st.variance, [1])
    t(st.variance, [1, 2, 3, 4])
    t(st.variance, [1.5, 2.5, 2.5, 2.75, 3.25, 4.75])
    t(st.pvariance, [])
    t(st.pvariance, [0.0, 0.25, 0.25, 1.25, 1.5, 1.75, 2.75, 3.25])
    t(st.stdev, [1.5, 2.5, 2.5, 2.75, 3.25, 4.75])
    t(st.stdev, [1, 2, 4, 7, 11])
    t(st.pstdev, [1, 2, 4, 7, 11])
    t(st.stdev, [2])
    t(st.pstdev, [])
    t(st.quantiles, [1])
    t(st.quantiles, [1, 2], n=0)
    t(st.quantiles, [105, 129, 87, 86, 111, 111, 89, 81, 108, 92, 110, 100, 75, 105, 103, 109, 76, 119, 99, 91, 103, 129, 106, 101, 84, 111, 74, 87, 86, 103, 103, 106, 86, 111, 75, 87, 102, 121, 111, 88, 89, 101, 106, 95, 103, 107, 101, 81, 109, 104], n=10)
    t(st.quantiles, [1, 2, 3, 4, 5], method='inclusive')
    t(st.quantiles, [1.5, 2.5, 7, 9.25], n=3)
    t(st.variance, [1, 2, 3], 2)
    t(st.pvariance, [1, 2, 3], mu=2)
    t(st.mean, [1e308, 1e308])
    t(st.fmean, [1e308, 1e308])
    t(st.median_grouped, [1, 2, 3], None)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    StatisticsError: mean requires at least one data point
    2.5
    1.5
    TypeError: can't convert type 'str' to numerator/denominator
    StatisticsError: no median for empty data
    2.5
    1.75
    StatisticsError: no median for empty data
    3
    StatisticsError: no mode for empty data
    'a'
    []
    ['b']
    StatisticsError: variance requires at least two data points
    1.6666666666666667
    1.16875
    StatisticsError: pvariance requires at least one data point
    1.25
    1.0810874155219827
    4.06201920231798
    3.63318042491699
    StatisticsError: stdev requires at least two data points
    StatisticsError: pstdev requires at least one data point
    StatisticsError: must have at least two data points
    StatisticsError: n must be at least 1
    [81.0, 86.2, 89.0, 99.4, 102.5, 103.6, 106.0, 109.8, 111.0]
    [2.0, 3.0, 4.0]
    [2.1666666666666665, 7.75]
    1
    0.6666666666666666
    1e+308
    OverflowError: intermediate overflow in fsum
    TypeError: float() argument must be a string or a real number, not 'NoneType'

    """#)
}


@Test func statistics_normalDistSamplesAsCPython() throws {
  // CPython 3.11's output: samples are random.gauss draws (a Random of their own with seed=).
  let s = Session()
  _ = try s.run(
    #"""
    import random, statistics
    d = statistics.NormalDist(10, 2)
    print(d.samples(3, seed=42), d.samples(0), d.samples(-2, seed=1))
    random.seed(7); print(d.samples(2)); random.seed(7); print([random.gauss(10, 2) for _ in range(2)])
    print(statistics.NormalDist().samples(2, seed='abc'))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    [9.711819340844142, 9.654192799336961, 9.777368276864674] [] []
    [9.4882394231048, 11.022863025033027]
    [9.4882394231048, 11.022863025033027]
    [0.17631198044613047, -1.265926677728786]

    """#)
}
