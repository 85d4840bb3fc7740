#ifndef CK_TRANSPOSE_H
#define CK_TRANSPOSE_H

#ifdef __cplusplus
extern "C" {
#endif

/// `batch` row-major rows × cols matrices of src into cols × rows ones in dst (not
/// overlapping src): dst[b][c][r] = src[b][r][c]. 8 × 8 blocks transposed in AVX2
/// registers (unpack, shuffle, lane permute) where the CPU has it, the edges and other CPUs
/// element by element; bands of rows split over the pool's threads. A pure copy, so every
/// path gives the same bits. `level` caps the path (CK_LEVEL_* of ck_gemm.h; -1: the CPU's best).
void ck_transpose(const float *src, long batch, long rows, long cols, float *dst, int level);

#ifdef __cplusplus
}
#endif
#endif
