import CKernels
import COpenBLAS

#if canImport(Glibc)
  import Glibc
#endif

/// Geometry of a 2-D convolution over one group of channels, NCHW.
public struct ConvGeometry: Sendable, Equatable {
  public var channels: Int, height: Int, width: Int
  public var kernelH: Int, kernelW: Int
  public var strideH: Int, strideW: Int
  public var padTop: Int, padLeft: Int
  public var dilationH: Int, dilationW: Int
  public var outH: Int, outW: Int

  /// Rows of the im2col matrix: channels × kernelH × kernelW.
  public var patchSize: Int { channels * kernelH * kernelW }
  /// Output positions per image.
  public var outPlane: Int { outH * outW }
  /// A 1×1 convolution that keeps the image's size: its im2col matrix is the input itself.
  public var isPointwise: Bool {
    kernelH == 1 && kernelW == 1 && strideH == 1 && strideW == 1 && padTop == 0 && padLeft == 0
      && outH == height && outW == width
  }
}

/// Elementwise functions every backend provides.
public enum UnaryOp: Sendable, Equatable {
  case relu, relu6, tanh, sigmoid, exp, negate, square, sqrt
  case clip(min: Float, max: Float)
  case leakyRelu(alpha: Float)
}

/// The minimal op vocabulary a device implements; every Tensor op is built from these
/// plus plain loops. A GPU backend would implement the same protocol on device pointers
/// (its storage allocated on the device) and the ops above would not change.
public protocol Backend: Sendable {
  /// The device this backend runs on.
  var device: Device { get }
  /// C = alpha·op(A)·op(B) + beta·C, row-major, op = transpose when the flag is set.
  func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int)
  /// Unfolds `images` images (each `imageStride` floats apart) into columns
  /// [patchSize, images·outPlane].
  func im2col(
    _ x: UnsafePointer<Float>, imageStride: Int, images: Int, geometry g: ConvGeometry,
    into cols: UnsafeMutablePointer<Float>)
  /// Accumulates columns [patchSize, images·outPlane] back into images (adds into `x`).
  func col2im(
    _ cols: UnsafePointer<Float>, imageStride: Int, images: Int, geometry g: ConvGeometry,
    into x: UnsafeMutablePointer<Float>)
  /// y[i] = f(x[i]); x and y may be the same buffer.
  func unary(_ op: UnaryOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int)
  /// out[o, i] = Σ_a x[o, a, i] for a [outer, axis, inner] view.
  func reduceSum(
    _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
    into out: UnsafeMutablePointer<Float>)
}

/// The CPU backend: OpenBLAS for gemm, single-threaded vectorisable loops for the rest.
public struct CPUBackend: Backend {
  /// The one instance (stateless).
  public static let shared = CPUBackend()
  public var device: Device { .cpu }

  public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: Float,
    a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
  ) {
    if m == 0 || n == 0 { return }
    cblas_sgemm(
      CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
      Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
  }

  public func im2col(
    _ x: UnsafePointer<Float>, imageStride: Int, images: Int, geometry g: ConvGeometry,
    into cols: UnsafeMutablePointer<Float>
  ) {
    let rowLength = images * g.outPlane
    for c in 0..<g.channels {
      for ki in 0..<g.kernelH {
        for kj in 0..<g.kernelW {
          let row = cols + ((c * g.kernelH + ki) * g.kernelW + kj) * rowLength
          for n in 0..<images {
            let plane = x + n * imageStride + c * g.height * g.width
            im2colRow(plane, g, ki: ki, kj: kj, into: row + n * g.outPlane)
          }
        }
      }
    }
  }

  /// One kernel offset (ki, kj) of one channel plane: outH × outW gathered values.
  @inline(__always)
  private func im2colRow(
    _ plane: UnsafePointer<Float>, _ g: ConvGeometry, ki: Int, kj: Int,
    into dst: UnsafeMutablePointer<Float>
  ) {
    let xOffset = kj * g.dilationW - g.padLeft
    // Output columns whose input column lies inside the image: [lo, hi).
    let lo = xOffset >= 0 ? 0 : min(g.outW, (-xOffset + g.strideW - 1) / g.strideW)
    let hi = max(lo, min(g.outW, (g.width - xOffset + g.strideW - 1) / g.strideW))
    for oy in 0..<g.outH {
      let iy = oy * g.strideH - g.padTop + ki * g.dilationH
      let out = dst + oy * g.outW
      if iy < 0 || iy >= g.height {
        out.initialize(repeating: 0, count: g.outW)
        continue
      }
      let src = plane + iy * g.width + xOffset
      if lo > 0 { out.initialize(repeating: 0, count: lo) }
      if g.strideW == 1 {
        (out + lo).update(from: src + lo, count: hi - lo)
      } else {
        for ox in lo..<hi { out[ox] = src[ox * g.strideW] }
      }
      if hi < g.outW { (out + hi).initialize(repeating: 0, count: g.outW - hi) }
    }
  }

  public func col2im(
    _ cols: UnsafePointer<Float>, imageStride: Int, images: Int, geometry g: ConvGeometry,
    into x: UnsafeMutablePointer<Float>
  ) {
    // CKernels' ck_col2im: with AVX2 it adds each output row a vector at a time.
    var source = g.kernelSource(nil)
    ck_col2im(cols, imageStride, images, &source, x)
  }

  public func unary(
    _ op: UnaryOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
  ) {
    switch op {
    case .relu: for i in 0..<count { y[i] = max(x[i], 0) }
    case .relu6: for i in 0..<count { y[i] = min(max(x[i], 0), 6) }
    case .clip(let lo, let hi): for i in 0..<count { y[i] = min(max(x[i], lo), hi) }
    case .leakyRelu(let a): for i in 0..<count { y[i] = x[i] > 0 ? x[i] : a * x[i] }
    case .tanh: tanhBuffer(x, y, count)
    case .sigmoid: sigmoidBuffer(x, y, count)
    case .exp: for i in 0..<count { y[i] = expf(x[i]) }
    case .negate: for i in 0..<count { y[i] = -x[i] }
    case .square: for i in 0..<count { y[i] = x[i] * x[i] }
    case .sqrt: for i in 0..<count { y[i] = x[i].squareRoot() }
    }
  }

  public func reduceSum(
    _ x: UnsafePointer<Float>, outer: Int, axis: Int, inner: Int,
    into out: UnsafeMutablePointer<Float>
  ) {
    if inner == 1 {
      for o in 0..<outer { out[o] = rowSum(x + o * axis, axis) }
      return
    }
    for o in 0..<outer {
      let dst = out + o * inner
      dst.initialize(repeating: 0, count: inner)
      for a in 0..<axis {
        let src = x + (o * axis + a) * inner
        for i in 0..<inner { dst[i] += src[i] }
      }
    }
  }
}

