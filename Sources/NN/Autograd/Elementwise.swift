import Tensor

/// a + b, a − b or a · b with numpy broadcasting.
public final class BroadcastFunction: Function {
  public let inputs: [Variable]
  let op: BinaryOp

  init(_ a: Variable, _ b: Variable, _ op: BinaryOp) {
    inputs = [a, b]
    self.op = op
  }

  /// Forward pass for add, sub or mul.
  public static func apply(_ op: BinaryOp, _ a: Variable, _ b: Variable) throws -> Variable {
    guard op == .add || op == .sub || op == .mul else {
      throw TensorError("autograd: \(op) has no backward pass")
    }
    return Variable(try Tensor.binary(op, a.value, b.value), creator: BroadcastFunction(a, b, op))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] {
    let (a, b) = (inputs[0], inputs[1])
    var da: Tensor? = nil
    var db: Tensor? = nil
    switch op {
    case .add, .sub:
      if a.requiresGrad { da = try sumToShape(g, a.shape) }
      if b.requiresGrad { db = try sumToShape(op == .sub ? g.scaled(by: -1) : g, b.shape) }
    default:
      if a.requiresGrad { da = try sumToShape(Tensor.mul(g, b.value), a.shape) }
      if b.requiresGrad { db = try sumToShape(Tensor.mul(g, a.value), b.shape) }
    }
    return [da, db]
  }
}

/// Sums a broadcast gradient back down to an operand's shape.
func sumToShape(_ g: Tensor, _ shape: [Int]) throws -> Tensor {
  if g.shape == shape { return g }
  let out = g.shape
  let offset = out.count - shape.count
  let own = Tensor.strides(of: shape)
  let strides = out.indices.map { i in i < offset || shape[i - offset] == 1 ? 0 : own[i - offset] }
  var r = Tensor(zeros: shape)
  r.withUnsafeMutableBufferPointer { rp in
    g.withUnsafeBufferPointer { gp in
      var index = [Int](repeating: 0, count: out.count)
      var off = 0
      for i in 0..<g.count {
        rp[off] += gp[i]
        var axis = out.count - 1
        while axis >= 0 {
          index[axis] += 1
          off += strides[axis]
          if index[axis] < out[axis] { break }
          off -= strides[axis] * out[axis]
          index[axis] = 0
          axis -= 1
        }
      }
    }
  }
  return r
}

/// Inverted dropout: keeps each element with probability 1 − p and scales it by 1/(1 − p).
public final class DropoutFunction: Function {
  public let inputs: [Variable]
  let mask: Tensor

  init(_ x: Variable, _ mask: Tensor) {
    inputs = [x]
    self.mask = mask
  }

  /// Forward pass drawing the mask from `rng`.
  public static func apply<R: RandomNumberGenerator>(
    _ x: Variable, probability p: Float, using rng: inout R
  ) throws -> Variable {
    guard p >= 0 && p < 1 else { throw TensorError("dropout: probability \(p) not in [0, 1)") }
    var mask = Tensor(uninitializedShape: x.shape)
    let keep = 1 / (1 - p)
    let threshold = UInt32(Double(p) * Double(UInt32.max))
    mask.withUnsafeMutableBufferPointer { mp in
      var i = 0
      while i < mp.count {
        let r = rng.next()
        mp[i] = UInt32(truncatingIfNeeded: r) < threshold ? 0 : keep
        if i + 1 < mp.count {
          mp[i + 1] = UInt32(truncatingIfNeeded: r >> 32) < threshold ? 0 : keep
        }
        i += 2
      }
    }
    return Variable(try Tensor.mul(x.value, mask), creator: DropoutFunction(x, mask))
  }

  public func backward(_ g: Tensor) throws -> [Tensor?] { [try Tensor.mul(g, mask)] }
}
