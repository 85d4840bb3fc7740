// Shared between gemm.c (the packed gemm) and conv_pack.c (convolutions packed from the
// image): the blocking constants, the job a gemm runs as, and the packing entry points.
#ifndef CK_GEMM_INTERNAL_H
#define CK_GEMM_INTERNAL_H

#include <stdatomic.h>

#include "ck_gemm.h"

#define MR CK_GEMM_MR
#define NR CK_GEMM_NR
#define KC_MAX 256

// The input of a convolution with its padding written out (zeros), so packing never tests
// bounds: column (oy, ox) of kernel row (c, ki, kj) reads
// padded[c·plane + (oy·sh + ki·dh)·wp + ox·sw + kj·dw].
typedef struct {
  const float *x;
  long wp, plane, kernel_h, kernel_w, stride_w, dilation_w, row_step, out_w, stride_h;
} padded_t;

typedef void (*kernel_fn)(long, const float *, const float *, float *, long, int,
                          const ck_epilogue *);

typedef struct {
  long m, n, k, ldb, ldc, kc;
  long tile_rows, tile_cols, row_tiles;
  const float *packed_a, *b;
  const padded_t *source;  // when set, B is this convolution's im2col matrix
  float *c;
  const ck_epilogue *ep;
  kernel_fn kernel, narrow;  // narrow: for tiles of at most NR / 2 columns, or NULL
  atomic_int *failed;        // set when a task could not get its panel buffer
  float *shared;             // narrow B packed once for all tasks (see run_gemm), or NULL
} gemm_job;

/// Runs a gemm job on the pool (tiles, packing, kernels); 0, or -1 without scratch memory.
int ck__run_gemm(gemm_job job);

/// Packs rows [pc, pc + kc) and columns [c0, c0 + cols) of a convolution's implicit im2col
/// matrix into 16-column panels (as gemm.c packs B).
void ck__pack_conv(long kc, long pc, long c0, long cols, const padded_t *v, float *dst);

#endif