/// Σ x[0..<n] with 16 independent lanes (a plain loop cannot vectorise a float sum).
@inline(__always)
public func rowSum(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
  var acc = SIMD16<Float>()
  var i = 0
  let raw = UnsafeRawPointer(x)
  while i + 16 <= n {
    acc += raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
    i += 16
  }
  var s = acc.sum()
  while i < n {
    s += x[i]
    i += 1
  }
  return s
}

/// tanh over a buffer: CKernels' `ck_tanh`, `fastTanh` on the CPU's widest vector unit
/// with the same rounding.
func tanhBuffer(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
  ck_tanh(x, y, n, -1)
}

/// σ over a buffer via tanh.
func sigmoidBuffer(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
  var i = 0
  let (src, dst) = (UnsafeRawPointer(x), UnsafeMutableRawPointer(y))
  while i + 8 <= n {
    let v = src.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
    dst.storeBytes(of: 0.5 + 0.5 * fastTanh8(0.5 * v), toByteOffset: i * 4, as: SIMD8<Float>.self)
    i += 8
  }
  while i < n {
    y[i] = fastSigmoid(x[i])
    i += 1
  }
}

/// fastTanh on 8 lanes.
@inline(__always)
func fastTanh8(_ v: SIMD8<Float>) -> SIMD8<Float> {
  let limit = SIMD8<Float>(repeating: 7.90531110763549805)
  // Comparisons and selects, not clamped(): the generic pointwiseMin/Max are not inlined.
  let x = v.replacing(with: limit, where: v .> limit).replacing(with: -limit, where: v .< -limit)
  let x2 = x * x
  var p = SIMD8<Float>(repeating: -2.76076847742355e-16)
  p = p * x2 + 2.00018790482477e-13
  p = p * x2 + -8.60467152213735e-11
  p = p * x2 + 5.12229709037114e-08
  p = p * x2 + 1.48572235717979e-05
  p = p * x2 + 6.37261928875436e-04
  p = p * x2 + 4.89352455891786e-03
  p = p * x
  var q = SIMD8<Float>(repeating: 1.19825839466702e-06)
  q = q * x2 + 1.18534705686654e-04
  q = q * x2 + 2.26843463243900e-03
  q = q * x2 + 4.89352518554385e-03
  let r = p / q
  let small = (v .< 0.0004) .& (v .> -0.0004)
  return r.replacing(with: v, where: small)
}

/// tanh as a rational polynomial (Eigen's float kernel): branch-free so loops vectorise,
/// within a few ulp of libm's tanhf.
@inline(__always)
public func fastTanh(_ v: Float) -> Float {
  let x = min(max(v, -7.90531110763549805), 7.90531110763549805)
  let x2 = x * x
  var p: Float = -2.76076847742355e-16
  p = p * x2 + 2.00018790482477e-13
  p = p * x2 + -8.60467152213735e-11
  p = p * x2 + 5.12229709037114e-08
  p = p * x2 + 1.48572235717979e-05
  p = p * x2 + 6.37261928875436e-04
  p = p * x2 + 4.89352455891786e-03
  p = p * x
  var q: Float = 1.19825839466702e-06
  q = q * x2 + 1.18534705686654e-04
  q = q * x2 + 2.26843463243900e-03
  q = q * x2 + 4.89352518554385e-03
  let r = p / q
  return abs(v) < 0.0004 ? v : r
}

/// The logistic function via tanh: σ(x) = (1 + tanh(x/2)) / 2, vectorisable like fastTanh.
@inline(__always)
public func fastSigmoid(_ x: Float) -> Float {
  0.5 + 0.5 * fastTanh(0.5 * x)
}
