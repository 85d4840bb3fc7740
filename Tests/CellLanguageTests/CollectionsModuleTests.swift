import CellLanguage
import Testing

// Cells that use the collections module (Counter, defaultdict, OrderedDict, namedtuple, deque), each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func collections_counterCounts() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import Counter
    words = "the cat and the hat and the bat".split()
    c = Counter(words)
    print(c)
    print(c["the"], c["dog"], "dog" in c, len(c), c.most_common(2), c.total(), sorted(c.elements())[:4])
    c.update(["cat", "cat"])
    c.subtract({"the": 1})
    print(c.most_common(3), type(c).__name__, dict(c) == {"the": 2, "cat": 3, "and": 2, "hat": 1, "bat": 1})
    print(Counter("abracadabra").most_common(3), Counter(a=2, b=1) + Counter(a=1, c=5), Counter(a=3, b=1) - Counter(a=1, b=2), Counter())
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Counter({'the': 3, 'and': 2, 'cat': 1, 'hat': 1, 'bat': 1})
    3 0 False 5 [('the', 3), ('and', 2)] 8 ['and', 'and', 'bat', 'cat']
    [('cat', 3), ('the', 2), ('and', 2)] Counter True
    [('a', 5), ('b', 2), ('r', 2)] Counter({'c': 5, 'a': 3, 'b': 1}) Counter({'a': 2}) Counter()

    """#)
}

@Test func collections_defaultdictGroups() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import defaultdict, OrderedDict
    groups = defaultdict(list)
    for name, label in [("a.jpg", "cat"), ("b.jpg", "dog"), ("c.jpg", "cat")]:
        groups[label].append(name)
    print(groups)
    print(dict(groups), groups["bird"], len(groups), type(groups).__name__)
    counts = defaultdict(int)
    for ch in "mississippi":
        counts[ch] += 1
    print(sorted(counts.items()), counts)
    nested = defaultdict(lambda: defaultdict(int))
    nested["x"]["y"] += 2
    print(nested["x"]["y"], "x" in nested, "z" in nested)
    od = OrderedDict([("b", 2), ("a", 1)])
    od["c"] = 3
    print(od, list(od), OrderedDict(), type(od).__name__)
    try:
        defaultdict()["k"]
    except KeyError as e:
        print("KeyError", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    defaultdict(<class 'list'>, {'cat': ['a.jpg', 'c.jpg'], 'dog': ['b.jpg']})
    {'cat': ['a.jpg', 'c.jpg'], 'dog': ['b.jpg']} [] 3 defaultdict
    [('i', 4), ('m', 1), ('p', 2), ('s', 4)] defaultdict(<class 'int'>, {'m': 1, 'i': 4, 's': 4, 'p': 2})
    2 True False
    OrderedDict([('b', 2), ('a', 1), ('c', 3)]) ['b', 'a', 'c'] OrderedDict() OrderedDict
    KeyError 'k'

    """#)
}

