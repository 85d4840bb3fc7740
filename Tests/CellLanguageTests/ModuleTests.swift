import CellLanguage
import Testing

/// `import math` against CPython 3.11's own results (the expected texts are its reprs).
@Test(arguments: [
  ("math.sqrt(2)", "1.4142135623730951"),
  ("math.exp(1.5)", "4.4816890703380645"),
  ("math.log(10)", "2.302585092994046"),
  ("math.log(8, 2)", "3.0"),
  ("math.log2(10)", "3.321928094887362"),
  ("math.log10(2)", "0.3010299956639812"),
  ("math.log1p(1e-10)", "9.999999999500001e-11"),
  ("math.expm1(1e-10)", "1.00000000005e-10"),
  ("math.pow(2, 0.5)", "1.4142135623730951"),
  ("math.fabs(-3)", "3.0"),
  ("math.floor(-2.5)", "-3"),
  ("math.ceil(2.000001)", "3"),
  ("math.trunc(-3.7)", "-3"),
  ("math.floor(7)", "7"),
  ("math.sin(1)", "0.8414709848078965"),
  ("math.cos(1)", "0.5403023058681398"),
  ("math.tan(1)", "1.5574077246549023"),
  ("math.asin(0.5)", "0.5235987755982989"),
  ("math.acos(0.5)", "1.0471975511965979"),
  ("math.atan(1)", "0.7853981633974483"),
  ("math.atan2(1, -1)", "2.356194490192345"),
  ("math.sinh(1)", "1.1752011936438014"),
  ("math.cosh(1)", "1.5430806348152437"),
  ("math.tanh(0.5)", "0.46211715726000974"),
  ("math.asinh(1)", "0.881373587019543"),
  ("math.acosh(2)", "1.3169578969248166"),
  ("math.atanh(0.5)", "0.5493061443340548"),
  ("math.erf(0.5)", "0.5204998778130465"),
  ("math.erfc(0.5)", "0.4795001221869535"),
  ("math.gamma(5.5)", "52.34277778455352"),
  ("math.degrees(math.pi)", "180.0"),
  ("math.radians(180)", "3.141592653589793"),
  ("math.hypot(3, 4, 12)", "13.0"),
  ("math.copysign(2, -0.0)", "-2.0"),
  ("math.fmod(-7, 3)", "-1.0"),
  ("math.isnan(math.nan)", "True"),
  ("math.isinf(-math.inf)", "True"),
  ("math.isfinite(1e308)", "True"),
  ("math.isclose(1, 1 + 1e-10)", "True"),
  ("math.isclose(1, 1.1, rel_tol=0.2)", "True"),
  ("math.factorial(20)", "2432902008176640000"),
  ("math.comb(52, 5)", "2598960"),
  ("math.perm(5, 2)", "20"),
  ("math.perm(4)", "24"),
  ("math.gcd(12, -18, 8)", "2"),
  ("math.gcd()", "0"),
  ("math.isqrt(99)", "9"),
  ("math.isqrt(2**62)", "2147483648"),
  ("math.fsum([0.1] * 10)", "1.0"),
  ("math.fsum([1e100, 1.0, -1e100])", "1.0"),
  ("math.prod([1, 2, 3, 4])", "24"),
  ("math.prod([0.5, 4], start=3)", "6.0"),
  ("math.dist([0, 0], [3, 4])", "5.0"),
  ("math.tau", "6.283185307179586"),
  ("math.e", "2.718281828459045"),
  ("math.comb(5, 7)", "0"),
])
func mathMatchesPython(_ code: String, _ expected: String) throws {
  let s = Session()
  _ = try s.run("import math")
  #expect(try s.result(code) == expected, "\(code)")
}

/// lgamma is the C library's, which can differ from CPython's own in the last bit.
@Test func lgammaIsWithinABitOfPython() throws {
  let s = Session()
  _ = try s.run("import math")
  #expect(try s.result("abs(math.lgamma(10) - 12.801827480081467) <= 4e-15") == "True")
}

