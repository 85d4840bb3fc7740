import CellLanguage
import Testing

// Cells that use dataclasses, typing hints, sys, print(file=…) and json.dump/load, each also valid Python: the expected output of every one is
// what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func records_dataclassRecords() throws {
  let s = Session()
  _ = try s.run(
    #"""
    from dataclasses import dataclass, field, asdict, astuple, replace, fields
    from typing import List, Optional
    @dataclass
    class Config:
        lr: float = 0.01
        epochs: int = 5
        layers: List[int] = field(default_factory=list)
        name: Optional[str] = field(default=None)
    c = Config(epochs=3)
    c.layers.append(64)
    print(c, Config(), c == Config(epochs=3, layers=[64]), c != Config())
    print(asdict(c), astuple(Config()), replace(c, lr=0.1), [f.name for f in fields(c)])
    @dataclass(order=True, frozen=True)
    class Version:
        major: int
        minor: int = 0
    print(sorted([Version(1, 2), Version(0, 9), Version(1)]), Version(1) < Version(1, 1), len({Version(1), Version(1, 0)}))
    @dataclass
    class Point:
        x: float
        y: float
        def norm(self):
            return (self.x ** 2 + self.y ** 2) ** 0.5
        def __post_init__(self):
            self.x = float(self.x)
    @dataclass
    class Point3(Point):
        z: float = 0.0
    p = Point3(3, 4)
    print(p, p.norm(), isinstance(p, Point), asdict(p))
    try:
        Point(1)
    except TypeError as e:
        print("TypeError")
    try:
        @dataclass
        class Bad:
            a: int = 1
            b: int
    except TypeError as e:
        print("TypeError:", e)
    try:
        @dataclass
        class Shared:
            items: list = []
    except ValueError as e:
        print("ValueError:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Config(lr=0.01, epochs=3, layers=[64], name=None) Config(lr=0.01, epochs=5, layers=[], name=None) True True
    {'lr': 0.01, 'epochs': 3, 'layers': [64], 'name': None} (0.01, 5, [], None) Config(lr=0.1, epochs=3, layers=[64], name=None) ['lr', 'epochs', 'layers', 'name']
    [Version(major=0, minor=9), Version(major=1, minor=0), Version(major=1, minor=2)] True 1
    Point3(x=3.0, y=4, z=0.0) 5.0 True {'x': 3.0, 'y': 4, 'z': 0.0}
    TypeError
    TypeError: non-default argument 'b' follows default argument
    ValueError: mutable default <class 'list'> for field items is not allowed: use default_factory

    """#)
}

@Test func records_sysTypingAndFiles() throws {
  let s = Session()
  _ = try s.run(
    #"""
    import sys, json
    from typing import Dict, Tuple, Any, cast
    Vector = List = None
    Table = Dict[str, Tuple[int, ...]]
    def total(xs: Dict[str, int]) -> int:
        return sum(xs.values())
    print(total({"a": 1, "b": 2}), cast(int, "x"), sys.version_info >= (3, 8), sys.version_info[0], sys.platform, isinstance(sys.argv, list))
    sys.stdout.write("written\n")
    print("to stderr", file=sys.stderr)
    print("flushed", flush=True)
    with open("/tmp/tabby-progs4.json", "w") as f:
        json.dump({"lr": 0.1, "layers": [64, 32]}, f, indent=2, sort_keys=True)
    with open("/tmp/tabby-progs4.json") as f:
        print(json.load(f))
    with open("/tmp/tabby-progs4.txt", "w") as f:
        print("line", 1, file=f)
        print("line", 2, file=f, end="!\n")
    print(open("/tmp/tabby-progs4.txt").read(), end="")
    try:
        sys.exit(3)
    except SystemExit as e:
        print("SystemExit", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    3 x True 3 linux True
    written
    flushed
    {'layers': [64, 32], 'lr': 0.1}
    line 1
    line 2!
    SystemExit 3

    """#)
}

/// A field's default and factory read back (None when it has none), as Python's Field shows
/// them — here without Python's MISSING sentinel.
@Test func dataclassFieldsShowTheirDefaults() throws {
  let s = Session()
  _ = try s.run("from dataclasses import dataclass, field, fields\n@dataclass\nclass C:\n    a: int\n    b: list = field(default_factory=list)\n    c: int = 3")
  #expect(try s.result("[(f.name, f.default, f.default_factory) for f in fields(C)]") == "[('a', None, None), ('b', None, <class 'list'>), ('c', 3, None)]")
  #expect(try s.result("import os\nos.getcwd() == os.path.abspath('.')") == "True")
}

/// A dataclass instance inside itself shows `...` there, as Python's recursive_repr does (the
/// generated `__repr__` recursed until the native stack ran out and the kernel crashed).
@Test func dataclassReprOfAnInstanceInsideItself() throws {
  let s = Session()
  _ = try s.run(
    "from dataclasses import dataclass\n@dataclass\nclass Node:\n    value: int\n    children: list\nn = Node(1, []); n.children.append(n)\na = Node(2, [n])")
  #expect(try s.result("repr(n), a, [a, a]") == "('Node(value=1, children=[...])', Node(value=2, children=[Node(value=1, children=[...])]), [Node(value=2, children=[Node(value=1, children=[...])]), Node(value=2, children=[Node(value=1, children=[...])])])")
}
