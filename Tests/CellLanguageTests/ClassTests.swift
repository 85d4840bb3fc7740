import CellLanguage
import Testing

// Cells that define and use classes, each also valid Python: the expected output of every
// one is what CPython 3.11 prints for the same code (python3 on the build machine).

@Test func class_pointArithmetic() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Point:
        """A 2-D point."""
        dims = 2
        def __init__(self, x, y=0):
            self.x = x
            self.y = y
        def __repr__(self):
            return f"Point({self.x}, {self.y})"
        def __add__(self, other):
            return Point(self.x + other.x, self.y + other.y)
        def __eq__(self, other):
            return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)
        def norm(self):
            return (self.x ** 2 + self.y ** 2) ** 0.5
    p = Point(3, 4)
    print(p, p.norm(), p + Point(1), p == Point(3, 4), p != Point(3, 4), p == 3, Point.dims, p.dims)
    print([p, Point(0)], str(p), f"{p!r} {p}", Point.__name__, Point.__doc__, type(p) is Point, type(p).__name__)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Point(3, 4) 5.0 Point(4, 4) True False False 2 2
    [Point(3, 4), Point(0, 0)] Point(3, 4) Point(3, 4) Point(3, 4) Point A 2-D point. True Point

    """#)
}

@Test func class_inheritanceAndSuper() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Animal:
        kind = "animal"
        def __init__(self, name):
            self.name = name
        def speak(self):
            return f"{self.name} makes a sound"
        def describe(self):
            return f"{self.name} is an {self.kind}: {self.speak()}"
    class Dog(Animal):
        kind = "dog"
        def __init__(self, name, breed):
            super().__init__(name)
            self.breed = breed
        def speak(self):
            return super().speak().replace("a sound", "woof")
    d = Dog("Rex", "lab")
    print(d.describe(), d.breed, isinstance(d, Animal), isinstance(Animal("x"), Dog), issubclass(Dog, Animal), issubclass(Animal, (Dog, object)))
    print([c.__name__ for c in Dog.__mro__], [b.__name__ for b in Dog.__bases__], sorted(vars(d).items()))
    class A:
        def who(self): return "A"
    class B(A):
        def who(self): return "B" + super().who()
    class C(A):
        def who(self): return "C" + super().who()
    class D(B, C):
        def who(self): return "D" + super().who()
    print(D().who(), [k.__name__ for k in D.__mro__])
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Rex is an dog: Rex makes woof lab True False True True
    ['Dog', 'Animal', 'object'] ['Animal'] [('breed', 'lab'), ('name', 'Rex')]
    DBCA ['D', 'B', 'C', 'A', 'object']

    """#)
}

@Test func class_exceptionClasses() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class AppError(Exception):
        pass
    class ConfigError(AppError, ValueError):
        def __init__(self, key, reason):
            super().__init__(f"{key}: {reason}")
            self.key = key
    for exc in [AppError("plain"), ConfigError("lr", "must be positive"), KeyError("k")]:
        try:
            raise exc
        except ConfigError as e:
            print("config", e, e.key, e.args, repr(e), isinstance(e, ValueError), isinstance(e, AppError))
        except AppError as e:
            print("app", e, repr(e), type(e).__name__, isinstance(e, Exception))
        except LookupError as e:
            print("lookup", e)
    try:
        raise AppError
    except Exception as e:
        print("bare", repr(e), str(e) == "", e.args)
    try:
        try:
            raise ConfigError("a", "b")
        except ValueError:
            print("as ValueError")
            raise
    except AppError as e:
        print("re-raised", e.key)
    class Multi(Exception): pass
    print(str(Multi(1, 2)), repr(Multi(1, 2)), str(Multi()), Multi("x").args)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    app plain AppError('plain') AppError True
    config lr: must be positive lr ('lr: must be positive',) ConfigError('lr: must be positive') True True
    lookup 'k'
    bare AppError() True ()
    as ValueError
    re-raised a
    (1, 2) Multi(1, 2)  ('x',)

    """#)
}

@Test func class_containerProtocols() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Deck:
        def __init__(self, cards): self.cards = list(cards)
        def __len__(self): return len(self.cards)
        def __getitem__(self, i): return self.cards[i]
        def __setitem__(self, i, v): self.cards[i] = v
        def __delitem__(self, i): del self.cards[i]
        def __contains__(self, c): return c in self.cards
    d = Deck("abcde")
    d[0] = "A"
    del d[1]
    print(len(d), d[0], d[-1], d[1:3], "c" in d, "b" in d, list(d), [c.upper() for c in d], bool(d), bool(Deck([])))
    class Countdown:
        def __init__(self, n): self.n = n
        def __iter__(self): return self
        def __next__(self):
            if self.n <= 0:
                raise StopIteration
            self.n -= 1
            return self.n + 1
    print(list(Countdown(4)), sum(Countdown(10)), sorted(Countdown(3)), 2 in Countdown(3), dict(zip("ab", Countdown(2))))
    class Squares:
        def __init__(self, n): self.n = n
        def __iter__(self): return iter([i * i for i in range(self.n)])
    a, b, *rest = Squares(5)
    print(a, b, rest, max(Squares(4)), list(enumerate(Squares(3))))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    4 A e ['c', 'd'] True False ['A', 'c', 'd', 'e'] ['A', 'C', 'D', 'E'] True False
    [4, 3, 2, 1] 55 [1, 2, 3] True {'a': 2, 'b': 1}
    0 1 [4, 9, 16] 9 [(0, 0), (1, 1), (2, 4)]

    """#)
}

