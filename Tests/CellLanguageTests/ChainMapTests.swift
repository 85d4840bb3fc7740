import CellLanguage
import Testing

// collections.ChainMap: the cell is also valid Python, and its expected output is what CPython 3.11
// prints for it.

/// ChainMap: lookups through the maps, writes and deletes in the first, len/in/bool, iteration order, new_child, parents, copy, pop/popitem/setdefault/update/clear, ==, repr (a ChainMap inside itself too) and the KeyErrors.
@Test func collections_chainMapMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import ChainMap
    def t(f, *a, **k):
        try:
            print(repr(f(*a, **k)))
        except Exception as e:
            print(type(e).__name__ + ':', e)
    defaults = {'color': 'red', 'user': 'guest', 'size': 1}
    env = {'user': 'ann'}
    cli = {}
    cm = ChainMap(cli, env, defaults)
    print(cm, len(cm), cm['user'], cm['color'], cm.get('size'), cm.get('nope', 0), 'size' in cm, 'x' in cm, bool(cm))
    print(list(cm), list(cm.keys()), list(cm.values()), list(cm.items()), dict(cm.items()))
    cm['color'] = 'blue'
    print(cli, defaults['color'], cm['color'])
    del cm['color']
    print(cm, cm.maps[0] is cli, len(cm.maps))
    child = cm.new_child()
    child['x'] = 1
    print(child, child.parents, child.parents.parents == ChainMap(env, defaults))
    print(cm.new_child({'a': 1}), cm.new_child(b=2), ChainMap(), ChainMap({}), bool(ChainMap({})), ChainMap({'a': 1}) == {'a': 1})
    c2 = cm.copy()
    c2['z'] = 9
    print(c2, cm, c2.maps[1] is env)
    cm.maps.append({'extra': True})
    print(cm['extra'], len(cm), cm.pop('user', 'gone'), cm.setdefault('user', 'bob'), cm.setdefault('size', 5), cm)
    cm.update({'k': 1}, j=2)
    print(cm.maps[0], cm.popitem(), cm.pop('k'), cm.maps[0])
    cm.clear()
    print(cm.maps[0], len(cm))
    t(lambda: cm['missing'])
    t(cm.pop, 'user')
    t(cm.popitem)
    def delete(key):
        del cm[key]
    t(delete, 'size')
    r = ChainMap({})
    r.maps[0]['me'] = r
    print(r)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    ChainMap({}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) 3 ann red 1 0 True False True
    ['color', 'user', 'size'] ['color', 'user', 'size'] ['red', 'ann', 1] [('color', 'red'), ('user', 'ann'), ('size', 1)] {'color': 'red', 'user': 'ann', 'size': 1}
    {'color': 'blue'} red blue
    ChainMap({}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) True 3
    ChainMap({'x': 1}, {}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) ChainMap({}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) True
    ChainMap({'a': 1}, {}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) ChainMap({'b': 2}, {}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) ChainMap({}) ChainMap({}) False True
    ChainMap({'z': 9}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) ChainMap({}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}) True
    True 4 gone ann 1 ChainMap({}, {'user': 'ann'}, {'color': 'red', 'user': 'guest', 'size': 1}, {'extra': True})
    {} ('j', 2) 1 {}
    {} 4
    KeyError: 'missing'
    KeyError: "Key not found in the first mapping: 'user'"
    KeyError: 'No keys found in the first mapping.'
    KeyError: "Key not found in the first mapping: 'size'"
    ChainMap({'me': ...})

    """#)
}

/// A ChainMap among its own maps: lookups, len, in, == and iteration are RecursionErrors (they ran off the native stack and crashed the process), and repr shows ..., as CPython's.
@Test func collections_chainMapInsideItselfIsARecursionErrorAsPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from collections import ChainMap
    c = ChainMap()
    c.maps.append(c)
    for f in [lambda: c['x'], lambda: len(c), lambda: 'x' in c, lambda: repr(c), lambda: c == c, lambda: list(c)]:
        try:
            print(repr(f()))
        except Exception as e:
            print(type(e).__name__)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    RecursionError
    RecursionError
    RecursionError
    'ChainMap({}, ...)'
    RecursionError
    RecursionError

    """#)
}

