import CellLanguage
import Foundation
import Testing

@testable import TabbyKernel

/// `outputs()` and `embed()`: a model's raw outputs and penultimate activations as arrays.
@Suite struct OutputsTests {
  /// A harness with a tiny MNIST loaded as `d` and an untrained `model` made by `make`.
  func harness(_ make: String) throws -> (BuiltinsHarness, String) {
    let s = BuiltinsHarness()
    let dir = try sessionScratchDirectory()
    try writeTinyMNIST(dir, count: 16)
    try s.run("d = mnist('\(dir)')\nm = \(make)")
    return (s, dir)
  }

  @Test(arguments: ["lenet(seed=3)", "mlp(hidden=[16, 8], seed=3)"])
  func outputsAgreeWithPredict(_ make: String) throws {
    let (s, dir) = try harness(make)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try s.run("a = outputs(m, d.test[0])")
    #expect(try s.run("a.shape") == "(10,)")
    #expect(try s.run("a.dtype") == "'float32'")
    #expect(try s.run("len(a.tolist())") == "10")
    #expect(try s.run("a.argmax() == predict(m, d.test[0], show=False)[0].index") == "True")
    // Logits, not probabilities: the softmax of them is predict's probability.
    let p = try #require(Double(try s.run("predict(m, d.test[0], show=False)[0].probability") ?? ""))
    let fromLogits = try #require(
      Double(try s.run("e = [2.718281828459045 ** (x - a.max()) for x in a]\nmax(e) / sum(e)") ?? ""))
    #expect(abs(p - fromLogits) < 1e-4)
    // A list gives one row per image, the same rows as one at a time.
    try s.run("b = outputs(m, [d.test[0], d.test[1], 2])")
    #expect(try s.run("b.shape") == "(3, 10)")
    // (Batched and single runs may sum in another order: equal to float32 rounding.)
    #expect(try s.run("max([abs(x) for x in b[0] - a]) < 1e-4") == "True")
    #expect(try s.run("max([abs(x) for x in b[1] - outputs(m, 1)]) < 1e-4") == "True")
    #expect(try s.run("outputs(m, []).shape") == "(0,)")
  }

  @Test func embeddingsAreTheLastDenseInput() throws {
    let (s, dir) = try harness("lenet()")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(try s.run("embed(m, d.test[0]).shape") == "(500,)")
    #expect(try s.run("embed(m, [d.test[0], d.test[1]]).shape") == "(2, 500)")
    try s.run("m2 = mlp(hidden=[32, 12])")
    #expect(try s.run("embed(m2, d.test[3]).shape") == "(12,)")
    #expect(try s.run("embed(m2, d.test[3]).min() >= 0") == "True")  // after the ReLU
  }

  @Test func badArgumentsAreTypedErrors() throws {
    let (s, dir) = try harness("mlp()")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    #expect(s.error("outputs(3, d.test[0])")?.ename == "TypeError")
    #expect(s.error("embed('model', d.test[0])")?.ename == "TypeError")
    #expect(s.error("outputs(m, 10**6)")?.ename == "IndexError")
    #expect(s.error("outputs(m, '\(dir)/missing.png')")?.ename == "ImageError")
    #expect(s.error("outputs(m, 2.5)")?.ename == "TypeError")
    #expect(try s.run("outputs(m, 0).shape") == "(10,)")  // the session goes on
  }
}
