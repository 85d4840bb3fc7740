import Testing

@testable import CellLanguage

/// A built-in's declared defaults are its binding's: one declaration, no second copy.
@Test func declaredDefaultsBindAndAnExplicitNoneMeansTheDefault() throws {
  let s = Signature("f(a, n=3, x=0.5, s='sgd', l=[1, 2], flag=True, lr=None, *, k=None)")
  let bare = try s.bind(Arguments([.int(1)]))
  #expect(try bare.int("n", default: 99) == 3)
  #expect(try bare.double("x", default: 9) == 0.5)
  #expect(try bare.string("s", default: "adam") == "sgd")
  #expect(try bare.bool("flag", default: false) == true)
  #expect(try bare.double("lr") == nil && bare.value("lr") == nil)
  guard case .list(let l)? = bare.value("l") else {
    Issue.record("the list default did not bind")
    return
  }
  #expect(l.items.count == 2)
  let explicit = try s.bind(Arguments([.int(1)], keywords: [("lr", .none), ("k", .none), ("n", .int(4))]))
  #expect(explicit["lr"] == nil && explicit["k"] == nil)
  #expect(try explicit.double("lr", default: 0.05) == 0.05 && explicit.int("n", default: 0) == 4)
}

@Test(arguments: [
  ("None", true), ("42", true), ("-1", true), ("1e-4", true), ("'a b'", true), ("[]", true),
  ("'\\n'", false), ("stdout", false), ("[1, x]", false),
])
func onlyPlainLiteralsAreDeclaredDefaults(text: String, parsed: Bool) {
  #expect((Signature.literal(text) != nil) == parsed)
}
