import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Which convolutions run on CKernels' channel-blocked direct kernel (conv_blocked.c) rather
/// than the im2col gemm: the small late maps, where the gemm's 32-column blocks go partly
/// empty and it repacks its B panels for every tile. The sums are the gemm's bit for bit, so
/// the choice changes speed only. Winograd, where its rule picks it, comes first.
enum BlockedConvRule {
  /// `TABBY_BLOCKED_CONV=0` keeps every convolution on the gemm (A/B runs).
  static let enabled: Bool = getenv("TABBY_BLOCKED_CONV").map { String(cString: $0) != "0" } ?? true

  /// Measured with TABBY_PROFILE (2 threads, batch 1, TABBY_BLOCKED_CONV=0 against 1,
  /// alternating runs; bench/README.md, 2026-12-05), per step:
  /// - SqueezeNet's 13×13 Fire modules (expand 1×1 + 3×3): 0.77–0.79× (fire9 378 → 299 µs);
  /// - 7×7 3×3 layers: ResNet-18's 0.72–0.80×, ResNet-50's 0.72–0.77×, DenseNet-121's 0.45×;
  /// - stride-2 3×3 layers to 14×14 and 7×7 (ResNet-18): 0.76×;
  /// - 14×14 with 256 channels: slower than Winograd F(2,3) (1.37×), which keeps them;
  /// - 27×27 and 55×55 maps (in 14-column segments): the same as the gemm, which keeps them;
  /// - 1×1 convolutions: see `pointwiseMax`.
  static let maxWidth = 14

  /// 1×1 convolutions run blocked on maps of at most this many positions (7×7), as one
  /// row of all their positions: 0.85–0.94× the gemm (ResNet-50's, MobileNetV2's 7×7 layers),
  /// whose 32-column blocks cover 49 columns in two. On 13×13 and 14×14 maps it was 1.04–1.2×
  /// for the expanding ones (few input channels), about 1.0× for the rest, so they stay.
  static let pointwiseMax = 64

  /// Whether the convolution of geometry `g` with epilogue `ep` takes the blocked kernel.
  static func applies(_ g: ConvGeometry, groups: Int, outputs: Int, epilogue ep: ck_epilogue) -> Bool {
    guard enabled, groups == 1 else { return false }
    if g.isPointwise {
      guard g.outPlane <= pointwiseMax else { return false }
    } else {
      guard g.outW <= maxWidth else { return false }
    }
    var source = source(g, x: nil)
    var ep = ep
    return ck_conv_blocked_usable(outputs, &source, &ep) != 0
  }

  /// The kernel's view of the convolution: a 1×1 one as a single row of all its positions
  /// (its input planes are contiguous either way), so its columns fill whole segments.
  static func source(_ g: ConvGeometry, x: UnsafePointer<Float>?) -> ck_conv_source {
    if g.isPointwise {
      return ck_conv_source(
        x: x, channels: g.channels, height: 1, width: g.outPlane, kernel_h: 1, kernel_w: 1, stride_h: 1, stride_w: 1,
        pad_top: 0, pad_left: 0, dilation_h: 1, dilation_w: 1, out_h: 1, out_w: g.outPlane)
    }
    return g.kernelSource(x)
  }
}
