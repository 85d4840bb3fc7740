import CellLanguage
import Testing

// The match statement (Python 3.10's structural pattern matching). Each cell is also valid
// Python; the expected output is what CPython 3.11 prints for it.

@Test func match_patternsAsPython() throws {
  let s = Session()
  _ = try s.run(
    #"""
    def describe(p):
        match p:
            case {'kind': 'circle', 'r': r}: return f'circle {r}'
            case [x, y, *rest]: return f'seq {x} {y} {rest}'
            case int() | float() as n if n > 0: return f'pos {n}'
            case str(s): return 'str ' + s
            case None: return 'none'
            case True: return 'true'
            case (1 | 2) as small: return f'small {small}'
            case _: return 'other'
    print([describe(v) for v in [{'kind': 'circle', 'r': 2}, [1, 2, 3], (4, 5), 5, -1, 'hi', None, True, 1.5, {'kind': 'sq'}, 'abc', [1]]])
    match (1, 'a'):
        case (1, y):
            print('matched', y)
        case _:
            print('no')
    command = 'go north'
    match command.split():
        case ['quit']:
            print('bye')
        case ['go', direction] if direction in ('north', 'south'):
            print('going', direction)
        case ['go', _]:
            print('bad direction')
        case ['drop', *objects]:
            print('dropping', objects)
    for cmd in ['quit', 'go west', 'drop a b', 'look', '']:
        match cmd.split():
            case ['quit']:
                print('bye')
            case ['go', ('north' | 'south') as d]:
                print('going', d)
            case ['go', other]:
                print('cannot go', other)
            case ['drop', *objects]:
                print('dropping', objects)
            case []:
                print('empty')
            case [verb, *_]:
                print('unknown verb', verb)
    from dataclasses import dataclass
    @dataclass
    class Point:
        x: int
        y: int
    class Pair:
        __match_args__ = ('left', 'right')
        def __init__(self, left, right):
            self.left, self.right = left, right
    def where(pt):
        match pt:
            case Point(x=0, y=0):
                return 'origin'
            case Point(0, y):
                return f'y-axis at {y}'
            case Point(x, 0):
                return f'x-axis at {x}'
            case Point(x=x, y=y) if x == y:
                return f'diagonal {x}'
            case Pair(a, Pair(b, c)):
                return f'nested {a} {b} {c}'
            case Pair(left=l):
                return f'pair from {l}'
            case _:
                return 'somewhere'
    print([where(v) for v in [Point(0, 0), Point(0, 3), Point(4, 0), Point(2, 2), Point(1, 5), Pair(1, Pair(2, 3)), Pair('a', 'b'), 42]])
    config = {'host': 'localhost', 'port': 8080, 'debug': True}
    match config:
        case {'host': str(host), 'port': int(port), **others}:
            print(host, port, others)
    from collections import namedtuple
    from enum import Enum
    class Color(Enum):
        RED = 1
        GREEN = 2
    P3 = namedtuple('P3', 'a b c')
    for v in [Color.RED, Color.GREEN, P3(1, 2, 3), (1, 2, 3), range(3), 3 + 0.0, {'a': 1}]:
        match v:
            case Color.RED:
                print('red')
            case P3(a, b, c=3):
                print('p3', a, b)
            case (first, *middle, last):
                print('ends', first, middle, last)
            case 3:
                print('three')
            case {}:
                print('a mapping')
            case _:
                print('else', v)
    match = {'score': 1}
    match['score'] += 1
    print(match)
    def m(x):
        match x:
            case 0:
                return 'zero'
        return 'fell through'
    print(m(0), m(1))
    try:
        match 5:
            case Point(1, 2, 3):
                pass
    except TypeError as e:
        print('TypeError', e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    ['circle 2', 'seq 1 2 [3]', 'seq 4 5 []', 'pos 5', 'other', 'str hi', 'none', 'pos True', 'pos 1.5', 'other', 'str abc', 'other']
    matched a
    going north
    bye
    cannot go west
    dropping ['a', 'b']
    unknown verb look
    empty
    ['origin', 'y-axis at 3', 'x-axis at 4', 'diagonal 2', 'somewhere', 'nested 1 2 3', 'pair from a', 'somewhere']
    localhost 8080 {'debug': True}
    red
    else Color.GREEN
    p3 1 2
    ends 1 [2] 3
    ends 0 [1] 2
    three
    a mapping
    {'score': 2}
    zero fell through

    """#)
}

@Test func match_isASoftKeyword() throws {
  let s = Session()
  #expect(try s.result("match = 3\nmatch") == "3")
  #expect(try s.result("def match(x): return x * 2\nmatch(4)") == "8")
  #expect(try s.result("match (1):\n    case 1:\n        r = 'one'\nr") == "'one'")
  #expect(try s.result("import re\nmatch = re.match('a', 'abc')\nmatch.group(0)") == "'a'")
  #expect(try s.result("x = 5\nmatch x:\n    case 1 | 2:\n        r = 'small'\n    case _ if x > 3:\n        r = 'big'\nr") == "'big'")
}

@Test func match_errorsAsPython() {
  expectError("match 1:\n    case [*a, *b]:\n        pass", "SyntaxError", "multiple starred names in sequence pattern")
  expectError("match 3:\n    case int(n, m):\n        pass", "TypeError", "int() accepts 1 positional sub-pattern (2 given)")
  expectError("match 3:\n    case len():\n        pass", "TypeError", "called match pattern must be a type")
  expectError("match 3:\n    case f(x) + 1:\n        pass", "SyntaxError", "expected ':'")
  expectError("match 3:\n    case 1 as _:\n        pass", "SyntaxError", "cannot use '_' as a target")
  expectError("class P:\n    __match_args__ = ('a',)\nmatch P():\n    case P(1, 2):\n        pass", "TypeError", "P() accepts 1 positional sub-pattern (2 given)")
  // A huge range is a MemoryError when a sequence pattern needs its items, not a crash.
  expectError("match range(10**12):\n    case [a, *rest]:\n        pass", "MemoryError", "", prefix: true)
}
