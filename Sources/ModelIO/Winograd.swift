import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// Which stride-1 3×3 convolutions run as Winograd F(m×m, 3×3) (CKernels' winograd.c) rather
/// than as the direct packed gemm, and with which tile size m.
enum WinogradRule {
  /// `TABBY_WINOGRAD`: `0` keeps every convolution on the direct path (A/B runs), `2` or `4`
  /// forces that tile size on every eligible convolution; unset (or `1`) lets `tile` decide.
  static let setting: Int = getenv("TABBY_WINOGRAD").flatMap { Int(String(cString: $0)) } ?? 1

  /// The convolutions Winograd computes exactly as written: one group, 3×3, stride 1, no dilation.
  static func eligible(_ g: ConvGeometry, groups: Int) -> Bool {
    groups == 1 && g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1 && g.dilationH == 1
      && g.dilationW == 1 && g.outH > 0 && g.outW > 0
  }

  /// The tile size for a convolution (0: the direct path), under `setting`.
  static func tile(_ g: ConvGeometry, groups: Int, outputs: Int) -> Int {
    guard eligible(g, groups: groups) else { return 0 }
    switch setting {
    case 0: return 0
    case 2, 4: return setting
    default: return measuredTile(g, outputs: outputs)
    }
  }

  /// The rule measured on this machine (2 threads, batch 1, one layer at a time against the
  /// direct packed gemm, best of 150 interleaved runs; ResNet's and DenseNet's shapes):
  /// - 56×56 maps: F(4,3) at 0.65–0.74× the direct time (F(2,3) 0.73–0.95×);
  /// - 28×28: F(4,3) 0.72× with 128 outputs; with 32 outputs F(2,3) 0.68×, F(4,3) 0.90×;
  /// - 14×14: F(2,3) 0.79× with 256 channels (F(4,3) the same, with twice the weights to
  ///   transform at load); with 32 outputs both are slower (1.25×, 1.35×);
  /// - 7×7 with 512 channels: F(2,3) 0.82×, but transforming its 16 MB of weights adds
  ///   tens of milliseconds to the load, so it stays direct (F(4,3): 2.2×).
  /// Small maps make narrow gemms that read the transformed weights for few columns.
  /// In whole nets (TABBY_PROFILE, TABBY_WINOGRAD=0 against the rule, best of 4 runs) the
  /// chosen layers take 0.51–0.75× (ResNet-18), 0.61–0.89× (ResNet-50) and, for DenseNet-121's
  /// 56×56 F(4,3) layers, 0.65× their direct time; DenseNet's 28×28 F(2,3) layers about 1.0×.
  static func measuredTile(_ g: ConvGeometry, outputs: Int) -> Int {
    let plane = g.outH * g.outW
    if plane >= 40 * 40 { return 4 }
    if plane >= 24 * 24 { return outputs >= 64 ? 4 : 2 }
    if plane >= 12 * 12 { return outputs >= 128 && g.channels >= 128 ? 2 : 0 }
    return 0
  }
}
