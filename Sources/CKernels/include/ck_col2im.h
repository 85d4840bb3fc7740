#ifndef CK_COL2IM_H
#define CK_COL2IM_H

#include "ck_gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Adds the columns [channels·kernel_h·kernel_w, images·out_h·out_w] (training's input
/// gradient Wᵀ·dT) back into `images` images (image i at x + i·image_stride), skipping the
/// positions that fall in the padding: the inverse gather of im2col. The additions run in
/// the same order on every path (channel, kernel row, kernel column, image, output row), so
/// the sums are the same bits on any CPU. (source->x is ignored.)
void ck_col2im(const float *cols, long image_stride, long images, const ck_conv_source *source, float *x);

#ifdef __cplusplus
}
#endif
#endif
