import Tensor

/// 2-D max pooling with the window bounds precomputed at plan time and the planes split
/// over the engine's threads; windows clipped to the input (padding never wins a max).
struct MaxPool2DPlan {
  let planes: Int, height: Int, width: Int, outH: Int, outW: Int
  /// Valid input rows of each output row.
  let rows: [Range<Int>]
  let kernelW: Int, strideW: Int, padLeft: Int
  /// Length of a row with its padding as -inf: every window lies inside it.
  let paddedWidth: Int

  init(shape: [Int], kernel: [Int], strides: [Int], pads: [Int], out: [Int]) {
    planes = shape[0] * shape[1]
    (height, width) = (shape[2], shape[3])
    (outH, outW) = (out[2], out[3])
    func ranges(_ n: Int, _ size: Int, _ k: Int, _ s: Int, _ pad: Int) -> [Range<Int>] {
      (0..<n).map { o in
        let start = o * s - pad
        let lo = max(start, 0)
        return lo..<max(lo, min(start + k, size))
      }
    }
    rows = ranges(outH, height, kernel[0], strides[0], pads[0])
    (kernelW, strideW, padLeft) = (kernel[1], strides[1], pads[1])
    paddedWidth = max(width + padLeft, (outW - 1) * strideW + kernelW)
  }

  func callAsFunction(_ x: Tensor) -> Tensor {
    var y = Tensor(uninitializedShape: [planes, 1, outH, outW])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        rows.withUnsafeBufferPointer { rows in
          let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
          parallelChunks(planes, grain: 1) { range in
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 2 * paddedWidth)
            defer { scratch.deallocate() }
            scratch.initialize(repeating: -.infinity, count: 2 * paddedWidth)
            for p in range {
              pool(xb + p * height * width, yb + p * outH * outW, rows, scratch)
            }
          }
        }
      }
    }
    return y
  }

  /// One plane: per output row, the max down each input column of the window's rows, then
  /// a sliding max of the window's width along that row (both vectorisable passes over
  /// whole rows, the row kept between -inf margins), read at every stride-th place.
  @inline(__always)
  private func pool(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>, _ rows: UnsafeBufferPointer<Range<Int>>,
    _ scratch: UnsafeMutablePointer<Float>
  ) {
    let colMax = scratch + padLeft  // scratch[0..<padLeft] and past width stay -inf
    let sliding = scratch + paddedWidth
    let span = paddedWidth - kernelW + 1
    for oy in 0..<outH {
      let rowRange = rows[oy]
      if rowRange.isEmpty {
        for ox in 0..<outW { dst[oy * outW + ox] = -.infinity }
        continue
      }
      let first = src + rowRange.lowerBound * width
      for ix in 0..<width { colMax[ix] = first[ix] }
      for iy in rowRange.dropFirst() {
        let row = src + iy * width
        for ix in 0..<width {
          let v = row[ix]
          colMax[ix] = v > colMax[ix] ? v : colMax[ix]
        }
      }
      for i in 0..<span { sliding[i] = scratch[i] }
      for j in 1..<kernelW {
        let shifted = scratch + j
        for i in 0..<span {
          let v = shifted[i]
          sliding[i] = v > sliding[i] ? v : sliding[i]
        }
      }
      let out = dst + oy * outW
      for ox in 0..<outW { out[ox] = sliding[ox * strideW] }
    }
  }
}
