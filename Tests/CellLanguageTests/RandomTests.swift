import CellLanguage
import Testing

// `import random` against CPython 3.11: every cell is also valid Python, and its expected output is what
// python3 (3.11) printed for it on the build machine, so these check Tabby gives CPython's numbers.

/// Int, big-int, negative, float (by hash), infinite, str (UTF-8 plus its SHA-512) and bool seeds: random() and getrandbits of several widths.
@Test func random_seedsGiveCPythonsNumbers() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    for s in [0, 1, 42, 2**40 + 7, -5, 9223372036854775807, 1.5, -2.25, 3.0, 1e300, float('inf'), "tabby", "", "é😀", True]:
        random.seed(s)
        print(repr(s), random.random(), random.random(), random.getrandbits(1), random.getrandbits(32), random.getrandbits(33), random.getrandbits(63), random.getrandbits(0))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    0 0.8444218515250481 0.7579544029403025 0 173879092 5407006266 4481891911369680482 0
    1 0.13436424411240122 0.8474337369372327 1 271041745 1095513148 7018639715332314491 0
    42 0.6394267984578837 0.025010755222666936 0 1051802512 958682846 945351111358374057 0
    1099511627783 0.6137037779936511 0.8149162973309487 1 2746733121 6744776692 2313631689635932522 0
    -5 0.6229016948897019 0.7417869892607294 1 2965446622 8342760426 6013930923205721641 0
    9223372036854775807 0.3166448820870279 0.631259308253863 1 2108559838 1947612296 7133887332915025840 0
    1.5 0.551763726942059 0.2560930858958398 1 1928307063 2370801741 1187830130496453314 0
    -2.25 0.9236205677220981 0.24405611968855534 0 660201346 3132088488 583003832536977494 0
    3.0 0.23796462709189137 0.5442292252959519 0 3933953013 2593816829 5357414930656998566 0
    1e+300 0.2614143642581235 0.06776358709700359 0 662498983 6898138100 8570966443457280914 0
    inf 0.19236379321481523 0.2868424512347926 0 2450670151 5610481072 4718598025020253711 0
    'tabby' 0.48369616528692183 0.492045393551073 0 1842049063 4595606149 3240307306011652040 0
    '' 0.9602256525641875 0.595411957851699 0 3712356042 7445673850 7897462221314752591 0
    'é😀' 0.048502976786132135 0.8569399325503715 0 1804754706 4708778153 3145691111260362500 0
    True 0.13436424411240122 0.8474337369372327 1 271041745 1095513148 7018639715332314491 0

    """#)
}

/// randrange (one, two and three arguments, negative steps, integral floats), randint, a 62-bit range.
@Test func random_integersAsCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    random.seed(42)
    print([random.randrange(10) for _ in range(10)], [random.randrange(1) for _ in range(3)])
    print([random.randrange(3, 30, 4) for _ in range(8)], [random.randrange(20, -20, -3) for _ in range(8)])
    print([random.randint(1, 6) for _ in range(12)], random.randint(-10**18, 10**18), random.randrange(2**62), random.randrange(-7, 7))
    print(random.randrange(5.0), random.randrange(0, 7.0, 2.0), random.randint(True, 3), random.randrange(9223372036854775807))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    [1, 0, 4, 3, 3, 2, 1, 8, 1, 9] [0, 0, 0]
    [3, 7, 7, 19, 19, 3, 19, 7] [-13, -10, -13, -4, 2, 11, -1, -7]
    [3, 1, 2, 6, 4, 3, 3, 2, 2, 3, 1, 1] -776987214547588483 3491363426932591777 -6
    4 4 3 8166850865409773434

    """#)
}

