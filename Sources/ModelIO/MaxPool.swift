import CKernels
import Tensor

/// 2-D max pooling by CKernels' vectorised kernel (ck_maxpool2d), planes split over the
/// engine's threads; windows clipped to the input (padding never wins a max).
struct MaxPool2DPlan {
  let params: ck_maxpool_params

  init(shape: [Int], kernel: [Int], strides: [Int], pads: [Int], out: [Int]) {
    params = ck_maxpool_params(
      planes: shape[0] * shape[1], height: shape[2], width: shape[3], out_height: out[2], out_width: out[3],
      kernel_h: kernel[0], kernel_w: kernel[1], stride_h: strides[0], stride_w: strides[1], pad_top: pads[0],
      pad_left: pads[1])
  }

  /// Pools `x` (planes × height × width floats) into a [planes, 1, outH, outW] tensor;
  /// `level` caps the kernel's instruction set (CK_LEVEL_*; -1: the CPU's best), for tests.
  func callAsFunction(_ x: Tensor, level: Int32 = -1) throws(ModelLoadError) -> Tensor {
    var y = Tensor(uninitializedShape: [params.planes, 1, params.out_height, params.out_width])
    var params = params
    let status = y.withUnsafeMutableBufferPointer { yp in
      x.withUnsafeBufferPointer { xp in ck_maxpool2d(&params, xp.baseAddress!, yp.baseAddress!, level) }
    }
    guard status == 0 else { throw .outOfScratchMemory }
    return y
  }
}
