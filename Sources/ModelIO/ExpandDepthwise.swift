import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// MobileNetV2's expansion (a 1×1 packed convolution, EfficientNet's with its SiLU) and the
/// 3×3 depthwise convolution that alone reads it, as one step run by bands of output rows.
/// Each task expands just the rows its band's depthwise reads (a band's first input row is
/// also its neighbour's last, so it is expanded twice) into a buffer that stays in the L2,
/// and runs the depthwise on them at once: the expanded map (six times the block's
/// channels, 4.8 MB at 112×112) is never written to memory and read back. Alone, the 16→96
/// expansion writes its 4.8 MB in 255 µs into a buffer still in the L3 and in 430–460 µs
/// into one that is not, as in the net (bench/README.md, 2026-12-05). The arithmetic is the
/// two steps' bit for bit: the gemm's sums do not depend on which columns a call takes, nor
/// the depthwise's on where a band starts (its padding taps add zero products either way).
final class ExpandDepthwise: @unchecked Sendable {
  let expand: PackedConv
  let depthwise: Depthwise3x3
  /// x·σ(x) on the expanded rows (EfficientNet's SiLU), in the band buffer while it is hot.
  let expandSiLU: Bool
  /// Output rows per band: a band's expanded rows fill about `bandBytes`.
  let bandRows: Int
  static let bandBytes = 512 << 10

  /// `TABBY_FUSE_EXPAND=0` keeps the two steps apart (A/B runs).
  static let enabled: Bool = getenv("TABBY_FUSE_EXPAND").map { String(cString: $0) != "0" } ?? true

  /// Nil unless `expand` is a plain 1×1 packed gemm (no Winograd, blocked kernel or later
  /// pass) whose output is `depthwise`'s whole input, and the depthwise applies its
  /// activation itself, on a map of at least `minimumPlane` positions.
  init?(expand: PackedConv, depthwise: Depthwise3x3, expandSiLU: Bool = false) {
    let g = expand.geometry
    guard Self.enabled, g.isPointwise, expand.groups == 1, expand.winograd == 0, !expand.blocked,
      expand.after == nil, depthwise.fakeQuant == nil, depthwise.activatesItself, !depthwise.forcePortable,
      depthwise.channels == expand.outShape[1], depthwise.height == g.outH, depthwise.width == g.outW,
      g.outPlane >= Self.minimumPlane
    else { return nil }
    (self.expand, self.depthwise, self.expandSiLU) = (expand, depthwise, expandSiLU)
    let rowsIn = max(4, Self.bandBytes / (depthwise.channels * depthwise.width * 4))
    bandRows = max(1, (rowsIn - 3) / depthwise.stride + 1)
  }

  /// Measured on MobileNetV2 (2 threads, the pair's steps against the fused one, best of 4–5
  /// alternating runs): its 112×112 block 0.63–0.75× (579 → 436 µs quiet); the 56×56 blocks
  /// 1.18× and the 28×28 ones 1.6–1.75×, where re-expanding each band's edge rows and the
  /// per-channel depthwise calls cost more than the memory saved. So only the large maps.
  static let minimumPlane = 100 * 100

  /// The input rows [r0, r1) output rows [oy0, oy1) read.
  private func inputRows(_ oy0: Int, _ oy1: Int) -> (Int, Int) {
    let d = depthwise
    return (max(0, oy0 * d.stride - d.padTop), min(d.height, (oy1 - 1) * d.stride - d.padTop + 3))
  }

  func callAsFunction(_ x: Tensor, batch: Int) throws(ModelLoadError) -> Tensor {
    let d = depthwise
    var y = Tensor(uninitializedShape: [batch, d.channels, d.outH, d.outW])
    let bands = (d.outH + bandRows - 1) / bandRows
    let inImage = expand.geometry.channels * d.height * d.width, outImage = d.channels * d.outH * d.outW
    let bufferFloats = d.channels * ((bandRows - 1) * d.stride + 3) * d.width
    var failed = false
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        let (xb, yb) = (xp.baseAddress!, yp.baseAddress!)
        parallelChunks(batch * bands, grain: 1) { tasks in
          let buffer = UnsafeMutablePointer<Float>.allocate(capacity: bufferFloats)
          defer { buffer.deallocate() }
          for t in tasks {
            let (n, band) = (t / bands, t % bands)
            let oy0 = band * bandRows, oy1 = min(d.outH, oy0 + bandRows)
            let (r0, r1) = inputRows(oy0, oy1)
            if !expand.pointwiseRows(xb + n * inImage, rows: r0..<r1, into: buffer) { failed = true }
            // Elementwise, so the same bits as the SiLU pass over the whole map.
            if expandSiLU { ck_silu(buffer, buffer, d.channels * (r1 - r0) * d.width, -1) }
            d.band(buffer, rows: r0..<r1, outputRows: oy0..<oy1, into: yb + n * outImage)
          }
        }
      }
    }
    if failed { throw .outOfScratchMemory }
    return y
  }
}

extension Planner {
  /// A 3×3 depthwise convolution whose input only it reads, made by a 1×1 packed
  /// convolution (or by one and its SiLU): the two become one ExpandDepthwise step. False
  /// when that does not hold.
  mutating func fuseExpansion(_ node: Node, input: Int, batch: Int, _ dw: Depthwise3x3) throws(ModelLoadError)
    -> Bool
  {
    let silu = packedConvs[input] == nil
    guard let c = packedConvs[input] ?? siluConvs[input], c.inputs.count == 1, uses[node.inputs[0]] == 1,
      let fused = ExpandDepthwise(expand: c.conv, depthwise: dw, expandSiLU: silu)
    else { return false }
    absorbedSteps.insert(c.step)
    let kind = silu ? "Conv(expand+SiLU+depthwise)" : "Conv(expand+depthwise)"
    try bind(node, [batch, dw.channels, dw.outH, dw.outW], inputs: c.inputs, kind: kind) {
      try fused($0[0], batch: batch)
    }
    return true
  }
}