/// choice, choices (unweighted, weights, cum_weights), shuffle, sample (random.py's pool branch and set branch, counts=).
@Test func random_sequencesAsCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    random.seed(1)
    print(random.choice([10, 20, 30]), random.choice("hello"), random.choice((1, 2)), random.choice(range(100, 200, 7)))
    print(random.choices("abcde", k=8), random.choices(range(1000), k=3), random.choices([1, 2, 3]), random.choices("ab", k=0))
    print(random.choices(["x", "y", "z"], [1, 2, 7], k=10))
    print(random.choices(["x", "y", "z"], weights=[0.5, 0, 2.5], k=6), random.choices("ab", cum_weights=[1, 10], k=6))
    xs = list(range(20))
    random.shuffle(xs)
    print(xs)
    ys = ["a"]
    random.shuffle(ys)
    print(ys)
    print(random.sample(range(100), 10), random.sample("abcdefgh", 8), random.sample([1, 2, 3], 0), random.sample((5, 6, 7), k=2))
    print(random.sample(range(10**12), 5), random.sample(range(50), 30))
    print(random.sample(range(10000), 20))
    print(random.sample(["red", "blue"], counts=[4, 2], k=5), random.sample("xyz", 3, counts=[1, 0, 5]))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    10 o 1 128
    ['a', 'd', 'c', 'b', 'b', 'c', 'e', 'b'] [607, 767, 695] [1] []
    ['z', 'z', 'y', 'z', 'x', 'z', 'x', 'z', 'z', 'z']
    ['z', 'z', 'z', 'z', 'z', 'z'] ['b', 'b', 'b', 'b', 'b', 'b']
    [1, 0, 15, 18, 17, 7, 2, 4, 16, 12, 6, 8, 13, 11, 14, 10, 19, 9, 5, 3]
    ['a']
    [61, 31, 95, 51, 53, 85, 22, 46, 70, 89] ['f', 'a', 'd', 'e', 'g', 'h', 'b', 'c'] [] [6, 5]
    [49260354920, 774419237078, 651180653605, 431979976205, 187463108312] [10, 32, 14, 0, 12, 34, 35, 47, 25, 48, 22, 36, 39, 29, 17, 46, 24, 40, 8, 16, 33, 43, 6, 13, 1, 15, 11, 18, 28, 27]
    [8269, 6773, 7945, 5845, 6789, 5670, 25, 8822, 8849, 5425, 7506, 9828, 458, 3761, 2903, 9023, 9575, 2961, 1500, 9028]
    ['red', 'red', 'blue', 'red', 'blue'] ['z', 'x', 'z']

    """#)
}

/// Every float distribution; the sums of 1,000 draws check the rejection loops step for step.
@Test func random_distributionsAsCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    random.seed(2024)
    print(random.uniform(1, 10), random.uniform(-2.5, 2.5), random.uniform(3, 3))
    print(random.triangular(), random.triangular(0, 10, 2), random.triangular(5, 1), random.triangular(3, 3, 3), random.triangular(1, 4, 4))
    print([random.gauss() for _ in range(3)], random.gauss(10, 2))
    print(random.normalvariate(), random.normalvariate(5, 0.5), random.lognormvariate(0, 1))
    print(random.expovariate(1.5), random.expovariate(-2))
    print(random.vonmisesvariate(1.0, 4.0), random.vonmisesvariate(0, 0), random.vonmisesvariate(3, 0.5), random.vonmisesvariate(-7, 100))
    print(random.gammavariate(0.5, 2), random.gammavariate(1, 3), random.gammavariate(9, 0.5))
    print(random.betavariate(2, 5), random.betavariate(0.5, 0.5))
    print(random.paretovariate(3), random.weibullvariate(1, 1.5))
    print(sum(random.gammavariate(0.3, 1) for _ in range(1000)), sum(random.gammavariate(2.5, 1) for _ in range(1000)))
    print(sum(random.vonmisesvariate(2, 1.5) for _ in range(1000)), sum(random.betavariate(3, 0.7) for _ in range(1000)))
    print(sum(random.gauss(1, 3) for _ in range(1001)), sum(random.normalvariate(0, 1) for _ in range(1000)))
    print(random.gauss(), random.random())
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    5.230816465879636 1.141321457116038 3.0
    0.7626166275831594 3.1302901922641633 2.5056841804797108 3 2.4854291779627387
    [0.4500281261101077, -1.0848898976647676, -1.3929534824401602] 11.627042393821059
    1.1509793731907636 5.364163892122079 0.13055789721993827
    0.4214097203406926 -0.6172759428833191
    0.82728455575047 2.1956271591646424 3.917178663776944 5.5061206856803135
    0.28074416519982404 6.070330574497628 3.352776582806754
    0.601231624483563 0.032975845422522
    5.882059071992319 0.5917885246997615
    296.47229447125693 2450.5942176026215
    2237.151820049602 810.7326850232022
    927.1317206828718 -42.18844440411474
    0.13318515422984503 0.47162796559475717

    """#)
}

