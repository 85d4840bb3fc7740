import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// A convolution lowered for inference onto CKernels' packed gemm: the weights are packed
/// once at plan time, and bias, residual (ResNet's shortcut), activation and fake
/// quantization are applied as each output tile is stored, so the output is written once.
final class PackedConv: @unchecked Sendable {
  let geometry: ConvGeometry
  let groups: Int
  let outShape: [Int]
  let bias: [Float]?
  /// What the gemm applies as it stores (activation, fake quantization).
  let fused: KernelEpilogue
  /// What the gemm cannot fuse (other activations), applied afterwards with the fake quant.
  let after: ConvEpilogue?
  /// Packed weights, one block of `perGroup` floats per group (immutable after init); with
  /// `winograd`, the transformed weights U[ξ] packed for its gemms instead.
  private let packed: UnsafeMutablePointer<Float>
  private let perGroup: Int
  /// The Winograd tile size m of F(m×m, 3×3), or 0 for the direct packed gemm.
  let winograd: Int
  /// Whether the channel-blocked direct kernel runs it (BlockedConvRule), with the weights
  /// packed for that kernel instead of the gemm.
  let blocked: Bool

  init(
    weights: UnsafeBufferPointer<Float>, geometry g: ConvGeometry, groups: Int, outShape: [Int], bias: [Float]?,
    activation: UnaryOp?, fakeQuant: [Float]?, winogradTile: Int? = nil
  ) {
    self.geometry = g
    self.groups = groups
    self.outShape = outShape
    self.bias = bias
    let coutG = outShape[1] / groups
    // A tile size given (by tests) applies only where Winograd computes the convolution.
    let tile = winogradTile.map { WinogradRule.eligible(g, groups: groups) ? $0 : 0 }
      ?? WinogradRule.tile(g, groups: groups, outputs: outShape[1])
    // An activation the kernels cannot fuse runs afterwards, with the fake quantization.
    let kernelEpilogue = KernelEpilogue(activation: activation, fakeQuant: fakeQuant)
    let fused = kernelEpilogue ?? KernelEpilogue()
    after = kernelEpilogue == nil ? ConvEpilogue(activation: activation, fakeQuant: fakeQuant) : nil
    self.fused = fused
    let blocked = tile == 0 && BlockedConvRule.applies(g, groups: groups, outputs: coutG, epilogue: fused.with(bias: nil))
    let perGroup = tile > 0
      ? ck_winograd_packed_count(Int32(tile), coutG, g.channels)
      : blocked ? ck_conv_blocked_packed_count(coutG, g.patchSize) : ck_gemm_packed_a_count(coutG, g.patchSize)
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: max(1, perGroup * groups))
    adviseHugePages(UnsafeMutableRawPointer(packed), byteCount: perGroup * groups * 4)
    if tile > 0 {
      ck_winograd_pack_weights(Int32(tile), coutG, g.channels, weights.baseAddress!, packed)
    } else if blocked {
      ck_conv_blocked_pack(coutG, g.patchSize, weights.baseAddress!, packed)
    } else {
      for gi in 0..<groups {
        ck_gemm_pack_a(
          coutG, g.patchSize, weights.baseAddress! + gi * coutG * g.patchSize, g.patchSize, packed + gi * perGroup)
      }
    }
    (self.perGroup, self.packed, winograd, self.blocked) = (perGroup, packed, tile, blocked)
  }

  deinit { packed.deallocate() }

  /// The convolution of `x` (plus `residual`, of the output's shape, when given).
  func callAsFunction(_ x: Tensor, residual: Tensor?) throws(ModelLoadError) -> Tensor {
    var y = Tensor(uninitializedShape: outShape)
    let ok = y.withUnsafeMutableBufferPointer {
      run(x, residual: residual, into: $0.baseAddress!, channels: outShape[1], offset: 0)
    }
    if !ok { throw .outOfScratchMemory }
    after?.apply(&y)
    return y
  }

  /// Writes the output as channels `offset...` of an NCHW buffer of `channels` channels (a
  /// Concat's output, so the concatenation costs no copy). Only without an `after` pass.
  /// False when the kernels could not get scratch memory.
  func run(_ x: Tensor, residual: Tensor?, into y: UnsafeMutablePointer<Float>, channels total: Int, offset: Int) -> Bool {
    var status: Int32 = 0
    let (batch, cout, plane) = (outShape[0], outShape[1], geometry.outPlane)
    let coutG = cout / groups
    let inGroup = geometry.channels * geometry.height * geometry.width
    if winograd > 0 || blocked {
      return runWhole(x, residual: residual, into: y + offset * plane, channels: total)
    }
    let chunk = Self.stackedImages(plane: plane, batch: batch)
    x.withUnsafeBufferPointer { xp in
      withOptionalPointer(residual) { rp in
        withOptionalPointer(bias) { bp in
          // `chunk` images at a time run as one gemm per group whose columns are all their outputs.
          for n0 in stride(from: 0, to: batch, by: chunk) {
            let count = min(chunk, batch - n0)
            let images = ck_batch(
              count: count, x_stride: groups * inGroup, c_stride: total * plane, residual_stride: cout * plane)
            for gi in 0..<groups {
              let src = xp.baseAddress! + n0 * groups * inGroup + gi * inGroup
              let out = y + (n0 * total + offset + gi * coutG) * plane
              let own = (n0 * cout + gi * coutG) * plane
              var ep = epilogue(bias: bp.map { $0 + gi * coutG }, residual: rp.map { $0 + own }, ld: plane)
              status |= gemm(group: gi, src, out, &ep, count == 1 ? nil : images)
            }
          }
        }
      }
    }
    return status == 0
  }

  /// Rows `rows` of a 1×1 convolution's output for one image (input planes at `x`), every
  /// channel, into `y` as [channels][rows.count][width], on the calling thread (from inside
  /// a pool task the gemm runs serially). False without scratch memory.
  func pointwiseRows(_ x: UnsafePointer<Float>, rows: Range<Int>, into y: UnsafeMutablePointer<Float>) -> Bool {
    let g = geometry
    let n = rows.count * g.width
    return withOptionalPointer(bias) { bp in
      var ep = epilogue(bias: bp, residual: nil, ld: n)
      return ck_gemm(outShape[1], n, g.channels, packed, x + rows.lowerBound * g.width, g.outPlane, y, n, &ep) == 0
    }
  }

  /// The whole batch as one Winograd convolution (its images' tiles share the gemms), or as
  /// one call of the blocked kernel.
  private func runWhole(_ x: Tensor, residual: Tensor?, into out: UnsafeMutablePointer<Float>, channels total: Int)
    -> Bool
  {
    let g = geometry
    let (batch, cout, plane) = (outShape[0], outShape[1], g.outPlane)
    var images = ck_batch(
      count: batch, x_stride: g.channels * g.height * g.width, c_stride: total * plane, residual_stride: cout * plane)
    var source = g.kernelSource(nil)
    let status = x.withUnsafeBufferPointer { xp in
      withOptionalPointer(residual) { rp in
        withOptionalPointer(bias) { bp in
          source.x = xp.baseAddress
          var ep = epilogue(bias: bp, residual: rp, ld: plane)
          if blocked {
            var flat = BlockedConvRule.source(g, x: source.x)
            return ck_conv_blocked(cout, packed, &flat, &images, out, plane, &ep)
          }
          return ck_winograd_conv(Int32(winograd), cout, packed, &source, &images, out, plane, &ep)
        }
      }
    }
    return status == 0
  }

  /// How many images of a batch run as one gemm: enough for about `stackedColumns` output
  /// columns, so small feature maps fill whole blocks and the pool meets once per layer,
  /// while a large map's images still run one at a time (their padded inputs stay in L2).
  static func stackedImages(plane: Int, batch: Int) -> Int {
    max(1, min(batch, (stackedColumns + plane - 1) / max(1, plane)))
  }

  /// Measured on bench/predict's nets (see the commit that set it).
  static let stackedColumns: Int = {
    if let s = getenv("TABBY_STACK_COLUMNS"), let v = Int(String(cString: s)) { return v }
    return 1024
  }()

  /// Group `gi`'s gemm for one image (`images` nil) or a stacked batch.
  private func gemm(
    group gi: Int, _ src: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ ep: inout ck_epilogue,
    _ images: ck_batch?
  ) -> Int32 {
    let g = geometry
    let (a, plane) = (packed + gi * perGroup, g.outPlane)
    let coutG = outShape[1] / groups
    if g.isPointwise {
      guard var images else { return ck_gemm(coutG, plane, g.patchSize, a, src, plane, out, plane, &ep) }
      return ck_gemm_batched(coutG, plane, g.patchSize, a, &images, src, plane, out, plane, &ep)
    }
    var source = g.kernelSource(src)
    guard var images else { return ck_conv_gemm(coutG, a, &source, out, plane, &ep) }
    return ck_conv_gemm_batched(coutG, a, &source, &images, out, plane, &ep)
  }

  private func epilogue(bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, ld: Int) -> ck_epilogue {
    fused.with(bias: bias, residual: residual, ld: ld)
  }
}

/// The storage of an optional tensor or array as an optional pointer (nil when absent), for
/// the kernels' optional bias and residual arguments.
func withOptionalPointer<R>(_ t: Tensor?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let t else { return body(nil) }
  return t.withUnsafeBufferPointer { body($0.baseAddress) }
}

func withOptionalPointer<R>(_ a: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let a else { return body(nil) }
  return a.withUnsafeBufferPointer { body($0.baseAddress) }
}
