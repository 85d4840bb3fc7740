import CellLanguage
import Testing

// `import pprint` and `import textwrap`: each cell is also valid Python and its expected
// output is what CPython 3.11 prints for it.

// pprint's line breaking of nested dicts, lists, tuples, sets, Counter, OrderedDict, defaultdict,
// deque and long strings; indent, width, depth, compact, sort_dicts, underscore_numbers;
// PrettyPrinter; recursion (ids differ, so only the prefix); CPython's errors.
@Test func pprintMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import pprint
    from collections import Counter, OrderedDict, defaultdict, deque
    data = {'name': 'tabby', 'versions': [1, 2, 3], 'nested': {'z': [10, 20, 30] * 4, 'a': ('x', 'y'), 'm': {1, 2, 3}}, 'text': 'lorem ipsum dolor sit amet ' * 5, 'num': 1234567}
    pprint.pprint(data)
    pprint.pprint(data, width=40, indent=2)
    pprint.pp(data, width=60)
    pprint.pprint(data, depth=1)
    pprint.pprint(data, depth=2, compact=True, width=50)
    print(pprint.pformat(list(range(40)), compact=True, width=30))
    print(pprint.pformat([list(range(12)), 'ab' * 30, (1,), ()], width=25))
    pprint.pprint({'big': 123456789, 'neg': -1234, 'small': 12, 'f': 1.5, 'b': True}, underscore_numbers=True)
    pprint.pprint({3: 'c', 1: 'a', 'b': 2, None: 0, (1, 2): [1]}, width=20)
    pprint.pprint([frozenset({5, 4, 3, 2, 1, 0} | set(range(20, 32))), set(range(25))], width=40)
    pprint.pprint(Counter('abracadabra is a long word indeed'), width=40)
    pprint.pprint(OrderedDict([('one', 1), ('two', [2] * 30)]), width=50)
    dd = defaultdict(list); dd['k'].extend(range(30)); dd['a'].append('x')
    pprint.pprint(dd, width=50)
    pprint.pprint(deque(range(30)), width=40)
    pprint.pprint(deque(range(30), maxlen=40), width=40)
    pprint.pprint('a fairly long string with many words that goes past the width limit for sure, yes\nsecond line', width=30)
    pprint.pprint(['one line with words and words and more words and many other words', 'short'], width=30)
    pp = pprint.PrettyPrinter(indent=4, width=30, sort_dicts=False)
    pp.pprint({'b': [1, 2, 3, 4, 5, 6, 7, 8, 9], 'a': {'x': 'y' * 20}})
    s = pp.pformat([[1, 2], [3, 4]] * 5); print(type(s).__name__, len(s))
    print(pprint.saferepr({'b': 1, 'a': [2]}), pprint.isreadable([1, 'a']), pprint.isreadable([pprint]), pprint.isrecursive([1]))
    r = [1, 2]; r.append(r)
    print(pprint.isrecursive(r), pprint.pformat(r).startswith('[1, 2, <Recursion on list with id='))
    d = {'self': None}; d['self'] = d
    print(pprint.pformat(d, width=10).startswith("{'self': <Recursion on dict with id="))
    pprint.pprint([{}, [], (), set(), Counter(), OrderedDict(), 'x' * 100], width=20)
    pprint.pprint({'k' * 30: 'v' * 60}, width=40)
    pprint.pprint(('tuple', 'of', 'several', 'longer', 'words', 'here'), width=20)
    pprint.pprint([[[[[1, 2, 3]]]]], depth=3)
    pprint.pprint(list(range(5)), width=1)
    for bad in [dict(indent=-1), dict(depth=0), dict(width=0)]:
        try:
            pprint.pprint([1], **bad)
        except ValueError as e:
            print('ValueError', e)
    from dataclasses import dataclass
    from collections import namedtuple
    import sys
    @dataclass
    class Pt:
        x: int
        y: int
    P = namedtuple('P', 'a b')
    pprint.pprint({'pt': Pt(1, 2), 'nt': P(1, [2, 3]), 'quote': "it's", 'tab': 'a\tb'}, width=30)
    pprint.pprint(['x' * 30 + ' ' + 'y' * 30, {'deep': 'word ' * 20}], width=40)
    pprint.pprint([1, 2], stream=sys.stdout)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    {'name': 'tabby',
     'nested': {'a': ('x', 'y'),
                'm': {1, 2, 3},
                'z': [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 30]},
     'num': 1234567,
     'text': 'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum '
             'dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit '
             'amet ',
     'versions': [1, 2, 3]}
    { 'name': 'tabby',
      'nested': { 'a': ('x', 'y'),
                  'm': {1, 2, 3},
                  'z': [ 10,
                         20,
                         30,
                         10,
                         20,
                         30,
                         10,
                         20,
                         30,
                         10,
                         20,
                         30]},
      'num': 1234567,
      'text': 'lorem ipsum dolor sit amet '
              'lorem ipsum dolor sit amet '
              'lorem ipsum dolor sit amet '
              'lorem ipsum dolor sit amet '
              'lorem ipsum dolor sit amet ',
      'versions': [1, 2, 3]}
    {'name': 'tabby',
     'versions': [1, 2, 3],
     'nested': {'z': [10,
                      20,
                      30,
                      10,
                      20,
                      30,
                      10,
                      20,
                      30,
                      10,
                      20,
                      30],
                'a': ('x', 'y'),
                'm': {1, 2, 3}},
     'text': 'lorem ipsum dolor sit amet lorem ipsum dolor sit '
             'amet lorem ipsum dolor sit amet lorem ipsum '
             'dolor sit amet lorem ipsum dolor sit amet ',
     'num': 1234567}
    {'name': 'tabby',
     'nested': {...},
     'num': 1234567,
     'text': 'lorem ipsum dolor sit amet lorem ipsum dolor sit amet lorem ipsum '
             'dolor sit amet lorem ipsum dolor sit amet lorem ipsum dolor sit '
             'amet ',
     'versions': [...]}
    {'name': 'tabby',
     'nested': {'a': (...),
                'm': {1, 2, 3},
                'z': [...]},
     'num': 1234567,
     'text': 'lorem ipsum dolor sit amet lorem ipsum '
             'dolor sit amet lorem ipsum dolor sit '
             'amet lorem ipsum dolor sit amet lorem '
             'ipsum dolor sit amet ',
     'versions': [1, 2, 3]}
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
     10, 11, 12, 13, 14, 15, 16,
     17, 18, 19, 20, 21, 22, 23,
     24, 25, 26, 27, 28, 29, 30,
     31, 32, 33, 34, 35, 36, 37,
     38, 39]
    [[0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11],
     'abababababababababababababababababababababababababababababab',
     (1,),
     ()]
    {'b': True, 'big': 123_456_789, 'f': 1.5, 'neg': -1_234, 'small': 12}
    {None: 0,
     1: 'a',
     3: 'c',
     'b': 2,
     (1, 2): [1]}
    [frozenset({0,
                1,
                2,
                3,
                4,
                5,
                20,
                21,
                22,
                23,
                24,
                25,
                26,
                27,
                28,
                29,
                30,
                31}),
     {0,
      1,
      2,
      3,
      4,
      5,
      6,
      7,
      8,
      9,
      10,
      11,
      12,
      13,
      14,
      15,
      16,
      17,
      18,
      19,
      20,
      21,
      22,
      23,
      24}]
    Counter({'a': 6,
             ' ': 5,
             'd': 4,
             'r': 3,
             'b': 2,
             'i': 2,
             'o': 2,
             'n': 2,
             'e': 2,
             'c': 1,
             's': 1,
             'l': 1,
             'g': 1,
             'w': 1})
    OrderedDict([('one', 1),
                 ('two',
                  [2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2,
                   2])])
    defaultdict(<class 'list'>,
                {'a': ['x'],
                 'k': [0,
                       1,
                       2,
                       3,
                       4,
                       5,
                       6,
                       7,
                       8,
                       9,
                       10,
                       11,
                       12,
                       13,
                       14,
                       15,
                       16,
                       17,
                       18,
                       19,
                       20,
                       21,
                       22,
                       23,
                       24,
                       25,
                       26,
                       27,
                       28,
                       29]})
    deque([0,
           1,
           2,
           3,
           4,
           5,
           6,
           7,
           8,
           9,
           10,
           11,
           12,
           13,
           14,
           15,
           16,
           17,
           18,
           19,
           20,
           21,
           22,
           23,
           24,
           25,
           26,
           27,
           28,
           29])
    deque([0,
           1,
           2,
           3,
           4,
           5,
           6,
           7,
           8,
           9,
           10,
           11,
           12,
           13,
           14,
           15,
           16,
           17,
           18,
           19,
           20,
           21,
           22,
           23,
           24,
           25,
           26,
           27,
           28,
           29],
          maxlen=40)
    ('a fairly long string with '
     'many words that goes past '
     'the width limit for sure, '
     'yes\n'
     'second line')
    ['one line with words and '
     'words and more words and '
     'many other words',
     'short']
    {   'b': [   1,
                 2,
                 3,
                 4,
                 5,
                 6,
                 7,
                 8,
                 9],
        'a': {   'x': 'yyyyyyyyyyyyyyyyyyyy'}}
    str 119
    {'a': [2], 'b': 1} True False False
    True True
    True
    [{},
     [],
     (),
     set(),
     Counter(),
     OrderedDict(),
     'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx']
    {'kkkkkkkkkkkkkkkkkkkkkkkkkkkkkk': 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv'}
    ('tuple',
     'of',
     'several',
     'longer',
     'words',
     'here')
    [[[[...]]]]
    [0,
     1,
     2,
     3,
     4]
    ValueError indent must be >= 0
    ValueError depth must be > 0
    ValueError width must be != 0
    {'nt': P(a=1, b=[2, 3]),
     'pt': Pt(x=1, y=2),
     'quote': "it's",
     'tab': 'a\tb'}
    ['xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx '
     'yyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
     {'deep': 'word word word word word '
              'word word word word word '
              'word word word word word '
              'word word word word word '}]
    [1, 2]

    """##)
}

// A dataclass instance too wide for its line breaks at its fields, as CPython 3.11's
// _pprint_dataclass (field(repr=False) hidden, a self-reference shown as <Recursion ...>);
// instances of other classes keep their repr.
@Test func pprintBreaksDataclassesAsCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import pprint
    from dataclasses import dataclass, field
    @dataclass
    class Point:
        x: int
        y: int
    @dataclass
    class Shape:
        name: str
        points: list
        tags: dict = field(default_factory=dict)
        secret: str = field(default='hidden', repr=False)
    class Plain:
        def __init__(self, v): self.v = v
        def __repr__(self): return 'Plain(' + repr(self.v) + ')'
    s = Shape('triangle with a rather long name', [Point(0, 0), Point(10, 0), Point(5, 8)], {'color': 'red', 'filled': True})
    pprint.pprint(s)
    pprint.pprint(s, width=40, indent=3)
    pprint.pprint([s, Plain(list(range(30)))], width=60)
    pprint.pprint({'shape': s, 'p': Point(1, 2)}, width=50, depth=2)
    @dataclass
    class Node:
        value: int
        children: list
    n = Node(1, []); n.children.append(n)
    print(pprint.pformat(n, width=20).split(' with id=')[0], repr(n))
    pprint.pprint(Point(123456789, 987654321), width=10, underscore_numbers=True)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    Shape(name='triangle with a rather long name',
          points=[Point(x=0, y=0), Point(x=10, y=0), Point(x=5, y=8)],
          tags={'color': 'red', 'filled': True})
    Shape(name='triangle with a rather '
               'long name',
          points=[  Point(x=0, y=0),
                    Point(x=10, y=0),
                    Point(x=5, y=8)],
          tags={  'color': 'red',
                  'filled': True})
    [Shape(name='triangle with a rather long name',
           points=[Point(x=0, y=0),
                   Point(x=10, y=0),
                   Point(x=5, y=8)],
           tags={'color': 'red', 'filled': True}),
     Plain([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29])]
    {'p': Point(x=1, y=2),
     'shape': Shape(name='triangle with a rather '
                         'long name',
                    points=[...],
                    tags={...})}
    Node(value=1,
         children=[<Recursion on Node Node(value=1, children=[...])
    Point(x=123_456_789,
          y=987_654_321)

    """##)
}

