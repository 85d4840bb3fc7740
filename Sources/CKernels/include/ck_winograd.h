#ifndef CK_WINOGRAD_H
#define CK_WINOGRAD_H

#include "ck_gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Floats the transformed, packed weights of a 3×3 convolution take for Winograd F(m×m, 3×3)
/// (m = 2 or 4): (m + 2)² matrices of cout × cin, each packed as ck_gemm_pack_a packs A.
long ck_winograd_packed_count(int m, long cout, long cin);

/// Transforms weights (cout × cin × 3 × 3, row-major) into U = G g Gᵀ and packs the (m + 2)²
/// matrices U[ξ] (cout × cin each) for the packed gemm. Runs on ck_parallel_for's pool.
void ck_winograd_pack_weights(int m, long cout, long cin, const float *weights, float *packed);

/// A stride-1, dilation-1 3×3 convolution of `source` (any pads; kernel, stride and dilation
/// fields must say 3×3, 1, 1) by Winograd F(m×m, 3×3): the input tiles are transformed,
/// multiplied by the packed U[ξ] on the packed gemm (one gemm per ξ), transformed back, and
/// the epilogue is applied as C is written. C holds `cout` rows of out_h·out_w (row stride
/// ldc; the residual's row stride is the epilogue's residual_ld). With `batch`, its images
/// (x_stride, c_stride, residual_stride apart) run as one set of gemms. Returns 0, -1 without
/// scratch memory, -2 for an unsupported geometry or tile size.
int ck_winograd_conv(int m, long cout, const float *packed, const ck_conv_source *source, const ck_batch *batch,
                     float *c, long ldc, const ck_epilogue *epilogue);

#ifdef __cplusplus
}
#endif
#endif
