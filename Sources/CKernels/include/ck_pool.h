#ifndef CK_POOL_H
#define CK_POOL_H

#ifdef __cplusplus
extern "C" {
#endif

/// A 2-D max pooling over NCHW planes. Windows are clipped to the input (padding never wins a
/// max, as if it were -inf); a window wholly in the padding gives -inf.
typedef struct {
  long planes, height, width, out_height, out_width;
  long kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left;
} ck_maxpool_params;

/// y[p][oy][ox] = max over the window's valid inputs, each max taken as `v > m ? v : m` with
/// the taps in kernel order (row-major), so NaN and signed zeros come out as from a scalar
/// loop. Planes are split over the pool's threads. `level` caps the code path (CK_LEVEL_* of
/// ck_gemm.h; -1: the CPU's best); every path gives identical results. Returns 0, or -1 when
/// a very wide row's scratch memory could not be allocated (y then partly unwritten).
int ck_maxpool2d(const ck_maxpool_params *p, const float *x, float *y, int level);

#ifdef __cplusplus
}
#endif
#endif
