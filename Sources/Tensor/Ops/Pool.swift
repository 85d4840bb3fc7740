/// Options of 2-D max/average pooling (ONNX MaxPool/AveragePool, MXNet Pooling).
public struct Pool2DOptions: Sendable, Equatable {
  /// Window height and width.
  public var kernel: [Int]
  /// Vertical and horizontal stride.
  public var stride: [Int]
  /// Padding [top, left, bottom, right].
  public var pads: [Int]
  /// Round the output size up (ONNX ceil_mode, MXNet pooling_convention=full).
  public var ceilMode: Bool
  /// Average pooling divides by the whole window, padding included.
  public var countIncludePad: Bool

  /// Creates options; stride defaults to the kernel size.
  public init(
    kernel: [Int], stride: [Int]? = nil, pads: [Int] = [0, 0, 0, 0], ceilMode: Bool = false,
    countIncludePad: Bool = false
  ) {
    self.kernel = kernel
    self.stride = stride ?? kernel
    self.pads = pads
    self.ceilMode = ceilMode
    self.countIncludePad = countIncludePad
  }
}

/// One pooling window axis: output size and per-output window bounds.
struct PoolAxis {
  let size: Int, kernel: Int, stride: Int, padBefore: Int, padAfter: Int, out: Int

  init(size: Int, kernel: Int, stride: Int, padBefore: Int, padAfter: Int, ceil: Bool) {
    self.size = size
    self.kernel = kernel
    self.stride = stride
    self.padBefore = padBefore
    self.padAfter = padAfter
    let span = size + padBefore + padAfter - kernel
    var out = (ceil ? (span + stride - 1) / stride : span / stride) + 1
    // A last window that would start in the trailing padding is dropped (PyTorch/ONNX rule).
    if ceil && (out - 1) * stride >= size + padBefore { out -= 1 }
    self.out = out
  }

  /// Window start in input coordinates (may be negative).
  @inline(__always) func start(_ o: Int) -> Int { o * stride - padBefore }
  /// Valid input range of window o.
  @inline(__always) func valid(_ o: Int) -> Range<Int> {
    let s = start(o)
    return max(s, 0)..<min(s + kernel, size)
  }
  /// Window length counting padding, clipped to the padded extent.
  @inline(__always) func padded(_ o: Int) -> Int {
    let s = start(o)
    return min(s + kernel, size + padAfter) - s
  }
}

extension Tensor {
  static func poolAxes(_ shape: [Int], _ o: Pool2DOptions, _ op: String) throws -> (
    PoolAxis, PoolAxis
  ) {
    guard shape.count == 4 else { throw TensorError("\(op): input \(shape) must be NCHW") }
    guard o.kernel.count == 2, o.stride.count == 2, o.pads.count == 4,
      o.kernel.allSatisfy({ $0 > 0 }), o.stride.allSatisfy({ $0 > 0 }),
      o.pads.allSatisfy({ $0 >= 0 })
    else {
      throw TensorError("\(op): invalid kernel \(o.kernel), stride \(o.stride) or pads \(o.pads)")
    }
    guard shape[2] + o.pads[0] + o.pads[2] >= o.kernel[0],
      shape[3] + o.pads[1] + o.pads[3] >= o.kernel[1]
    else { throw TensorError("\(op): kernel \(o.kernel) exceeds padded input \(shape)") }
    let h = PoolAxis(
      size: shape[2], kernel: o.kernel[0], stride: o.stride[0], padBefore: o.pads[0],
      padAfter: o.pads[2], ceil: o.ceilMode)
    let w = PoolAxis(
      size: shape[3], kernel: o.kernel[1], stride: o.stride[1], padBefore: o.pads[1],
      padAfter: o.pads[3], ceil: o.ceilMode)
    return (h, w)
  }

  /// Output height and width of a pooling over an NCHW shape, or the error the op would throw.
  public static func poolOutputSize(_ shape: [Int], _ o: Pool2DOptions) throws -> (Int, Int) {
    let (h, w) = try poolAxes(shape, o, "pool")
    return (h.out, w.out)
  }

  /// Max pooling over NCHW.
  public static func maxPool2D(_ x: Tensor, _ options: Pool2DOptions) throws -> Tensor {
    try maxPool2DWithIndices(x, options, keepIndices: false).output
  }