@Test func class_operatorsAndOrdering() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Vec:
        def __init__(self, *xs): self.xs = list(xs)
        def __repr__(self): return "Vec(" + ", ".join(str(x) for x in self.xs) + ")"
        def __add__(self, o): return Vec(*[a + b for a, b in zip(self.xs, o.xs)])
        def __sub__(self, o): return Vec(*[a - b for a, b in zip(self.xs, o.xs)])
        def __mul__(self, k): return Vec(*[a * k for a in self.xs])
        def __rmul__(self, k): return self * k
        def __truediv__(self, k): return Vec(*[a / k for a in self.xs])
        def __neg__(self): return Vec(*[-a for a in self.xs])
        def __eq__(self, o): return isinstance(o, Vec) and self.xs == o.xs
        def __hash__(self): return hash(tuple(self.xs))
        def __matmul_like__(self): return 0
    v, w = Vec(1, 2), Vec(3, 4)
    u = v
    u += w
    print(v + w, w - v, v * 3, 2 * v, w / 2, -v, u, v == Vec(1, 2), v != w, len({Vec(1), Vec(1), Vec(2)}), {Vec(1): "one"}[Vec(1)])
    class Version:
        def __init__(self, s): self.parts = tuple(int(p) for p in s.split("."))
        def __lt__(self, o): return self.parts < o.parts
        def __le__(self, o): return self.parts <= o.parts
        def __repr__(self): return "v" + ".".join(map(str, self.parts))
    vs = [Version("1.10"), Version("1.2"), Version("0.9.1")]
    print(sorted(vs), min(vs), max(vs), Version("1.2") < Version("1.10"), Version("2") > Version("1.9"), Version("1") >= Version("1"), sorted(vs, reverse=True))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    Vec(4, 6) Vec(2, 2) Vec(3, 6) Vec(2, 4) Vec(1.5, 2.0) Vec(-1, -2) Vec(4, 6) True True 2 one
    [v0.9.1, v1.2, v1.10] v0.9.1 v1.10 True True True [v1.10, v1.2, v0.9.1]

    """#)
}

@Test func class_classAndStaticMethodsProperties() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Celsius:
        instances = 0
        def __init__(self, degrees=0.0):
            self._d = degrees
            Celsius.instances += 1
        @property
        def degrees(self):
            return self._d
        @degrees.setter
        def degrees(self, value):
            if value < -273.15:
                raise ValueError("below absolute zero")
            self._d = value
        @property
        def fahrenheit(self):
            return self._d * 9 / 5 + 32
        @classmethod
        def from_fahrenheit(cls, f):
            return cls((f - 32) * 5 / 9)
        @staticmethod
        def is_freezing(d):
            return d <= 0
    t = Celsius.from_fahrenheit(212)
    t.degrees = 25
    print(t.degrees, t.fahrenheit, Celsius.is_freezing(-1), t.is_freezing(3), Celsius.instances)
    try:
        t.degrees = -300
    except ValueError as e:
        print("refused:", e, t.degrees)
    try:
        t.fahrenheit = 1
    except AttributeError as e:
        print("read-only:", e)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    25 77.0 True False 1
    refused: below absolute zero 25
    read-only: property 'fahrenheit' of 'Celsius' object has no setter

    """#)
}

@Test func class_decoratorsAndCallables() throws {
  let s = Session()
  _ = try s.run(
    #"""
    calls = []
    def logged(f):
        def wrapper(*args, **kwargs):
            calls.append(f.__name__)
            return f(*args, **kwargs)
        return wrapper
    def times(n):
        def deco(f):
            def wrapper(x):
                for _ in range(n):
                    x = f(x)
                return x
            return wrapper
        return deco
    @logged
    @times(3)
    def double(x):
        return 2 * x
    @logged
    def add(a, b=10):
        return a + b
    print(double(1), add(1), add(1, b=2), calls)
    class Scale:
        def __init__(self, k): self.k = k
        def __call__(self, x): return x * self.k
    triple = Scale(3)
    print(triple(5), list(map(triple, [1, 2])), callable(triple), callable(Scale), callable(3))
    registry = {}
    def register(cls):
        registry[cls.__name__] = cls
        return cls
    @register
    class Model:
        pass
    print(list(registry), registry["Model"] is Model)
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    8 11 3 ['wrapper', 'add', 'add']
    15 [3, 6] True True False
    ['Model'] True

    """#)
}

@Test func class_instanceAttributesAndDefaults() throws {
  let s = Session()
  _ = try s.run(
    #"""
    class Shared:
        items = []
        count = 0
        def add(self, x):
            self.items.append(x)
            self.count += 1
    a, b = Shared(), Shared()
    a.add(1); b.add(2); a.add(3)
    print(Shared.items, a.count, b.count, Shared.count, sorted(vars(a)))
    class X:
        pass
    x = X()
    x.value = 5
    setattr(x, "other", 6)
    print(hasattr(x, "value"), getattr(x, "other"), getattr(x, "missing", "default"), sorted(x.__dict__.items()))
    del x.value
    delattr(x, "other")
    print(hasattr(x, "value"), vars(x), x.__class__.__name__, isinstance(x, object), isinstance(3, object))
    class Empty(object): pass
    print(type(Empty()).__name__, Empty.__bases__ == (), bool(Empty()))
    """#)
  #expect(
    s.sink.text(.stdout) == #"""
    [1, 2, 3] 2 1 0 ['count']
    True 6 default [('other', 6), ('value', 5)]
    False {} X True True
    Empty False True

    """#)
}
