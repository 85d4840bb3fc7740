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

  /// The rule measured on bench/predict's nets (2 threads, batch 1; see the commit that set it):
  /// F(4,3) wins where a map has at least 7×7 tiles of 4×4 (28×28 and 56×56 maps): its 36
  /// gemms each have enough columns. On smaller maps the gemms are narrow and read the
  /// transformed weights (4× the direct path's) for few columns, so they stay direct.
  static func measuredTile(_ g: ConvGeometry, outputs: Int) -> Int {
    let tiles = ((g.outH + 3) / 4) * ((g.outW + 3) / 4)
    return tiles >= 49 ? 4 : 0
  }
}