@Test(arguments: [
  ("math.sqrt(-1)", "ValueError", "math domain error"),
  ("math.log(0)", "ValueError", "math domain error"),
  ("math.log(2, 1)", "ZeroDivisionError", "float division by zero"),
  ("math.acos(2)", "ValueError", "math domain error"),
  ("math.gamma(0)", "ValueError", "math domain error"),
  ("math.pow(-8, 1 / 3)", "ValueError", "math domain error"),
  ("math.exp(1000)", "OverflowError", "math range error"),
  ("math.floor(math.inf)", "OverflowError", "cannot convert float inf to a 64-bit integer"),
  ("math.factorial(21)", "OverflowError", "integer overflow (integers are 64-bit)"),
  ("math.factorial(-1)", "ValueError", "factorial() not defined for negative values"),
  ("math.factorial(2.0)", "TypeError", "'float' object cannot be interpreted as an integer"),
  ("math.sqrt('4')", "TypeError", "sqrt() argument 'x' must be a number, not 'str'"),
  ("math.fsum([1, 'a'])", "TypeError", "must be real number, not str"),
  ("math.nope", "AttributeError", "'module' object has no attribute 'nope'"),
])
func mathErrorsAreNamed(_ code: String, _ ename: String, _ message: String) throws {
  let s = Session()
  _ = try s.run("import math")
  expectError(code, ename, message, in: s)
}

@Test func importFormsBindWhatPythonBinds() throws {
  let s = Session()
  #expect(try s.result("import math as m, random\nm.floor(2.5), type(random).__name__") == "(2, 'module')")
  #expect(try s.result("from math import sqrt, pi as PI\nsqrt(9.0), PI") == "(3.0, 3.141592653589793)")
  #expect(try s.result("from math import (\n    tau,\n    e,\n)\ntau / 2 - e > 0") == "True")
  #expect(try s.result("from math import *\nhypot(5, 12), inf > 1e308") == "(13.0, True)")
  #expect(try s.result("import math\nmath") == "<module 'math' (built-in)>")
  #expect(try s.result("'sqrt' in dir(math) and 'pi' in dir(math)") == "True")
  // One module per session: a second import is the same object.
  #expect(try s.result("import math as again\nagain is math") == "True")
}

@Test(arguments: [
  ("import numpy as np", "ModuleNotFoundError", "No module named 'numpy' (Tabby cells have no Python packages; the built-in modules are bisect, collections, copy, csv, dataclasses, datetime, enum, functools, glob, heapq, io, itertools, json, logging, math, operator, os, pathlib, pprint, random, re, shutil, statistics, string, sys, tempfile, textwrap, time, typing and warnings; array() makes numpy-style arrays)"),
  ("import numpy.linalg", "ModuleNotFoundError", "No module named 'numpy' (Tabby cells have no Python packages; the built-in modules are bisect, collections, copy, csv, dataclasses, datetime, enum, functools, glob, heapq, io, itertools, json, logging, math, operator, os, pathlib, pprint, random, re, shutil, statistics, string, sys, tempfile, textwrap, time, typing and warnings; array() makes numpy-style arrays)"),
  ("import math.linalg", "ModuleNotFoundError", "No module named 'math.linalg'; 'math' is not a package"),
  ("from math import cbrt2", "ImportError", "cannot import name 'cbrt2' from 'math'"),
])
func missingModulesAndNamesAreImportErrors(_ code: String, _ ename: String, _ message: String) {
  expectError(code, ename, message)
}

@Test func importErrorsAreCaughtAsInPython() throws {
  let s = Session()
  #expect(try s.result("try:\n    import pandas\nexcept ImportError as e:\n    r = type(e).__name__\nr") == "'ModuleNotFoundError'")
  #expect(s.error("import")?.ename == "SyntaxError")
  #expect(s.error("from math sqrt")?.ename == "SyntaxError")
  #expect(s.error("import math as")?.ename == "SyntaxError")
}

