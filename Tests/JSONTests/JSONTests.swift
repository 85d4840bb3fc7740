import Testing
@testable import JSON

@Test(arguments: [
  "null", "true", "false", "0", "-12", "3.5", "1e+30", "\"a\\\"b\\\\c\\n\"", "[]", "{}",
  "[1,[2,[3]]]", "{\"a\":1,\"b\":[true,null],\"c\":{\"d\":\"e\"}}",
])
func roundTrip(text: String) throws {
  let v = try JSON.parse(text)
  #expect(try JSON.parse(v.text) == v)
}

@Test func keepsKeyOrder() throws {
  let v = try JSON.parse(#"{"z":1,"a":2,"m":3}"#)
  #expect(v.text == #"{"z":1,"a":2,"m":3}"#)
}

@Test func unicodeEscapes() throws {
  #expect(try JSON.parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
  #expect(JSON.string("\u{01}").text == #""\u0001""#)
}

@Test(arguments: ["", "{", "[1,]", "{\"a\"}", "tru", "01x", "\"abc", "[1 2]", "-", "1.", "{\"a\":1,}"])
func rejectsMalformed(text: String) {
  #expect(throws: JSONError.self) { try JSON.parse(text) }
}

@Test func boundsNesting() {
  let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
  #expect(throws: JSONError.self) { try JSON.parse(deep) }
}

@Test func accessors() throws {
  let v = try JSON.parse(#"{"n":5,"s":"x","a":[1.5]}"#)
  #expect(v["n"]?.intValue == 5)
  #expect(v["s"]?.stringValue == "x")
  #expect(v["a"]?[0]?.doubleValue == 1.5)
  #expect(v["missing"] == nil)
}