  /// Max pooling that also returns, per output, the flat index of the max in its input plane
  /// (for the backward pass).
  public static func maxPool2DWithIndices(
    _ x: Tensor, _ options: Pool2DOptions, keepIndices: Bool = true
  ) throws -> (output: Tensor, indices: [Int32]) {
    let (ah, aw) = try poolAxes(x.shape, options, "maxPool2D")
    let planes = x.shape[0] * x.shape[1]
    let (inPlane, outPlane) = (ah.size * aw.size, ah.out * aw.out)
    var y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ah.out, aw.out])
    var indices = [Int32](repeating: 0, count: keepIndices ? planes * outPlane : 0)
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        indices.withUnsafeMutableBufferPointer { ip in
          if options.kernel == [2, 2] && options.stride == [2, 2] && ah.padBefore == 0
            && aw.padBefore == 0
            && ah.out * 2 <= ah.size && aw.out * 2 <= aw.size
          {
            maxPool2x2(
              xp.baseAddress!, yp.baseAddress!, keepIndices ? ip.baseAddress : nil, planes, ah, aw)
            return
          }
          for pl in 0..<planes {
            let src = xp.baseAddress! + pl * inPlane
            let dst = yp.baseAddress! + pl * outPlane
            for oy in 0..<ah.out {
              let rows = ah.valid(oy)
              for ox in 0..<aw.out {
                let cols = aw.valid(ox)
                var best = -Float.infinity
                var at = rows.lowerBound * aw.size + cols.lowerBound
                for iy in rows {
                  for ix in cols where src[iy * aw.size + ix] > best {
                    best = src[iy * aw.size + ix]
                    at = iy * aw.size + ix
                  }
                }
                dst[oy * aw.out + ox] = rows.isEmpty || cols.isEmpty ? 0 : best
                if keepIndices { ip[pl * outPlane + oy * aw.out + ox] = Int32(at) }
              }
            }
          }
        }
      }
    }
    return (y, indices)
  }

  /// Average pooling over NCHW (count_include_pad per the options).
  public static func avgPool2D(_ x: Tensor, _ options: Pool2DOptions) throws -> Tensor {
    let (ah, aw) = try poolAxes(x.shape, options, "avgPool2D")
    let planes = x.shape[0] * x.shape[1]
    let (inPlane, outPlane) = (ah.size * aw.size, ah.out * aw.out)
    var y = Tensor(uninitializedShape: [x.shape[0], x.shape[1], ah.out, aw.out])
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (source, target) = (xp.baseAddress!, yp.baseAddress!)
        // Planes split over the threads (DenseNet's transitions pool 56² maps of 128 channels).
        parallelChunks(planes, grain: Swift.max(1, 16_384 / Swift.max(inPlane, 1))) { range in
          for pl in range {
            let src = source + pl * inPlane
            let dst = target + pl * outPlane
            for oy in 0..<ah.out {
              let rows = ah.valid(oy)
              for ox in 0..<aw.out {
                let cols = aw.valid(ox)
                var sum: Float = 0
                for iy in rows { for ix in cols { sum += src[iy * aw.size + ix] } }
                let n =
                  options.countIncludePad ? ah.padded(oy) * aw.padded(ox) : rows.count * cols.count
                dst[oy * aw.out + ox] = n > 0 ? sum / Float(n) : 0
              }
            }
          }
        }
      }
    }
    return y
  }

  /// Mean over each H×W plane: [N, C, H, W] → [N, C, 1, 1].
  public static func globalAvgPool2D(_ x: Tensor) throws -> Tensor {
    guard x.rank >= 3 else { throw TensorError("globalAvgPool2D: input \(x.shape) must be NCHW") }
    let planes = x.shape[0] * x.shape[1]
    let plane = x.shape[2...].reduce(1, *)
    var y = Tensor(
      uninitializedShape: [x.shape[0], x.shape[1]] + Array(repeating: 1, count: x.rank - 2))
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        for pl in 0..<planes {
          let src = xp.baseAddress! + pl * plane
          var sum: Float = 0
          for i in 0..<plane { sum += src[i] }
          yp[pl] = sum / Float(max(plane, 1))
        }
      }
    }
    return y
  }
}

/// The common 2×2, stride-2 window with every window inside the image; branch-free so the
/// data-dependent comparisons do not mispredict.
func maxPool2x2(
  _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
  _ indices: UnsafeMutablePointer<Int32>?,
  _ planes: Int, _ ah: PoolAxis, _ aw: PoolAxis
) {
  let (w, oh, ow) = (aw.size, ah.out, aw.out)
  let (inPlane, outPlane) = (ah.size &* aw.size, oh &* ow)
  for pl in 0..<planes {
    let src = x + pl &* inPlane
    let dst = y + pl &* outPlane
    for oy in 0..<oh {
      let r0 = src + 2 &* oy &* w
      let r1 = r0 + w
      let out = dst + oy &* ow
      for ox in 0..<ow {
        out[ox] = max(max(r0[2 &* ox], r0[2 &* ox &+ 1]), max(r1[2 &* ox], r1[2 &* ox &+ 1]))
      }
      guard let indices else { continue }
      let idx = indices + (pl &* outPlane &+ oy &* ow)
      let base = Int32(truncatingIfNeeded: 2 &* oy &* w)
      let w32 = Int32(truncatingIfNeeded: w)
      for ox in 0..<ow {
        let (a, b, c, d) = (r0[2 &* ox], r0[2 &* ox &+ 1], r1[2 &* ox], r1[2 &* ox &+ 1])
        let top = max(a, b)
        let bottom = max(c, d)
        let topAt: Int32 = b > a ? 1 : 0
        let bottomAt: Int32 = d > c ? w32 &+ 1 : w32
        idx[ox] = base &+ Int32(truncatingIfNeeded: 2 &* ox) &+ (bottom > top ? bottomAt : topAt)
      }
    }
  }
}
