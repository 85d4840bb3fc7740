import CellLanguage
import Testing

// dict.keys()/values()/items() as Python's live views; dict.update and the collections
// dicts' constructors with pairs and keywords. The expected output is CPython 3.11's.

@Test func dictViews_areLiveSetLikeAndShowAsPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    d = {'b': 2, 'a': 1, 'c': 3}
    k, v, it = d.keys(), d.values(), d.items()
    print(k, v, it, type(k).__name__, type(v).__name__, type(it).__name__)
    d['z'] = 0
    print(k, len(k), 'z' in k, 0 in v, ('z', 0) in it, ('z', 1) in it, list(reversed(k)))
    print(d.keys() & {'a', 'q'}, sorted(d.keys() - {'a'}), sorted(d.keys() | ['x']), sorted(d.keys() ^ {'a', 'w'}), sorted({'a', 'y'} - d.keys()))
    print(d.keys() == {'a', 'b', 'c', 'z'}, {'a', 'b', 'c', 'z'} == d.keys(), d.items() == {('a', 1), ('b', 2), ('c', 3), ('z', 0)}, d.values() == d.values(), d.keys() != {'a'})
    print(d.keys().isdisjoint(['q']), d.items().isdisjoint([('a', 1)]), sorted(d.items() & {('a', 1), ('b', 0)}))
    print(sorted(d.values()), max(d.values()), sum(d.values()), list(zip(d.keys(), d.values())), dict(d.items()) == d, [*d.keys()], {**dict(d.items())} == d)
    for key, val in d.items():
        print(key, val, end='; ')
    print()
    print(bool({}.keys()), bool(k), list({}.items()), {}.values())
    e = {}
    e.update([('x', 1)], y=2)
    e.update({'z': 3})
    e.update(w=4)
    print(e, dict([('a', 1), 'bc']))
    from collections import OrderedDict, Counter, defaultdict
    print(OrderedDict(a=1).keys(), Counter('aab').items(), defaultdict(int, {'q': 1}).values())
    try:
        d.keys()[0]
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    try:
        hash(d.keys())
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    try:
        e.update([(1, 2, 3)])
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    try:
        e.update([1])
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    try:
        e.update({}, {})
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    try:
        d.keys() - 5
    except (TypeError, ValueError) as err:
        print(type(err).__name__, err)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    dict_keys(['b', 'a', 'c']) dict_values([2, 1, 3]) dict_items([('b', 2), ('a', 1), ('c', 3)]) dict_keys dict_values dict_items
    dict_keys(['b', 'a', 'c', 'z']) 4 True True True False ['z', 'c', 'a', 'b']
    {'a'} ['b', 'c', 'z'] ['a', 'b', 'c', 'x', 'z'] ['b', 'c', 'w', 'z'] ['y']
    True True True False True
    True False [('a', 1)]
    [0, 1, 2, 3] 3 6 [('b', 2), ('a', 1), ('c', 3), ('z', 0)] True ['b', 'a', 'c', 'z'] True
    b 2; a 1; c 3; z 0; 
    False True [] dict_values([])
    {'x': 1, 'y': 2, 'z': 3, 'w': 4} {'a': 1, 'b': 'c'}
    odict_keys(['a']) dict_items([('a', 2), ('b', 1)]) dict_values([1])
    TypeError 'dict_keys' object is not subscriptable
    TypeError unhashable type: 'dict_keys'
    ValueError dictionary update sequence element #0 has length 3; 2 is required
    TypeError cannot convert dictionary update sequence element #0 to a sequence
    TypeError update expected at most 1 argument, got 2
    TypeError 'int' object is not iterable

    """#)
}
