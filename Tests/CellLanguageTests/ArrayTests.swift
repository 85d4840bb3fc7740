import CellLanguage
import Testing

/// The n-d array value: shape, indexing, arithmetic, reductions, errors, repr.
@Suite struct ArrayTests {
  /// Runs setup lines then returns the text of `expr`.
  func eval(_ expr: String, setup: String = "a = array([[1, 2, 3], [4, 5, 6]])") throws -> String {
    let s = Session()
    _ = try s.run(setup)
    return try s.result(expr)
  }

  @Test func shapeAndLength() throws {
    #expect(try eval("a.shape") == "(2, 3)")
    #expect(try eval("len(a)") == "2")
    #expect(try eval("(a.ndim, a.size, a.dtype)") == "(2, 6, 'float64')")
    #expect(try eval("array([1, 2], dtype='float32').dtype") == "'float32'")
    #expect(try eval("array([]).shape") == "(0,)")
  }

  @Test func indexingAlongAxes() throws {
    #expect(try eval("a[1]") == "array([4.0, 5.0, 6.0])")
    #expect(try eval("a[-1][-1]") == "6.0")
    #expect(try eval("a[0, 2]") == "3.0")
    #expect(try eval("a[1, -3]") == "4.0")
    #expect(try eval("a[:, 1]") == "array([2.0, 5.0])")
    #expect(try eval("a[1:][0].tolist()") == "[4.0, 5.0, 6.0]")
    #expect(try eval("a[::-1, 0:2].tolist()") == "[[4.0, 5.0], [1.0, 2.0]]")
    #expect(try eval("a[5:].shape") == "(0, 3)")
    #expect(try eval("a[1:, 5:].shape") == "(1, 0)")
  }

  @Test func iterationAndLists() throws {
    #expect(try eval("a.tolist()") == "[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]")
    #expect(try eval("[r.sum() for r in a]") == "[6.0, 15.0]")
    #expect(try eval("list(a[0])") == "[1.0, 2.0, 3.0]")
    #expect(try eval("sum(a[1])") == "15.0")
  }

  @Test func elementwiseArithmetic() throws {
    #expect(try eval("(a + a).tolist()") == "[[2.0, 4.0, 6.0], [8.0, 10.0, 12.0]]")
    #expect(try eval("(a - 1)[1].tolist()") == "[3.0, 4.0, 5.0]")
    #expect(try eval("(2 * a)[0, 1]") == "4.0")
    #expect(try eval("(a / 2)[1, 2]") == "3.0")
    #expect(try eval("(1 / a)[0, 1]") == "0.5")
    #expect(try eval("(a * a)[1, 2]") == "36.0")
    #expect(try eval("(-a)[0, 0]") == "-1.0")
    #expect(try eval("(a - a[0]).tolist()") == "[[0.0, 0.0, 0.0], [3.0, 3.0, 3.0]]")
    #expect(try eval("(a ** 2).sum()") == "91.0")
    // float32 with a number stays float32; with a float64 array becomes float64.
    #expect(try eval("(array([1], dtype='float32') * 3).dtype") == "'float32'")
    #expect(try eval("(array([1], dtype='float32') + array([1])).dtype") == "'float64'")
  }

  @Test func reductions() throws {
    #expect(try eval("a.sum()") == "21.0")
    #expect(try eval("a.mean()") == "3.5")
    #expect(try eval("a.max()") == "6.0")
    #expect(try eval("a.min()") == "1.0")
    #expect(try eval("a.argmax()") == "5")
    #expect(try eval("array([3, 9, 2]).argmax()") == "1")
    #expect(try eval("array([3, 9, 2]).argmin()") == "2")
    #expect(try eval("a.sum(axis=0).tolist()") == "[5.0, 7.0, 9.0]")
    #expect(try eval("a.mean(axis=1).tolist()") == "[2.0, 5.0]")
    #expect(try eval("a.max(axis=-1).tolist()") == "[3.0, 6.0]")
    #expect(try eval("a.argmax(axis=1)") == "[2, 2]")
    #expect(try eval("array([1, 5]).sum(axis=0)") == "6.0")
    #expect(try eval("a.reshape(3, 2)[2].tolist()") == "[5.0, 6.0]")
    #expect(try eval("a.reshape(-1).shape") == "(6,)")
  }

  @Test func typedErrors() {
    let s = Session()
    _ = try? s.run("a = array([[1, 2, 3], [4, 5, 6]])")
    #expect(s.error("a[2]")?.ename == "IndexError")
    #expect(s.error("a[-3]")?.ename == "IndexError")
    #expect(s.error("a[0, 0, 0]")?.ename == "IndexError")
    #expect(s.error("a['x']")?.ename == "TypeError")
    #expect(s.error("a[1.5]")?.ename == "TypeError")
    #expect(s.error("a + array([1, 2])")?.ename == "ValueError")
    #expect(s.error("a + array([1, 2])")?.evalue.contains("(2, 3) (2,)") == true)
    #expect(s.error("a + 'x'")?.ename == "TypeError")
    #expect(s.error("a % 2")?.ename == "TypeError")
    #expect(s.error("array([[1, 2], [3]])")?.ename == "ValueError")
    #expect(s.error("array([1, [2]])")?.ename == "ValueError")
    #expect(s.error("array(['x'])")?.ename == "TypeError")
    #expect(s.error("array([]).max()")?.ename == "ValueError")
    #expect(s.error("a.sum(axis=2)")?.ename == "AxisError")
    #expect(s.error("a.reshape(4, 2)")?.ename == "ValueError")
    #expect(s.error("a[0] = 1")?.ename == "TypeError")
    // The session keeps working after each error.
    #expect((try? s.result("a.sum()")) == "21.0")
  }

  @Test func memoryBudget() {
    // 2^28 elements of 8 bytes is 2 GiB, over the 1 GiB a value may use: refused before allocating.
    #expect(throws: CellError.self) { try ArrayValue(shape: [1 << 14, 1 << 14], storage: [], dtype: .float32) }
    do {
      _ = try ArrayValue(shape: [1 << 28], storage: [], dtype: .float64)
      Issue.record("no error")
    } catch {
      #expect(error.ename == "MemoryError")
    }
    #expect((try? ArrayValue(shape: [2], storage: [1, 2], dtype: .float64))?.shape == [2])
  }

  @Test func helpListsWhatAnArrayCanDo() throws {
    let s = Session()
    _ = try s.run("a = array([1, 2])\nhelp(a)\nhelp()")
    let out = s.sink.text(.stdout)
    #expect(out.contains("ndarray (2,) float64") && out.contains("a.argmax(axis=None)"))
    #expect(out.contains("Makes an n-d array of numbers"))  // array() in help()'s index
    #expect(try s.result("dir(a)").contains("'tolist'"))
  }

  @Test func reprLikeNumpy() throws {
    #expect(try eval("a") == "array([[1.0, 2.0, 3.0],\n       [4.0, 5.0, 6.0]])")
    #expect(try eval("array([0.1, 2], dtype='float32')") == "array([0.1, 2.0], dtype=float32)")
    let big = try eval("array(list(range(5000)))")
    #expect(big == "array([0.0, 1.0, 2.0, ..., 4997.0, 4998.0, 4999.0])")
    let long = try eval("array(list(range(40)))")
    #expect(long.split(separator: "\n").allSatisfy { $0.count <= 75 })
    #expect(long.contains("39.0])"))
  }
}
