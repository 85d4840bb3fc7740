import CKernels
/// Layout ops: broadcasting, transpose, concat, slicing helpers.
extension Tensor {
  /// Row-major strides of a shape.
  public static func strides(of shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
      s[i] = acc
      acc *= shape[i]
    }
    return s
  }

  /// The numpy broadcast of two shapes, or an error naming both.
  public static func broadcastShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
      let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
      let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
      guard da == db || da == 1 || db == 1 else {
        throw TensorError("broadcast: shapes \(a) and \(b) are incompatible")
      }
      out[i] = da == 1 ? db : da
    }
    return out
  }

  /// Strides that read this tensor as if it had `shape` (0 on broadcast dimensions).
  func broadcastStrides(to target: [Int]) -> [Int] {
    let own = Tensor.strides(of: shape)
    let offset = target.count - rank
    return target.indices.map { i in
      i < offset || shape[i - offset] == 1 ? 0 : own[i - offset]
    }
  }

  /// A contiguous copy expanded to `target` (numpy broadcast); self when the shape matches.
  public func broadcast(to target: [Int]) throws -> Tensor {
    if shape == target { return self }
    guard try Tensor.broadcastShape(shape, target) == target else {
      throw TensorError("broadcast: cannot expand \(shape) to \(target)")
    }
    var y = Tensor(uninitializedShape: target)
    let s = broadcastStrides(to: target)
    y.withUnsafeMutableBufferPointer { yp in
      withUnsafeBufferPointer { xp in
        stridedCopy(xp.baseAddress!, strides: s, shape: target, into: yp.baseAddress!)
      }
    }
    return y
  }

  /// Dimensions permuted (ONNX Transpose); no permutation reverses them.
  public func transposed(_ permutation: [Int]? = nil) throws -> Tensor {
    let perm = permutation ?? Array((0..<rank).reversed())
    guard perm.count == rank, Set(perm) == Set(0..<rank) else {
      throw TensorError("transpose: \(perm) is not a permutation of the \(rank) axes of \(shape)")
    }
    let outShape = perm.map { shape[$0] }
    let own = Tensor.strides(of: shape)
    var y = Tensor(uninitializedShape: outShape)
    let swap = Tensor.batchedSwap(shape, perm)
    y.withUnsafeMutableBufferPointer { yp in
      withUnsafeBufferPointer { xp in
        if let (batch, rows, cols) = swap {
          blockedTranspose(xp.baseAddress!, batch: batch, rows: rows, cols: cols, into: yp.baseAddress!)
        } else {
          stridedCopy(xp.baseAddress!, strides: perm.map { own[$0] }, shape: outShape, into: yp.baseAddress!)
        }
      }
    }
    return y
  }

  /// A permutation that, once axes moving together are merged, swaps the last two of three
  /// ([batch, rows, cols] → [batch, cols, rows]): a 2-D transpose, NCHW ↔ NHWC, Xᵀ. Nil for
  /// anything else (or when nothing moves across a long row, where the strided copy is fine).
  static func batchedSwap(_ shape: [Int], _ perm: [Int]) -> (batch: Int, rows: Int, cols: Int)? {
    // Runs of input axes that stay consecutive in the output, in output order.
    var runs: [[Int]] = []
    for a in perm {
      if let last = runs.last?.last, last + 1 == a { runs[runs.count - 1].append(a) } else { runs.append([a]) }
    }
    let size = { (run: [Int]) in run.reduce(1) { $0 * shape[$1] } }
    switch runs.count {
    case 2 where runs[0].first! > runs[1].first!:
      return (1, size(runs[1]), size(runs[0]))
    case 3 where runs[0].first! == 0 && runs[1].first! > runs[2].first!:
      return (size(runs[0]), size(runs[2]), size(runs[1]))
    default: return nil
    }
  }

  /// Joins tensors along an axis; all other dimensions must match.
  public static func concat(_ parts: [Tensor], axis: Int) throws -> Tensor {
    guard let first = parts.first else { throw TensorError("concat: no inputs") }
    let ax = axis < 0 ? axis + first.rank : axis
    guard ax >= 0 && ax < first.rank else {
      throw TensorError("concat: axis \(axis) out of range for rank \(first.rank)")
    }
    for p in parts
    where p.rank != first.rank
      || p.shape.enumerated().contains(where: {
        $0.offset != ax && $0.element != first.shape[$0.offset]
      })
    {
      throw TensorError("concat: shape \(p.shape) does not match \(first.shape) off axis \(ax)")
    }
    var outShape = first.shape
    outShape[ax] = parts.reduce(0) { $0 + $1.shape[ax] }
    let outer = first.shape[..<ax].reduce(1, *)
    let inner = first.shape[(ax + 1)...].reduce(1, *)
    let rowOut = outShape[ax] * inner
    var y = Tensor(uninitializedShape: outShape)
    y.withUnsafeMutableBufferPointer { yp in
      var offset = 0
      for p in parts {
        let chunk = p.shape[ax] * inner
        p.withUnsafeBufferPointer { pp in
          for o in 0..<outer {
            (yp.baseAddress! + o * rowOut + offset).update(
              from: pp.baseAddress! + o * chunk, count: chunk)
          }
        }
        offset += chunk
      }
    }
    return y
  }

  /// Splits along an axis into pieces of the given sizes (the inverse of concat).
  public func split(sizes: [Int], axis: Int) throws -> [Tensor] {
    let ax = axis < 0 ? axis + rank : axis
    guard ax >= 0 && ax < rank, sizes.reduce(0, +) == shape[ax] else {
      throw TensorError("split: sizes \(sizes) do not sum to dimension \(axis) of \(shape)")
    }
    let outer = shape[..<ax].reduce(1, *)
    let inner = shape[(ax + 1)...].reduce(1, *)
    let rowIn = shape[ax] * inner
    var offset = 0
    var pieces: [Tensor] = []
    for size in sizes {
      var s = shape
      s[ax] = size
      var piece = Tensor(uninitializedShape: s)
      let chunk = size * inner
      piece.withUnsafeMutableBufferPointer { dp in
        withUnsafeBufferPointer { xp in
          for o in 0..<outer {
            (dp.baseAddress! + o * chunk).update(
              from: xp.baseAddress! + o * rowIn + offset, count: chunk)
          }
        }
      }
      offset += chunk
      pieces.append(piece)
    }
    return pieces
  }
}

