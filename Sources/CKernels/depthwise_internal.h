// Shared by the portable and AVX2 halves of the depthwise convolution; not part of the
// module's interface.
#ifndef CK_DEPTHWISE_INTERNAL_H
#define CK_DEPTHWISE_INTERNAL_H

#include "ck_depthwise.h"

#define CK_HIDDEN __attribute__((visibility("hidden")))

/// The zero-padded copy of one input plane: `rows` rows of `pitch` floats. In the split
/// layout (AVX2, stride 2) a row holds the even padded columns at [0, half) and the odd ones
/// at [half, 2·half). `columns` input columns per row are copied: those some output reads.
typedef struct {
  long rows, pitch, half, columns;
} ck_dw_layout;

/// The layout for these parameters; `split` for the stride-2 AVX2 code.
CK_HIDDEN ck_dw_layout ck_dw_layout_for(const ck_depthwise_params *p, int split);

/// Whether the AVX2 code runs these parameters: the CPU has AVX2 and FMA, the stride is 1
/// or 2, and the bounds are ordered (its epilogue merges the clamps, see depthwise_avx2.c).
CK_HIDDEN int ck_dw_avx2_usable(const ck_depthwise_params *p);

/// Planes [begin, end) with the AVX2 code, using `pad` (zeroed, laid out by `l`) as scratch.
CK_HIDDEN void ck_dw_avx2_planes(const ck_dw_layout *l, const ck_depthwise_params *p, const float *x, float *y,
                                 float *pad, long begin, long end);

#endif
