// Shared between the packed gemm's driver (gemm.c), its micro-kernels (gemm_kernels.c,
// gemm_avx512.c), conv_pack.c (convolutions packed from the image) and the direct
// convolutions (conv_direct.c, conv_blocked.c): the blocking constants, the job a gemm runs
// as, the epilogue's scalar rule, the packing and padding entry points, scratch buffers.
#ifndef CK_GEMM_INTERNAL_H
#define CK_GEMM_INTERNAL_H

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "ck_gemm.h"
#include "scratch_internal.h"

#define MR CK_GEMM_MR
#define NR CK_GEMM_NR
#define KC_MAX 256

/// The depth of each K block of a gemm of depth k: k split evenly into blocks of at most
/// KC_MAX. Kernels that must give the gemm's sums bit for bit (conv_blocked.c) take theirs.
static inline long ck__gemm_kc(long k) {
  long blocks = (k + KC_MAX - 1) / KC_MAX;
  return (k + blocks - 1) / blocks;
}

/// A thread's scratch buffer grown to `floats` (scratch_internal.h).
static inline float *ck__grown(float **buffer, size_t *have, size_t floats) {
  return ck__scratch_grow(buffer, have, floats);
}

// The input of a convolution with its padding written out (zeros), so packing never tests
// bounds: column (oy, ox) of kernel row (c, ki, kj) of image i reads
// padded[i·image + c·plane + (oy·sh + ki·dh)·wp + ox·sw + kj·dw].
typedef struct {
  const float *x;
  long wp, plane, kernel_h, kernel_w, stride_w, dilation_w, row_step, out_w, stride_h;
  long image;  // floats between two images' padded inputs
} padded_t;

/// One block of C of at most (row panels × column panels) of the kernel family: `a` is the
/// first 6-row A panel (the next is `a_next` floats on), `b` the first 16-column B panel (the
/// next `b_next` on), `c` the block's origin. `rows` and `cols` say how much of it is live;
/// adds what C holds when `accumulate`; finishes with `ep` (already offset to the block).
typedef void (*block_fn)(long kc, const float *a, long a_next, const float *b, long b_next, float *c,
                         long ldc, long rows, long cols, int accumulate, const ck_epilogue *ep);

/// The same block reading B where it lies (row k of the block's columns at b + k·ldb), not
/// from packed panels: for gemms with so few rows of A that packing B would cost about as
/// much as multiplying it. Reads only the live columns.
typedef void (*direct_block_fn)(long kc, const float *a, long a_next, const float *b, long ldb, float *c, long ldc,
                                long rows, long cols, int accumulate, const ck_epilogue *ep);

struct gemm_job;

/// C = A·b for a job with one column (n = 1) and b read in place, over A's 6-row panels
/// [p0, p1); the same results as the family's blocks.
typedef void (*gemv_fn)(const struct gemm_job *j, long p0, long p1);

/// A kernel family: its block function and the block's size in 6-row and 16-column panels,
/// its direct-B block and its gemv (NULL when the family has none).
typedef struct {
  block_fn block;
  int row_panels, col_panels;
  direct_block_fn direct;
  gemv_fn gemv;
} kernel_family;

typedef struct gemm_job {
  long m, n, k, ldb, ldc, kc;
  long tile_rows, tile_cols, row_tiles;
  const float *packed_a, *b;
  const padded_t *source;  // when set, B is this convolution's im2col matrix
  float *c;
  const ck_epilogue *ep;
  kernel_family kern;
  // Images stacked as columns: column j is column j % image_cols of image j / image_cols,
  // whose B, C and residual start b_image, c_image and residual_image floats on.
  // image_cols is 0 for a plain gemm.
  long image_cols, b_image, c_image, residual_image;
  atomic_int *failed;  // set when a task could not get its panel buffer
  float *shared;       // narrow B packed once for all tasks (see run_narrow), or NULL
  int serial;          // runs on the calling thread alone (inside a pool task): no split for threads
  int direct;          // the kernels read B in place (kern.direct): nothing is packed
} gemm_job;

/// Runs a gemm job on the pool (tiles, packing, kernels); 0, or -1 without scratch memory.
int ck__run_gemm(gemm_job job);

/// Packs rows [pc, pc + kc) and columns [c0, c0 + cols) of a convolution's implicit im2col
/// matrix (images stacked as columns, `image_cols` each) into 16-column panels (as gemm.c
/// packs B).
void ck__pack_conv(long kc, long pc, long c0, long cols, long image_cols, const padded_t *v, float *dst);

/// Input plane c of s's images (image c / channels, images x_stride floats apart) into
/// `padded` + c·hp·wp as hp rows of wp: the rows and columns a convolution's windows reach,
/// zeros where they fall in the padding.
void ck__pad_plane(const ck_conv_source *s, long x_stride, float *padded, long hp, long wp, long c);

/// The kernel families: portable C, AVX2/FMA (x86-64 only), AVX-512 (x86-64 only).
kernel_family ck__family_portable(void);
kernel_family ck__family_avx2(void);
kernel_family ck__family_avx512(void);

// The same rounding as the Swift engine's fakeQuantize: round half to even, saturate.
static inline float ck__fake_quant(float y, const ck_epilogue *ep) {
  float v = y / ep->fq_scale;
  v = v > -4194304.0f ? v : -4194304.0f;
  v = v < 4194304.0f ? v : 4194304.0f;
  v = nearbyintf(v) + ep->fq_zero;
  v = v > ep->fq_lo ? v : ep->fq_lo;
  v = v < ep->fq_hi ? v : ep->fq_hi;
  return (v - ep->fq_zero) * ep->fq_scale;
}

/// The epilogue on element (r, t) of a tile whose bias and residual `ep` points at.
static inline float ck__finish(float y, long r, long t, const ck_epilogue *ep) {
  if (ep->bias) y += ep->bias[r];
  if (ep->residual) y += ep->residual[r * ep->residual_ld + t];
  if (ep->activation == CK_ACT_RELU) y = y > 0 ? y : 0;
  if (ep->activation == CK_ACT_CLIP) {
    y = y > ep->clip_lo ? y : ep->clip_lo;
    y = y < ep->clip_hi ? y : ep->clip_hi;
  }
  if (ep->fake_quant) y = ck__fake_quant(y, ep);
  return y;
}

#endif
