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

/// Output rows [oy0, oy1) of one plane (p->planes is not read), on the calling thread, from
/// input rows row0… held at `rows` (row stride p->width): every input row those outputs'
/// windows reach must be there. Writes y + oy·out_width for each row, exactly as
/// ck_maxpool2d does. Returns 0, or -1 without scratch memory. (ck_conv_direct_maxpool
/// pools each band of convolution rows while it is in cache.)
int ck__maxpool_rows(const ck_maxpool_params *p, const float *rows, long row0, long oy0, long oy1, float *y,
                     int level);

#ifdef __cplusplus
}
#endif
#endif
