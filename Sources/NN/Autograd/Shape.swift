import Tensor

/// A new shape over the same elements (reshape, flatten).
public final class ReshapeFunction: Function {
  public let inputs: [Variable]
  init(_ x: Variable) { inputs = [x] }

  /// Forward pass; one dimension may be -1.
  public static func apply(_ x: Variable, _ shape: [Int]) throws -> Variable {
    Variable(try x.value.reshaped(shape), creator: ReshapeFunction(x))
  }

  /// [N, ...] → [N, rest].
  public static func flatten(_ x: Variable) throws -> Variable {
    Variable(try x.value.flattened(axis: 1), creator: ReshapeFunction(x))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] { [try g.reshaped(inputs[0].shape)] }
}

/// Axes permuted.
public final class TransposeFunction: Function {
  public let inputs: [Variable]
  let permutation: [Int]

  init(_ x: Variable, _ p: [Int]) {
    inputs = [x]
    permutation = p
  }

  /// Forward pass.
  public static func apply(_ x: Variable, _ permutation: [Int]) throws -> Variable {
    Variable(try x.value.transposed(permutation), creator: TransposeFunction(x, permutation))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    var inverse = [Int](repeating: 0, count: permutation.count)
    for (i, p) in permutation.enumerated() { inverse[p] = i }
    return [try g.transposed(inverse)]
  }
}

/// Tensors joined along an axis.
public final class ConcatFunction: Function {
  public let inputs: [Variable]
  let axis: Int

  init(_ xs: [Variable], _ axis: Int) {
    inputs = xs
    self.axis = axis
  }

  /// Forward pass.
  public static func apply(_ xs: [Variable], axis: Int) throws -> Variable {
    Variable(try Tensor.concat(xs.map(\.value), axis: axis), creator: ConcatFunction(xs, axis))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let ax = axis < 0 ? axis + g.rank : axis
    return try g.split(sizes: inputs.map { $0.shape[ax] }, axis: ax)
  }
}
