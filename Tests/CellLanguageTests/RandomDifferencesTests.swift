import CellLanguage
import Testing

// Where Tabby's random must part from CPython's (docs/language.md lists these): 64-bit ints, and
// the parameters on which CPython's rejection loops never end are errors instead of a hang.

@Test(arguments: [
  ("random.getrandbits(64)", "OverflowError", "getrandbits(64): ints here are 64-bit, so at most 63 bits"),
  ("random.randrange(-9223372036854775807, 9223372036854775807)", "OverflowError", "randrange() range too wide: ints here are 64-bit"),
  ("random.randint(0, 9223372036854775807)", "OverflowError", "randrange() range too wide: ints here are 64-bit"),
  ("random.gammavariate(float('inf'), 1)", "ValueError", "gammavariate: alpha must be finite and beta not NaN"),
  ("random.gammavariate(float('nan'), 1)", "ValueError", "gammavariate: alpha must be finite and beta not NaN"),
  ("random.vonmisesvariate(0, float('nan'))", "ValueError", "vonmisesvariate: kappa must not be NaN"),
])
func random_differencesFromCPythonAreErrors(_ code: String, _ ename: String, _ message: String) throws {
  let s = Session()
  _ = try s.run("import random")
  expectError(code, ename, message, in: s)
}

/// A NaN seed draws from entropy (CPython hashes the NaN object's address); a Random object
/// lists its methods.
@Test func random_nanSeedAndRandomObject() throws {
  let s = Session()
  _ = try s.run("import random\nr = random.Random(float('nan'))")
  #expect(try s.result("0 <= r.random() < 1") == "True")
  #expect(try s.result("type(r).__name__, 'gauss' in dir(r), 'setstate' in dir(r)") == "('Random', True, True)")
}