// pprint's corners: empty and flavored containers, depth cuts, strings with quotes, tabs and
// newlines, non-ASCII, indent 0 and 4, negative width, floats, compact packing, mixed-type keys
// (sorted by type name where they do not compare), saferepr and isreadable.
@Test func pprintEdgeCasesMatchCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import pprint
    from collections import OrderedDict, Counter, defaultdict, deque
    pprint.pprint('')
    pprint.pprint('x' * 100)
    pprint.pprint('one two three four five six seven eight nine ten eleven twelve thirteen fourteen', width=-5)
    pprint.pprint([OrderedDict([('a', 1), ('b', [1, 2, 3])]), Counter(), deque(), defaultdict(int)], width=15)
    pprint.pprint({'a': {'b': {'c': {'d': {}}}}, 'e': [], 'f': ()}, depth=2)
    pprint.pprint({'key': "it's \"quoted\" text with\ttabs and\nnewlines in it, long enough to wrap"}, width=30)
    pprint.pprint(('naïve café ünïcode strings are measured in code points and wrapped',), width=30)
    pprint.pprint([[1, 2, 3], [4, 5, 6]], indent=0, width=10)
    pprint.pprint({'x': [1, 2, 3]}, indent=4, width=10)
    pprint.pprint(Counter({'apple': 3, 'banana': 10, 'cherry': 7}), width=20, indent=3)
    pprint.pprint(defaultdict(list, {'a': [1] * 20}), width=30, indent=2)
    pprint.pprint(deque([1, 2, 3] * 8, maxlen=30), width=20)
    pprint.pprint([1.0, -0.0, float('inf'), 1e20, 1e-7, True, None], width=20)
    pprint.pprint(list(range(100)), compact=True)
    pprint.pprint([[i] * i for i in range(8)], compact=True, width=30)
    pprint.pprint({i: 'v' * i for i in range(0, 40, 7)}, width=30, compact=True)
    print(pprint.isreadable({'a': (1, 2.5, None)}), pprint.isreadable(float('nan')), pprint.saferepr((1,)), pprint.saferepr({'b': [()], 'a': 1}))
    p = pprint.PrettyPrinter(depth=1)
    p.pprint([1, [2], {'a': 1}, (3,), 'abc', [], {}])
    print(pprint.pformat({1: 1, 'a': 2, 2.5: 3, None: 4, (1,): 5}, width=10))
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    ''
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'
    ('one '
     'two '
     'three '
     'four '
     'five '
     'six '
     'seven '
     'eight '
     'nine '
     'ten '
     'eleven '
     'twelve '
     'thirteen '
     'fourteen')
    [OrderedDict([('a',
                   1),
                  ('b',
                   [1,
                    2,
                    3])]),
     Counter(),
     deque([]),
     defaultdict(<class 'int'>, {})]
    {'a': {'b': {...}}, 'e': [], 'f': ()}
    {'key': 'it\'s "quoted" text '
            'with\ttabs and\n'
            'newlines in it, '
            'long enough to wrap'}
    ('naïve café ünïcode strings '
     'are measured in code '
     'points and wrapped',)
    [[1, 2, 3],
    [4, 5, 6]]
    {   'x': [   1,
                 2,
                 3]}
    Counter({  'banana': 10,
               'cherry': 7,
               'apple': 3})
    defaultdict(<class 'list'>,
                { 'a': [ 1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1,
                         1]})
    deque([1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3,
           1,
           2,
           3],
          maxlen=30)
    [1.0,
     -0.0,
     inf,
     1e+20,
     1e-07,
     True,
     None]
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21,
     22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41,
     42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61,
     62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81,
     82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99]
    [[], [1], [2, 2], [3, 3, 3],
     [4, 4, 4, 4],
     [5, 5, 5, 5, 5],
     [6, 6, 6, 6, 6, 6],
     [7, 7, 7, 7, 7, 7, 7]]
    {0: '',
     7: 'vvvvvvv',
     14: 'vvvvvvvvvvvvvv',
     21: 'vvvvvvvvvvvvvvvvvvvvv',
     28: 'vvvvvvvvvvvvvvvvvvvvvvvvvvvv',
     35: 'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv'}
    True True (1,) {'a': 1, 'b': [()]}
    [1, [...], {...}, (...,), 'abc', [], {}]
    {None: 4,
     1: 1,
     2.5: 3,
     'a': 2,
     (1,): 5}

    """##)
}

// textwrap: wrap, fill, shorten, dedent, indent and TextWrapper with its options (hyphens and
// em-dashes split as CPython's wordsep_re does, long words, max_lines and placeholder, sentence
// endings, tabs); TextWrapper's attributes set between calls (any attribute may be set, as on
// Python's object); CPython's errors.
@Test func textwrapMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    import textwrap
    text = "The quick brown fox jumps over the lazy dog. Look, goof-ball -- use the -b option! A well-known, state-of-the-art self-contained example.  Two  spaces\there, and a\nnewline."
    print(textwrap.wrap(text, width=30))
    print(textwrap.fill(text, width=25))
    print(textwrap.fill(text, 40, initial_indent='* ', subsequent_indent='  '))
    print(textwrap.wrap(text, 20, break_on_hyphens=False))
    print(textwrap.wrap('supercalifragilisticexpialidocious is long', 10))
    print(textwrap.wrap('supercalifragilisticexpialidocious is long', 10, break_long_words=False))
    print(textwrap.wrap('a-very-long-hyphenated-compound-word-here ok', 12))
    print(textwrap.wrap('  leading and trailing   ', 10), textwrap.wrap('  leading and trailing   ', 10, drop_whitespace=False))
    print(textwrap.wrap('tab\tstop\tdemo', 40), textwrap.wrap('tab\tstop', 40, expand_tabs=False), textwrap.wrap('tab\tstop', 40, tabsize=4), textwrap.wrap('a\nb', 40, replace_whitespace=False))
    print(textwrap.wrap('One. Two! Three? "Four." Mr. Smith e.g. this', 60, fix_sentence_endings=True))
    print(textwrap.wrap(text, 30, max_lines=3), textwrap.wrap(text, 30, max_lines=2, placeholder='...'))
    print(textwrap.wrap('word ' * 12, 20, max_lines=1))
    print(textwrap.shorten('Hello  world!', width=12), textwrap.shorten('Hello  world!', width=11), textwrap.shorten(text, 50), textwrap.shorten(text, 30, placeholder='...'))
    print(textwrap.wrap(''), textwrap.wrap('   '), textwrap.fill(''), textwrap.wrap('x--y and a -- b and --- three'[0:40], 8))
    print(repr(textwrap.dedent('''\
        def f():
            return 1
      
        # end
    ''')))
    print(repr(textwrap.dedent('  a\n\tb\n')), repr(textwrap.dedent('\t  x\n\t y\n')), repr(textwrap.dedent('   one\n\n   two\r\n   ')))
    print(repr(textwrap.indent('a\nb\n\n  \nc', '> ')), repr(textwrap.indent('a\nb\n', '+', lambda line: True)), repr(textwrap.indent('x\r\ny', '# ')))
    w = textwrap.TextWrapper(width=15, subsequent_indent='    ')
    print(w.wrap('The TextWrapper keeps its options between calls'))
    w.width = 25; w.initial_indent = '- '
    print(w.fill('The TextWrapper keeps its options between calls'), w.width, w.break_long_words, w.placeholder)
    print(textwrap.wrap('über-café naïve-ly Ünïcode wörds überall', 12))
    for bad in [lambda: textwrap.wrap('x', 0), lambda: textwrap.wrap('abc def', 5, max_lines=1, placeholder=' [.......]'), lambda: textwrap.wrap('x', foo=1), lambda: textwrap.TextWrapper(bar=2), lambda: textwrap.shorten('a b', 5, max_lines=2)]:
        try:
            bad()
        except (ValueError, TypeError) as e:
            print(type(e).__name__, e)
    w.note = 'any attribute'; print(w.note, repr(w).startswith('<textwrap.TextWrapper object at 0x'), textwrap.fill('a-b-c-d-e-f-g', 4))
    for f in [lambda: textwrap.indent('a', 5), lambda: textwrap.indent('', 5), lambda: textwrap.wrap('abc', '5'), lambda: textwrap.wrap('abc', None), lambda: textwrap.wrap('abc', 5, initial_indent=3), lambda: textwrap.wrap('abc', 5, max_lines='2')]:
        try:
            print(repr(f()))
        except TypeError as e:
            print('TypeError', e)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    ['The quick brown fox jumps over', 'the lazy dog. Look, goof-ball', '-- use the -b option! A well-', 'known, state-of-the-art self-', 'contained example.  Two', 'spaces  here, and a newline.']
    The quick brown fox jumps
    over the lazy dog. Look,
    goof-ball -- use the -b
    option! A well-known,
    state-of-the-art self-
    contained example.  Two
    spaces  here, and a
    newline.
    * The quick brown fox jumps over the
      lazy dog. Look, goof-ball -- use the
      -b option! A well-known, state-of-the-
      art self-contained example.  Two
      spaces  here, and a newline.
    ['The quick brown fox', 'jumps over the lazy', 'dog. Look, goof-ball', '-- use the -b', 'option! A', 'well-known,', 'state-of-the-art', 'self-contained', 'example.  Two', 'spaces  here, and a', 'newline.']
    ['supercalif', 'ragilistic', 'expialidoc', 'ious is', 'long']
    ['supercalifragilisticexpialidocious', 'is long']
    ['a-very-long-', 'hyphenated-', 'compound-', 'word-here ok']
    ['  leading', 'and', 'trailing'] ['  leading ', 'and ', 'trailing', '   ']
    ['tab     stop    demo'] ['tab stop'] ['tab stop'] ['a\nb']
    ['One.  Two!  Three?  "Four."  Mr.  Smith e.g.  this']
    ['The quick brown fox jumps over', 'the lazy dog. Look, goof-ball', '-- use the -b option! A [...]'] ['The quick brown fox jumps over', 'the lazy dog. Look, goof-...']
    ['word word word [...]']
    Hello world! Hello [...] The quick brown fox jumps over the lazy dog. [...] The quick brown fox jumps...
    [] []  ['x--y and', 'a -- b', 'and ---', 'three']
    'def f():\n    return 1\n\n# end\n'
    '  a\n\tb\n' ' x\ny\n' 'one\n\ntwo\r\n'
    '> a\n> b\n\n  \n> c' '+a\n+b\n' '# x\r\n# y'
    ['The TextWrapper', '    keeps its', '    options', '    between', '    calls']
    - The TextWrapper keeps
        its options between
        calls 25 True  [...]
    ['über-café', 'naïve-ly', 'Ünïcode', 'wörds', 'überall']
    ValueError invalid width 0 (must be > 0)
    ValueError placeholder too large for max width
    TypeError TextWrapper.__init__() got an unexpected keyword argument 'foo'
    TypeError TextWrapper.__init__() got an unexpected keyword argument 'bar'
    TypeError textwrap.TextWrapper() got multiple values for keyword argument 'max_lines'
    any attribute True a-b-
    c-d-
    e-
    f-g
    TypeError unsupported operand type(s) for +: 'int' and 'str'
    ''
    TypeError '<=' not supported between instances of 'str' and 'int'
    TypeError '<=' not supported between instances of 'NoneType' and 'int'
    TypeError object of type 'int' has no len()
    TypeError '>' not supported between instances of 'str' and 'int'

    """##)
}
