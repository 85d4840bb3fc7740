#ifndef CK_IM2ROWS_H
#define CK_IM2ROWS_H

#include "ck_gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/// The im2col matrix of `images` images (image i at x + i·image_stride) transposed: one
/// row of channels·kernel_h·kernel_w values per output position (image, oy, ox), zeros
/// where the kernel reaches into the padding. Training's weight gradient dT · colsᵀ reads
/// it in place as a gemm's B. (source->x is ignored.)
void ck_im2rows(const float *x, long image_stride, long images, const ck_conv_source *source, float *rows);

#ifdef __cplusplus
}
#endif
#endif