/// `batch` row-major [rows, cols] matrices into [cols, rows] (ConvNeXt's NCHW ↔ NHWC permutes,
/// a dense layer's Xᵀ): CKernels' blocked, vectorised, threaded ck_transpose.
func blockedTranspose(_ src: UnsafePointer<Float>, batch: Int, rows: Int, cols: Int, into dst: UnsafeMutablePointer<Float>) {
  if cols <= 4 {
    // A channels-last image with few channels (an NHWC network input): one pass down the
    // rows, each row's values to their planes, the rows shared among the threads (16-wide
    // tiles of 3 columns spent their time on loop control).
    for b in 0..<batch {
      let (s, d) = (src + b * rows * cols, dst + b * rows * cols)
      parallelChunks(rows, grain: 16_384) { range in
        if cols == 3 {
          // RGB, the common case, unrolled.
          let (d1, d2) = (d + rows, d + 2 * rows)
          for r in range {
            let p = s + 3 * r
            (d[r], d1[r], d2[r]) = (p[0], p[1], p[2])
          }
        } else {
          for r in range {
            for c in 0..<cols { d[c * rows + r] = s[r * cols + c] }
          }
        }
      }
    }
    return
  }
  ck_transpose(src, batch, rows, cols, dst, -1)
}

/// Copies a strided view of `src` with logical `shape` into contiguous `dst`.
func stridedCopy(
  _ src: UnsafePointer<Float>, strides: [Int], shape: [Int], into dst: UnsafeMutablePointer<Float>
) {
  let total = Tensor.elementCount(shape)
  if total == 0 { return }
  guard let lastDim = shape.last else {
    dst[0] = src[0]
    return
  }
  let inner = lastDim
  let innerStride = strides.last!
  var index = [Int](repeating: 0, count: shape.count)
  var out = 0
  var srcOffset = 0
  while out < total {
    let s = src + srcOffset
    let d = dst + out
    if innerStride == 1 {
      d.update(from: s, count: inner)
    } else if innerStride == 0 {
      d.initialize(repeating: s[0], count: inner)
    } else {
      for i in 0..<inner { d[i] = s[i * innerStride] }
    }
    out += inner
    // Advance the multi-index over the outer dimensions.
    var axis = shape.count - 2
    while axis >= 0 {
      index[axis] += 1
      srcOffset += strides[axis]
      if index[axis] < shape[axis] { break }
      srcOffset -= strides[axis] * shape[axis]
      index[axis] = 0
      axis -= 1
    }
  }
}
