import CellLanguage
import Testing

// Cells that use generator functions (yield, yield from), each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func generators_generatorFunctions() throws {
  let s = Session()
  _ = try s.run(
    #"""
    def batches(xs, size):
        for i in range(0, len(xs), size):
            yield xs[i:i + size]
    def squares(n):
        for i in range(n):
            if i == 4:
                return
            yield i * i
    def flatten(rows):
        for row in rows:
            yield from row
        yield "end"
    print(list(batches(list(range(7)), 3)), list(squares(10)), list(flatten([[1, 2], (3,)])))
    g = squares(3)
    print(type(g).__name__, next(g), next(g), list(g), next(g, "done"))
    for i, b in enumerate(batches("abcdefg", 2)):
        print(i, b)
    print(sum(x for x in squares(4)), dict(zip("ab", squares(2))), max(flatten([[3, 9], [4]]), key=str))
    def pairs(d):
        for k in sorted(d):
            yield k, d[k]
    print([f"{k}={v}" for k, v in pairs({"b": 2, "a": 1})])
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    [[0, 1, 2], [3, 4, 5], [6]] [0, 1, 4, 9] [1, 2, 3, 'end']
    generator 0 1 [4] done
    0 ab
    1 cd
    2 ef
    3 g
    14 {'a': 0, 'b': 1} end
    ['a=1', 'b=2']

    """#)
}

@Test func aGeneratorRunsToTheEndWhenCalled() throws {
  // The documented difference from Python: the body runs at the call, so its prints come
  // before the loop's (Python interleaves them).
  let s = Session()
  _ = try s.run("def gen():\n    for i in range(2):\n        print('making', i)\n        yield i\nfor x in gen():\n    print('got', x)")
  #expect(s.sink.text(.stdout) == "making 0\nmaking 1\ngot 0\ngot 1\n")
  expectError("yield 1", "SyntaxError", "'yield' outside function", in: s)
  expectError("class A:\n    yield 1", "SyntaxError", "'yield' outside function", in: s)
  // An endless generator can still be interrupted.
  s.flag.raise()
  let e = s.error("def forever():\n    while True:\n        yield 1\nforever()")
  #expect(e?.ename == "KeyboardInterrupt")
  #expect(try s.result("1 + 1") == "2")
}

/// Fields inside an f-string's format spec, as CPython 3.11 formats them (its output for
/// the same two lines), and its error for a second level.
@Test func fStringSpecsTakeNestedFields() throws {
  let s = Session()
  _ = try s.run(
    #"""
    w, p, name, x = 10, 3, 'acc', 0.912345
    print(f'{name:<{w}}|{x:>{w}.{p}f}|{x:{w}.{p}%}|{42:{"0"}{5}d}|{name!r:^{w}}|')
    print(f'{"left":{"<"}{8}}|{3.14159:.{p}}|{1234567:{","}}')
    """#)
  #expect(s.sink.text(.stdout) == "acc       |     0.912|   91.234%|00042|  'acc'   |\nleft    |3.14|1,234,567\n")
  expectError("f'{x:{w:{p}}}'", "SyntaxError", "f-string: expressions nested too deeply", in: s)
}

@Test func comprehensions_haveTheirOwnScope() throws {
  // Python 3: a comprehension's loop variables stay inside it; `:=` binds outside; in a
  // class body only the first iterable sees the class's names.
  let s = Session()
  _ = try s.run(
    #"""
    x = 10
    squares = [x * x for x in range(4)]
    print(x, squares)
    i = 'keep'
    pairs = {i: j for i in range(2) for j in 'ab'}
    print(i, pairs, sorted({c for c in 'aba'}), sum(k for k in range(5)))
    print('k' in globals(), 'c' in globals(), 'j' in globals())
    fs = [lambda: n for n in range(3)]
    print([f() for f in fs])
    gs = [lambda n=n: n for n in range(3)]
    print([g() for g in gs])
    def f(xs):
        total = 0
        doubled = [total + v for v in xs]
        seen = [v for v in xs if (last := v) > 1]
        return doubled, seen, last
    print(f([1, 2, 3]))
    print([(hit := w) * 2 for w in [1, 3, 5]], hit)
    xs = [[1, 2], [3]]
    print([x for x in xs for x in x], x)
    class A:
        items = [1, 2]
        doubled = [v * 2 for v in items]
    print(A.doubled, hasattr(A, 'v'))
    def outer():
        y = 5
        return [y + z for z in range(2)]
    print(outer())
    try:
        class B:
            k = 3
            bad = [k for _ in range(2)]
    except NameError as e:
        print('NameError', e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    10 [0, 1, 4, 9]
    keep {0: 'b', 1: 'b'} ['a', 'b'] 10
    False False False
    [2, 2, 2]
    [0, 1, 2]
    ([1, 2, 3], [2, 3], 3)
    [2, 6, 10] 5
    [1, 2, 3] 10
    [2, 4] False
    [5, 6]
    NameError name 'k' is not defined

    """#)
}

@Test func generators_builtInIteratorsAreSinglePass() throws {
  // CPython 3.11's output: zip, map, filter, enumerate, reversed and generator expressions
  // are iterators (next() works, a second pass is empty, a break leaves the rest).
  let s = Session()
  _ = try s.run(
    #"""
    xs = [3, 8, 11, 14]
    print(next(x for x in xs if x > 5), next((x for x in xs if x > 50), None))
    print(next(enumerate('ab')), next(zip('ab', 'cd')), next(map(str, xs)), next(filter(None, [0, 2])), next(reversed(xs)), next(iter({'a': 1}.items())))
    z = zip('ab', [1, 2])
    print(list(z), list(z))
    m = map(abs, [-1, -2])
    print(sum(m), sum(m))
    g = (x * x for x in range(3))
    print(list(g), list(g))
    it = iter([1, 2, 3])
    print(next(it), list(it), next(it, 'done'))
    print(type(zip()).__name__, type(map(abs, [])).__name__, type(x for x in []).__name__, type(enumerate([])).__name__, type(reversed([])).__name__)
    print(any(x > 10 for x in xs), all(x > 2 for x in xs), max((x for x in xs), default=0), sorted((x for x in xs), reverse=True)[:2])
    e = enumerate('xyz', 1)
    for i, c in e:
        if i == 2:
            break
    print(list(e))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    8 None
    (0, 'a') ('a', 'c') 3 2 14 ('a', 1)
    [('a', 1), ('b', 2)] []
    3 0
    [0, 1, 4] []
    1 [2, 3] done
    zip map generator enumerate list_reverseiterator
    True True 14 [14, 11]
    [(3, 'z')]

    """#)
  expectError("len(zip([1], [2]))", "TypeError", "object of type 'zip' has no len()", in: s)
  expectError("map(str, [1])[0]", "TypeError", "'map' object is not subscriptable", in: s)
}
