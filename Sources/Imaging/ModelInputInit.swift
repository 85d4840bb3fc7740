extension ModelInput {
  /// Makes an input from values already arranged in C order for `shape` (a model server
  /// stacks per-image inputs, or takes a tensor a client sent). The caller checks that
  /// the element count matches the shape.
  public init(_ values: Values, shape: [Int]) {
    self.init(values: values, shape: shape)
  }

  /// The number of elements held.
  public var elementCount: Int {
    switch values {
    case .float32(let v): return v.count
    case .uint8(let v): return v.count
    }
  }
}
