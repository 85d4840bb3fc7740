import CellLanguage
import Testing

// Cells that use the itertools, functools, statistics and os modules, each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func stdlib_itertoolsLists() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import itertools
    from itertools import product, permutations, combinations, combinations_with_replacement, chain, islice, accumulate, groupby, zip_longest, pairwise, starmap, compress, takewhile, dropwhile, filterfalse, repeat
    print(list(product("ab", [0, 1])), len(list(product(range(3), repeat=3))))
    print(list(permutations([1, 2, 3], 2)), len(list(permutations("abcd"))))
    print(list(combinations("abcd", 2)), list(combinations_with_replacement([1, 2, 3], 2)))
    print(list(chain([1, 2], "ab", (3,))), list(islice(range(100), 5)), list(islice("abcdefgh", 2, 7, 2)), list(islice(range(10), 3, None)))
    print(list(accumulate([1, 2, 3, 4])), list(accumulate([3, 1, 4, 1, 5], max)), list(accumulate([1, 2, 3], lambda a, b: a * b, initial=10)))
    labels = ["cat", "cat", "dog", "cat", "dog", "dog"]
    print([(k, len(list(g))) for k, g in groupby(sorted(labels))], [(k, list(g)) for k, g in groupby([1, 3, 2, 4, 5], key=lambda x: x % 2)])
    print(list(zip_longest("abc", [1], fillvalue="-")), list(pairwise([1, 2, 3, 4])), list(starmap(pow, [(2, 3), (3, 2)])))
    print(list(compress("abcdef", [1, 0, 1, 0, 1, 1])), list(takewhile(lambda x: x < 3, [1, 2, 5, 1])), list(dropwhile(lambda x: x < 3, [1, 2, 5, 1])), list(filterfalse(lambda x: x % 2, range(8))), list(repeat("x", 3)))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    [('a', 0), ('a', 1), ('b', 0), ('b', 1)] 27
    [(1, 2), (1, 3), (2, 1), (2, 3), (3, 1), (3, 2)] 24
    [('a', 'b'), ('a', 'c'), ('a', 'd'), ('b', 'c'), ('b', 'd'), ('c', 'd')] [(1, 1), (1, 2), (1, 3), (2, 2), (2, 3), (3, 3)]
    [1, 2, 'a', 'b', 3] [0, 1, 2, 3, 4] ['c', 'e', 'g'] [3, 4, 5, 6, 7, 8, 9]
    [1, 3, 6, 10] [3, 3, 4, 4, 5] [10, 10, 20, 60]
    [('cat', 3), ('dog', 3)] [(1, [1, 3]), (0, [2, 4]), (1, [5])]
    [('a', 1), ('b', '-'), ('c', '-')] [(1, 2), (2, 3), (3, 4)] [8, 9]
    ['a', 'c', 'e', 'f'] [1, 2] [5, 1] [0, 2, 4, 6] ['x', 'x', 'x']

    """#)
}

@Test func stdlib_functoolsHelpers() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from functools import reduce, partial, lru_cache, cache, total_ordering
    import functools
    print(reduce(lambda a, b: a * b, range(1, 6)), reduce(lambda a, b: a + b, [], 0), reduce(max, [3, 9, 2]))
    round2 = partial(round, ndigits=2)
    pow2 = functools.partial(pow, 2)
    print(round2(3.14159), pow2(10), [round2(x) for x in [1.005, 2.675]], pow2.args)
    calls = []
    @lru_cache(maxsize=None)
    def fib(n):
        calls.append(n)
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    print(fib(60), len(calls), fib.cache_info())
    @cache
    def square(x):
        return x * x
    print(square(4), square(4), square.cache_info())
    @lru_cache
    def slow(x):
        return x + 1
    print(slow(1), slow(1), slow.cache_info())
    @total_ordering
    class Grade:
        def __init__(self, score): self.score = score
        def __eq__(self, other): return self.score == other.score
        def __lt__(self, other): return self.score < other.score
    print(Grade(1) <= Grade(2), Grade(3) > Grade(2), Grade(2) >= Grade(2), Grade(1) >= Grade(2), max([Grade(5), Grade(7)]).score)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    120 0 9
    3.14 1024 [1.0, 2.67] (2,)
    1548008755920 61 CacheInfo(hits=58, misses=61, maxsize=None, currsize=61)
    16 16 CacheInfo(hits=1, misses=1, maxsize=None, currsize=1)
    2 2 CacheInfo(hits=1, misses=1, maxsize=128, currsize=1)
    True True True False 7

    """#)
}