@Test func randomRepeatsFromASeedAndStaysInRange() throws {
  let s = Session()
  _ = try s.run("import random")
  let draw = "random.seed(7)\n[random.random(), random.randint(1, 6), random.uniform(2, 3), random.gauss()]"
  let first = try s.result(draw)
  #expect(try s.result(draw) == first)
  #expect(try s.result("random.seed(8)\nrandom.random()") != s.result("random.seed(7)\nrandom.random()"))
  #expect(try s.result("all(0 <= random.random() < 1 for _ in range(2000))") == "True")
  #expect(try s.result("sorted(set(random.randint(1, 3) for _ in range(500)))") == "[1, 2, 3]")
  #expect(try s.result("all(random.randrange(0, 10, 3) in [0, 3, 6, 9] for _ in range(200))") == "True")
  #expect(try s.result("xs = list(range(50))\nrandom.shuffle(xs)\nsorted(xs) == list(range(50)) and xs != list(range(50))") == "True")
  #expect(try s.result("p = random.sample(range(100), 10)\nlen(set(p)) == 10 and all(0 <= x < 100 for x in p)") == "True")
  #expect(try s.result("set(random.choices('ab', weights=[0, 1], k=50))") == "{'b'}")
  #expect(try s.result("g = [random.gauss(10, 2) for _ in range(4000)]\nabs(sum(g) / len(g) - 10) < 0.2") == "True")
  #expect(try s.result("random.choice('xyz') in 'xyz'") == "True")
}

@Test(arguments: [
  ("random.randint(5, 1)", "ValueError", "empty range for randrange() (5, 2, -3)"),
  ("random.choice([])", "IndexError", "Cannot choose from an empty sequence"),
  ("random.sample([1, 2], 3)", "ValueError", "Sample larger than population or is negative"),
  ("random.randrange(0)", "ValueError", "empty range for randrange()"),
  ("random.shuffle('abc')", "TypeError", "'str' object does not support item assignment"),
  ("random.choices('ab', weights=[1], k=2)", "ValueError", "The number of weights does not match the population"),
])
func randomErrorsAreNamed(_ code: String, _ ename: String, _ message: String) throws {
  let s = Session()
  _ = try s.run("import random")
  expectError(code, ename, message, in: s)
}

/// json.dumps writes what CPython 3.11 writes (separators, indent, escapes, key conversion).
@Test func jsonModuleMatchesPython() throws {
  let code = "import json\n(json.dumps({'a': [1, 2.5, None, True], 'é': 'x\"y\\n', 3: {}}), json.dumps([1, {'b': 2, 'a': []}], indent=2, sort_keys=True), json.dumps('é😀', ensure_ascii=False), json.dumps('😀'), json.loads('{\"k\": [1, 2.5, null, true, \"s\"]}'), json.dumps((1, 2)), json.dumps(float('nan')))"
  #expect(try Session().result(code) == "('{\"a\": [1, 2.5, null, true], \"\\\\u00e9\": \"x\\\\\"y\\\\n\", \"3\": {}}', '[\\n  1,\\n  {\\n    \"a\": [],\\n    \"b\": 2\\n  }\\n]', '\"é😀\"', '\"\\\\ud83d\\\\ude00\"', {'k': [1, 2.5, None, True, 's']}, '[1, 2]', 'NaN')")
  let s = Session()
  _ = try s.run("import json")
  #expect(s.error("json.loads('{bad')")?.ename == "JSONDecodeError")
  #expect(s.error("json.dumps({(1, 2): 3})")?.ename == "TypeError")
  #expect(s.error("json.dumps(json)")?.evalue == "Object of type module is not JSON serializable")
}

@Test func timeModuleClocksMove() throws {
  let s = Session()
  #expect(try s.result("import time\nt0 = time.perf_counter(); time.sleep(0.01); dt = time.perf_counter() - t0\n0.005 < dt < 5, time.time() > 1.7e9, time.monotonic() > 0") == "(True, True, True)")
}

@Test func nonlocalNeedsAnEnclosingBinding() throws {
  let s = Session()
  #expect(s.error("def f():\n    nonlocal x\n    x = 1")?.evalue == "no binding for nonlocal found in an enclosing function")
  _ = try s.run("def outer():\n    def inner():\n        nonlocal y\n        y = 2\n    inner()\n    return 1")
  #expect(s.error("outer()")?.evalue == "no binding for nonlocal 'y' found")
  #expect(try s.result("1 + 1") == "2", "the session survives")
}
