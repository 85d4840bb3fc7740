#ifndef CK_CONV_BLOCKED_H
#define CK_CONV_BLOCKED_H

#include "ck_gemm.h"

#ifdef __cplusplus
extern "C" {
#endif

/// Output channels per block of ck_conv_blocked (two AVX-512 vectors).
enum { CK_CONV_BLOCK = 32 };

/// Floats of ck_conv_blocked_pack's panels for m outputs of depth k (channels × kernel area).
long ck_conv_blocked_packed_count(long m, long k);

/// Packs row-major weights (m × k, as ONNX stores a convolution's) into blocks of
/// CK_CONV_BLOCK output channels, [m / 32][k][32], zero-padded past m.
void ck_conv_blocked_pack(long m, long k, const float *weights, float *packed);

/// Whether ck_conv_blocked runs this convolution: outputs at most 14 columns wide (the
/// small late feature maps, 13² and 7², where the im2col gemm's 32-column blocks go
/// mostly empty), stride 1 or 2, no fake quantization in the epilogue, on AVX-512.
int ck_conv_blocked_usable(long m, const ck_conv_source *source, const ck_epilogue *epilogue);

/// C (m planes of out_h·out_w, plane stride ldc; `batch` NULL for one image, else its count
/// images as ck_conv_gemm_batched takes them) = the convolution of source->x by the packed
/// weights, then the epilogue. A direct convolution with output channels in the vector
/// lanes: each task takes 32 channels of one output row, all its columns (up to 14) in
/// registers, every tap adding the broadcast input times the tap's two weight vectors.
/// The sums are those of ck_conv_gemm bit for bit (the same depth order and K blocks, one
/// product then fused multiply-adds, the blocks' sums added in turn, the same epilogue).
/// Returns 0, or -1 without scratch memory.
int ck_conv_blocked(long m, const float *packed, const ck_conv_source *source, const ck_batch *batch, float *c,
                    long ldc, const ck_epilogue *epilogue);

#ifdef __cplusplus
}
#endif
#endif
