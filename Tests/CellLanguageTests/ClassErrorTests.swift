import CellLanguage
import JSON
import Testing

// What a class's mistakes and edge cases give: the messages are CPython 3.11's wherever
// Python has the same error; the session keeps working after each.

@Test func classMisuseGivesPythonsErrors() throws {
  let s = Session()
  _ = try s.run(
    """
    class A: pass
    class P:
        def __init__(self, x, y): self.x = x
    class E:
        def __eq__(self, o): return True
    class F:
        def __bool__(self): return 1
    class G:
        def __len__(self): return -1
    class R:
        def __repr__(self): return 5
    class I:
        def __init__(self): return 1
    """)
  expectError("A(1)", "TypeError", "A() takes no arguments", in: s)
  expectError("P(1)", "TypeError", "__init__() missing 1 required positional argument: 'y'", in: s)
  expectError("{E(): 1}", "TypeError", "unhashable type: 'E'", in: s)
  expectError("bool(F())", "TypeError", "__bool__ should return bool, returned int", in: s)
  expectError("len(G())", "ValueError", "__len__() should return >= 0", in: s)
  expectError("repr(R())", "TypeError", "__repr__ returned non-string (type int)", in: s)
  expectError("I()", "TypeError", "__init__() should return None, not 'int'", in: s)
  expectError("A().zz", "AttributeError", "'A' object has no attribute 'zz'", in: s)
  expectError("A.zz", "AttributeError", "type object 'A' has no attribute 'zz'", in: s)
  expectError("A()()", "TypeError", "'A' object is not callable", in: s)
  expectError("A()[0]", "TypeError", "'A' object is not subscriptable", in: s)
  expectError("list(A())", "TypeError", "'A' object is not iterable", in: s)
  expectError("len(A())", "TypeError", "object of type 'A' has no len()", in: s)
  expectError("A() + 1", "TypeError", "unsupported operand type(s) for +: 'A' and 'int'", in: s)
  expectError("A() < A()", "TypeError", "'<' not supported between instances of 'A' and 'A'", in: s)
  expectError("del A().x", "AttributeError", "'A' object has no attribute 'x'", in: s)
  expectError("super()", "RuntimeError", "super(): no arguments (use it in a method defined in a class body)", in: s)
  expectError("next(iter([]))", "StopIteration", "", in: s)
  expectError(
    "try:\n    1 / 0\nexcept A:\n    pass", "TypeError", "catching classes that do not inherit from BaseException is not allowed",
    in: s)
  expectError("raise A()", "TypeError", "exceptions must derive from BaseException, not 'A'", in: s)
  expectError(
    "class B(A): pass\nclass C(A, B): pass", "TypeError", "Cannot create a consistent method resolution order (MRO) for bases A, B",
    in: s)
  expectError("class L(list): pass", "TypeError", "a class derives from classes defined in cells, object or exception types, not <class 'list'>", in: s)
  #expect(try s.result("next(iter([]), None) is None") == "True")
  #expect(try s.result("P(1, 2).x") == "1")
}

@Test func classSyntaxErrors() {
  let s = Session()
  expectError("class A:\n    return 1", "SyntaxError", "'return' outside function", in: s)
  expectError("for i in range(2):\n    class A:\n        break", "SyntaxError", "'break' outside loop", in: s)
  expectError("@staticmethod\nx = 1", "SyntaxError", "expected 'def' or 'class' after a decorator", in: s)
  expectError("class A(metaclass=type): pass", "SyntaxError", "class keyword arguments (metaclass=…) are not supported in Tabby cells", in: s)
  #expect(s.interpreter.isComplete("class A:") == .incomplete(indent: "    "))
  #expect(s.interpreter.isComplete("@property") == .incomplete(indent: ""))
  #expect(s.interpreter.isComplete("class A:\n    x = 1\n") == .complete)
}

