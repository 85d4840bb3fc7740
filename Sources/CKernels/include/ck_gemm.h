#ifndef CK_GEMM_H
#define CK_GEMM_H

#ifdef __cplusplus
extern "C" {
#endif

/// Rows of A and columns of B one micro-kernel call computes.
enum { CK_GEMM_MR = 6, CK_GEMM_NR = 16 };

enum { CK_ACT_NONE = 0, CK_ACT_RELU = 1, CK_ACT_CLIP = 2 };

/// What is applied to each finished element of C, in this order: + bias[row],
/// + residual[row, col], the activation, then fake quantization
/// y = (clamp(round_half_even(y / s) + z, q_lo, q_hi) - z) * s.
typedef struct {
  const float *bias;      // [m] or NULL
  const float *residual;  // same shape as C, row stride residual_ld, or NULL
  long residual_ld;
  int activation;         // CK_ACT_*
  float clip_lo, clip_hi;
  int fake_quant;         // 0 or 1
  float fq_scale, fq_zero, fq_lo, fq_hi;
} ck_epilogue;

/// Floats needed to pack an m×k matrix A for ck_gemm.
long ck_gemm_packed_a_count(long m, long k);

/// Packs row-major A (m×k, row stride lda) into panels of CK_GEMM_MR rows, zero-padded.
void ck_gemm_pack_a(long m, long k, const float *a, long lda, float *packed);

/// The same panels from Aᵀ as stored: row-major k×m (row stride ldat), as a Linear layer's
/// [inputs, outputs] weights are, so they need no transposed copy first.
void ck_gemm_pack_a_transposed(long m, long k, const float *at, long ldat, float *packed);

/// C (m×n, row stride ldc) = packed A · B (k×n, row stride ldb), then the epilogue (may be
/// NULL). Runs on ck_parallel_for's pool. Uses AVX2/FMA when the CPU has them. Returns 0,
/// or -1 when scratch memory could not be had (C is then incomplete).
int ck_gemm(long m, long n, long k, const float *packed_a, const float *b, long ldb, float *c,
             long ldc, const ck_epilogue *epilogue);

/// One image (or one group of its channels) seen as the im2col matrix of a convolution:
/// row (c, ki, kj), column (oy, ox). ck_conv_gemm packs from it directly, so the unfolded
/// matrix (kernel_h × kernel_w times the input) is never written out.
typedef struct {
  const float *x;  // channels × height × width
  long channels, height, width;
  long kernel_h, kernel_w, stride_h, stride_w, pad_top, pad_left, dilation_h, dilation_w;
  long out_h, out_w;
} ck_conv_source;

/// C (m × out_h·out_w, row stride ldc) = packed A (m × channels·kernel_h·kernel_w) · im2col(x),
/// then the epilogue (may be NULL). Returns 0, or -1 when memory for the padded input or
/// the panels could not be had.
int ck_conv_gemm(long m, const float *packed_a, const ck_conv_source *source, float *c, long ldc,
                  const ck_epilogue *epilogue);

/// Images stacked as the columns of one gemm (batch-N inference): image i's B, C and
/// residual start i·x_stride, i·c_stride and i·residual_stride floats after image 0's.
typedef struct {
  long count;
  long x_stride, c_stride, residual_stride;
} ck_batch;

/// ck_gemm over `batch->count` images at once: C_i = packed A · B_i (each k×n), as one gemm
/// of n·count columns, so small feature maps fill whole panels and the pool syncs once.
int ck_gemm_batched(long m, long n, long k, const float *packed_a, const ck_batch *batch, const float *b, long ldb,
                    float *c, long ldc, const ck_epilogue *epilogue);

/// ck_conv_gemm over `batch->count` images at once (x_stride: floats between the images'
/// inputs), as one gemm whose columns are all the images' output positions.
int ck_conv_gemm_batched(long m, const float *packed_a, const ck_conv_source *source, const ck_batch *batch,
                         float *c, long ldc, const ck_epilogue *epilogue);

/// The micro-kernel families, by instruction set.
enum { CK_LEVEL_PORTABLE = 0, CK_LEVEL_AVX2 = 1, CK_LEVEL_AVX512 = 2 };

/// Caps the kernel family at `level` (CK_LEVEL_*), or lets the CPU check decide (-1); for
/// tests and measurements. A level the CPU lacks is never used.
void ck_gemm_force_level(int level);

/// Forces the portable kernel (1) or lets the CPU check decide (0); for tests.
void ck_gemm_force_portable(int portable);

/// The best kernel family this CPU runs (CK_LEVEL_*), capped by the environment variable
/// TABBY_GEMM_LEVEL (0, 1 or 2) when it is set.
int ck_gemm_cpu_level(void);

/// The kernel family ck_gemm uses now (the CPU's, or lower when forced).
int ck_gemm_level(void);

/// The kernel family a kernel runs when asked for `level` (CK_LEVEL_*, or -1 for the
/// CPU's best): the request, capped at what this CPU runs (ck_gemm_cpu_level). The kernels
/// with a `level` argument for tests take it through here, so none runs a family the CPU lacks.
int ck_level_capped(int level);

/// Whether ck_gemm uses AVX2/FMA (or better) on this CPU now.
int ck_gemm_uses_avx2(void);

/// The tiles (rows and columns of C) ck_gemm splits an m×n×k product into on `threads`
/// threads, each tile one task (0 × 0 for an empty product); for tests and measurements.
void ck_gemm_tiles(long m, long n, long k, int threads, long *tile_rows, long *tile_cols);

#ifdef __cplusplus
}
#endif
#endif
