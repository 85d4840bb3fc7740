import CKernels
import Tensor

#if canImport(Glibc)
  import Glibc
#endif

/// A network's first convolution (at most four input channels) by CKernels' direct kernel
/// (ck_conv_direct), where the im2col gemm's short depth (27 for 3×3 on RGB) wastes its
/// packing; bias and ReLU/Clip applied as each output is stored.
final class DirectConv: @unchecked Sendable {
  let geometry: ConvGeometry
  let outShape: [Int]
  let weights: [Float]
  let bias: [Float]?
  private let fused: KernelEpilogue

  /// Nil where the direct kernel does not apply (more channels, groups, dilation, an
  /// activation it cannot fuse, fake quantization, a small output, no AVX-512) or is turned off by
  /// TABBY_DIRECT_CONV=0 (for measurements).
  init?(weights: UnsafeBufferPointer<Float>, geometry g: ConvGeometry, groups: Int, outShape: [Int], bias: [Float]?,
    activation: UnaryOp?, fakeQuant: [Float]?)
  {
    // Small outputs (a squeeze-and-excitation's 1×1 convolutions on 4 channels) gain nothing.
    guard groups == 1, fakeQuant == nil, Self.enabled, g.outPlane >= 1024,
      let fused = KernelEpilogue(activation: activation, fakeQuant: nil)
    else { return nil }
    var source = Self.source(g, x: nil)
    var ep = fused.with(bias: nil)
    guard ck_conv_direct_usable(outShape[1], &source, &ep) != 0 else { return nil }
    (geometry, self.outShape, self.weights, self.bias, self.fused) = (g, outShape, Array(weights), bias, fused)
  }

  static let enabled: Bool = getenv("TABBY_DIRECT_CONV").map { String(cString: $0) != "0" } ?? true

  /// Whether a max pooling that alone reads this convolution's output runs fused with it
  /// (ck_conv_direct_maxpool); TABBY_DIRECT_POOL=0 turns it off, for measurements.
  static let poolingEnabled: Bool = getenv("TABBY_DIRECT_POOL").map { String(cString: $0) != "0" } ?? true

  static func source(_ g: ConvGeometry, x: UnsafePointer<Float>?) -> ck_conv_source { g.kernelSource(x) }

  /// The convolution of `x`, image by image; `level` caps the kernels (CK_LEVEL_*), for tests.
  func callAsFunction(_ x: Tensor, level: Int32 = -1) throws(ModelLoadError) -> Tensor {
    let (cout, plane) = (outShape[1], geometry.outPlane)
    return try eachImage(x, into: outShape) { source, ep, y in
      ck_conv_direct(cout, weights, &source, y, plane, &ep, level)
    }
  }

  /// The max pooling `pool` (over this convolution's output planes) of the convolution of
  /// `x`, equal bit for bit to pooling `self(x)`, without ever holding that whole output.
  func pooled(_ x: Tensor, _ pool: ck_maxpool_params, level: Int32 = -1) throws(ModelLoadError) -> Tensor {
    var params = pool
    let shape = [outShape[0], outShape[1], pool.out_height, pool.out_width]
    return try eachImage(x, into: shape) { source, ep, y in
      ck_conv_direct_maxpool(shape[1], weights, &source, &ep, &params, y, level)
    }
  }

  /// A new tensor of `shape` filled image by image by `kernel`, given the image's source,
  /// the fused epilogue and where the image's output goes; a kernel's -1 is out of memory.
  private func eachImage(
    _ x: Tensor, into shape: [Int],
    _ kernel: (inout ck_conv_source, inout ck_epilogue, UnsafeMutablePointer<Float>) -> Int32
  ) throws(ModelLoadError) -> Tensor {
    var y = Tensor(uninitializedShape: shape)
    let inImage = geometry.channels * geometry.height * geometry.width
    let outImage = shape.dropFirst().reduce(1, *)
    var status: Int32 = 0
    y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in
        withOptionalPointer(bias) { bp in
          var ep = fused.with(bias: bp)
          for n in 0..<shape[0] {
            var source = Self.source(geometry, x: xp.baseAddress! + n * inImage)
            status |= kernel(&source, &ep, yp.baseAddress! + n * outImage)
          }
        }
      }
    }
    if status != 0 { throw .outOfScratchMemory }
    return y
  }
}
