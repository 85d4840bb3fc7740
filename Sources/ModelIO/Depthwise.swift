import CKernels
import Tensor

/// A direct 3×3 depthwise convolution (one filter per channel, dilation 1) with the bias,
/// activation and fake quantization fused: CKernels' `ck_depthwise3x3` (AVX2/FMA where the
/// CPU has it), the channel planes split over the engine's threads. MobileNet-style nets
/// spend a large share of their time here.
struct Depthwise3x3: @unchecked Sendable {
  let channels: Int, height: Int, width: Int
  let stride: Int, padTop: Int, padLeft: Int
  let outH: Int, outW: Int
  /// Weights [C, 9] and bias [C].
  let weights: [Float]
  let bias: [Float]
  let activation: UnaryOp?
  /// Fused fake quantization [scale, zeroPoint, lo, hi], applied after the activation.
  var fakeQuant: [Float]? = nil
  /// Runs the portable C code even on an AVX2 machine (so tests cover both).
  var forcePortable = false

  /// Whether this CPU runs the AVX2/FMA kernel (unless forced portable).
  static var hasAVX2: Bool { ck_depthwise_has_avx2() != 0 }

  func callAsFunction(_ x: Tensor, batch: Int) -> Tensor {
    var y = Tensor(uninitializedShape: [batch, channels, outH, outW])
    var params = kernelParameters
    // An activation the kernel lacks runs here afterwards, and the fake quantization after it.
    let after = params.activation == CK_ACTIVATION_NONE ? activation : nil
    let quantizeAfter = after != nil ? fakeQuant : nil
    if after != nil { params.fake_quant = 0 }
    let plane = outH * outW
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        weights.withUnsafeBufferPointer { wp in
          bias.withUnsafeBufferPointer { bp in
            params.weights = wp.baseAddress
            params.bias = bp.baseAddress
            let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
            parallelChunks(batch * channels, grain: max(1, 2048 / max(plane, 1))) { planes in
              var p = params
              ck_depthwise3x3(&p, xb, yb, planes.lowerBound, planes.upperBound)
              guard let after else { return }
              let out = yb + planes.lowerBound * plane
              applyActivation(after, out, planes.count * plane)
              if let q = quantizeAfter {
                fakeQuantize(out, planes.count * plane, scale: q[0], zeroPoint: q[1], lo: q[2], hi: q[3])
              }
            }
          }
        }
      }
    }
    return y
  }

  /// Whether the kernel applies the activation itself (no pass afterwards).
  var activatesItself: Bool { activation == nil || kernelParameters.activation != CK_ACTIVATION_NONE }

  /// Output rows `o` of one image, every channel, into `y` (the image's whole output), from
  /// `rows`: input rows `r` of every channel, [channels][r.count][width]. The same sums as
  /// the whole image's: a band's top padding is the image's only at row 0.
  func band(
    _ rows: UnsafePointer<Float>, rows r: Range<Int>, outputRows o: Range<Int>, into y: UnsafeMutablePointer<Float>
  ) {
    var p = kernelParameters
    (p.channels, p.height, p.out_height) = (1, r.count, o.count)
    p.pad_top = Int32(r.lowerBound - (o.lowerBound * stride - padTop))
    weights.withUnsafeBufferPointer { wp in
      bias.withUnsafeBufferPointer { bp in
        for c in 0..<channels {
          (p.weights, p.bias) = (wp.baseAddress! + 9 * c, bp.baseAddress! + c)
          ck_depthwise3x3(&p, rows + c * r.count * width, y + (c * outH + o.lowerBound) * outW, 0, 1)
        }
      }
    }
  }

  /// The kernel's parameters, less the weight and bias pointers.
  private var kernelParameters: ck_depthwise_params {
    var p = ck_depthwise_params()
    (p.channels, p.height, p.width) = (channels, height, width)
    (p.out_height, p.out_width) = (outH, outW)
    (p.stride, p.pad_top, p.pad_left) = (Int32(stride), Int32(padTop), Int32(padLeft))
    switch activation {
    case .relu?: p.activation = CK_ACTIVATION_RELU
    case .clip(let lo, let hi)?:
      p.activation = CK_ACTIVATION_CLIP
      (p.act_min, p.act_max) = (lo, hi)
    default: p.activation = CK_ACTIVATION_NONE
    }
    if let q = fakeQuant {
      p.fake_quant = 1
      (p.fq_scale, p.fq_zero, p.fq_lo, p.fq_hi) = (q[0], q[1], q[2], q[3])
    }
    p.force_portable = forcePortable ? 1 : 0
    return p
  }
}