/// 76 seeds (ints round 2**31, 2**32, 2**52, 2**62, floats, strs) times every function: the reprs of all 3,420 results (45 a seed), folded into a checksum that equals CPython's.
@Test func random_broadMixAsCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    seeds = list(range(-10, 30)) + [2**k + d for k in (31, 32, 33, 52, 62) for d in (-1, 1)] + [9223372036854775807, -9223372036854775807]
    seeds += [x / 7 for x in range(-5, 5)] + [1e-300, 5e-324, 1e20, -0.0, 123456789.125, float('-inf')]
    seeds += ["", "a", "hello world", "ünïcödé", "😀" * 40, "x" * 200, "0", "True"]
    def fold(h, text):
        for c in text:
            h = (h * 131 + ord(c)) % 2147483647
        return h
    h = 0
    n = 0
    for s in seeds:
        random.seed(s)
        r = random.Random(s)
        row = [random.random(), r.random()]
        row += [random.getrandbits(k) for k in (1, 7, 31, 32, 33, 48, 63)]
        row += [random.randrange(1000), random.randrange(-50, 50), random.randrange(100, 0, -7), random.randint(0, 2**40), random.randrange(1, 2**62, 3)]
        xs = list(range(30))
        random.shuffle(xs)
        row += [xs, random.choice("abcdefg"), random.choices(range(10), k=5), random.choices("abc", [0.2, 5, 1], k=5), random.choices("abc", cum_weights=[1, 1, 3], k=3)]
        row += [random.sample(range(40), 7), random.sample(range(10**9), 6), random.sample(range(100), 60), random.sample("abcd", 2, counts=[3, 1, 0, 2])]
        row += [random.uniform(-1, 1), random.triangular(0, 1, 0.2), random.gauss(), random.gauss(), random.gauss(5, 2), random.normalvariate(1, 2), random.lognormvariate(0, 0.5)]
        row += [random.expovariate(0.5), random.vonmisesvariate(0.5, 0.0000001), random.vonmisesvariate(4, 0.3), random.vonmisesvariate(1, 50)]
        row += [random.gammavariate(0.2, 1), random.gammavariate(1.0, 2), random.gammavariate(3.3, 1.5), random.gammavariate(100, 0.1), random.betavariate(0.3, 0.4), random.betavariate(5, 2)]
        row += [random.paretovariate(1.5), random.weibullvariate(2, 0.5), r.gauss(), r.getstate()[1][r.getstate()[1][-1] % 624], random.getstate()[1][-1]]
        text = repr(s) + repr(row)
        h = fold(h, text)
        n += len(text)
    print(len(seeds), n, h)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    76 84935 167376715

    """#)
}

/// Random instances with their own state, getstate/setstate (CPython's tuple, version 2 too), gauss's kept number, seed(version=1).
@Test func random_instancesAndStateAsCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import random
    random.seed(7)
    r = random.Random(7)
    q = random.Random("seed me")
    print(r.random() == random.random(), r.randint(1, 100), q.random(), q.choice("xyz"), random.Random().random() < 1)
    st = r.getstate()
    print(st[0], len(st[1]), st[1][:3], st[1][-1], st[2])
    a = [r.random() for _ in range(3)]
    r.setstate(st)
    print(a == [r.random() for _ in range(3)], r.getstate()[1][-1])
    g = random.Random(3)
    g.gauss()
    st2 = g.getstate()
    x = g.gauss()
    g.setstate(st2)
    print(st2[2], x == g.gauss(), g.getstate()[2])
    random.seed(0)
    s0 = random.getstate()
    print(random.Random(0).getstate() == s0, s0[1][:4], s0[1][-1])
    random.setstate(random.Random(5).getstate())
    print(random.random() == random.Random(5).random(), random.random())
    random.setstate((2, tuple(w - 2**32 if w >= 2**31 else w for w in random.Random(9).getstate()[1]), None))
    print(random.random() == random.Random(9).random())
    h = random.Random(11)
    h.seed(12)
    print(h.random() == random.Random(12).random(), h.sample(range(10), 3), h.shuffle([1, 2]), h.getrandbits(20))
    random.seed(12)
    print(random.random(), random.seed(), random.seed(None) is None)
    random.seed("tabby", version=1)
    a = random.random()
    random.seed("", version=1)
    print(a, random.random(), random.Random(-2**62).random())
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    True 20 0.29440131958320737 z True
    3 625 (2209797851, 1310782419, 3119086015) 3 None
    True 9
    1.2500243810835503 True None
    True (2147483648, 766982754, 497961170, 3952298588) 624
    True 0.7417869892607294
    True
    True [8, 5, 2] None 11387
    0.4745706786885481 None True
    0.4242245197271185 0.8444218515250481 0.21122940420330605

    """#)
}

