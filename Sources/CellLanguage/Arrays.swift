/// An n-dimensional array of numbers, row-major, e.g. a model's raw outputs or embeddings:
/// `a.shape`, `a[i]`, `a[i, j]`, `a[1:3]`, `a + b`, `a.sum()`, `a.argmax()`, `a.tolist()`.
/// Immutable: arithmetic makes a new array. Elements are held as Double; a float32 array
/// keeps float32-rounded values (what the model gave) and shows them at float32 precision.
public final class ArrayValue: HostObject {
  /// The element type, as numpy names it.
  public enum DType: String, Sendable { case float32, float64 }

  /// The size of each axis; never empty (a single number is a plain float, not a 0-d array).
  public let shape: [Int]
  public let dtype: DType
  /// The elements in row-major order.
  public let storage: [Double]

  /// An array of `shape` over `storage` (whose count must be the shape's product), refused
  /// past the value budget. float32 elements are rounded to float32.
  public init(shape: [Int], storage: [Double], dtype: DType) throws(CellError) {
    guard !shape.isEmpty, shape.allSatisfy({ $0 >= 0 }) else {
      throw .valueError("an array shape needs at least one axis, each of size 0 or more, not \(Self.shapeText(shape))")
    }
    try Self.checkBudget(Self.count(shape))
    guard Self.count(shape) == storage.count else {
      throw .valueError("cannot make an array of shape \(Self.shapeText(shape)) from \(storage.count) elements")
    }
    self.shape = shape
    self.dtype = dtype
    self.storage = dtype == .float32 ? storage.map { Double(Float($0)) } : storage
  }

  /// A 1-D float32 array (a model's output vector).
  public convenience init(_ values: [Float]) throws(CellError) {
    try self.init(shape: [values.count], storage: values.map(Double.init), dtype: .float32)
  }

  /// A 2-D float32 array from rows of equal length (one row per image); `[]` gives shape (0,).
  public convenience init(rows: [[Float]]) throws(CellError) {
    let width = rows.first?.count ?? 0
    guard rows.allSatisfy({ $0.count == width }) else { throw .valueError("rows of different lengths") }
    try Self.checkBudget(Memory.product(rows.count, width))
    try self.init(
      shape: rows.isEmpty ? [0] : [rows.count, width], storage: rows.flatMap { $0.map(Double.init) },
      dtype: .float32)
  }

  /// The bytes one element costs here (held as Double whatever the dtype).
  static let elementBytes = MemoryLayout<Double>.stride

  static func checkBudget(_ count: Int) throws(CellError) {
    let bytes = Memory.product(count, elementBytes)
    if bytes > Memory.maxBytes { throw Memory.error("an array of \(count) elements (\(Memory.describe(bytes)))") }
  }

  static func count(_ shape: [Int]) -> Int { shape.reduce(1) { Memory.product($0, $1) } }

  /// `(2, 3)`, `(10,)`: Python's tuple form.
  static func shapeText(_ shape: [Int]) -> String {
    shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
  }

  /// Elements per step along the first axis.
  var rowSize: Int { shape.count == 1 ? 1 : Self.count(Array(shape.dropFirst())) }

  /// One element as a language value.
  func scalar(_ x: Double) -> Value { .float(x) }

  /// Row `i` of the first axis: a number for a 1-D array, else an array of one less axis.
  func row(_ i: Int) throws(CellError) -> Value {
    if shape.count == 1 { return scalar(storage[i]) }
    let n = rowSize
    return .host(try ArrayValue(shape: Array(shape.dropFirst()), storage: Array(storage[(i * n)..<((i + 1) * n)]), dtype: dtype))
  }

  // MARK: HostObject

  public var typeName: String { "ndarray" }
  public var repr: String { ArrayFormat.repr(self) }
  public func iterate() throws -> [Value]? {
    try Memory.checkItems(shape[0], "list")
    return try (0..<shape[0]).map { i throws(CellError) in try row(i) }
  }
  public func item(_ key: Value) throws -> Value? {
    if case .tuple(let keys) = key { return try index(keys[...]) }
    return try index([key][...])
  }
  public func hashParts() throws -> [Value]? { throw CellError.typeError("unhashable type: 'numpy.ndarray'") }
  public func isEqual(to other: any HostObject) -> Bool {
    guard let o = other as? ArrayValue else { return false }
    return o.shape == shape && o.storage == storage
  }
  public var help: String? {
    """
    ndarray \(Self.shapeText(shape)) \(dtype.rawValue): a[i], a[i, j], a[1:3], len(a), list(a), for x in a
    a.shape  a.ndim  a.size  a.dtype
    a + b, a - b, a * b, a / b, a ** b (same shape, a trailing shape, or a number)
    a.sum(axis=None)  a.mean(axis=None)  a.max(axis=None)  a.min(axis=None)  a.argmax(axis=None)  a.argmin(axis=None)
    a.tolist()  a.reshape(*shape)
    """
  }

