import CellLanguage
import Testing

// Random int data through statistics and math (seeded, written out as literals): the cell is also
// valid Python, and its expected output is what CPython 3.11 prints for it — every float to the last bit.

/// 15 int data sets (values up to 1e8, so sums pass 2**53): the same functions with int data, variance/pstdev about a given center, lcm and gcd. (A 100-set version matched too; before big-int variances were divided as a pair, 3 lines of this one differed in the last bit.)
@Test func statistics_randomIntDataMatchesCPythonToTheBit() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import statistics as st, math
    from statistics import NormalDist
    out = []
    x = [21287815, 36322603, 57674915, -49023561, -50430617, 37414428, 27711720, 69082855, 64808318]
    y = [-50024382, -74733927, 19881436, -18556344, -61937159, -75660814, 44604437, 86143474, 70309622]
    w = [1, 7, 8, 3, 1, 9, 2, 1, 1]
    pos = [21287816, 36322604, 57674916, 49023562, 50430618, 37414429, 27711721, 69082856, 64808319]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [228, -939, 593, -50, -332]
    y = [-98, 210, 725, -600, 63]
    w = [4, 5, 8, 1, 2]
    pos = [229, 940, 594, 51, 333]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-146924, 156092, 953885, 762059, -825510, 484384, -467335, -338816, 589620]
    y = [-518356, 75597, -393840, -937606, -852731, 180994, 607022, -773661, -160301]
    w = [2, 5, 7, 2, 1, 1, 4, 4, 1]
    pos = [146925, 156093, 953886, 762060, 825511, 484385, 467336, 338817, 589621]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [90293665, 6682796, 12686896, -80393919, 51999360, 68968016, -46718211, 81169551, -27582667]
    y = [-9566018, -76607407, -16460301, -10722225, -95933336, 10072205, -68326849, -63869535, -33860739]
    w = [2, 1, 1, 8, 8, 3, 9, 4, 8]
    pos = [90293666, 6682797, 12686897, 80393920, 51999361, 68968017, 46718212, 81169552, 27582668]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [498, 575, -732, -142, 318, -215, -762, -192, -139, -565]
    y = [-1000, -448, 770, 988, 996, 645, 213, -378, 812, -960]
    w = [4, 3, 7, 2, 1, 3, 4, 8, 5, 1]
    pos = [499, 576, 733, 143, 319, 216, 763, 193, 140, 566]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-190143, -846073, -844222, -811011, -562255, 222083, 335020]
    y = [-490365, -967476, 260983, -226833, -220481, 304741, -49554]
    w = [3, 8, 3, 7, 3, 3, 5]
    pos = [190144, 846074, 844223, 811012, 562256, 222084, 335021]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [485, -612, -676, 514, 288]
    y = [925, 134, -598, 406, 945]
    w = [7, 8, 2, 7, 1]
    pos = [486, 613, 677, 515, 289]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-9, 6, -2]
    y = [-3, 2, -2]
    w = [7, 8, 5]
    pos = [10, 7, 3]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [903, 475, -860, -742, -533, -19, 145, 338, 745, 261]
    y = [258, -849, -427, -566, 878, 873, -583, 533, -967, -859]
    w = [5, 7, 8, 4, 1, 1, 3, 5, 6, 9]
    pos = [904, 476, 861, 743, 534, 20, 146, 339, 746, 262]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [1, -6, 4, 0]
    y = [6, 8, -6, 8]
    w = [1, 1, 8, 6]
    pos = [2, 7, 5, 1]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-10, 9, 10, -8, 5, -8]
    y = [-1, 0, -6, -8, -8, 4]
    w = [9, 6, 1, 3, 6, 6]
    pos = [11, 10, 11, 9, 6, 9]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-79150805, 11978692, -91874551]
    y = [34197774, 53761842, -96098954]
    w = [7, 7, 1]
    pos = [79150806, 11978693, 91874552]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [-8, 10, -7]
    y = [-2, 3, 0]
    w = [7, 8, 8]
    pos = [9, 11, 8]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [6, 6, -10, -1, 9, -8, 5, -10, -3]
    y = [-7, 5, 9, 5, -2, -10, 1, -1, -6]
    w = [4, 9, 3, 6, 8, 8, 4, 6, 7]
    pos = [7, 7, 11, 2, 10, 9, 6, 11, 4]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    x = [298, -118, 646, 650, 545, 872]
    y = [-590, 802, -562, -213, -551, 194]
    w = [6, 4, 3, 3, 8, 6]
    pos = [299, 119, 647, 651, 546, 873]
    try:
        out.append((st.covariance(x, y), st.correlation(x, y), tuple(st.linear_regression(x, y))))
    except Exception as e:
        out.append(type(e).__name__)
    out.append((st.mean(x), st.fmean(x, w), st.geometric_mean(pos), st.harmonic_mean(pos), st.harmonic_mean(pos, w), st.median(x), st.median_grouped(x, 3)))
    out.append((st.variance(x), st.stdev(x), st.pvariance(x), st.pstdev(x), st.variance(x, 1), st.pstdev(x, 2.5), st.quantiles(x, n=5), st.quantiles(x, method='inclusive')))
    out.append((math.fsum(x), math.hypot(*x), math.dist(x, y), math.lcm(*w), math.gcd(*x), NormalDist.from_samples(x)))
    for o in out:
        print(o)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    (1468135769241764.0, 0.5153965285539097, (0.7314657572158243, -24125328.909333985))
    (23872052.888888888, 32287530.939393938, 43086796.70281233, 40037120.48454077, 41144491.12519625, 36322603, 36322603.0)
    (2007114830405628.2, 44800835.15299272, 1784102071471669.8, 42238632.452669084, 2648224049464657.5, 48517799.427028015, [-49023561.0, 27711720.0, 37414428.0, 64808318.0], [21287815.0, 36322603.0, 57674915.0])
    (214848476.0, 145553401.97128406, 182484751.36136234, 504, 1, NormalDist(mu=23872052.888888888, sigma=44800835.15299272))
    (62368.75, 0.22337198774752492, (0.1850597665713705, 78.50597665713705))
    (-100, 12.35, 293.32753869998186, 168.20863614212766, 323.2675341552124, -50, -50.0)
    (337019.5, 580.5338060785091, 269615.6, 519.2452214512908, 349770.75, 529.2653871168981, [-817.6, -219.2, 116.8, 520.0], [-332.0, -50.0, 228.0])
    (-500.0, 1182.4034844332962, 1379.2845971734766, 40, 1, NormalDist(mu=-100.0, sigma=580.5338060785091))
    (4124800524.5000043, 0.012862870292065948, (0.011065538494946006, -309533.39091595745))
    (129717.22222222222, 211548.7037037037, 440334.6430004339, 351064.8419072364, 333563.0137484966, 156092, 156092.0)
    (372760939414.19446, 610541.5132603142, 331343057257.0617, 575624.0589630195, 391690525010.25, 590058.443222576, [-467335.0, -146924.0, 484384.0, 762059.0], [-338816.0, 156092.0, 589620.0])
    (1167455.0, 1770176.9784354896, 2616900.090212655, 140, 1, NormalDist(mu=129717.22222222222, sigma=610541.5132603142))
    (37720002067949.34, 0.017093295214419244, (0.010379855464601843, -40767215.24975065))
    (17456165.222222224, -3107782.5681818184, 39439227.06027275, 25303423.223797463, 40762368.16947237, 12686896, 12686896.0)
    (3633962168026800.0, 60282353.70344128, 3230188593801600.0, 56834748.11945242, 3976769546049140, 59455077.24985563, [-46718211.0, 6682796.0, 51999360.0, 81169551.0], [-27582667.0, 12686896.0, 68968016.0])
    (157105487.0, 178365233.95158622, 263644459.89546585, 72, 1, NormalDist(mu=17456165.222222224, sigma=60282353.70344128))
    (-79952.02222222222, -0.2106844615010739, (-0.3503003486022223, 116.29927272953867))
    (-135.6, -206.89473684210526, 345.4803722875126, 283.5800364072771, 275.4458084633999, -167.0, -143.5)
    (228238.48888888888, 477.7431201900127, 205414.64, 453.2269188828042, 248971.33333333334, 473.79979949341475, [-698.6, -205.8, -140.2, 462.0], [-477.5, -167.0, 203.75])
    (-1356.0, 1496.0013368977984, 3173.069176680521, 840, 1, NormalDist(mu=-135.6, sigma=477.7431201900127))
    (85899519207.64285, 0.382254277038916, (0.3301023236648332, -71261.53484329817))
    (-385228.71428571426, -465442.875, 463675.46839182614, 386209.28800201166, 449525.35201356525, -562255, -562255.0)
    (260220886220.90475, 510118.50213543983, 223046473903.63266, 472277.96254285745, 433356474451, 609466.6212055248, [-844962.4, -761259.8, -264565.4, 267257.8], [-827616.5, -562255.0, 15970.0])
    (-2696601.0, 1612492.9313014057, 1392534.7173115648, 840, 1, NormalDist(mu=-385228.71428571426, sigma=510118.50213543983))
    (313017.85, 0.8241605503343066, (0.885554042309529, 362.5771108084619))
    (-0.2, 41.32, 495.99591177657936, 473.12666119172496, 526.7536768708917, 288, 288.0)
    (353471.2, 594.5344397089204, 282776.96, 531.7677688615586, 353473, 531.774623313298, [-663.2, -252.0, 406.2, 508.2], [-612.0, 288.0, 485.0])
    (-1.0, 1189.0689635172553, 1095.222808381929, 56, 1, NormalDist(mu=-0.2, sigma=594.5344397089204))
    (19.0, 0.9568015187270434, (0.33727810650887574, -0.4378698224852071))
    (-1.6666666666666667, -1.25, 5.943921952763132, 5.206611570247934, 5.698778833107191, -2, -2.0)
    (56.333333333333336, 7.505553499465135, 37.55555555555556, 6.128258770283412, 67, 7.41057802513857, [-10.4, -4.8, 1.2, 7.6], [-5.5, -2.0, 2.0])
    (-5.0, 11.0, 7.211102550927978, 280, 1, NormalDist(mu=-1.6666666666666667, sigma=7.505553499465135))
    (-66090.36666666667, -0.14849767813114478, (-0.1789867081267808, -158.13824771056053))
    (71.3, 130.28571428571428, 351.06952154526266, 137.84837593599295, 297.9160502870694, 203.0, 259.5)
    (369247.34444444446, 607.6572590239044, 332322.61, 576.474292575133, 374738.55555555556, 580.5652848732863, [-700.2, 46.6, 307.2, 691.0], [-404.5, 203.0, 440.75])
    (713.0, 1836.8622702859352, 3150.7783165433902, 2520, 1, NormalDist(mu=71.3, sigma=607.6572590239044))
    (-20.666666666666668, -0.7319998689865076, (-1.1753554502369667, 3.706161137440758))
    (-0.25, 1.6875, 2.8925076085190775, 2.1705426356589146, 1.9410745233968805, 0.5, -0.5)
    (17.583333333333332, 4.193248541803041, 13.1875, 3.6314597615834874, 19.666666666666668, 4.55521678957215, [-6.0, 0.0, 1.0, 4.0], [-1.5, 0.5, 1.75])
    (-1.0, 7.280109889280518, 19.621416870348583, 24, 1, NormalDist(mu=-0.25, sigma=4.193248541803041))
    (-12.866666666666665, -0.2811458177214826, (-0.14846153846153845, -3.216153846153846))
    (-0.3333333333333333, -2.193548387096774, 9.153143544688644, 8.94578313253012, 8.83419689119171, -1.5, 3.5)
    (86.66666666666667, 9.309493362512628, 72.22222222222223, 8.498365855987975, 88.8, 8.958236433584458, [-9.2, -8.0, 5.8, 9.6], [-8.0, -1.5, 8.0])
    (-2.0, 20.83266665599966, 27.03701166919155, 18, 1, NormalDist(mu=-0.3333333333333333, sigma=9.309493362512628))
    (3167375968496385.5, 0.6863918970466923, (0.9871327899521554, 49620279.722301014))
    (-53015554.666666664, -37471956.13333333, 44328870.970202014, 28037362.542454742, 21939636.121982593, -79150805, -79150805.0)
    (3208662502893762.5, 56645057.179720126, 2139108335262508.2, 46250495.51369702, 7424636216861910.0, 70354513.97710462, [-94419300.2, -84240303.4, -42699006.2, 30204591.4], [-85512678.0, -79150805.0, -33586056.5])
    (-159046664.0, 121857589.48719808, 120878358.55085124, 7, 1, NormalDist(mu=-53015554.666666664, sigma=56645057.179720126))
    (23.833333333333332, 0.9361814975373199, (0.23289902280130295, 0.721498371335505))
    (-1.6666666666666667, -1.391304347826087, 9.252130018365486, 9.173745173745173, 9.181451612903226, -7, -7.0)
    (102.33333333333333, 10.115993936995679, 68.22222222222223, 8.259674462242579, 113, 9.251126057585278, [-8.2, -7.4, -0.2, 13.4], [-7.5, -7.0, 1.5])
    (-5.0, 14.594519519326424, 11.575836902790225, 56, 1, NormalDist(mu=-1.6666666666666667, sigma=10.115993936995679))
    (-2.000000000000001, -0.04239039033992976, (-0.03571428571428573, -0.6904761904761905))
    (-0.6666666666666666, -0.2, 6.655225873292129, 5.641535887115011, 5.623215774215678, -1, -1.0)
    (56, 7.483314773547883, 49.77777777777778, 7.055336829505575, 59.125, 7.73340517208012, [-10.0, -3.0, 5.0, 6.0], [-8.0, -1.0, 6.0])
    (-6.0, 21.2602916254693, 28.24889378365107, 504, 1, NormalDist(mu=-0.6666666666666666, sigma=7.483314773547883))
    (-91898.33333333334, -0.47406932625097997, (-0.7594340805047781, 212.84046581672052))
    (482.1666666666667, 493.2, 438.85230547289234, 336.9553502944448, 355.23860067000714, 595.5, 644.5)
    (121008.96666666666, 347.8634310568828, 100840.80555555556, 317.55441353499646, 398834.6, 575.257261289822, [48.4, 495.6, 646.8, 783.2], [359.75, 595.5, 649.0])
    (2893.0, 1414.196945266111, 2345.181656076987, 24, 1, NormalDist(mu=482.1666666666667, sigma=347.8634310568828))

    """#)
}

