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
        let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(planes, grain: 1) { range in
          for p in range {
            let src = xb + p * height * width
            let dst = yb + p * outH * outW
            for oy in 0..<outH {
              let rr = rows[oy]
              for ox in 0..<outW {
                let cc = cols[ox]
                var m = -Float.infinity
                for iy in rr {
                  let row = src + iy * width
                  for ix in cc {
                    let v = row[ix]
                    m = v > m ? v : m
                  }
                }
                dst[oy * outW + ox] = m
              }
            }
          }
        }
      }
    }
    return y
  }
}
