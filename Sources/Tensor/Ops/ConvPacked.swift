import CKernels

extension ConvGeometry {
  /// The geometry as CKernels' convolution kernels take it, reading input `x`.
  public func kernelSource(_ x: UnsafePointer<Float>?) -> ck_conv_source {
    ck_conv_source(
      x: x, channels: channels, height: height, width: width, kernel_h: kernelH, kernel_w: kernelW,
      stride_h: strideH, stride_w: strideW, pad_top: padTop, pad_left: padLeft, dilation_h: dilationH,
      dilation_w: dilationW, out_h: outH, out_w: outW)
  }
}

/// Training's convolutions on the inference kernels (CKernels' packed gemm), groups 1.
/// OpenBLAS's gemm packs both operands on every call; for a convolution's forward pass that
/// meant writing the unfolded input (im2col), packing it again, and scattering the
/// [Cout, N·P] product into NCHW. Here the panels are packed straight from the images and
/// the product lands in NCHW with its bias; the gradient gemms read their B (the output
/// gradient, the unfolded input as rows) where it lies. All run on the engine's pool
/// (serially inside a training shard, where the pool is set to one thread).
extension CPUBackend {
  /// y (NCHW, [n, cout, outH, outW]) = conv(x, w) + bias over `images` images of `g`.
  public func convForwardPacked(
    _ x: UnsafePointer<Float>, images n: Int, weight w: UnsafePointer<Float>, outputs cout: Int,
    bias: UnsafePointer<Float>?, geometry g: ConvGeometry, into y: UnsafeMutablePointer<Float>
  ) throws(TensorError) {
    let (k, p) = (g.patchSize, g.outPlane)
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: ck_gemm_packed_a_count(cout, k))
    defer { packed.deallocate() }
    ck_gemm_pack_a(cout, k, w, k, packed)
    var ep = ck_epilogue()
    ep.bias = bias
    var images = ck_batch(count: n, x_stride: g.channels * g.height * g.width, c_stride: cout * p, residual_stride: 0)
    let status: Int32
    if g.isPointwise {
      status = ck_gemm_batched(cout, p, k, packed, &images, x, p, y, p, &ep)
    } else {
      var source = g.kernelSource(x)
      status = ck_conv_gemm_batched(cout, packed, &source, &images, y, p, &ep)
    }
    if status != 0 { throw TensorError("conv2d: out of memory for the packed panels") }
  }

  /// c (m × n) = a · b, or aᵀ · b with `transposedA` (a then stored row-major k × m), b
  /// row-major k × n.
  public func packedGemm(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, transposedA: Bool = false, b: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>
  ) throws(TensorError) {
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: ck_gemm_packed_a_count(m, k))
    defer { packed.deallocate() }
    if transposedA { ck_gemm_pack_a_transposed(m, k, a, m, packed) } else { ck_gemm_pack_a(m, k, a, k, packed) }
    if ck_gemm(m, n, k, packed, b, n, c, n, nil) != 0 {
      throw TensorError("gemm: out of memory for the packed panels")
    }
  }

  /// The im2col matrix transposed: one row of `g.patchSize` values per output position
  /// (image, oy, ox), so the weight gradient dT · colsᵀ is a plain gemm reading it as B.
  public func im2rows(
    _ x: UnsafePointer<Float>, imageStride: Int, images: Int, geometry g: ConvGeometry,
    into rows: UnsafeMutablePointer<Float>
  ) {
    var source = g.kernelSource(nil)
    ck_im2rows(x, imageStride, images, &source, rows)
  }
}