@Test func stdlib_statisticsSummaries() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import statistics as st
    print(st.mean([1, 2, 3]), st.mean([1, 2]), st.mean([0.1, 0.2, 0.3]), st.mean([1, 2.5]), st.fmean([1, 2]))
    print(st.median([1, 2, 3, 4]), st.median([3, 1, 2]), st.median_low([1, 2, 3, 4]), st.median_high([1, 2, 3, 4]))
    print(st.mode(["a", "b", "b", "a"]), st.multimode("aabbbccccb"), st.variance([1, 3]), st.variance([1, 2, 3]), st.pvariance([1, 2, 3]))
    print(st.stdev([1, 3]), st.variance([0.1, 0.2, 0.3, 0.45]), st.stdev([2.5, 3.1, 4.7, 1.2, 9.9]), st.pstdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]))
    print(st.variance([2, 4, 4, 4, 5, 5, 7, 9]), st.pvariance([2, 4, 4, 4, 5, 5, 7, 9]), st.pstdev([2, 4, 4, 4, 5, 5, 7, 9]))
    print(st.quantiles([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), st.quantiles([2.5, 3.1, 4.7, 1.2, 9.9], n=10))
    accs = [0.912, 0.9034, 0.9181, 0.9075, 0.9102]
    print(st.mean(accs), st.stdev(accs), st.median(accs))
    for bad in [[], [1]]:
        try:
            st.stdev(bad)
        except st.StatisticsError as e:
            print("StatisticsError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    2 1.5 0.2 1.75 1.5
    2.5 2 2 3
    a ['b', 'c'] 2 1 0.6666666666666666
    1.4142135623730951 0.022291666666666668 3.384080377296024 0.986893273527251
    4.571428571428571 4 2.0
    [2.75, 5.5, 8.25] [0.68, 1.46, 2.2399999999999998, 2.7399999999999998, 3.1, 4.0600000000000005, 5.74, 8.860000000000001, 11.98]
    0.91024 0.005458296437534356 0.9102
    StatisticsError: stdev requires at least two data points
    StatisticsError: stdev requires at least two data points

    """#)
}

@Test func stdlib_osPaths() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import os
    import os.path
    from os.path import join, splitext, basename
    print(join("data", "train", "cat.jpg"), join("/data", "/abs", "x"), join("a/", "b"), basename("/x/y/z.tar.gz"), os.path.dirname("/x/y/z.tar.gz"))
    print(splitext("photo.jpg"), splitext("a/b.tar.gz"), splitext(".bashrc"), splitext("a.b/c"), os.path.split("a/b/"), os.path.split("/a"), os.path.split("x"))
    print(os.path.normpath("a//b/./c/../d"), os.path.normpath("/../x"), os.path.normpath(""), os.path.isabs("/x"), os.sep, os.path.sep)
    print(os.path.exists("/"), os.path.isdir("/"), os.path.isfile("/"), os.path.exists("/no/such/file"), isinstance(os.environ.get("PATH", ""), str), isinstance(os.getcwd(), str))
    try:
        os.path.getsize("/no/such/file")
    except FileNotFoundError as e:
        print("FileNotFoundError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    data/train/cat.jpg /abs/x a/b z.tar.gz /x/y
    ('photo', '.jpg') ('a/b.tar', '.gz') ('.bashrc', '') ('a.b/c', '') ('a/b', '') ('/', 'a') ('', 'x')
    a/b/d /x . True / /
    True True False False True True
    FileNotFoundError: [Errno 2] No such file or directory: '/no/such/file'

    """#)
}

@Test func standardModulesRefuseWhatCannotBeAList() throws {
  let s = Session()
  _ = try s.run("import itertools, functools, os.path as osp\nfrom collections import defaultdict")
  expectError("itertools.count()", "TypeError", "itertools.count() never ends; Tabby's itertools return lists: use range(start, stop, step)", in: s)
  expectError("itertools.repeat(1)", "TypeError", "repeat() without times never ends; Tabby's itertools return lists: give times", in: s)
  expectError("itertools.product(range(1000), repeat=4)", "MemoryError", "", in: s, prefix: true)
  expectError("functools.cache(len)([1])", "TypeError", "unhashable type: 'list'", in: s)
  expectError("functools.reduce(max, [])", "TypeError", "reduce() of empty iterable with no initial value", in: s)
  expectError("defaultdict(list)[[1]]", "TypeError", "unhashable type: 'list'", in: s)
  // `import os.path as osp` binds the submodule; `import os.path` binds os.
  #expect(try s.result("osp.basename('a/b.txt')") == "'b.txt'")
  _ = try s.run("import os.path")
  #expect(try s.result("os.path.splitext('x.png')[1], 'getcwd' in dir(os)") == "('.png', True)")
}

@Test func osMakesAndListsFolders() throws {
  let s = Session()
  let dir = ScratchDirectory()
  let root = dir.path + "/made"
  _ = try s.run("import os\nroot = \(Value.string(root).repr)\nos.makedirs(os.path.join(root, 'a', 'b'))\nos.makedirs(root, exist_ok=True)")
  #expect(try s.result("os.listdir(root), os.path.isdir(os.path.join(root, 'a', 'b'))") == "(['a'], True)")
  expectError("os.makedirs(root)", "FileExistsError", "[Errno 17] File exists: '\(root)'", in: s)
  expectError("os.listdir(root + '/nope')", "FileNotFoundError", "[Errno 2] No such file or directory: '\(root)/nope'", in: s)
}
