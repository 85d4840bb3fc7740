#if canImport(Glibc)
  import Glibc
#endif

/// Elementwise binary functions with numpy broadcasting.
public enum BinaryOp: Sendable, Equatable {
  case add, sub, mul, div, max, min, pow
}

extension Tensor {
  /// a ∘ b elementwise with numpy broadcasting.
  public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws -> Tensor {
    let shape = try broadcastShape(a.shape, b.shape)
    var y = Tensor(uninitializedShape: shape)
    let total = y.count
    if total == 0 { return y }
    let sa = a.broadcastStrides(to: shape)
    let sb = b.broadcastStrides(to: shape)
    y.withUnsafeMutableBufferPointer { yp in
      a.withUnsafeBufferPointer { ap in
        b.withUnsafeBufferPointer { bp in
          let (x, z, d) = (ap.baseAddress!, bp.baseAddress!, yp.baseAddress!)
          // Split over the threads (large maps: EfficientNet's squeeze-and-excitation scaling,
          // ConvNeXt's layer scale); each element is computed alone, so the split changes no bit.
          if a.shape == b.shape {
            parallelChunks(total) { r in binaryRow(op, x + r.lowerBound, 1, z + r.lowerBound, 1, d + r.lowerBound, r.count) }
          } else {
            let (axes, ca, cb) = coalesced(shape, sa, sb)
            let inner = axes.last!
            parallelChunks(total / inner, grain: max(1, 16_384 / inner)) { rows in
              stridedBinary(op, x, ca, z, cb, axes, d, rows: rows)
            }
          }
        }
      }
    }
    return y
  }

  /// Elementwise sum with broadcasting.
  public static func add(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.add, a, b) }
  /// Elementwise difference with broadcasting.
  public static func sub(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.sub, a, b) }
  /// Elementwise product with broadcasting.
  public static func mul(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.mul, a, b) }
  /// Elementwise quotient with broadcasting.
  public static func div(_ a: Tensor, _ b: Tensor) throws -> Tensor { try binary(.div, a, b) }

  /// Every element times a scalar.
  public func scaled(by s: Float) -> Tensor {
    var y = self
    y.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= s } }
    return y
  }

  /// The sum of all elements (Double accumulation).
  public func sum() -> Float {
    withUnsafeBufferPointer { p in Float(p.reduce(0.0) { $0 + Double($1) }) }
  }
}

@inline(__always)
func binaryRow(
  _ op: BinaryOp, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
  _ d: UnsafeMutablePointer<Float>, _ n: Int
) {
  // Specialised for the common unit/zero strides so the loops vectorise.
  @inline(__always) func run(_ f: (Float, Float) -> Float) {
    switch (sa, sb) {
    case (1, 1): for i in 0..<n { d[i] = f(a[i], b[i]) }
    case (1, 0):
      let v = b[0]
      for i in 0..<n { d[i] = f(a[i], v) }
    case (0, 1):
      let v = a[0]
      for i in 0..<n { d[i] = f(v, b[i]) }
    default: for i in 0..<n { d[i] = f(a[i * sa], b[i * sb]) }
    }
  }
  switch op {
  case .add: run { $0 + $1 }
  case .sub: run { $0 - $1 }
  case .mul: run { $0 * $1 }
  case .div: run { $0 / $1 }
  case .max: run { Swift.max($0, $1) }
  case .min: run { Swift.min($0, $1) }
  case .pow: run { powf($0, $1) }
  }
}

/// The same broadcast over fewer axes: axes of length 1 dropped, and each axis merged into
/// the next where both operands step through the pair as through one axis. The row loop's
/// cost is per row, so EfficientNet's squeeze-and-excitation scale [1, 1152, 7, 7] ·
/// [1, 1152, 1, 1] runs as 1152 rows of 49, not 8064 rows of 7 (175 → 18 µs per call).
func coalesced(_ shape: [Int], _ sa: [Int], _ sb: [Int]) -> (shape: [Int], sa: [Int], sb: [Int]) {
  var (axes, ca, cb) = ([Int](), [Int](), [Int]())
  for k in shape.indices where shape[k] != 1 {
    if let last = axes.indices.last, ca[last] == sa[k] * shape[k], cb[last] == sb[k] * shape[k] {
      axes[last] *= shape[k]
      (ca[last], cb[last]) = (sa[k], sb[k])
    } else {
      axes.append(shape[k])
      ca.append(sa[k])
      cb.append(sb[k])
    }
  }
  return axes.isEmpty ? ([1], [0], [0]) : (axes, ca, cb)
}

/// Rows `rows` (runs along the shape's last axis) of the broadcast a ∘ b.
func stridedBinary(
  _ op: BinaryOp, _ a: UnsafePointer<Float>, _ sa: [Int], _ b: UnsafePointer<Float>, _ sb: [Int],
  _ shape: [Int], _ d: UnsafeMutablePointer<Float>, rows: Range<Int>
) {
  let inner = shape.last ?? 1
  let total = rows.upperBound * inner
  let ia = sa.last ?? 0
  let ib = sb.last ?? 0
  if shape.count <= 2 {
    // One outer axis at most: each row's start is one multiplication away.
    let (oa, ob) = shape.count == 2 ? (sa[0], sb[0]) : (0, 0)
    for r in rows { binaryRow(op, a + r * oa, ia, b + r * ob, ib, d + r * inner, inner) }
    return
  }
  // The first row's index along the outer axes, and where it reads a and b.
  var index = [Int](repeating: 0, count: shape.count)
  var offA = 0
  var offB = 0
  var rest = rows.lowerBound
  for axis in stride(from: shape.count - 2, through: 0, by: -1) where rest > 0 {
    index[axis] = rest % shape[axis]
    rest /= shape[axis]
    offA += index[axis] * sa[axis]
    offB += index[axis] * sb[axis]
  }
  var out = rows.lowerBound * inner
  while out < total {
    binaryRow(op, a + offA, ia, b + offB, ib, d + out, inner)
    out += inner
    var axis = shape.count - 2
    while axis >= 0 {
      index[axis] += 1
      offA += sa[axis]
      offB += sb[axis]
      if index[axis] < shape[axis] { break }
      offA -= sa[axis] * shape[axis]
      offB -= sb[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}