/// Errors with CPython 3.11's types and messages.
@Test(arguments: [
  (#"random.randrange(0)"#, "ValueError", #"empty range for randrange()"#),
  (#"random.randrange(-3)"#, "ValueError", #"empty range for randrange()"#),
  (#"random.randrange(5, 5)"#, "ValueError", #"empty range for randrange() (5, 5, 0)"#),
  (#"random.randrange(1, 10, 0)"#, "ValueError", #"zero step for randrange()"#),
  (#"random.randrange(10, 1, 2)"#, "ValueError", #"empty range for randrange()"#),
  (#"random.randrange(10, step=2)"#, "TypeError", #"Missing a non-None stop argument"#),
  (#"random.randrange(1.5)"#, "ValueError", #"non-integer arg 1 for randrange()"#),
  (#"random.randrange(0, 2.5)"#, "ValueError", #"non-integer stop for randrange()"#),
  (#"random.randrange(0, 10, 1.5)"#, "ValueError", #"non-integer step for randrange()"#),
  (#"random.randrange('a')"#, "ValueError", #"invalid literal for int() with base 10: 'a'"#),
  (#"random.randint(5, 1)"#, "ValueError", #"empty range for randrange() (5, 2, -3)"#),
  (#"random.randint(1.5, 3)"#, "ValueError", #"non-integer arg 1 for randrange()"#),
  (#"random.choice([])"#, "IndexError", #"Cannot choose from an empty sequence"#),
  (#"random.choice('')"#, "IndexError", #"Cannot choose from an empty sequence"#),
  (#"random.choice(set())"#, "IndexError", #"Cannot choose from an empty sequence"#),
  (#"random.choice({1, 2})"#, "TypeError", #"'set' object is not subscriptable"#),
  (#"random.sample([1, 2], 3)"#, "ValueError", #"Sample larger than population or is negative"#),
  (#"random.sample([1, 2], -1)"#, "ValueError", #"Sample larger than population or is negative"#),
  (#"random.sample({1, 2}, 1)"#, "TypeError", #"Population must be a sequence.  For dicts or sets, use sorted(d)."#),
  (#"random.sample({'a': 1}, 1)"#, "TypeError", #"Population must be a sequence.  For dicts or sets, use sorted(d)."#),
  (#"random.sample([1, 2], 1, counts=[1])"#, "ValueError", #"The number of counts does not match the population"#),
  (#"random.sample([1, 2], 1, counts=[0, 0])"#, "ValueError", #"Total of counts must be greater than zero"#),
  (#"random.sample([1, 2], 1, counts=[1.0, 2])"#, "TypeError", #"Counts must be integers"#),
  (#"random.sample([1, 2], 4, counts=[1, 2])"#, "ValueError", #"Sample larger than population or is negative"#),
  (#"random.choices('ab', weights=[1], k=2)"#, "ValueError", #"The number of weights does not match the population"#),
  (#"random.choices('ab', [1, 1], cum_weights=[1, 2])"#, "TypeError", #"Cannot specify both weights and cumulative weights"#),
  (#"random.choices('ab', [0, 0])"#, "ValueError", #"Total of weights must be greater than zero"#),
  (#"random.choices('ab', [1, float('inf')])"#, "ValueError", #"Total of weights must be finite"#),
  (#"random.choices('ab', 3)"#, "TypeError", #"The number of choices must be a keyword argument: k=3"#),
  (#"random.choices([], k=1)"#, "IndexError", #"list index out of range"#),
  (#"random.choices((), k=1)"#, "IndexError", #"tuple index out of range"#),
  (#"random.choices('', k=1)"#, "IndexError", #"string index out of range"#),
  (#"random.shuffle('abc')"#, "TypeError", #"'str' object does not support item assignment"#),
  (#"random.shuffle((1, 2))"#, "TypeError", #"'tuple' object does not support item assignment"#),
  (#"random.shuffle(5)"#, "TypeError", #"object of type 'int' has no len()"#),
  (#"random.getrandbits(-1)"#, "ValueError", #"number of bits must be non-negative"#),
  (#"random.gammavariate(0, 1)"#, "ValueError", #"gammavariate: alpha and beta must be > 0.0"#),
  (#"random.gammavariate(1, -2)"#, "ValueError", #"gammavariate: alpha and beta must be > 0.0"#),
  (#"random.betavariate(-1, 1)"#, "ValueError", #"gammavariate: alpha and beta must be > 0.0"#),
  (#"random.expovariate(0)"#, "ZeroDivisionError", #"float division by zero"#),
  (#"random.paretovariate(0)"#, "ZeroDivisionError", #"float division by zero"#),
  (#"random.weibullvariate(1, 0)"#, "ZeroDivisionError", #"float division by zero"#),
  (#"random.seed([1])"#, "TypeError", #"The only supported seed types are: None,\#nint, float, str, bytes, and bytearray."#),
  (#"random.seed({})"#, "TypeError", #"The only supported seed types are: None,\#nint, float, str, bytes, and bytearray."#),
  (#"random.Random([1])"#, "TypeError", #"The only supported seed types are: None,\#nint, float, str, bytes, and bytearray."#),
  (#"random.setstate((2, 3))"#, "ValueError", #"not enough values to unpack (expected 3, got 2)"#),
  (#"random.setstate((3, 1, 2, 3))"#, "ValueError", #"too many values to unpack (expected 3)"#),
  (#"random.setstate((4, (), None))"#, "ValueError", #"state with version 4 passed to Random.setstate() of version 3"#),
  (#"random.setstate((3, (1, 2), None))"#, "ValueError", #"state vector is the wrong size"#),
  (#"random.setstate((3, [0] * 625, None))"#, "TypeError", #"state vector must be a tuple"#),
  (#"random.setstate((3, (0,) * 624 + (625,), None))"#, "ValueError", #"invalid state"#),
  (#"random.setstate((3, (0,) * 624 + (-1,), None))"#, "ValueError", #"invalid state"#),
  (#"random.setstate((3, (-1,) + (0,) * 624, None))"#, "OverflowError", #"can't convert negative value to unsigned int"#),
])
func random_errorsAsCPython(_ code: String, _ ename: String, _ message: String) throws {
  let s = Session()
  _ = try s.run("import random")
  expectError(code, ename, message, in: s)
}
