import CKernels
import Tensor

/// The activation and fake quantization a CKernels store applies to each output, built once
/// from a lowered node's; nil when the activation is one the kernels do not fuse.
struct KernelEpilogue: @unchecked Sendable {
  private let template: ck_epilogue

  /// Nothing but what each call adds (bias, residual).
  init() { template = ck_epilogue() }

  init?(activation: UnaryOp?, fakeQuant: [Float]?) {
    var ep = ck_epilogue()
    switch activation {
    case nil: break
    case .relu?: ep.activation = Int32(CK_ACT_RELU)
    case .relu6?: (ep.activation, ep.clip_lo, ep.clip_hi) = (Int32(CK_ACT_CLIP), 0, 6)
    case .clip(let lo, let hi)?: (ep.activation, ep.clip_lo, ep.clip_hi) = (Int32(CK_ACT_CLIP), lo, hi)
    default: return nil
    }
    if let q = fakeQuant {
      ep.fake_quant = 1
      (ep.fq_scale, ep.fq_zero, ep.fq_lo, ep.fq_hi) = (q[0], q[1], q[2], q[3])
    }
    template = ep
  }

  /// The epilogue with this call's bias and residual (row stride `ld`).
  func with(bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, ld: Int = 0) -> ck_epilogue {
    var ep = template
    (ep.bias, ep.residual, ep.residual_ld) = (bias, residual, ld)
    return ep
  }
}
