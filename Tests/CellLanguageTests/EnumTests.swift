import CellLanguage
import Testing

// `import enum`: the cell is also valid Python and prints what CPython 3.11 prints for it
// (members, aliases, lookups by value and name, iteration, auto, IntEnum/StrEnum, @unique).

@Test func enumMatchesCPython() throws {
  let s = Session()
  _ = try s.run(
    ##"""
    from enum import Enum, IntEnum, StrEnum, auto, unique
    class Color(Enum):
        RED = 1
        GREEN = 2
        BLUE = 3
        CRIMSON = 1
        def describe(self):
            return self.name.lower() + '!'
    print(Color.RED, repr(Color.GREEN), Color.RED.name, Color.RED.value, Color(2), Color['BLUE'], Color.CRIMSON is Color.RED)
    print([c.name for c in Color], len(Color), Color.RED in Color, Color.BLUE.describe(), type(Color.RED).__name__, isinstance(Color.RED, Color))
    print(Color, Color.RED == Color.RED, Color.RED == 1, Color.RED != Color.GREEN, {Color.RED: 'r'}[Color.CRIMSON], f'{Color.GREEN}')
    class Stage(Enum):
        TRAIN = auto()
        VALID = auto()
        TEST = auto()
    print(list(Stage), Stage.TEST.value)
    class Level(IntEnum):
        LOW = 1
        HIGH = 5
    print(Level.HIGH > Level.LOW, Level.LOW == 1, Level.HIGH < 10, int(Level.HIGH), sorted([Level.HIGH, Level.LOW]), Level(5), repr(Level.LOW), str(Level.LOW), f'{Level.HIGH:>3}')
    class Split(StrEnum):
        TRAIN = auto()
        TEST = 'test_set'
    print(Split.TRAIN, Split.TEST == 'test_set', repr(Split.TRAIN), Split('test_set'), list(Split))
    try:
        Color(7)
    except ValueError as e:
        print('ValueError', e)
    try:
        Color['PINK']
    except KeyError as e:
        print('KeyError', e)
    try:
        @unique
        class Dup(Enum):
            A = 1
            B = 1
    except ValueError as e:
        print('ValueError', e)
    @unique
    class Fine(Enum):
        A = 1
        B = 2
    print(Fine.B)
    """##)
  #expect(
    s.sink.text(.stdout) == ##"""
    Color.RED <Color.GREEN: 2> RED 1 Color.GREEN Color.BLUE True
    ['RED', 'GREEN', 'BLUE'] 3 True blue! Color True
    <enum 'Color'> True False True r Color.GREEN
    [<Stage.TRAIN: 1>, <Stage.VALID: 2>, <Stage.TEST: 3>] 3
    True True True 5 [<Level.LOW: 1>, <Level.HIGH: 5>] 5 <Level.LOW: 1> 1   5
    train True <Split.TRAIN: 'train'> test_set [<Split.TRAIN: 'train'>, <Split.TEST: 'test_set'>]
    ValueError 7 is not a valid Color
    KeyError 'PINK'
    ValueError duplicate values found in <enum 'Dup'>: B -> A
    Fine.B

    """##)
  #expect(s.error("from enum import Enum\nEnum(1)")?.ename == "TypeError")
}
