#ifndef CK_CONV_DIRECT_H
#define CK_CONV_DIRECT_H

#include "ck_gemm.h"
#include "ck_pool.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Whether ck_conv_direct runs this convolution: a network's first layer (few input
/// channels, no dilation), an epilogue of bias and ReLU/Clip only (no residual, no fake
/// quantization), on a CPU with AVX-512 (the portable path, for tests and other CPUs'
/// fallback, is far slower than the gemm).
int ck_conv_direct_usable(long m, const ck_conv_source *source, const ck_epilogue *epilogue);

/// C (m planes of out_h·out_w, plane stride ldc) = the convolution of source->x by `weights`
/// (m × channels × kernel_h × kernel_w, as ONNX stores them), then the epilogue's bias and
/// activation. Vectorised over output columns, four output channels at a time sharing each
/// input load, from a zero-padded copy of the input whose columns are split by stride phase
/// (so every tap reads contiguous vectors). Rows split over the pool's threads. `level` caps
/// the code path (CK_LEVEL_*; -1: the CPU's best; below AVX-512: the portable C). Returns 0,
/// or -1 without scratch memory.
int ck_conv_direct(long m, const float *weights, const ck_conv_source *source, float *c, long ldc,
                   const ck_epilogue *epilogue, int level);

/// ck_conv_direct followed by a 2-D max pooling of its output, computed band by band so the
/// convolution's output is only ever held a few rows and four channels at a time: y (m
/// planes of pool->out_height·out_width) equals ck_maxpool2d of ck_conv_direct's C, bit for
/// bit. pool->height and width must be the convolution's out_h and out_w (else -1);
/// pool->planes is not read. Returns 0, or -1 without scratch memory.
int ck_conv_direct_maxpool(long m, const float *weights, const ck_conv_source *source,
                           const ck_epilogue *epilogue, const ck_maxpool_params *pool, float *y, int level);

#ifdef __cplusplus
}
#endif
#endif