@Test func collections_namedtupleRecords() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import namedtuple
    Point = namedtuple("Point", "x y")
    Pred = namedtuple("Pred", ["label", "prob", "rank"], defaults=[1])
    p = Point(1, y=2)
    q = Pred("tabby", 0.9)
    print(p, q, p.x + p.y, p[0], p[-1], len(p), list(p), tuple(p) if False else None)
    x, y = p
    print(x, y, p == (1, 2), p == Point(1, 2), p != Point(2, 1), Point(1, 2) < Point(1, 3), sorted([Point(2, 0), Point(1, 5)]))
    print(p._asdict(), p._replace(x=10), Point._fields, {p: "here"}[Point(1, 2)], isinstance(p, Point), type(q).__name__)
    preds = [Pred("cat", 0.2), Pred("dog", 0.7, 2)]
    print(max(preds, key=lambda r: r.prob).label, [r.rank for r in preds], q)
    for bad in [("1x", "a"), ("P", "a a"), ("P", "_a")]:
        try:
            namedtuple(*bad)
        except ValueError as e:
            print("ValueError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Point(x=1, y=2) Pred(label='tabby', prob=0.9, rank=1) 3 1 2 2 [1, 2] None
    1 2 True True True True [Point(x=1, y=5), Point(x=2, y=0)]
    {'x': 1, 'y': 2} Point(x=10, y=2) ('x', 'y') here True Pred
    dog [1, 2] Pred(label='tabby', prob=0.9, rank=1)
    ValueError: Type names and field names must be valid identifiers: '1x'
    ValueError: Encountered duplicate field name: 'a'
    ValueError: Field names cannot start with an underscore: '_a'

    """#)
}

@Test func collections_dequeWindow() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import deque
    d = deque([1, 2, 3])
    d.append(4); d.appendleft(0)
    print(d, len(d), d[0], d[-1], 3 in d, 9 in d, list(d))
    print(d.pop(), d.popleft(), d)
    d.extend([5, 6]); d.extendleft([-1, -2])
    print(d)
    d.rotate(2)
    print(d, d.count(5))
    d.rotate(-3)
    print(d)
    window = deque(maxlen=3)
    for v in range(6):
        window.append(v)
        print(list(window), sum(window) / len(window))
    print(window, window.maxlen, bool(deque()), deque("ab") == deque(["a", "b"]))
    try:
        deque().popleft()
    except IndexError as e:
        print("IndexError:", e)
    try:
        d[0:2]
    except TypeError as e:
        print("TypeError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    deque([0, 1, 2, 3, 4]) 5 0 4 True False [0, 1, 2, 3, 4]
    4 0 deque([1, 2, 3])
    deque([-2, -1, 1, 2, 3, 5, 6])
    deque([5, 6, -2, -1, 1, 2, 3]) 1
    deque([-1, 1, 2, 3, 5, 6, -2])
    [0] 0.0
    [0, 1] 0.5
    [0, 1, 2] 1.0
    [1, 2, 3] 2.0
    [2, 3, 4] 3.0
    [3, 4, 5] 4.0
    deque([3, 4, 5], maxlen=3) 3 False True
    IndexError: pop from an empty deque
    TypeError: sequence index must be integer, not 'slice'

    """#)
}

/// A deque that holds itself shows `[...]` there, as Python's (its repr recursed until the
/// native stack ran out: found by a fuzz of every method with odd arguments), and one
/// record of open containers serves the whole repr.
@Test func collections_dequeHoldingItselfReprsAsPython() throws {
  let s = Session()
  _ = try s.run("from collections import deque\nd = deque([1])\nd.append(d)\nprint(d)\nl = [d]\nd.append(l)\nprint(l)")
  #expect(s.sink.text(.stdout) == "deque([1, [...]])\n[deque([1, [...], [...]])]\n")
  // Lists and a deque holding each other many times over: written once per path, not
  // exponentially (a fresh record per deque took minutes on this).
  _ = try s.run("a = [d, d, d]\nfor _ in range(12):\n    d.append(a)\n    a.append(d)\nn = len(repr(a))")
  #expect(try s.result("n > 0") == "True")
}

/// A set holding a deque that holds the set (deques hash by identity here) prints with
/// CPython's marker for a set met inside itself, `set(...)`, instead of recursing until
/// the native stack ran out (the method fuzz crashed the kernel on it).
@Test func collections_dequeInsideItsOwnItemsReprAndIsUnhashable() throws {
  // CPython 3.11's output: a deque met again inside a dict or list it holds prints as [...];
  // a deque is unhashable, so no set can hold one.
  let s = Session()
  _ = try s.run(
    "from collections import deque\nd = deque([1]); m = {'d': d}; d.append(m); l = [d, {5}]; d.append(l)\n"
      + "print(d, m, set(), frozenset(), {3}, frozenset({4}))\ntry:\n    {2, d}\nexcept TypeError as e:\n    print(e)")
  #expect(
    s.sink.text(.stdout)
      == "deque([1, {'d': [...]}, [[...], {5}]]) {'d': deque([1, {...}, [[...], {5}]])} set() frozenset() {3} frozenset({4})\n"
      + "unhashable type: 'collections.deque'\n")
}
