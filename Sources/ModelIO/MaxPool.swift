import Tensor

/// 2-D max pooling with the window bounds precomputed at plan time and the planes split
/// over the engine's threads; windows clipped to the input (padding never wins a max).
struct MaxPool2DPlan {
  let planes: Int, height: Int, width: Int, outH: Int, outW: Int
  /// Valid input rows and columns of each output row and column.
  let rows: [Range<Int>]
  let cols: [Range<Int>]

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
    cols = ranges(outW, width, kernel[1], strides[1], pads[1])
  }

  func callAsFunction(_ x: Tensor) -> Tensor {
    var y = Tensor(uninitializedShape: [planes, 1, outH, outW])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        rows.withUnsafeBufferPointer { rows in
          cols.withUnsafeBufferPointer { cols in
            let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
            parallelChunks(planes, grain: 1) { range in
              let colMax = UnsafeMutablePointer<Float>.allocate(capacity: width)
              defer { colMax.deallocate() }
              for p in range {
                pool(xb + p * height * width, yb + p * outH * outW, rows, cols, colMax)
              }
            }
          }
        }
      }
    }
    return y
  }

  /// One plane: per output row, the max down each input column of the window's rows (a
  /// vectorisable pass over whole rows), then the max across each window's columns.
  @inline(__always)
  private func pool(
    _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<Float>,
    _ rows: UnsafeBufferPointer<Range<Int>>, _ cols: UnsafeBufferPointer<Range<Int>>,
    _ colMax: UnsafeMutablePointer<Float>
  ) {
    for oy in 0..<outH {
      colMax.initialize(repeating: -Float.infinity, count: width)
      for iy in rows[oy] {
        let row = src + iy * width
        for ix in 0..<width {
          let v = row[ix]
          colMax[ix] = v > colMax[ix] ? v : colMax[ix]
        }
      }
      let out = dst + oy * outW
      for ox in 0..<outW {
        var m = -Float.infinity
        for ix in cols[ox] {
          let v = colMax[ix]
          m = v > m ? v : m
        }
        out[ox] = m
      }
    }
  }
}
