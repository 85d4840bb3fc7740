import CellLanguage
import Testing

// `import operator`, `heapq` and `bisect`: the cell is also valid Python and its expected
// output is what CPython 3.11 prints for it (heaps keep CPython's item order).

@Test func operatorHeapqAndBisectMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    from operator import itemgetter, attrgetter, methodcaller
    import operator, heapq, bisect
    pairs = [('a', 3), ('b', 1), ('c', 2), ('d', 1)]
    print(sorted(pairs, key=itemgetter(1)), max(pairs, key=itemgetter(1))[0], itemgetter(0, 1)(pairs[0]), itemgetter(1))
    print(operator.add(2, 3), operator.mul('ab', 2), list(map(operator.neg, [1, -2])), operator.truediv(7, 2), operator.itemgetter('k')({'k': 5}))
    print(operator.eq(1, 1.0), operator.lt('a', 'b'), operator.contains([1, 2], 2), operator.not_(0), operator.abs(-3), operator.pow(2, 10), operator.getitem([5, 6], -1))
    class P:
        def __init__(self, name, age): self.name, self.age = name, age
        def greet(self, who): return self.name + ' hi ' + who
    people = [P('ann', 30), P('bob', 25)]
    print([p.name for p in sorted(people, key=attrgetter('age'))], list(map(methodcaller('greet', 'x'), people)), methodcaller('strip', 'x'), attrgetter('name', 'age')(people[0]))
    print(list(map(methodcaller('upper'), ['a', 'b'])), sorted(['b', 'A', 'c'], key=methodcaller('lower')))
    h = []
    for x in [5, 3, 8, 1, 9, 2, 7]:
        heapq.heappush(h, x)
    print(h, heapq.heappop(h), h)
    data = [9, 4, 7, 1, 8, 2, 6, 3]
    heapq.heapify(data); print(data)
    print(heapq.heappushpop(data, 0), heapq.heapreplace(data, 10), data)
    print(heapq.nlargest(3, [5, 1, 9, 3, 9]), heapq.nsmallest(2, pairs, key=itemgetter(1)), list(heapq.merge([1, 4], [2, 3])), list(heapq.merge([3, 1], [2], reverse=True)))
    tasks = []
    heapq.heappush(tasks, (2, 'write')); heapq.heappush(tasks, (1, 'plan')); heapq.heappush(tasks, (3, 'test'))
    print([heapq.heappop(tasks)[1] for _ in range(3)])
    xs = [1, 3, 5, 5, 7]
    print(bisect.bisect_left(xs, 5), bisect.bisect_right(xs, 5), bisect.bisect(xs, 0), bisect.bisect_left(xs, 5, 3), bisect.bisect_right(xs, 9, 0, 2))
    bisect.insort(xs, 4); bisect.insort_left(xs, 5); print(xs)
    grades = 'FDCBA'
    print([grades[bisect.bisect([60, 70, 80, 90], s)] for s in [33, 99, 77, 70, 89, 90, 100]])
    recs = [('x', 1), ('y', 4)]
    bisect.insort(recs, ('z', 2), key=itemgetter(1)); print(recs, bisect.bisect_left(recs, 3, key=itemgetter(1)))
    try:
        heapq.heappop([])
    except IndexError as e:
        print('IndexError', e)
    try:
        heapq.heappush((), 1)
    except TypeError as e:
        print('TypeError', e)
    try:
        operator.add(1, 'a')
    except TypeError as e:
        print('TypeError', e)
    try:
        operator.itemgetter(5)([1])
    except IndexError as e:
        print('IndexError', e)
    try:
        bisect.bisect([1], 1, -1)
    except ValueError as e:
        print('ValueError', e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    [('b', 1), ('d', 1), ('c', 2), ('a', 3)] a ('a', 3) operator.itemgetter(1)
    5 abab [-1, 2] 3.5 5
    True True True True 3 1024 6
    ['bob', 'ann'] ['ann hi x', 'bob hi x'] operator.methodcaller('strip', 'x') ('ann', 30)
    ['A', 'B'] ['A', 'b', 'c']
    [2, 3, 7, 5, 9, 8] 1 [2, 3, 7, 5, 9, 8]
    [1, 3, 2, 4, 8, 7, 6, 9]
    0 1 [2, 3, 6, 4, 8, 7, 10, 9]
    [9, 9, 5] [('b', 1), ('d', 1)] [1, 2, 3, 4] [3, 2, 1]
    ['plan', 'write', 'test']
    2 4 0 3 2
    [1, 3, 4, 5, 5, 5, 7]
    ['F', 'A', 'C', 'C', 'B', 'A', 'A']
    [('x', 1), ('z', 2), ('y', 4)] 2
    IndexError index out of range
    TypeError heappush() argument 1 must be list, not tuple
    TypeError unsupported operand type(s) for +: 'int' and 'str'
    IndexError list index out of range
    ValueError lo must be non-negative

    """##)
}