@Test func aFailingReprStopsTheStatementAndPrintsNothing() throws {
  let s = Session()
  _ = try s.run("class Bad:\n    def __repr__(self):\n        return 1 / 0\nb = Bad()")
  expectError("print('before', b)", "ZeroDivisionError", "division by zero", in: s)
  expectError("b", "ZeroDivisionError", "division by zero", in: s)
  expectError("x = [b]\ny = f'{x}'", "ZeroDivisionError", "division by zero", in: s)
  #expect(!s.sink.text(.stdout).contains("before"))
  #expect(try s.result("1 + 1") == "2")
}

@Test func runawayRecursionThroughSpecialMethodsIsARecursionError() throws {
  let s = Session()
  // Each level passes through repr() and __repr__ (more native frames than a plain
  // call): the stack guard stops it before the thread's stack runs out.
  expectError("class R:\n    def __repr__(self):\n        return repr(self)\nR()", "RecursionError", "", in: s, prefix: true)
  expectError("class Q:\n    def __eq__(self, o):\n        return self == o\nQ() == 1", "RecursionError", "", in: s, prefix: true)
  #expect(try s.result("1 + 1") == "2")
}

@Test func anInterruptStopsAMethodsLoop() {
  let s = Session()
  s.flag.raise()
  let e = s.error("class Spin:\n    def run(self):\n        while True:\n            pass\nSpin().run()")
  #expect(e?.ename == "KeyboardInterrupt")
}

@Test func aLongChainOfObjectsFreesWithoutDeepRecursion() throws {
  let s = Session()
  // 100,000 nested objects: freeing them one native frame per node would overflow the stack.
  _ = try s.run("class Node:\n    def __init__(self, nxt):\n        self.next = nxt\nn = None\nfor i in range(100000):\n    n = Node(n)")
  _ = try s.run("del n")
  #expect(try s.result("'alive'") == "'alive'")
}

@Test func classesAndObjectsLiveAcrossCells() throws {
  let s = Session()
  _ = try s.run("class Counter:\n    def __init__(self):\n        self.n = 0\n    def tick(self):\n        self.n += 1\n        return self\nc = Counter()")
  _ = try s.run("c.tick().tick()")
  _ = try s.run("class Counter:\n    pass")  // redefining the name leaves old objects working
  #expect(try s.result("c.tick().n") == "3")
  #expect(try s.result("isinstance(c, Counter)") == "False")
}

@Test func reprHTMLGivesARichDisplay() throws {
  let s = Session()
  let bundle = try s.run("class Table:\n    def _repr_html_(self):\n        return '<table></table>'\n    def __repr__(self):\n        return 'Table()'\nTable()").result
  #expect(bundle?.data["text/html"]?.stringValue == "<table></table>")
  #expect(bundle?.data["text/plain"]?.stringValue == "Table()")
}

@Test func completionAndHelpKnowAClass() throws {
  let s = Session()
  _ = try s.run(
    """
    class Point:
        "A point in the plane."
        def __init__(self, x, y=0):
            self.x = x
            self.y = y
        def norm(self):
            return 0
    p = Point(1)
    """)
  let members = s.interpreter.complete("p.", cursor: 2).matches
  #expect(members.contains("x") && members.contains("norm") && members.contains("y"))
  let help = s.interpreter.inspect("Point", cursor: 5, detailLevel: 0)?.data["text/plain"]?.stringValue ?? ""
  #expect(help.contains("A point in the plane.") && help.contains("Point(x, y=0)") && help.contains("norm"))
}

@Test func iterAndNextStepAnIterable() throws {
  let s = Session()
  _ = try s.run("it = iter(range(10**12))\na = next(it)\nb = next(it)\nw = iter('ab')\nlist(w)")
  #expect(try s.result("(a, b, next(it))") == "(0, 1, 2)")
  #expect(try s.result("next(w, 'done')") == "'done'")
  #expect(try s.result("hash(5), hash(-1), hash(2**61), hash(True), hash(1.0) == hash(1)") == "(5, -2, 1, 1, True)")
}
