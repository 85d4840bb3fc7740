import CellLanguage
import Testing

// Random data through the float functions of statistics and math (seeded, written out as literals): the
// cell is also valid Python, and its expected output is what CPython 3.11 prints for it — every
// float to the last bit.

/// 12 data sets (2 to 12 values, scales 1e-3 to 1e6): covariance, correlation, linear_regression, fmean, geometric_mean, harmonic_mean, median_grouped, mean, stdev, pvariance, quantiles, fsum, hypot, dist, cbrt, ulp, remainder, NormalDist.from_samples and its methods. (A 120-set version matched too; before stdev took the root of the unrounded variance, 5 lines of this one differed in the last bit.)
@Test func statistics_randomDataMatchesCPythonToTheBit() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import statistics as st, math
    from statistics import NormalDist
    out = []
    x = [-0.024838, 0.0193, 0.1098, 0.1, 0.0, 0.0, 0.088506]
    y = [0.0, -0.0159, -0.1, -0.2, -0.0642, 0.0255, -0.0]
    w = [1.868, 2.743, 0.323, 0.307, 1.038, 3.405, 2.144]
    pos = [0.524838, 0.5193, 0.6098, 0.6, 0.5, 0.5, 0.588506]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-9437.74, -5626.5, 4265.2, -14897.0, -10895.05, -5501.70407, -13002.0]
    y = [25957.571, -1410.038, 7691.28094, 21271.933746, 5879.42901, -12906.0, -26148.55]
    w = [2.376, 3.324, 0.313, 3.51, 3.239, 4.966, 4.111]
    pos = [9438.24, 5627.0, 4265.7, 14897.5, 10895.55, 5502.20407, 13002.5]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [700.303, -601.62, 246.0, 434.4, 60.2, -522.865]
    y = [-174.947, 58.74, 1408.18, -1273.26, -463.0, 1510.2]
    w = [3.296, 0.07, 4.157, 0.92, 1.417, 0.737]
    pos = [700.803, 602.12, 246.5, 434.9, 60.7, 523.365]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-67.6, -55.75403, 155.19374, -189.52396, -7.084466, -110.225275, 144.2272, -44.98, -80.269, 59.81953]
    y = [145.76, 382.13, 197.2881, 530.78, 56.893, 261.63, 303.0, -162.12, -11.69771, -4.85]
    w = [2.398, 3.463, 2.587, 1.034, 4.761, 1.815, 3.453, 4.572, 3.793, 1.497]
    pos = [68.1, 56.25403, 155.69374, 190.02396, 7.584466, 110.725275, 144.7272, 45.48, 80.769, 60.31953]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-0.0, -0.0, -0.0044, 0.005591, -0.0142, -0.000241, 0.0, -0.016365, 0.000674, 0.0, 0.00361, 0.0]
    y = [0.0, -0.01, 0.03, -0.0, 0.0255, 0.0057, -0.014428, -0.012183, 0.01538, -0.0, -0.00423, -0.003]
    w = [3.719, 0.434, 0.803, 4.966, 0.147, 2.958, 2.332, 3.283, 3.062, 2.983, 2.377, 4.688]
    pos = [0.5, 0.5, 0.5044, 0.505591, 0.5142, 0.500241, 0.5, 0.516365, 0.500674, 0.5, 0.50361, 0.5]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-19848.643434, -6213.64534, -72083.9, -98789.687]
    y = [11225.0, 200642.52, 7122.9576, -40494.5]
    w = [0.314, 3.702, 4.49, 3.316]
    pos = [19849.143434, 6214.14534, 72084.4, 98790.187]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [956.0, -1815.5556, 691.421772, 975.125, 227.045324, -1350.655061, 325.3156, 446.59193, 259.76506, 244.9716]
    y = [-1544.3529, 5017.8, -759.4869, -3941.0, -979.6697, 1665.05, -1208.5, 297.07, 1184.757, -953.0]
    w = [1.968, 1.587, 3.359, 2.147, 1.071, 1.521, 0.621, 3.887, 4.698, 3.221]
    pos = [956.5, 1816.0556, 691.921772, 975.625, 227.545324, 1351.155061, 325.8156, 447.09193, 260.26506, 245.4716]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-0.001, 0.1, -0.001, -0.0, 0.2, -0.01202, -0.11]
    y = [0.05, -0.1123, -0.01929, -0.0685, 1.0, 0.0, 0.02]
    w = [0.208, 3.897, 1.36, 0.656, 2.117, 4.558, 4.097]
    pos = [0.501, 0.6, 0.501, 0.5, 0.7, 0.51202, 0.61]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [1325.5723, 1809.34, -133.0, -412.10287, -398.0, -974.21]
    y = [2292.0, -170.6, 1061.51, -2057.248, -1077.7952, -702.0]
    w = [4.846, 1.317, 0.914, 4.662, 3.147, 2.66]
    pos = [1326.0723, 1809.84, 133.5, 412.60287, 398.5, 974.71]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [-14.07, 5.0, 11.0, -30.0, 11.8]
    y = [0.2, 27.555, 21.7776, -69.53548, -12.8]
    w = [1.72, 4.163, 3.537, 3.184, 2.029]
    pos = [14.57, 5.5, 11.5, 30.5, 12.3]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [9e-05, -0.00014, 0.0, -0.0, -0.0005, -0.00084, 0.00133]
    y = [-0.0, 0.0, 0.0001, 0.0, 0.0, 0.00153, -0.002]
    w = [3.883, 0.463, 4.087, 0.728, 2.938, 1.976, 1.505]
    pos = [0.50009, 0.50014, 0.5, 0.5, 0.5005, 0.50084, 0.50133]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    x = [2.168529, 1.272969, 1.185094, 1.7498, -0.683, 0.6, -0.3, 1.0, 0.7181, -1.41244, -1.403, 0.7]
    y = [5.356474, 1.030793, 1.79376, -0.0, 3.0, 0.258, -1.07997, -2.54, -1.6497, -5.0, 0.15, 1.957496]
    w = [1.335, 3.649, 1.034, 3.702, 4.879, 2.475, 1.919, 2.4, 3.422, 3.837, 3.089, 3.217]
    pos = [2.668529, 1.772969, 1.685094, 2.2498, 1.183, 1.1, 0.8, 1.5, 1.2181, 1.91244, 1.903, 1.2]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y)), tuple(st.linear_regression(x, y, proportional=True))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.fmean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median_grouped(x, 0.5)))
    out.append((st.mean(x), st.stdev(x), st.pvariance(x), st.quantiles(x, n=5), st.quantiles(x, n=3, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.cbrt(x[0]), math.ulp(x[1]), math.remainder(x[0], x[1] or 1.0)))
    d = NormalDist.from_samples(pos)
    out.append((d, d.pdf(x[0]), d.cdf(x[1]), d.inv_cdf(w[0] / 5.01), d.quantiles(7), d.overlap(NormalDist(x[0], w[1])), d.zscore(y[0])))
    for o in out:
        print(o)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    (-0.002742679933333334, -0.6261960732660508, (-0.8831192853230889, -0.013721561867789979), (-1.013216256435472, 0.0))
    (0.04182400000000001, 0.02219012343591478, 0.5471011094872562, 0.5453078522732245, 0.5277582642009628, 0.01930000000000001)
    (0.041824, 0.05572856755142136, 0.0026620056354285716, [-0.0099352, 0.00386, 0.0746648, 0.10392000000000001], [0.0, 0.08850600000000002])
    (0.29276800000000003, 0.1757235564174593, 0.38532740400859117, -0.29176881682757183, 3.469446951953614e-18, -0.005537999999999998)
    (NormalDist(mu=0.5489205714285714, sigma=0.048521837210535566), 3.567999026740473e-30, 0.0, 0.5331847898371945, [0.49712008825819004, 0.5214596948212507, 0.540186040525607, 0.5576551023315358, 0.5763814480358922, 0.6007210545989528], 0.04371029343541677, -11.312856292864856)
    (-2357216.1298868293, -0.020128727765041973, (-0.057673579913895004, 2451.1589553377526), (-0.25660315749677093, 0.0))
    (-7870.684867142857, -9530.737213316543, 8263.326387705036, 7481.396102250938, 8187.232742744288, -9437.74)
    (-7870.684867142857, 6393.096313327024, 35032868.9755505, [-13760.0, -10603.588, -6388.748, -1594.942442], [-10895.05, -5626.5])
    (-55094.794069999996, 26055.015731600597, 55673.826100714316, -21.13274939480133, 9.094947017729282e-13, 1815.2600000000002)
    (NormalDist(mu=9089.81343857143, sigma=4093.7862116828637), 3.4756591090091778e-09, 0.00016232488723810778, 8825.40888302195, [4719.407947920042, 6772.939954824515, 8352.881281181697, 9826.745595961162, 11406.686922318344, 13460.218929222816], 1.3996631254009628e-07, 4.120331812465267)
    (-247652.51960266667, -0.4352119827740371, (-0.9092066942173173, 225.60039396180917), (-0.8574266888108151, 0.0))
    (52.73633333333333, 319.74211408889306, 335.9281904856783, 215.60177577476816, 218.2632178548752, 245.75)
    (52.73633333333333, 521.9033242494885, 226985.89988555555, [-570.118, -56.413, 283.68, 593.9418], [-134.155, 308.8])
    (316.41799999999995, 1174.1388863477778, 3142.6094975871565, 8.880320951254417, 1.1368683772161603e-13, 98.68299999999999)
    (NormalDist(mu=428.06466666666665, sigma=237.3743285797069), 0.0008706797611223817, 7.195483374244915e-06, 524.6037731600818, [174.65083034960682, 293.7229450498771, 385.3343512510814, 470.7949820822519, 562.4063882834562, 681.4785029837265], 0.0005386351494397479, -2.5403406942726074)
    (-5045.0762899589445, -0.22055477067769966, (-0.41702742475126303, 161.69941685293432), (-0.6984537869166589, 0.0))
    (-19.619626099999998, -10.417496030061617, 70.54439796807196, 41.17216211394035, 30.62501266097921, -45.23)
    (-19.619626099999998, 109.98958434782398, 10887.937798506377, [-104.23402000000002, -62.861611999999994, -22.2426796, 127.34566600000001], [-67.6, -7.084466])
    (-196.196261, 335.75091253502467, 973.6831396856802, -4.07363611249652, 7.105427357601002e-15, -11.845969999999994)
    (NormalDist(mu=91.9677201, sigma=56.82843289252538), 0.00013624100016464128, 0.0046688841634418, 88.923968052157, [31.299360225752856, 59.805735452184486, 81.73789922341079, 102.19754097658918, 124.12970474781551, 152.6360799742471], 0.0038533918866290318, 0.9465733465100579)
    (-2.108125311363636e-05, -0.22494063348469295, (-0.48296581962246654, 0.001708749401928608), (-0.5640808030309936, 0.0))
    (-0.0021109166666666668, -0.0006818502456538173, 0.503726923979845, 0.5036973987826451, 0.5030515983762704, -0.04999999999999999)
    (-0.0021109166666666668, 0.0066067825542919885, 4.001211107638889e-05, [-0.00832, -0.0, 0.0, 0.0018484], [-8.033333333333334e-05, 0.0])
    (-0.025331000000000003, 0.023100150713794055, 0.058637812936704926, -0.0, 5e-324, -0.0)
    (NormalDist(mu=0.50375675, sigma=0.005754515351601565), 0.0, 0.0, 0.5075000625950485, [0.4976133990314259, 0.5004999888159665, 0.5027208660545497, 0.5047926339454503, 0.5070135111840335, 0.5099001009685741], 0.018621923614206448, -87.5411253981271)
    (3601843784.2088084, 0.7754889349914084, (1.8983268994652374, 138086.16201288215), (0.1311058550575031, 0.0))
    (-49233.968943500004, -57560.370679999665, 30613.964059829363, 16999.699779244325, 16711.640516530286, -19848.893434)
    (-49233.968943500004, 43558.90318343371, 1423033534.9078135, [-98789.687, -72083.9, -19848.643434, -6213.64534], [-72083.9, -19848.643434])
    (-196935.87577400001, 124048.65549996641, 231143.02839078757, -27.075528547627208, 9.094947017729282e-13, -1207.7074140000013)
    (NormalDist(mu=49234.468943500004, sigma=43558.90318343371), 2.604009192572235e-06, 0.1015186726728659, -17528.348161713686, [2732.2678524044313, 24582.359002148056, 41393.32755587909, 57075.6103311209, 73886.57888485194, 95736.67003459556], 9.290783562854177e-05, -0.8725993118659549)
    (-1943872.283217363, -0.8730668316627088, (-2.227074986531539, 91.6716555866808), (-2.216001693164343, 0.0))
    (96.00256250000002, 230.58028069605484, 565.6806154027093, 445.96831344094346, 418.11708233767786, 325.0656)
    (96.00256250000002, 934.2571787699895, 785552.8284749342, [-1035.114984, 250.888984, 398.081398, 903.0843543999999], [244.9716, 446.59193])
    (960.0256250000002, 2819.165338325336, 9717.8323550375, 9.851128045544698, 2.2737367544323206e-13, -859.5555999999999)
    (NormalDist(mu=729.7446947, sigma=540.5465297408668), 0.0006761343877730773, 1.246182080250069e-06, 582.7207650273035, [152.67315276403122, 423.82302299325903, 632.4396328981236, 827.0497565018762, 1035.666366406741, 1306.8162366359684], 0.0079640182037225, -4.207033936172307)
    (0.027444958766666666, 0.716897101815733, (2.847856788342676, 0.05267773748392225), (2.996784537877261, 0.0))
    (0.025140000000000003, 0.018118441958207537, 0.5561807194384174, 0.5520658407036834, 0.5711066160366364, 0.124)
    (0.025140000000000003, 0.09816851430066567, 0.008260334742857143, [-0.051212, -0.001, -0.0002, 0.14], [-0.001, 0.0])
    (0.17598000000000003, 0.24949244557701544, 0.8424627852314902, -0.1, 1.3877787807814457e-17, -0.001)
    (NormalDist(mu=0.5605742857142857, sigma=0.0780616975767977), 2.953762080345739e-11, 1.816059136405812e-09, 0.42526624143890357, [0.4772379183374067, 0.5163953599326176, 0.5465222145434449, 0.5746263568851265, 0.6047532114959537, 0.6439106530911647], 0.049376384847838906, -6.540650556721223)
    (936351.7121758212, 0.5431057025111189, (0.7701820583934237, -265.3177392160099), (0.7191137886099955, 0.0))
    (202.93323833333332, 166.41593331015616, 609.6596333693116, 406.60673845792644, 529.2326211006073, -133.25)
    (202.93323833333332, 1102.6122312369662, 1013128.1103944677, [-749.367148, -400.82057399999997, 158.71446, 1615.83292], [-402.7009566666666, 353.19076666666666])
    (1217.59943, 2515.1262508449804, 3086.0527117716324, 10.985027287456267, 2.2737367544323206e-13, -483.7676999999999)
    (NormalDist(mu=842.5375283333333, sigma=643.6919858067633), 0.00046768356942571626, 0.9334468533562954, 2028.2449579979318, [155.35093782944557, 478.2408072783703, 726.6650085516856, 958.4100481149809, 1206.8342493882963, 1529.7241188372209], 0.004752949758120684, 2.251795118825351)
    (550.69960712, 0.7785772428447838, (1.655912819119766, -1.1722356865842833), (1.6697012857603384, 0.0))
    (-3.254, -2.4640333492790276, 12.815778905853827, 11.07428096557644, 10.078671286822788, 5.0)
    (-3.254, 18.236380671613542, 266.052464, [-26.814, -6.442, 8.6, 11.64], [-7.713333333333334, 9.0])
    (-16.27, 37.19146273004061, 54.74241285868207, -2.4141524916442463, 8.881784197001252e-16, 0.9299999999999997)
    (NormalDist(mu=14.874, sigma=9.356087857646486), 0.00035615360840946913, 0.1456313536240515, 11.099407656633215, [4.885716384362421, 9.578933099064606, 13.189788452756304, 16.558211547243697, 20.169066900935395, 24.86228361563758], 0.029593187299034263, -1.568390573417641)
    (-6.580619047619047e-07, -0.945955419970511, (-1.4348918584971289, -6.515621592997542e-05), (-1.4334714046944261, 0.0))
    (-8.571428571428573e-06, -5.4078305519897324e-05, 0.5004140644820927, 0.5004138433730869, 0.5003555245870683, -0.125)
    (-8.571428571428573e-06, 0.0006772106656826115, 3.930979591836735e-07, [-0.0006360000000000001, -0.00011199999999999998, 0.0, 0.0005859999999999999], [-0.00014, 0.0])
    (-6.000000000000001e-05, 0.001658975587523819, 0.004122317309475339, 0.044814047465571646, 2.710505431213761e-20, -4.999999999999998e-05)
    (NormalDist(mu=0.5004142857142857, sigma=0.0005083914876961517), 0.0, 0.0, 0.500798416876138, [0.4998715419474307, 0.5001265621507434, 0.500322768957803, 0.5005058024707684, 0.500702009277828, 0.5009570294811406], 0.0019993692374298266, -984.3089387314178)
    (1.4956936002339392, 0.4729226720942185, (1.0921009116082052, -0.23621670755057672), (1.0173117569816565, 0.0))
    (0.4663376666666667, 0.29109156164540306, 1.5173969803425755, 1.4370543246014063, 1.437997146015046, 0.46809999999999996)
    (0.46633766666666665, 1.1702804038120975, 1.2554265382510554, [-0.9710000000000001, 0.6199999999999999, 0.9436199999999999, 1.4637014000000002], [0.3, 1.061698])
    (5.596052, 4.204137044773636, 7.9338195002201175, 1.2943599844742835, 2.220446049250313e-16, -0.3774090000000001)
    (NormalDist(mu=1.599411, sigma=0.5368522505550293), 0.42366424516024137, 0.27157160386441903, 1.2646657488896236, [1.026283361629808, 1.2955801012463748, 1.502770954149042, 1.6960510458509577, 1.903241898753625, 2.1725386383701917], 0.27412884854929886, 6.998318431404039)

    """#)
}