  public var attributeNames: [String] { (["shape", "ndim", "size", "dtype"] + ArrayMath.methods.keys).sorted() }
  public func attribute(_ name: String) throws -> Value? {
    switch name {
    case "shape": return .tuple(shape.map { .int($0) })
    case "ndim": return .int(shape.count)
    case "size": return .int(storage.count)
    case "dtype": return .string(dtype.rawValue)
    default:
      guard let method = ArrayMath.methods[name] else { return nil }
      return .function(Builtin(signature: method.signature, summary: method.summary) { a, ctx in try method.run(.host(self), a, ctx) })
    }
  }

  // MARK: Indexing

  /// `a[k0, k1, …]`: each key an int (drops that axis) or a slice (keeps it).
  func index(_ keys: ArraySlice<Value>) throws(CellError) -> Value {
    guard let key = keys.first else { return .host(self) }
    guard keys.count <= shape.count else {
      throw CellError(
        ename: "IndexError",
        "too many indices for array: array is \(shape.count)-dimensional, but \(keys.count) were indexed")
    }
    let rest = keys.dropFirst()
    if case .host(let s as SliceObject) = key {
      let parts = try s.indices(count: shape[0]).map { i throws(CellError) in try Self.index(try row(i), rest) }
      return .host(try stack(parts, rest: rest))
    }
    guard case .int(let i)? = key.numeric, !key.isFloatValue else {
      throw .typeError("array indices must be integers or slices, not \(key.typeName)")
    }
    let p = i < 0 ? i + shape[0] : i
    guard p >= 0 && p < shape[0] else {
      throw CellError(ename: "IndexError", "index \(i) is out of bounds for axis 0 with size \(shape[0])")
    }
    return try Self.index(try row(p), rest)
  }

  private static func index(_ v: Value, _ keys: ArraySlice<Value>) throws(CellError) -> Value {
    guard !keys.isEmpty, case .host(let a as ArrayValue) = v else { return v }
    return try a.index(keys)
  }

  /// The parts a slice picked (numbers or arrays of one shape), as one array.
  private func stack(_ parts: [Value], rest: ArraySlice<Value>) throws(CellError) -> ArrayValue {
    var values: [Double] = []
    var inner: [Int] = rest.isEmpty ? Array(shape.dropFirst()) : []
    for (k, part) in parts.enumerated() {
      switch part {
      case .float(let x): values.append(x)
      case .host(let a as ArrayValue):
        if k == 0 { inner = a.shape }
        values += a.storage
      default: break
      }
    }
    return try ArrayValue(shape: [parts.count] + inner, storage: values, dtype: dtype)
  }

  /// The array as nested lists of floats (`a.tolist()`), within the value budget (a list
  /// item costs more than an element).
  func toList() throws(CellError) -> Value {
    try Memory.checkItems(storage.count, "list")
    func level(_ dim: Int, _ offset: Int) -> Value {
      let n = shape[dim]
      if dim == shape.count - 1 { return .list((0..<n).map { scalar(storage[offset + $0]) }) }
      let step = Self.count(Array(shape[(dim + 1)...]))
      return .list((0..<n).map { level(dim + 1, offset + $0 * step) })
    }
    return level(0, 0)
  }
}

extension Value {
  var isFloatValue: Bool {
    if case .float = self { return true }
    return false
  }
}

/// The numpy-like text of an array, with `...` for arrays over 1,000 elements.
enum ArrayFormat {
  static let threshold = 1000
  static let edge = 3
  static let lineWidth = 75

  static func repr(_ a: ArrayValue) -> String {
    let prefix = "array("
    let body = level(a, 0, 0, String(repeating: " ", count: prefix.count), a.storage.count > threshold)
    return prefix + body + (a.dtype == .float64 ? ")" : ", dtype=float32)")
  }

  static func element(_ x: Double, _ dtype: ArrayValue.DType) -> String {
    dtype == .float32 ? Float(x).description : Value.float(x).repr
  }

  private static func picks(_ n: Int, _ truncate: Bool) -> [Int?] {
    guard truncate, n > 2 * edge else { return Array(0..<n) }
    return Array(0..<edge) + [nil] + Array((n - edge)..<n)
  }

  private static func level(_ a: ArrayValue, _ dim: Int, _ offset: Int, _ indent: String, _ truncate: Bool) -> String {
    let items = picks(a.shape[dim], truncate)
    if dim == a.shape.count - 1 {
      return "[" + wrapped(items.map { $0.map { element(a.storage[offset + $0], a.dtype) } ?? "..." }, indent + " ") + "]"
    }
    let step = ArrayValue.count(Array(a.shape[(dim + 1)...]))
    let separator = "," + String(repeating: "\n", count: a.shape.count - dim - 1) + indent + " "
    return "[" + items.map { $0.map { level(a, dim + 1, offset + $0 * step, indent + " ", truncate) } ?? "..." }
      .joined(separator: separator) + "]"
  }

  /// Elements joined by ", ", starting a new line before one that would pass `lineWidth`.
  private static func wrapped(_ texts: [String], _ indent: String) -> String {
    var out = ""
    var column = indent.count
    for (k, t) in texts.enumerated() {
      if k > 0 {
        if column + t.count + 2 > lineWidth {
          out += ",\n" + indent
          column = indent.count
        } else {
          out += ", "
          column += 2
        }
      }
      out += t
      column += t.count
    }
    return out
  }
}
